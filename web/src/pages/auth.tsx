import { useState, type ChangeEvent, type FormEvent } from "react";
import { cartToken, client, ok, setCartToken, setTokens } from "../api/client.ts";
import { ErrorMessage, Field } from "../components.tsx";
import { Link, navigate } from "../router.tsx";
import type { PageProps } from "./props.ts";

// One form: submit runs `action` with the fields; errors show next to their input.
function useForm<V extends Record<string, string>>(initial: V, action: (values: V) => Promise<unknown>) {
  const [values, setValues] = useState(initial);
  const [state, setState] = useState<{ busy: boolean; error: unknown; done: unknown }>({ busy: false, error: null, done: null });
  const bind = (name: keyof V & string) => ({
    name,
    value: values[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setValues({ ...values, [name]: e.target.value }),
    error: state.error,
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true, error: null, done: null });
    try {
      const done = await action(values);
      setState({ busy: false, error: null, done: done ?? true });
    } catch (error) {
      setState({ busy: false, error, done: null });
    }
  };
  return { bind, submit, ...state };
}

export function Register() {
  const form = useForm({ email: "", password: "", full_name: "" }, async (v) => {
    await ok(client.POST("/api/v1/auth/register", { body: v }));
    navigate(`/confirm?email=${encodeURIComponent(v.email)}`);
  });
  return (
    <form className="form" onSubmit={form.submit}>
      <h1>Create an account</h1>
      <Field label="Name" type="text" autoComplete="name" {...form.bind("full_name")} />
      <Field label="Email" type="email" autoComplete="email" required {...form.bind("email")} />
      <Field label="Password" type="password" autoComplete="new-password" required {...form.bind("password")} />
      <ErrorMessage error={form.error} />
      <button className="primary" disabled={form.busy}>Register</button>
      <p>Already registered? <Link to="/login">Log in</Link></p>
    </form>
  );
}

export function Confirm({ query }: PageProps) {
  const form = useForm({ email: query.get("email") || "", code: "" }, async (v) => {
    await ok(client.POST("/api/v1/auth/confirm", { body: v }));
    navigate(`/login?confirmed=1&email=${encodeURIComponent(v.email)}`);
  });
  return (
    <form className="form" onSubmit={form.submit}>
      <h1>Confirm your email</h1>
      <p>We mailed you a 6-digit code.</p>
      <Field label="Email" type="email" required {...form.bind("email")} />
      <Field label="Code" inputMode="numeric" autoComplete="one-time-code" required {...form.bind("code")} />
      <ErrorMessage error={form.error} />
      <button className="primary" disabled={form.busy}>Confirm</button>
    </form>
  );
}

export function Login({ query }: PageProps) {
  const form = useForm({ email: query.get("email") || "", password: "" }, async (v) => {
    const cart = cartToken();
    const headers = cart ? { "X-Cart-Token": cart } : {};
    setTokens(await ok(client.POST("/api/v1/auth/login", { body: v, headers })));
    setCartToken(null); // merged into the user's cart by the login
    navigate(query.get("next") || "/");
  });
  return (
    <form className="form" onSubmit={form.submit}>
      <h1>Log in</h1>
      {query.get("confirmed") && <p role="status">Your email is confirmed. Log in to shop.</p>}
      {query.get("reset") && <p role="status">Your password was changed. Log in with the new one.</p>}
      <Field label="Email" type="email" autoComplete="email" required {...form.bind("email")} />
      <Field label="Password" type="password" autoComplete="current-password" required {...form.bind("password")} />
      <ErrorMessage error={form.error} />
      <button className="primary" disabled={form.busy}>Log in</button>
      <p><Link to="/forgot-password">Forgot your password?</Link> · <Link to="/register">Create an account</Link></p>
    </form>
  );
}

export function Forgot() {
  const form = useForm({ email: "" }, (v) => ok(client.POST("/api/v1/auth/password/forgot", { body: v })));
  return (
    <form className="form" onSubmit={form.submit}>
      <h1>Forgot your password?</h1>
      <Field label="Email" type="email" autoComplete="email" required {...form.bind("email")} />
      <ErrorMessage error={form.error} />
      {form.done ? <p role="status">If that address has an account, a link to reset the password is on its way.</p> : <button className="primary" disabled={form.busy}>Send the link</button>}
    </form>
  );
}

export function Reset({ query }: PageProps) {
  const form = useForm({ new_password: "" }, async (v) => {
    await ok(client.POST("/api/v1/auth/password/reset", { body: { token: query.get("token") || "", ...v } }));
    navigate("/login?reset=1");
  });
  return (
    <form className="form" onSubmit={form.submit}>
      <h1>Choose a new password</h1>
      <Field label="New password" type="password" autoComplete="new-password" required {...form.bind("new_password")} />
      <ErrorMessage error={form.error} />
      <button className="primary" disabled={form.busy}>Set the password</button>
    </form>
  );
}
