import { useEffect, useState } from "react";
import { client, ok, setCartToken, tokens, type Schemas } from "../api/client.ts";
import { ErrorMessage, Loading, thumbnail, useApi } from "../components.tsx";
import { money } from "../money.ts";
import { Link } from "../router.tsx";
import { chartKindsFor } from "../sizes.ts";
import {
  AVAILABILITY,
  chosenVariant,
  firstChoice,
  priceText,
  sizeAvailable,
  sizeKey,
  type Choice,
  variantsOf,
} from "../variants.ts";
import { FitAdvice, SizeGuide } from "./fit.tsx";
import { VariantPickers } from "./pickers.tsx";
import type { PageProps } from "./props.ts";

type Item = Schemas["ItemOut"];
type Variant = Schemas["VariantOut"];
interface CategoryInfo {
  labels: Record<string, Schemas["AttributeDefinition"]>;
  systems: Schemas["SizeSystemOut"][];
  garment: string | null;
}
interface Sizing {
  kinds: Schemas["GarmentKindOut"][];
  saved: Pick<Schemas["SavedSizesOut"], "sizes">;
  fit: Schemas["ItemFitOut"] | null;
}

const STATUS: Record<string, string> = { sold: "Sold", draft: "Not for sale yet", archived: "No longer sold" };

export function ItemPage({ param: id = "" }: PageProps) {
  const { data: item, error, loading } = useApi(
    () => ok(client.GET("/api/v1/items/{item_id}", { params: { path: { item_id: id } } })),
    [id],
  );
  const [category, setCategory] = useState<CategoryInfo>({ labels: {}, systems: [], garment: null });
  const [choice, setChoice] = useState<Choice>({ size: null, colour: null });
  const sizing = useSizing(item);
  useEffect(() => {
    if (!item) return;
    setChoice(firstChoice(variantsOf(item)));
    ok(client.GET("/api/v1/categories/{slug}", { params: { path: { slug: item.category } } })).then(
      (c) =>
        setCategory({
          labels: Object.fromEntries(c.attributes.map((a) => [a.name, a])),
          systems: c.size_systems || [],
          garment: c.garment ?? null,
        }),
      () => {},
    );
  }, [item]);
  // The size for you is chosen for the shopper once it is known, unless they chose already
  // or it cannot be had in the colour chosen (then it is only marked).
  const suggested = sizeKey(sizing.fit?.suggested_size);
  useEffect(() => {
    if (!item || !suggested) return;
    setChoice((c) => (c.size == null && sizeAvailable(variantsOf(item), suggested, c.colour) ? { ...c, size: suggested } : c));
  }, [item, suggested]);
  if (loading) return <Loading />;
  if (error || !item) return <ErrorMessage error={error} />;
  const labels = category.labels;
  const variant = chosenVariant(variantsOf(item), choice);
  // An item that leaves out its availability is sold out (the contract's default).
  const state = item.status === "active" ? ((variant || item).availability ?? "sold_out") : item.status;
  return (
    <article className="item">
      <Gallery item={item} colour={choice.colour} />
      <div className="item-info">
        <h1>{item.title}</h1>
        <p className="price big" data-testid="price">
          {variant ? money(variant.price.amount, variant.price.currency) : priceText(item)}
        </p>
        <p className={`stock ${state}`} data-testid="availability">{AVAILABILITY[state] || STATUS[state] || state}</p>
        {item.status === "active" && variantsOf(item).length > 1 && (
          <VariantPickers variants={variantsOf(item)} systems={category.systems} choice={choice} onChoose={setChoice} suggested={suggested} />
        )}
        {item.status === "active" && <SizeHelp item={item} garment={category.garment} sizing={sizing} />}
        {item.status === "active" && <AddToCart item={item} variant={variant} />}
        <p>{item.description}</p>
        <dl className="attributes">
          {item.brand && (<><dt>Brand</dt><dd>{item.brand}</dd></>)}
          {item.size && (<><dt>Size</dt><dd>{item.size}</dd></>)}
          {item.condition && (<><dt>Condition</dt><dd>{item.condition}</dd></>)}
          {item.colours?.length > 0 && (<><dt>Colours</dt><dd>{item.colours.join(", ")}</dd></>)}
          {Object.entries(item.attributes).map(([name, value]) => {
            const def = labels[name];
            const shown = (v: unknown) => def?.choices?.find((c) => c.value === v)?.label ?? String(v);
            return (
              <div key={name} className="attribute">
                <dt>{def?.label || name}</dt>
                <dd>{Array.isArray(value) ? value.map(shown).join(", ") : shown(value)}{def?.unit ? ` ${def.unit}` : ""}</dd>
              </div>
            );
          })}
        </dl>
      </div>
    </article>
  );
}

// What the size help needs beyond the item: the garment kinds (GET /sizes, public) and, for a
// signed-in shopper, their saved sizes and the size for them: personal, so fetched apart from
// the item (whose detail is shared and cached) and never stored by the browser.
function useSizing(item: Item | null): Sizing {
  const [sizing, setSizing] = useState<Sizing>({ kinds: [], saved: { sizes: {} }, fit: null });
  useEffect(() => {
    if (!item || !variantsOf(item).some((v) => v.size)) return;
    let live = true;
    ok(client.GET("/api/v1/sizes")).then((s) => live && setSizing((x) => ({ ...x, kinds: s.kinds })), () => {});
    if (tokens()) {
      const own = { cache: "no-store" } as const;
      ok(client.GET("/api/v1/me/sizes", own)).then((saved) => live && setSizing((x) => ({ ...x, saved })), () => {});
      const fit = client.GET("/api/v1/items/{item_id}/fit", { ...own, params: { path: { item_id: item.id } } });
      ok(fit).then((fit) => live && setSizing((x) => ({ ...x, fit })), () => {});
    }
    return () => {
      live = false;
    };
  }, [item]);
  return sizing;
}

// Beside the size picker: the size guide (the chart of the item's garment kind, its brand's
// own when it has one) and what buyers said of the fit.
function SizeHelp({ item, garment, sizing }: { item: Item; garment: string | null; sizing: Sizing }) {
  const systems = [...new Set(variantsOf(item).map((v) => v.size?.system).filter((s): s is string => Boolean(s)))];
  const kinds = chartKindsFor(sizing.kinds, garment, systems, sizing.saved.sizes);
  const labels = Object.fromEntries(sizing.kinds.flatMap((k) => k.systems.map((s) => [s.code, s.label])));
  // The shopper's system for the kind: their saved size's, else the item's own.
  const systemFor = (kind: string) => sizing.saved.sizes[kind]?.system || systems[0];
  return (
    <div className="size-help">
      {kinds.length > 0 && <SizeGuide kinds={kinds} brand={item.brand} systemFor={systemFor} systemLabels={labels} />}
      <FitAdvice summary={item.fit} fit={sizing.fit} signedIn={Boolean(tokens())} />
    </div>
  );
}

function Gallery({ item, colour }: { item: Item; colour: string | null }) {
  const [current, setCurrent] = useState(0);
  const [zoomed, setZoomed] = useState(false);
  // Choosing a colour shows the first picture that names it (pictures may name none).
  useEffect(() => {
    const at = item.images.findIndex((img) => colour && img.colour === colour);
    if (at >= 0) (setCurrent(at), setZoomed(false));
  }, [item, colour]);
  if (!item.images.length) return <div className="gallery"><span className="no-image">No picture</span></div>;
  const image = item.images[current];
  return (
    <div className="gallery">
      <a href={image.urls?.original} onClick={(e) => (e.preventDefault(), setZoomed(!zoomed))} aria-label="Show the original picture">
        <img
          className="main-image"
          src={zoomed ? image.urls?.original : thumbnail(image, "800")}
          alt={image.alt || item.title}
          width={image.width}
          height={image.height}
        />
      </a>
      {item.images.length > 1 && (
        <ul className="thumbs">
          {item.images.map((img, i) => (
            <li key={img.id}>
              <button type="button" aria-pressed={i === current} onClick={() => (setCurrent(i), setZoomed(false))}>
                <img src={thumbnail(img, "200")} alt={img.alt || `${item.title}, picture ${i + 1}`} loading="lazy" width="64" height="80" />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AddToCart({ item, variant }: { item: Item; variant: Variant | null }) {
  const [state, setState] = useState<{ busy: boolean; error: unknown; added: boolean }>({
    busy: false,
    error: null,
    added: false,
  });
  useEffect(() => setState((s) => ({ ...s, added: false })), [variant]);
  const add = async () => {
    setState({ busy: true, error: null, added: false });
    try {
      const body = { item_id: item.id, variant_id: variant?.id, quantity: 1 };
      const cart = await ok(client.POST("/api/v1/cart/items", { body }));
      // A guest's cart is known by its token until login merges it.
      if (cart.cart_token && !tokens()) setCartToken(cart.cart_token);
      setState({ busy: false, error: null, added: true });
    } catch (error) {
      setState({ busy: false, error, added: false });
    }
  };
  return (
    <div className="add">
      <button type="button" className="primary" onClick={add} disabled={state.busy || !variant || variant.availability === "sold_out"}>
        Add to cart
      </button>
      {!variant && <p className="hint">Choose a {variantsOf(item).some((v) => v.size) ? "size" : "colour"}.</p>}
      {state.added && <p role="status">Added. <Link to="/cart">View cart</Link></p>}
      <ErrorMessage error={state.error} />
    </div>
  );
}
