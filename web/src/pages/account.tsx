import { useState, type ChangeEvent, type FormEvent } from "react";
import { client, ok, setTokens, tokens } from "../api/client.ts";
import { ErrorMessage, Field, Loading, useApi } from "../components.tsx";
import { Link, navigate } from "../router.tsx";

export function AddressForm({ onSaved }: { onSaved: () => void }) {
  const empty = { recipient: "", line1: "", city: "", postal_code: "", country: "" };
  const [values, setValues] = useState(empty);
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  const bind = (name: keyof typeof empty) => ({
    name,
    value: values[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: e.target.value }),
    error: state.error,
    required: true,
  });
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true, error: null });
    try {
      await ok(client.POST("/api/v1/users/me/addresses", { body: { ...values, country: values.country.toUpperCase() } }));
      setValues(empty);
      setState({ busy: false, error: null });
      onSaved();
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <form className="form address" onSubmit={save}>
      <Field label="Recipient" autoComplete="name" {...bind("recipient")} />
      <Field label="Street and number" autoComplete="address-line1" {...bind("line1")} />
      <Field label="City" autoComplete="address-level2" {...bind("city")} />
      <Field label="Postal code" autoComplete="postal-code" {...bind("postal_code")} />
      <Field label="Country (2 letters)" autoComplete="country" maxLength={2} {...bind("country")} />
      <ErrorMessage error={state.error} />
      <button disabled={state.busy}>Save the address</button>
    </form>
  );
}

export function Account() {
  const [version, setVersion] = useState(0);
  const me = useApi(() => ok(client.GET("/api/v1/users/me")), []);
  const addresses = useApi(() => ok(client.GET("/api/v1/users/me/addresses")), [version]);
  if (!tokens()) return <p>Please <Link to="/login?next=/account">log in</Link>.</p>;
  if (me.loading) return <Loading />;
  const logout = async () => {
    await ok(client.POST("/api/v1/auth/logout", { body: { refresh_token: tokens()?.refresh_token } })).catch(() => {});
    setTokens(null);
    navigate("/");
  };
  return (
    <section>
      <h1>Your account</h1>
      <ErrorMessage error={me.error} />
      {me.data && <p>{me.data.full_name} · {me.data.email}</p>}
      <p><Link to="/account/sizes">My sizes</Link>: your sizes and measurements, for "Fits me" and the size for you.</p>
      <h2>Addresses</h2>
      <ul className="lines">
        {addresses.data?.map((a) => (
          <li key={a.id}>
            {a.recipient}, {a.line1}, {a.postal_code} {a.city}, {a.country}
            <button type="button" onClick={() => ok(client.DELETE("/api/v1/users/me/addresses/{address_id}", { params: { path: { address_id: a.id } } })).then(() => setVersion((v) => v + 1))}>Delete</button>
          </li>
        ))}
      </ul>
      <AddressForm onSaved={() => setVersion((v) => v + 1)} />
      <button type="button" onClick={logout}>Log out</button>
    </section>
  );
}
