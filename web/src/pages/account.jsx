import { useState } from "react";
import { api, setTokens, tokens } from "../api.js";
import { ErrorMessage, Field, Loading, useApi } from "../components.jsx";
import { Link, navigate } from "../router.jsx";

export function AddressForm({ onSaved }) {
  const empty = { recipient: "", line1: "", city: "", postal_code: "", country: "" };
  const [values, setValues] = useState(empty);
  const [state, setState] = useState({ busy: false, error: null });
  const bind = (name) => ({ name, value: values[name], onChange: (e) => setValues({ ...values, [name]: e.target.value }), error: state.error, required: true });
  const save = async (e) => {
    e.preventDefault();
    setState({ busy: true, error: null });
    try {
      await api("/users/me/addresses", { method: "POST", body: { ...values, country: values.country.toUpperCase() } });
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
  const me = useApi(() => api("/users/me"), []);
  const addresses = useApi(() => api("/users/me/addresses"), [version]);
  if (!tokens()) return <p>Please <Link to="/login?next=/account">log in</Link>.</p>;
  if (me.loading) return <Loading />;
  const logout = async () => {
    await api("/auth/logout", { method: "POST", body: { refresh_token: tokens()?.refresh_token } }).catch(() => {});
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
            <button type="button" onClick={() => api(`/users/me/addresses/${a.id}`, { method: "DELETE" }).then(() => setVersion((v) => v + 1))}>Delete</button>
          </li>
        ))}
      </ul>
      <AddressForm onSaved={() => setVersion((v) => v + 1)} />
      <button type="button" onClick={logout}>Log out</button>
    </section>
  );
}
