import { useEffect, useState } from "react";
import { ApiError } from "./api.js";
import { Link } from "./router.jsx";
import { priceText } from "./variants.js";

export function thumbnail(image, width = "400") {
  if (!image) return null;
  return image.urls[width] || image.urls["200"] || image.urls.original;
}

export function ItemCard({ item }) {
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
          item.sizes_in_stock?.length > 0 && (
            <span className="card-sizes" aria-label="Sizes in stock">{item.sizes_in_stock.join(" · ")}</span>
          )
        )}
      </Link>
    </li>
  );
}

export function ItemGrid({ items, empty = "Nothing here yet." }) {
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
export function ErrorMessage({ error }) {
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

export function Field({ label, name, error, ...input }) {
  const id = `field-${name}`;
  const message = error?.fields?.[name];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={message ? "true" : undefined} {...input} />
      {message && <span className="field-error">{message}</span>}
    </div>
  );
}

export function useApi(load, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
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
