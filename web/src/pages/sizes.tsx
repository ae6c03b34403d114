import { useEffect, useState, type FormEvent } from "react";
import { ApiError, client, ok, tokens, type Schemas } from "../api/client.ts";
import { ErrorMessage, Loading } from "../components.tsx";
import { Link } from "../router.tsx";
import { DIMENSIONS, kindName, unitOf } from "../sizes.ts";

interface Size {
  system: string;
  value: string;
}
// The form keeps what the inputs show: a size per garment kind, measures as typed.
interface SizesForm {
  sizes: Record<string, Size>;
  body: Record<string, string>;
}
interface Problems {
  kinds: Record<string, string | undefined>;
  body: Record<string, string | undefined>;
  general: unknown;
}

// Problems of a PUT /me/sizes by the place they belong: a validation error's field path
// (body.sizes.<kind>.value, body.body.<dimension>) or a size the kind's chart lacks.
function problemsOf(error: unknown): Problems {
  const found: Problems = { kinds: {}, body: {}, general: null };
  if (!(error instanceof ApiError)) return { ...found, general: error };
  for (const e of error.problem.errors || []) {
    const [, part, name] = String(e.field || "").split(".");
    if (part === "sizes" && name) found.kinds[name] = e.message;
    else if (part === "body" && name) found.body[name] = e.message;
  }
  const kind = error.problem.garment_kind;
  if (typeof kind === "string" && kind) found.kinds[kind] = error.problem.detail || error.problem.title;
  if (!Object.keys(found.kinds).length && !Object.keys(found.body).length) found.general = error;
  return found;
}

const asForm = (saved: Schemas["SavedSizesOut"]): SizesForm => ({
  sizes: Object.fromEntries(Object.entries(saved.sizes).map(([k, s]) => [k, { system: s.system, value: s.value }])),
  body: Object.fromEntries(Object.entries(saved.body).map(([d, v]) => [d, String(v)])),
});

function asBody(form: SizesForm): Schemas["SavedSizesIn"] {
  const sizes = Object.fromEntries(Object.entries(form.sizes).filter(([, s]) => s.system && s.value));
  const body = Object.fromEntries(
    Object.entries(form.body).filter(([, v]) => v.trim() !== "").map(([d, v]) => [d, Number(v)]),
  );
  return { sizes, body };
}

export function MySizes() {
  const [kinds, setKinds] = useState<Schemas["GarmentKindOut"][] | null>(null);
  const [form, setForm] = useState<SizesForm>({ sizes: {}, body: {} });
  const [state, setState] = useState<{ loading: boolean; busy: boolean; error: unknown; saved: boolean }>({
    loading: true,
    busy: false,
    error: null,
    saved: false,
  });
  useEffect(() => {
    if (!tokens()) return;
    Promise.all([ok(client.GET("/api/v1/sizes")), ok(client.GET("/api/v1/me/sizes"))]).then(
      ([sizes, saved]) => (setKinds(sizes.kinds), setForm(asForm(saved)), setState((s) => ({ ...s, loading: false }))),
      (error) => setState((s) => ({ ...s, loading: false, error })),
    );
  }, []);
  if (!tokens()) return <p>Please <Link to="/login?next=/account/sizes">log in</Link> to save your sizes.</p>;
  if (state.loading) return <Loading />;
  if (!kinds) return <ErrorMessage error={state.error} />;

  const problems = state.error ? problemsOf(state.error) : { kinds: {}, body: {}, general: null };
  const setSize = (kind: string, size: Size) => setForm((f) => ({ ...f, sizes: { ...f.sizes, [kind]: size } }));
  const setMeasure = (name: string, value: string) => setForm((f) => ({ ...f, body: { ...f.body, [name]: value } }));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setState((s) => ({ ...s, busy: true, error: null, saved: false }));
    try {
      setForm(asForm(await ok(client.PUT("/api/v1/me/sizes", { body: asBody(form) }))));
      setState((s) => ({ ...s, busy: false, saved: true }));
    } catch (error) {
      setState((s) => ({ ...s, busy: false, error }));
    }
  };
  return (
    <section className="my-sizes">
      <h1>My sizes</h1>
      <p className="hint">
        Your size for each kind of garment, in whichever system you know it, and/or your measurements.
        Only you see them; "Fits me" on a listing and the size for you on an item page use them.
      </p>
      <form className="form" onSubmit={save}>
        {kinds.map((k) => (
          <KindSize key={k.kind} kind={k} size={form.sizes[k.kind]} problem={problems.kinds[k.kind]} onChange={(s) => setSize(k.kind, s)} />
        ))}
        <fieldset className="body-dimensions">
          <legend>Your measurements</legend>
          {Object.entries(DIMENSIONS).map(([name, label]) => (
            <Measure key={name} name={name} label={label} value={form.body[name] ?? ""} problem={problems.body[name]} onChange={(v) => setMeasure(name, v)} />
          ))}
        </fieldset>
        <ErrorMessage error={problems.general} />
        {Boolean(state.error) && !problems.general && <p className="error" role="alert">Some sizes could not be saved: see the fields marked.</p>}
        {state.saved && <p role="status">Your sizes are saved.</p>}
        <button className="primary" disabled={state.busy}>Save my sizes</button>
      </form>
    </section>
  );
}

interface KindSizeProps {
  kind: Schemas["GarmentKindOut"];
  size: Size | undefined;
  problem: string | undefined;
  onChange: (size: Size) => void;
}

function KindSize({ kind, size, problem, onChange }: KindSizeProps) {
  const system = kind.systems.find((s) => s.code === size?.system);
  const id = `sizes-${kind.kind}`;
  return (
    <fieldset className="kind-size" aria-describedby={problem ? `${id}-error` : undefined}>
      <legend>{kindName(kind.kind)}</legend>
      <label htmlFor={`${id}-system`}>System</label>
      <select id={`${id}-system`} value={size?.system || ""} onChange={(e) => onChange({ system: e.target.value, value: "" })}>
        <option value="">Not saved</option>
        {kind.systems.map((s) => (
          <option key={s.code} value={s.code}>{s.label}</option>
        ))}
      </select>
      <label htmlFor={`${id}-value`}>Size</label>
      <select
        id={`${id}-value`}
        value={size?.value || ""}
        disabled={!system}
        aria-invalid={problem ? "true" : undefined}
        onChange={(e) => onChange({ system: size?.system ?? "", value: e.target.value })}
      >
        <option value="">Choose</option>
        {system?.values.map((v) => (
          <option key={v} value={v}>{v}</option>
        ))}
      </select>
      {problem && <span className="field-error" id={`${id}-error`}>{problem}</span>}
    </fieldset>
  );
}

interface MeasureProps {
  name: string;
  label: string;
  value: string;
  problem: string | undefined;
  onChange: (value: string) => void;
}

function Measure({ name, label, value, problem, onChange }: MeasureProps) {
  const id = `body-${name}`;
  return (
    <div className="field measure">
      <label htmlFor={id}>{label} ({unitOf(name)})</label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        step="any"
        value={value}
        aria-invalid={problem ? "true" : undefined}
        aria-describedby={problem ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {problem && <span className="field-error" id={`${id}-error`}>{problem}</span>}
    </div>
  );
}
