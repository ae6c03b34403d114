import { useEffect, useState, type FormEvent } from "react";
import { ApiError, client, ok, tokens, type Schemas } from "../api/client.ts";
import type { paths } from "../api/schema";
import { ErrorMessage, ItemGrid, Loading, useApi } from "../components.tsx";
import { money } from "../money.ts";
import { Link, navigate } from "../router.tsx";
import { DIMENSIONS, dimensionsFor, unitOf } from "../sizes.ts";
import { colourName, swatch } from "../variants.ts";
import type { PageProps } from "./props.ts";

type ItemsQuery = NonNullable<paths["/api/v1/items"]["get"]["parameters"]["query"]>;
type Facets = Schemas["Facets"];
// Changes the listing's URL query (the filters live there).
type Update = (change: (q: URLSearchParams) => void) => void;

const FACETS = ["brand", "size", "colour", "condition", "material", "pattern"] as const satisfies readonly (keyof ItemsQuery)[];
// The listing's other URL parameters the API takes as they are (the dimensions are DIMENSIONS').
const PASSED = ["bust", "chest", "waist", "hips", "height", "inseam", "foot_length", "price_min", "price_max", "in_stock", "sort"] as const satisfies readonly (keyof ItemsQuery)[];
const SORTS: Record<string, string> = { newest: "Newest", price_asc: "Price: low to high", price_desc: "Price: high to low" };
const PAGE = 24;

export function Home() {
  const { data, error, loading } = useApi(() => ok(client.GET("/api/v1/items", { params: { query: { sort: "newest", limit: 12 } } })), []);
  return (
    <section>
      <h1>New in</h1>
      <ErrorMessage error={error} />
      {loading ? <Loading /> : data && <ItemGrid items={data.items} empty="No items yet." />}
    </section>
  );
}

// The listing's filters live in the URL: a filtered page can be shared and reloaded. `fits=me`
// is sent signed in only (a guest who opens such a URL is asked to log in or give measures).
// The names are checked against the contract; the values stay the URL's strings, sent as they
// are (a wrong one gets the API's 422): repeated facets as lists, the others the last given.
function apiQuery(category: string, query: URLSearchParams, cursor?: string | null): ItemsQuery {
  const q: { [name in keyof ItemsQuery]?: unknown } = { category, facets: true, limit: PAGE };
  for (const name of FACETS) if (query.has(name)) q[name] = query.getAll(name);
  for (const name of PASSED) if (query.has(name)) q[name] = query.getAll(name).pop();
  if (query.get("fits") === "me" && tokens()) q.fits = "me";
  if (cursor) q.cursor = cursor;
  return q as ItemsQuery;
}

const listItems = (query: ItemsQuery) => ok(client.GET("/api/v1/items", { params: { query } }));

export function Listing({ param: category = "", query }: PageProps) {
  const key = query.toString();
  const [page, setPage] = useState<{ items: Schemas["ItemOut"][]; next: string | null; facets: Facets | null }>({
    items: [],
    next: null,
    facets: null,
  });
  const [state, setState] = useState<{ loading: boolean; error: unknown }>({ loading: true, error: null });
  const [title, setTitle] = useState(category);
  const [garment, setGarment] = useState<string | null>(null);

  useEffect(() => {
    ok(client.GET("/api/v1/categories/{slug}", { params: { path: { slug: category } } })).then((c) => (setTitle(c.name), setGarment(c.garment ?? null)), () => {});
  }, [category]);

  useEffect(() => {
    let live = true;
    setState({ loading: true, error: null });
    listItems(apiQuery(category, query)).then(
      (data) => {
        if (!live) return;
        setPage({ items: data.items, next: data.next_cursor, facets: data.facets ?? null });
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
      const data = await listItems(apiQuery(category, query, page.next));
      setPage((p) => ({ ...p, items: [...p.items, ...data.items], next: data.next_cursor }));
      setState({ loading: false, error: null });
    } catch (error) {
      setState({ loading: false, error });
    }
  };

  const update: Update = (change) => {
    const next = new URLSearchParams(query);
    change(next);
    navigate(`/c/${category}?${next}`, { replace: true });
  };

  return (
    <section className="listing">
      <h1>{title}</h1>
      <div className="listing-body">
        <Filters facets={page.facets} query={query} update={update} busy={state.loading} garment={garment} />
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
          {noSavedSizes(state.error) ? (
            <p className="hint" role="status">
              "Fits me" needs your sizes: <Link to="/account/sizes">save them on My sizes</Link>.
            </p>
          ) : (
            <ErrorMessage error={state.error} />
          )}
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

const noSavedSizes = (error: unknown) =>
  error instanceof ApiError && String(error.problem.type || "").endsWith("/no-saved-sizes");

interface FilterProps {
  query: URLSearchParams;
  update: Update;
}

function Filters({ facets, query, update, busy, garment }: FilterProps & { facets: Facets | null; busy: boolean; garment: string | null }) {
  if (!facets) return <aside className="filters" />;
  const toggle = (name: string, value: string, on: boolean) =>
    update((q) => {
      const values = q.getAll(name).filter((v) => v !== value);
      q.delete(name);
      for (const v of on ? [...values, value] : values) q.append(name, v);
    });
  return (
    // Kept on screen (dimmed) while a new page loads, so the layout does not jump.
    <aside className={`filters${busy ? " busy" : ""}`} aria-busy={busy}>
      <InStockSwitch query={query} update={update} />
      <FitsMeSwitch query={query} update={update} garment={garment} />
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
function InStockSwitch({ query, update }: FilterProps) {
  const on = query.get("in_stock") === "true";
  const flip = (checked: boolean) => update((q) => (checked ? q.set("in_stock", "true") : q.delete("in_stock")));
  return (
    <label className="switch">
      <input type="checkbox" role="switch" checked={on} aria-checked={on} onChange={(e) => flip(e.target.checked)} />
      In stock only
    </label>
  );
}

// Signed in, "Fits me" is `fits=me` (the saved sizes); a guest is asked to log in or to give
// the measures the category's charts are read on, sent as query parameters.
function FitsMeSwitch({ query, update, garment }: FilterProps & { garment: string | null }) {
  const signedIn = Boolean(tokens());
  const dimensions = dimensionsFor(garment);
  const given = Object.keys(DIMENSIONS).some((d) => query.has(d));
  const [asking, setAsking] = useState(false);
  const on = signedIn ? query.get("fits") === "me" : given || asking || query.get("fits") === "me";
  const clear = (q: URLSearchParams) => (q.delete("fits"), Object.keys(DIMENSIONS).forEach((d) => q.delete(d)));
  const flip = (checked: boolean) => {
    if (signedIn) update((q) => (checked ? q.set("fits", "me") : q.delete("fits")));
    else if (checked) setAsking(true);
    else (setAsking(false), update(clear));
  };
  return (
    <div className="fits-me">
      <label className="switch">
        <input type="checkbox" role="switch" checked={on} aria-checked={on} onChange={(e) => flip(e.target.checked)} />
        Fits me
      </label>
      {on && !signedIn && <Measures key={query.toString()} dimensions={dimensions} query={query} update={update} />}
    </div>
  );
}

function Measures({ dimensions, query, update }: FilterProps & { dimensions: string[] }) {
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(dimensions.map((d) => [d, query.get(d) || ""])),
  );
  const apply = (e: FormEvent) => {
    e.preventDefault();
    update((q) => {
      q.delete("fits");
      for (const d of dimensions) (values[d] ? q.set(d, values[d]) : q.delete(d));
    });
  };
  return (
    <form className="measures" onSubmit={apply}>
      <p className="hint">
        <Link to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`}>Log in</Link> to use your saved sizes, or give your measurements:
      </p>
      {dimensions.map((d) => (
        <label key={d}>
          {DIMENSIONS[d]} ({unitOf(d)}){" "}
          <input type="number" min="0" step="any" value={values[d]} onChange={(e) => setValues({ ...values, [d]: e.target.value })} />
        </label>
      ))}
      <button type="submit">Show what fits</button>
    </form>
  );
}

function PriceRange({ facets, query, update }: FilterProps & { facets: Facets }) {
  const toMajor = (v: string | null) => (v ? String(Number(v) / 100) : "");
  const [min, setMin] = useState(toMajor(query.get("price_min")));
  const [max, setMax] = useState(toMajor(query.get("price_max")));
  const apply = (e: FormEvent) => {
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
