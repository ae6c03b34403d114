// fetch wrapper: bearer token with silent refresh, guest cart token, problem+json errors.
const TOKENS = "garderobe.tokens";
const CART = "garderobe.cart";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    // Validation problems list their fields: {field, message}. Keyed by the last segment.
    this.fields = {};
    for (const e of problem.errors || []) {
      const name = String(e.field || "").split(".").pop();
      this.fields[name] = e.message;
    }
  }
}

const listeners = new Set();
export const onAuthChange = (fn) => (listeners.add(fn), () => listeners.delete(fn));

export function tokens() {
  try {
    return JSON.parse(localStorage.getItem(TOKENS));
  } catch {
    return null;
  }
}
export function setTokens(value) {
  if (value) localStorage.setItem(TOKENS, JSON.stringify(value));
  else localStorage.removeItem(TOKENS);
  listeners.forEach((fn) => fn(value));
}
export const cartToken = () => localStorage.getItem(CART);
export const setCartToken = (t) => (t ? localStorage.setItem(CART, t) : localStorage.removeItem(CART));

let refreshing = null;
async function refresh() {
  const current = tokens();
  if (!current?.refresh_token) return false;
  // One refresh at a time: parallel 401s wait for the same one.
  refreshing ??= fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: current.refresh_token }),
  })
    .then(async (r) => {
      if (!r.ok) return setTokens(null), false;
      return setTokens(await r.json()), true;
    })
    .finally(() => (refreshing = null));
  return refreshing;
}

// `cache: "no-store"` for what is personal (the size for you): never kept by the browser.
export async function api(path, { method = "GET", body, headers = {}, form, cache } = {}, retried = false) {
  const h = { Accept: "application/json", ...headers };
  const t = tokens();
  if (t?.access_token) h.Authorization = `Bearer ${t.access_token}`;
  if (cartToken() && !h["X-Cart-Token"]) h["X-Cart-Token"] = cartToken();
  if (body !== undefined) h["Content-Type"] = "application/json";
  const r = await fetch(`/api/v1${path}`, {
    method,
    headers: h,
    body: body !== undefined ? JSON.stringify(body) : form,
    cache,
  });
  if (r.status === 401 && t?.refresh_token && !retried && (await refresh())) {
    return api(path, { method, body, headers, form, cache }, true);
  }
  if (r.status === 204) return null;
  const data = await r.json().catch(() => ({ title: r.statusText }));
  if (!r.ok) throw new ApiError(r.status, data);
  return data;
}

export function money(amount, currency) {
  if (amount == null) return "";
  return new Intl.NumberFormat(undefined, { style: "currency", currency: currency || "EUR" }).format(
    amount / 100,
  );
}
