import { useEffect, useState } from "react";
import { api, money } from "../api.js";
import { ErrorMessage, ItemGrid, Loading, useApi } from "../components.jsx";
import { navigate } from "../router.jsx";
import { colourName, swatch } from "../variants.js";

const FACETS = ["brand", "size", "colour", "condition", "material", "pattern"];
const SORTS = { newest: "Newest", price_asc: "Price: low to high", price_desc: "Price: high to low" };
const PAGE = 24;

export function Home() {
  const { data, error, loading } = useApi(() => api(`/items?sort=newest&limit=12`), []);
  return (
    <section>
      <h1>New in</h1>
      <ErrorMessage error={error} />
      {loading ? <Loading /> : data && <ItemGrid items={data.items} empty="No items yet." />}
    </section>
  );
}

// The listing's filters live in the URL: a filtered page can be shared and reloaded.
function apiQuery(category, query, cursor) {
  const q = new URLSearchParams({ category, facets: "true", limit: String(PAGE) });
  for (const name of [...FACETS, "price_min", "price_max", "in_stock", "sort"]) {
    for (const value of query.getAll(name)) q.append(name, value);
  }
  if (cursor) q.set("cursor", cursor);
  return q;
}

export function Listing({ param: category, query }) {
  const key = query.toString();
  const [page, setPage] = useState({ items: [], next: null, facets: null });
  const [state, setState] = useState({ loading: true, error: null });
  const [title, setTitle] = useState(category);

  useEffect(() => {
    api(`/categories/${category}`).then((c) => setTitle(c.name), () => {});
  }, [category]);

  useEffect(() => {
    let live = true;
    setState({ loading: true, error: null });
    api(`/items?${apiQuery(category, query)}`).then(
      (data) => {
        if (!live) return;
        setPage({ items: data.items, next: data.next_cursor, facets: data.facets });
        setState({ loading: false, error: null });
      },
      (error) => live && setState({ loading: false, error }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [category, key]);

  const more = async () => {
    setState({ loading: true, error: null });
    try {
      const data = await api(`/items?${apiQuery(category, query, page.next)}`);
      setPage((p) => ({ ...p, items: [...p.items, ...data.items], next: data.next_cursor }));
      setState({ loading: false, error: null });
    } catch (error) {
      setState({ loading: false, error });
    }
  };

  const update = (change) => {
    const next = new URLSearchParams(query);
    change(next);
    navigate(`/c/${category}?${next}`, { replace: true });
  };

  return (
    <section className="listing">
      <h1>{title}</h1>
      <div className="listing-body">
        <Filters facets={page.facets} query={query} update={update} busy={state.loading} />
        <div>
          <label className="sort">
            Sort{" "}
            <select
              value={query.get("sort") || "newest"}
              onChange={(e) => update((q) => q.set("sort", e.target.value))}
            >
              {Object.entries(SORTS).map(([value, label]) => (
                <option key={value} value={value}>{label}</option>
              ))}
            </select>
          </label>
          <ErrorMessage error={state.error} />
          {state.loading && !page.facets ? <Loading /> : <ItemGrid items={page.items} empty="No items match these filters." />}
          {page.next && (
            <button type="button" onClick={more} disabled={state.loading}>
              {state.loading ? "Loading…" : "Load more"}
            </button>
          )}
        </div>
      </div>
    </section>
  );
}

function Filters({ facets, query, update, busy }) {
  if (!facets) return <aside className="filters" />;
  const toggle = (name, value, on) =>
    update((q) => {
      const values = q.getAll(name).filter((v) => v !== value);
      q.delete(name);
      for (const v of on ? [...values, value] : values) q.append(name, v);
    });
  return (
    // Kept on screen (dimmed) while a new page loads, so the layout does not jump.
    <aside className={`filters${busy ? " busy" : ""}`} aria-busy={busy}>
      <InStockSwitch query={query} update={update} />
      {FACETS.filter((name) => facets.fields[name]?.length).map((name) => (
        <fieldset key={name} data-facet={name}>
          <legend>{name}</legend>
          {/* In the facet's order: sizes come in scale order, each with its label. */}
          {facets.fields[name].map(({ value, count, label }) => {
            const v = String(value);
            return (
              <label key={v} className="facet">
                <input
                  type="checkbox"
                  checked={query.getAll(name).includes(v)}
                  onChange={(e) => toggle(name, v, e.target.checked)}
                />
                {name === "colour" && <span className="dot" style={{ background: swatch(v) }} aria-hidden="true" />}
                {label ?? (name === "colour" ? colourName(v) : v)} <span className="count">({count})</span>
              </label>
            );
          })}
        </fieldset>
      ))}
      <PriceRange facets={facets} query={query} update={update} />
    </aside>
  );
}

// Sold-out items stay listed (shown sold out) unless the shopper asks for what is in stock.
function InStockSwitch({ query, update }) {
  const on = query.get("in_stock") === "true";
  const flip = (checked) => update((q) => (checked ? q.set("in_stock", "true") : q.delete("in_stock")));
  return (
    <label className="switch">
      <input type="checkbox" role="switch" checked={on} aria-checked={on} onChange={(e) => flip(e.target.checked)} />
      In stock only
    </label>
  );
}

function PriceRange({ facets, query, update }) {
  const toMajor = (v) => (v ? String(Number(v) / 100) : "");
  const [min, setMin] = useState(toMajor(query.get("price_min")));
  const [max, setMax] = useState(toMajor(query.get("price_max")));
  const apply = (e) => {
    e.preventDefault();
    update((q) => {
      for (const [name, value] of [["price_min", min], ["price_max", max]]) {
        if (value === "") q.delete(name);
        else q.set(name, String(Math.round(Number(value) * 100)));
      }
    });
  };
  const { min: low, max: high } = facets.price || {};
  return (
    <form className="price" onSubmit={apply}>
      <fieldset>
        <legend>Price {low != null && <span className="count">({money(low)} – {money(high)})</span>}</legend>
        <label>From <input type="number" min="0" step="0.01" value={min} onChange={(e) => setMin(e.target.value)} /></label>
        <label>To <input type="number" min="0" step="0.01" value={max} onChange={(e) => setMax(e.target.value)} /></label>
        <button type="submit">Apply</button>
      </fieldset>
    </form>
  );
}
