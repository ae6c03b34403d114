// Sizes for shoppers: the names of garment kinds and body dimensions, and which size chart
// speaks for an item (its category's garment with its sizes' systems).
import type { Schemas } from "./api/client.ts";

export const KIND_NAMES: Record<string, string> = {
  womens_tops: "Women's tops and dresses",
  womens_bottoms: "Women's trousers and skirts",
  mens_tops: "Men's tops",
  mens_bottoms: "Men's trousers",
  jeans: "Jeans",
  womens_shoes: "Women's shoes",
  mens_shoes: "Men's shoes",
  kids: "Children's clothes",
};
export const kindName = (kind: string): string => KIND_NAMES[kind] || kind.replace(/_/g, " ");

// The body dimensions the API takes, in its units (girths and heights in cm, the foot in mm).
export const DIMENSIONS: Record<string, string> = {
  bust: "Bust",
  chest: "Chest",
  waist: "Waist",
  hips: "Hips",
  height: "Height",
  inseam: "Inside leg",
  foot_length: "Foot length",
};
export const unitOf = (dimension: string): string => (dimension === "foot_length" ? "mm" : "cm");

// The dimensions a chart of the category's garment is read on (docs/sizing.md), so a guest
// is asked only for those; every one when the category says nothing.
const GARMENT_DIMENSIONS: Record<string, string[]> = {
  tops: ["bust", "chest", "height"],
  bottoms: ["bust", "chest", "waist", "hips", "height"],
  jeans: ["waist", "inseam", "height"],
  shoes: ["foot_length"],
};
export const dimensionsFor = (garment: string | null | undefined): string[] =>
  (garment && GARMENT_DIMENSIONS[garment]) || Object.keys(DIMENSIONS);

// "womens_tops" is worn as tops; children's sizes go by height whatever the garment.
const garmentOf = (kind: string): string | null => (kind === "kids" ? null : (kind.split("_").pop() ?? null));

// The garment kinds whose charts have one of the item's size systems and are for the item's
// garment: one for most items, two for letter sizes on tops (women's and men's charts), and
// the saved kind first when the shopper saved a size of one of them.
export function chartKindsFor(
  kinds: Schemas["GarmentKindOut"][],
  garment: string | null,
  sizeSystems: string[],
  saved: Record<string, unknown> = {},
): string[] {
  const found = kinds
    .filter((k) => garmentOf(k.kind) === null || garmentOf(k.kind) === garment)
    .filter((k) => k.systems.some((s) => sizeSystems.includes(s.code)))
    .map((k) => k.kind);
  return found.sort((a, b) => Number(b in saved) - Number(a in saved));
}

export const rangeText = (r: { low: number; high: number; unit: string }): string => `${r.low}–${r.high} ${r.unit}`;
