import { useEffect, useRef, useState } from "react";
import { client, ok } from "../api/client.ts";
import { ErrorMessage, Loading, useApi } from "../components.tsx";
import { money } from "../money.ts";
import { Link, navigate } from "../router.tsx";
import type { PageProps } from "./props.ts";

export function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  const [suggestions, setSuggestions] = useState<string[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => setQ(initial), [initial]);
  const type = (value: string) => {
    setQ(value);
    clearTimeout(timer.current);
    if (value.trim().length < 2) return setSuggestions([]);
    // Asked 150 ms after the last key, not on every one.
    timer.current = setTimeout(() => {
      ok(client.GET("/api/v1/search/suggest", { params: { query: { q: value, limit: 6 } } })).then(setSuggestions, () =>
        setSuggestions([]),
      );
    }, 150);
  };
  const go = (value: string) => {
    setSuggestions([]);
    if (value.trim()) navigate(`/search?q=${encodeURIComponent(value.trim())}`);
  };
  return (
    <form role="search" className="search" onSubmit={(e) => (e.preventDefault(), go(q))}>
      <label htmlFor="search-q" className="visually-hidden">Search</label>
      <input
        id="search-q"
        type="search"
        placeholder="Search"
        value={q}
        autoComplete="off"
        onChange={(e) => type(e.target.value)}
      />
      <ul className="suggestions" id="search-suggestions-list">
        {suggestions.map((s) => (
          <li key={s}>
            <button type="button" onClick={() => (setQ(s), go(s))}>{s}</button>
          </li>
        ))}
      </ul>
      <button type="submit">Search</button>
    </form>
  );
}

export function SearchPage({ query }: PageProps) {
  const q = query.get("q") || "";
  const { data, error, loading } = useApi(() => ok(client.GET("/api/v1/search", { params: { query: { q, limit: 24 } } })), [q]);
  return (
    <section>
      <h1>Results for “{q}”</h1>
      <ErrorMessage error={error} />
      {loading && <Loading />}
      {data && !data.items.length && <p className="empty">Nothing found for “{q}”.</p>}
      {data && (
        <ul className="results" data-testid="results">
          {data.items.map((item) => (
            <li key={item.id}>
              <Link to={`/items/${item.id}`}>{item.title}</Link> <span className="price">{money(item.price.amount, item.price.currency)}</span>
              {/* The API escapes everything but its <mark> tags (see SearchItem.snippet). */}
              <p className="snippet" dangerouslySetInnerHTML={{ __html: item.snippet }} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
