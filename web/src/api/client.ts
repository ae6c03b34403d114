// The storefront's one way to the API: openapi-fetch over the types generated from
// openapi.json (schema.d.ts, `npm run gen:api`), so a path, a parameter or a body the
// contract does not have fails `tsc --noEmit`. On top of it, what the shop needs of every
// call: the bearer token with one silent refresh, the guest cart's token, and problem+json
// errors thrown as ApiError (callers use promises that resolve to the data).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Tokens = Schemas["TokenOut"];

// An RFC 9457 problem as the API sends it; validation problems list their fields.
export interface Problem {
  type?: string;
  title?: string;
  detail?: string;
  errors?: { field?: string; message?: string }[];
  [extension: string]: unknown;
}

const TOKENS = "garderobe.tokens";
const CART = "garderobe.cart";

export class ApiError extends Error {
  status: number;
  problem: Problem;
  // Validation problems list their fields: {field, message}. Keyed by the last segment.
  fields: Record<string, string | undefined> = {};
  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    for (const e of problem.errors || []) {
      const name = String(e.field || "").split(".").pop() ?? "";
      this.fields[name] = e.message;
    }
  }
}

type AuthListener = (tokens: Tokens | null) => void;
const listeners = new Set<AuthListener>();
export const onAuthChange = (fn: AuthListener) => (listeners.add(fn), () => void listeners.delete(fn));

export function tokens(): Tokens | null {
  try {
    return JSON.parse(localStorage.getItem(TOKENS) ?? "null") as Tokens | null;
  } catch {
    return null;
  }
}
export function setTokens(value: Tokens | null): void {
  if (value) localStorage.setItem(TOKENS, JSON.stringify(value));
  else localStorage.removeItem(TOKENS);
  listeners.forEach((fn) => fn(value));
}
export const cartToken = () => localStorage.getItem(CART);
export const setCartToken = (t: string | null) => (t ? localStorage.setItem(CART, t) : localStorage.removeItem(CART));

// The refresh goes out bare (no middleware): it must not carry the expired access token.
const bare = createClient<paths>();
let refreshing: Promise<boolean> | null = null;
function refresh(): Promise<boolean> {
  const current = tokens();
  if (!current?.refresh_token) return Promise.resolve(false);
  // One refresh at a time: parallel 401s wait for the same one.
  refreshing ??= bare
    .POST("/api/v1/auth/refresh", { body: { refresh_token: current.refresh_token } })
    .then(({ data }) => (setTokens(data ?? null), Boolean(data)))
    .finally(() => (refreshing = null));
  return refreshing;
}

// A 401 with a refresh token: refresh once and send the request again with the new token.
// The body is read into bytes first, so that it can be sent twice; a clone() would send it as
// a stream, which the browser (and its devtools) treat as a streamed upload.
async function fetchWithRefresh(request: Request): Promise<Response> {
  const body = request.body ? await request.arrayBuffer() : undefined;
  const send = () => fetch(new Request(request, { body }));
  const response = await send();
  if (response.status !== 401 || !request.headers.has("Authorization") || !(await refresh())) return response;
  request.headers.set("Authorization", `Bearer ${tokens()?.access_token}`);
  return send();
}

const credentials: Middleware = {
  onRequest({ request }) {
    request.headers.set("Accept", "application/json");
    const t = tokens();
    if (t?.access_token) request.headers.set("Authorization", `Bearer ${t.access_token}`);
    const cart = cartToken();
    if (cart && !request.headers.has("X-Cart-Token")) request.headers.set("X-Cart-Token", cart);
    return request;
  },
};

export const client = createClient<paths>({ fetch: fetchWithRefresh });
client.use(credentials);

// openapi-fetch answers {data} or {error}; the pages want the data or a thrown ApiError.
// A body that is not JSON (a proxy's error page) becomes a problem titled by the status.
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok) return data as T;
  const problem = typeof error === "object" && error !== null ? (error as Problem) : { title: response.statusText };
  throw new ApiError(response.status, problem);
}
