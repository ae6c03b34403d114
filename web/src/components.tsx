import { useEffect, useState, type DependencyList, type InputHTMLAttributes } from "react";
import { ApiError, type Schemas } from "./api/client.ts";
import { Link } from "./router.tsx";
import { priceText } from "./variants.ts";

// A listing's card shows an item as the listing sends it (ItemPage.items).
export type CardItem = Schemas["ItemOut"];
type Image = Schemas["ImageOut"];

export function thumbnail(image: Image | undefined, width = "400"): string | undefined {
  if (!image) return undefined;
  const urls = image.urls ?? {};
  return urls[width] || urls["200"] || urls.original;
}

export function ItemCard({ item }: { item: CardItem }) {
  const image = item.images?.[0];
  return (
    <li className="card">
      <Link to={`/items/${item.id}`}>
        <div className="card-image">
          {image ? (
            <img src={thumbnail(image)} alt={image.alt || item.title} loading="lazy" width="200" height="250" />
          ) : (
            <span className="no-image">No picture</span>
          )}
        </div>
        <span className="card-title">{item.title}</span>
        <span className="price">{priceText(item)}</span>
        {item.availability === "sold_out" ? (
          <span className="card-sizes sold-out">Sold out</span>
        ) : (
          item.sizes_in_stock?.length ? (
            <span className="card-sizes" aria-label="Sizes in stock">{item.sizes_in_stock.join(" · ")}</span>
          ) : null
        )}
      </Link>
    </li>
  );
}

export function ItemGrid({ items, empty = "Nothing here yet." }: { items: CardItem[]; empty?: string }) {
  if (!items.length) return <p className="empty">{empty}</p>;
  return (
    <ul className="grid" data-testid="items">
      {items.map((item) => (
        <ItemCard key={item.id} item={item} />
      ))}
    </ul>
  );
}

// A problem+json error as a sentence a shopper can read (fields are shown by their inputs).
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? error.problem.detail || error.problem.title
      : "The shop cannot be reached. Check your connection and try again.";
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; name: string; error?: unknown };

export function Field({ label, name, error, ...input }: FieldProps) {
  const id = `field-${name}`;
  const message = error instanceof ApiError ? error.fields[name] : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={message ? "true" : undefined} {...input} />
      {message && <span className="field-error">{message}</span>}
    </div>
  );
}

export interface Loaded<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
}

export function useApi<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null, loading: true });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load()
      .then((data) => live && setState({ data, error: null, loading: false }))
      .catch((error) => live && setState({ data: null, error, loading: false }));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

export const Loading = () => <p className="loading" aria-live="polite">Loading…</p>;
