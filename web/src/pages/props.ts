// What the router hands every page: the path's parameter (a slug or an id) and the query.
export interface PageProps {
  param?: string;
  query: URLSearchParams;
}
