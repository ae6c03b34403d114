import { useEffect, useRef, useState } from "react";
import { api, money } from "../api.js";
import { ErrorMessage, Loading, useApi } from "../components.jsx";
import { Link, navigate } from "../router.jsx";

export function SearchBox({ initial }) {
  const [q, setQ] = useState(initial);
  const [suggestions, setSuggestions] = useState([]);
  const timer = useRef();
  useEffect(() => setQ(initial), [initial]);
  const type = (value) => {
    setQ(value);
    clearTimeout(timer.current);
    if (value.trim().length < 2) return setSuggestions([]);
    // Asked 150 ms after the last key, not on every one.
    timer.current = setTimeout(() => {
      api(`/search/suggest?q=${encodeURIComponent(value)}&limit=6`).then(setSuggestions, () => setSuggestions([]));
    }, 150);
  };
  const go = (value) => {
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

export function SearchPage({ query }) {
  const q = query.get("q") || "";
  const { data, error, loading } = useApi(() => api(`/search?q=${encodeURIComponent(q)}&limit=24`), [q]);
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
