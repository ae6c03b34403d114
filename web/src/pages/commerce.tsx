import { useRef, useState, type FormEvent } from "react";
import { client, ok, tokens, type Schemas } from "../api/client.ts";
import { ErrorMessage, Field, Loading, useApi } from "../components.tsx";
import { money } from "../money.ts";
import { Link, navigate } from "../router.tsx";
import { colourName } from "../variants.ts";
import { AddressForm } from "./account.tsx";
import type { PageProps } from "./props.ts";

// A line's variant as the shopper chose it: "EU 38 · Black" (a one-off may have neither).
function VariantText({ line }: { line: { size?: string | null; colour?: string | null } }) {
  const parts = [line.size, line.colour && colourName(line.colour)].filter(Boolean);
  if (!parts.length) return null;
  return <span className="variant" data-testid="line-variant">{parts.join(" · ")}</span>;
}

const STATUS: Record<string, string> = { pending_payment: "Awaiting payment", paid: "Paid", shipped: "Shipped", delivered: "Delivered", cancelled: "Cancelled" };

export function CartPage() {
  const [version, setVersion] = useState(0);
  const { data: cart, error, loading } = useApi(() => ok(client.GET("/api/v1/cart")), [version]);
  const [problem, setProblem] = useState<unknown>(null);
  const change = async (call: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await call();
      setVersion((v) => v + 1);
    } catch (e) {
      setProblem(e);
    }
  };
  if (loading && !cart) return <Loading />;
  if (error || !cart) return <ErrorMessage error={error} />;
  return (
    <section>
      <h1>Your cart</h1>
      <ErrorMessage error={problem} />
      {!cart.lines.length ? (
        <p className="empty">Your cart is empty. <Link to="/">Find something</Link></p>
      ) : (
        <>
          <ul className="lines" data-testid="cart-lines">
            {cart.lines.map((line) => (
              <li key={line.id}>
                <Link to={`/items/${line.item_id}`}>{line.title}</Link>
                <VariantText line={line} />
                <span>{line.quantity} × {money(line.unit_price, line.currency)}</span>
                {!line.purchasable && <span className="error">No longer available</span>}
                <button type="button" onClick={() => change(() => ok(client.DELETE("/api/v1/cart/items/{line_id}", { params: { path: { line_id: line.id } } })))}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
          <p className="total">Subtotal <strong>{money(cart.subtotal, cart.currency)}</strong></p>
          <button type="button" className="primary" onClick={() => navigate(tokens() ? "/checkout" : "/login?next=/checkout")}>
            Checkout
          </button>
        </>
      )}
    </section>
  );
}

// Made once per visit of the checkout page: a double click or a retry sends the same key,
// and the API answers with the same order.
const newKey = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(36).slice(2)}`);

export function Checkout() {
  const key = useRef(newKey());
  const [version, setVersion] = useState(0);
  const cart = useApi(() => ok(client.GET("/api/v1/cart")), []);
  const addresses = useApi(() => ok(client.GET("/api/v1/users/me/addresses")), [version]);
  const [chosen, setChosen] = useState<string | null>(null);
  const [state, setState] = useState<{ busy: boolean; error: unknown }>({ busy: false, error: null });
  if (!tokens()) return <p>Please <Link to="/login?next=/checkout">log in</Link> to check out.</p>;
  if (cart.loading || addresses.loading) return <Loading />;
  const list = addresses.data || [];
  const address = chosen || list.find((a) => a.is_default)?.id || list[0]?.id;
  const place = async () => {
    setState({ busy: true, error: null });
    try {
      const headers = { "Idempotency-Key": key.current };
      const order = await ok(client.POST("/api/v1/orders", { body: { address_id: address }, headers }));
      navigate(`/orders/${order.id}`);
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  return (
    <section className="checkout">
      <h1>Checkout</h1>
      <ErrorMessage error={cart.error || addresses.error} />
      {cart.data && <p className="total">To pay <strong>{money(cart.data.subtotal, cart.data.currency)}</strong> plus shipping</p>}
      <fieldset>
        <legend>Deliver to</legend>
        {list.map((a) => (
          <label key={a.id} className="address-choice">
            <input type="radio" name="address" checked={a.id === address} onChange={() => setChosen(a.id)} />
            {a.recipient}, {a.line1}, {a.postal_code} {a.city}, {a.country}
          </label>
        ))}
        {!list.length && <AddressForm onSaved={() => setVersion((v) => v + 1)} />}
      </fieldset>
      <ErrorMessage error={state.error} />
      <button type="button" className="primary" onClick={place} disabled={!address || state.busy}>
        Place order
      </button>
    </section>
  );
}

export function OrderPage({ param: id = "" }: PageProps) {
  const [version, setVersion] = useState(0);
  const { data: order, error, loading } = useApi(
    () => ok(client.GET("/api/v1/orders/{order_id}", { params: { path: { order_id: id } } })),
    [id, version],
  );
  if (loading && !order) return <Loading />;
  if (error || !order) return <ErrorMessage error={error} />;
  return (
    <section>
      <h1>Order {order.number}</h1>
      <p className={`status ${order.status}`} data-testid="order-status">{STATUS[order.status] || order.status}</p>
      <ul className="lines">
        {order.items.map((line) => (
          <li key={line.variant_id || line.item_id}>{line.title} <VariantText line={line} /> <span>{line.quantity} × {money(line.unit_price, order.currency)}</span></li>
        ))}
      </ul>
      <p className="total">Total <strong>{money(order.total, order.currency)}</strong> (shipping {money(order.shipping, order.currency)})</p>
      {order.status === "pending_payment" && <PayForm order={order} onPaid={() => setVersion((v) => v + 1)} />}
    </section>
  );
}

function PayForm({ order, onPaid }: { order: Schemas["OrderOut"]; onPaid: () => void }) {
  const [card, setCard] = useState("");
  const [state, setState] = useState<{ busy: boolean; error: unknown; declined: boolean }>({
    busy: false,
    error: null,
    declined: false,
  });
  const pay = async (e: FormEvent) => {
    e.preventDefault();
    setState({ busy: true, error: null, declined: false });
    try {
      const body = { card_number: card.replace(/\s/g, "") };
      const result = await ok(client.POST("/api/v1/orders/{order_id}/pay", { params: { path: { order_id: order.id } }, body }));
      setState({ busy: false, error: null, declined: !result.approved });
      if (result.approved) onPaid();
    } catch (error) {
      setState({ busy: false, error, declined: false });
    }
  };
  return (
    <form className="form" onSubmit={pay}>
      <h2>Pay</h2>
      <Field label="Card number" name="card_number" inputMode="numeric" autoComplete="cc-number" required value={card} onChange={(e) => setCard(e.target.value)} error={state.error} placeholder="4242 4242 4242 4242" />
      <p className="hint">Test card: 4242 4242 4242 4242 is approved, 4000 0000 0000 0002 declined.</p>
      {state.declined && <p className="error" role="alert">The card was declined. Try another card.</p>}
      <ErrorMessage error={state.error} />
      <button className="primary" disabled={state.busy}>Pay {money(order.total, order.currency)}</button>
    </form>
  );
}

export function Orders() {
  const { data, error, loading } = useApi(() => ok(client.GET("/api/v1/orders", { params: { query: { limit: 50 } } })), []);
  if (!tokens()) return <p>Please <Link to="/login?next=/orders">log in</Link> to see your orders.</p>;
  if (loading) return <Loading />;
  return (
    <section>
      <h1>Your orders</h1>
      <ErrorMessage error={error} />
      {data && !data.items.length && <p className="empty">No orders yet.</p>}
      <ul className="lines" data-testid="orders">
        {data?.items.map((o) => (
          <li key={o.id}>
            <Link to={`/orders/${o.id}`}>{o.number}</Link>
            <span>{new Date(o.created_at).toLocaleDateString()}</span>
            <span className={`status ${o.status}`}>{STATUS[o.status] || o.status}</span>
            <span>{money(o.total, o.currency)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
