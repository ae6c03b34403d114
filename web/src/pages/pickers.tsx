import type { Schemas } from "../api/client.ts";
import {
  colourAvailable,
  colourName,
  coloursOf,
  sizeAvailable,
  sizeKey,
  sizesInScaleOrder,
  swatch,
  type Choice,
} from "../variants.ts";

interface PickerProps {
  variants: Schemas["VariantOut"][];
  systems: Schemas["SizeSystemOut"][];
  choice: Choice;
  onChoose: (choice: Choice) => void;
  suggested?: string | null;
}

// The size and colour pickers of an item of several variants. `choice` is {size, colour}:
// a size key ("letter:M") and a colour slug. A size that cannot be bought in the chosen
// colour is shown disabled; a colour is disabled only when none of it is left, and choosing
// one that the chosen size does not come in clears the size. `suggested` (a size key) is the
// size for the shopper (GET /items/{id}/fit), marked and described by its note.
export function VariantPickers({ variants, systems, choice, onChoose, suggested = null }: PickerProps) {
  const sizes = sizesInScaleOrder(variants, systems);
  const colours = coloursOf(variants);
  const chooseColour = (colour: string) => {
    const keep = choice.size != null && sizeAvailable(variants, choice.size, colour);
    onChoose({ colour, size: keep ? choice.size : null });
  };
  return (
    <div className="pickers">
      {colours.length > 0 && (
        <fieldset className="picker colours" aria-label="Colour">
          <legend>Colour{choice.colour && <>: <span className="chosen">{colourName(choice.colour)}</span></>}</legend>
          {colours.map((colour) => (
            <button
              key={colour}
              type="button"
              className="swatch"
              aria-label={colourName(colour)}
              aria-pressed={choice.colour === colour}
              disabled={!colourAvailable(variants, colour)}
              title={colourName(colour)}
              style={{ background: swatch(colour) }}
              onClick={() => chooseColour(colour)}
            />
          ))}
        </fieldset>
      )}
      {sizes.length > 0 && (
        <fieldset className="picker sizes" aria-label="Size">
          <legend>Size</legend>
          {sizes.map((size) => {
            const key = sizeKey(size);
            return (
              <button
                key={key ?? size.label}
                type="button"
                className={key === suggested ? "size suggested" : "size"}
                aria-pressed={choice.size === key}
                aria-describedby={key === suggested ? "size-for-you" : undefined}
                disabled={!sizeAvailable(variants, key, choice.colour)}
                onClick={() => onChoose({ ...choice, size: key })}
              >
                {size.label}
              </button>
            );
          })}
        </fieldset>
      )}
    </div>
  );
}
