// What a shopper chooses among an item's variants: a size and a colour name one variant.
import type { Schemas } from "./api/client.ts";
import { money } from "./money.ts";

type Variant = Schemas["VariantOut"];
type Size = Schemas["SizeOut"];
type System = Schemas["SizeSystemOut"];
// A choice names a size by its key ("letter:M") and a colour by its slug; null is open.
export interface Choice {
  size: string | null;
  colour: string | null;
}

export const sizeKey = (size: { system: string; value: string } | null | undefined): string | null => (size ? `${size.system}:${size.value}` : null);
export const available = (variant: Variant): boolean => variant.availability !== "sold_out";

// Sizes in scale order: by the category's size systems (in its order), then on each
// system's scale; a size on no listed system (an `other` label) last, by label.
export function sizesInScaleOrder(variants: Variant[], systems: System[] = []): Size[] {
  const rank = (size: Size): [number, number, string] => {
    const at = systems.findIndex((s) => s.code === size.system);
    if (at < 0) return [systems.length, 0, size.label];
    return [at, systems[at].values.indexOf(size.value), ""];
  };
  const sizes = new Map<string | null, Size>();
  for (const v of variants) if (v.size) sizes.set(sizeKey(v.size), v.size);
  return [...sizes.values()].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
  });
}

export function coloursOf(variants: Variant[]): string[] {
  return [...new Set(variants.map((v) => v.colour).filter((c): c is string => Boolean(c)))];
}

// Does the variant fit the choice? A choice left open (null) fits any variant.
const fits = (v: Variant, { size, colour }: Choice): boolean =>
  (size == null || sizeKey(v.size) === size) && (colour == null || v.colour === colour);

// Whether a size (or colour) can be bought together with the rest of the current choice.
export const sizeAvailable = (variants: Variant[], size: string | null, colour: string | null): boolean =>
  variants.some((v) => available(v) && fits(v, { size, colour }));
export const colourAvailable = (variants: Variant[], colour: string): boolean =>
  variants.some((v) => available(v) && v.colour === colour);

// The variant the choice names: every picker shown has a value and one variant fits them.
export function chosenVariant(variants: Variant[], choice: Choice): Variant | null {
  if (variants.length === 1) return variants[0];
  const needsSize = variants.some((v) => v.size);
  const needsColour = coloursOf(variants).length > 0;
  if ((needsSize && choice.size == null) || (needsColour && choice.colour == null)) return null;
  return variants.find((v) => fits(v, choice)) ?? null;
}

// Where the pickers start: the only size or colour there is, else the colour of the first
// variant in stock (so the sizes shown enabled are those that can be bought).
export function firstChoice(variants: Variant[]): Choice {
  const sizes = [...new Set(variants.map((v) => sizeKey(v.size)).filter(Boolean))];
  const colours = coloursOf(variants);
  const inStock = variants.find(available);
  return {
    size: sizes.length === 1 ? sizes[0] : null,
    colour: colours.length === 1 ? colours[0] : (inStock?.colour ?? null),
  };
}

// A card's price: one price, or "from" the lowest when the variants' prices differ.
export function priceText(item: Schemas["ItemOut"]): string {
  const range = item.price_range;
  if (!range) return money(item.price.amount, item.price.currency);
  const low = money(range.min.amount, range.min.currency);
  return range.min.amount === range.max.amount ? low : `from ${low}`;
}

export const AVAILABILITY: Record<string, string> = { in_stock: "In stock", few_left: "Only a few left", sold_out: "Sold out" };

// The shop's sixteen colours as swatches (the colour vocabulary of seed/taxonomy.yaml).
const SWATCHES: Record<string, string> = {
  black: "#111", white: "#fff", grey: "#8a8a8a", beige: "#d9c7a7", brown: "#7a4b2a",
  red: "#c62828", pink: "#f48fb1", orange: "#ef6c00", yellow: "#fdd835", green: "#2e7d32",
  blue: "#1e88e5", navy: "#1a237e", purple: "#6a1b9a", gold: "#c9a227", silver: "#c0c0c0",
  multicolour: "conic-gradient(#c62828, #fdd835, #2e7d32, #1e88e5, #6a1b9a, #c62828)",
};
export const swatch = (colour: string): string => SWATCHES[colour] || "#ddd";
export const colourName = (colour: string): string => colour.charAt(0).toUpperCase() + colour.slice(1).replace(/-/g, " ");

// The contract lets an item's detail leave out its variants (none then).
export const variantsOf = (item: { variants?: Variant[] }): Variant[] => item.variants ?? [];
