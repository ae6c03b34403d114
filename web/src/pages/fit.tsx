import { useEffect, useRef, useState } from "react";
import { ApiError, client, ok, type Schemas } from "../api/client.ts";
import { ErrorMessage, Loading } from "../components.tsx";
import { Link } from "../router.tsx";
import { DIMENSIONS, kindName, rangeText } from "../sizes.ts";

const VERDICTS: Record<string, string> = { runs_small: "runs small", true_to_size: "true to size", runs_large: "runs large" };

// Beside the size picker: what buyers said of the fit (the same for everyone, from item
// detail), the advice once there are enough verdicts, and for a signed-in shopper the size
// to choose (`fit`: GET /items/{id}/fit, fetched by the page for this shopper only).
interface FitAdviceProps {
  summary: Schemas["FitSummaryOut"] | null | undefined;
  fit: Schemas["ItemFitOut"] | null;
  signedIn: boolean;
}

export function FitAdvice({ summary, fit, signedIn }: FitAdviceProps) {
  if (!summary?.count && !fit?.suggested_size) return null;
  const advice = (fit || summary)?.advice;
  const basis = advice?.based_on === "brand" ? "this brand's buyers" : "buyers of this item";
  return (
    <section className="fit-advice" aria-label="Fit">
      {summary && summary.count > 0 && (
        <p className="fit-counts" data-testid="fit-counts">
          How it fits, say {summary.count} buyer{summary.count === 1 ? "" : "s"}:{" "}
          {Object.entries(VERDICTS).map(([v, text]) => `${summary.verdicts[v] || 0} ${text}`).join(" · ")}
        </p>
      )}
      {advice && (
        <p className="advice" data-testid="fit-advice">
          {advice.text} <span className="count">({advice.verdicts} verdicts from {basis})</span>
        </p>
      )}
      {fit?.suggested_size && (
        <p className="size-for-you" id="size-for-you" role="status">
          The size for you: <strong>{fit.suggested_size.label}</strong>
        </p>
      )}
      {advice && signedIn && fit && !fit.suggested_size && (
        <p className="hint">
          <Link to="/account/sizes">Save your sizes</Link> to see the size for you.
        </p>
      )}
    </section>
  );
}

// The size chart of the item's garment kind (its brand's own when it has one) in a dialog,
// opened from the "Size guide" button; rows in the system the shopper chooses (their saved
// system first), each size with its body ranges, and the chart's source named.
interface GuideProps {
  kinds: string[];
  brand: string | null;
  systemFor: (kind: string) => string | undefined;
  systemLabels: Record<string, string>;
}

export function SizeGuide({ kinds, brand, systemFor, systemLabels }: GuideProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const show = () => (setOpen(true), dialog.current?.showModal?.());
  const close = () => (dialog.current?.close?.(), setOpen(false));
  return (
    <>
      <button type="button" className="link-button" onClick={show} aria-haspopup="dialog">Size guide</button>
      <dialog ref={dialog} className="size-guide" aria-labelledby="size-guide-title" onClose={() => setOpen(false)}>
        <div className="dialog-head">
          <h2 id="size-guide-title">Size guide</h2>
          <button type="button" onClick={close}>Close</button>
        </div>
        {open && <Chart kinds={kinds} brand={brand} systemFor={systemFor} systemLabels={systemLabels} />}
      </dialog>
    </>
  );
}

function Chart({ kinds, brand, systemFor, systemLabels }: GuideProps) {
  const [kind, setKind] = useState(kinds[0]);
  const system = systemFor(kind);
  const [state, setState] = useState<{ chart: Schemas["ChartOut"] | null; error: unknown }>({ chart: null, error: null });
  const [shown, setShown] = useState<string | undefined>(undefined);
  useEffect(() => {
    let live = true;
    const load = (withBrand: boolean) => {
      const query = withBrand && brand ? { brand } : {};
      return ok(client.GET("/api/v1/sizes/charts/{kind}", { params: { path: { kind }, query } }));
    };
    // An item may name a brand the catalogue no longer has: the default chart then.
    load(true)
      .catch((error: unknown) => (error instanceof ApiError && error.status === 404 ? load(false) : Promise.reject(error)))
      .then(
        (chart) => live && (setState({ chart, error: null }), setShown(system && chart.systems.includes(system) ? system : chart.systems[0])),
        (error) => live && setState({ chart: null, error }),
      );
    return () => {
      live = false;
    };
  }, [kind, brand, system]);
  const { chart, error } = state;
  if (error) return <ErrorMessage error={error} />;
  if (!chart) return <Loading />;
  const rows = chart.rows.filter((r) => r.system === shown);
  const dimensions = Object.keys(DIMENSIONS).filter((d) => rows.some((r) => r.ranges[d]));
  return (
    <div className="chart">
      {kinds.length > 1 && (
        <label>
          Chart{" "}
          <select value={kind} onChange={(e) => setKind(e.target.value)}>
            {kinds.map((k) => <option key={k} value={k}>{kindName(k)}</option>)}
          </select>
        </label>
      )}
      <label>
        Sizes in{" "}
        <select value={shown} onChange={(e) => setShown(e.target.value)}>
          {chart.systems.map((s) => <option key={s} value={s}>{systemLabels[s] || s}</option>)}
        </select>
      </label>
      <table>
        <caption>
          {kindName(chart.kind)}: {chart.brand ? `${chart.brand}'s own chart` : "the shop's default chart"}
        </caption>
        <thead>
          <tr>
            <th scope="col">Size</th>
            {dimensions.map((d) => <th scope="col" key={d}>{DIMENSIONS[d]}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.value}>
              <th scope="row">{r.label}</th>
              {dimensions.map((d) => <td key={d}>{r.ranges[d] ? rangeText(r.ranges[d]) : "–"}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">A size covers the measurements from the first figure up to (not including) the second.</p>
      <Source source={chart.source} />
    </div>
  );
}

function Source({ source }: { source: Schemas["SourceOut"] }) {
  return (
    <div className="chart-source" data-testid="chart-source">
      <p>
        <strong>Source:</strong> {source.title}
      </p>
      {source.references.length > 0 && (
        <ul>
          {source.references.map((ref) => (
            <li key={`${ref.title}-${ref.url}`}>
              {ref.url ? <a href={ref.url} rel="noreferrer noopener" target="_blank">{ref.title}</a> : ref.title} (read {ref.read})
            </li>
          ))}
        </ul>
      )}
      {source.derivation && <p className="hint">{source.derivation}</p>}
    </div>
  );
}
