import { StrictMode, useEffect, useState, type ComponentType } from "react";
import { createRoot } from "react-dom/client";
import { client, ok, onAuthChange, tokens, type Schemas } from "./api/client.ts";
import { Link, useLocation } from "./router.tsx";
import { SearchBox } from "./pages/search.tsx";
import { Home, Listing } from "./pages/listing.tsx";
import { SearchPage } from "./pages/search.tsx";
import { ItemPage } from "./pages/item.tsx";
import { Confirm, Forgot, Login, Register, Reset } from "./pages/auth.tsx";
import { CartPage, Checkout, OrderPage, Orders } from "./pages/commerce.tsx";
import { Account } from "./pages/account.tsx";
import { MySizes } from "./pages/sizes.tsx";
import type { PageProps } from "./pages/props.ts";
import "./style.css";

function route(path: string): [ComponentType<PageProps>, string?] {
  const parts = path.split("/").filter(Boolean);
  switch (parts[0] ?? "") {
    case "": return [Home];
    case "c": return [Listing, parts[1]];
    case "search": return [SearchPage];
    case "items": return [ItemPage, parts[1]];
    case "register": return [Register];
    case "confirm": return [Confirm];
    case "login": return [Login];
    case "forgot-password": return [Forgot];
    case "reset-password": return [Reset];
    case "cart": return [CartPage];
    case "checkout": return [Checkout];
    case "orders": return parts[1] ? [OrderPage, parts[1]] : [Orders];
    case "account": return parts[1] === "sizes" ? [MySizes] : [Account];
    default: return [NotFound];
  }
}

const NotFound = () => <p className="empty">This page does not exist. <Link to="/">Back to the shop</Link></p>;

function CategoryMenu() {
  const [tree, setTree] = useState<Schemas["CategoryNode"][]>([]);
  useEffect(() => {
    ok(client.GET("/api/v1/categories")).then(setTree, () => setTree([]));
  }, []);
  return (
    <nav aria-label="Categories" className="categories">
      <ul>
        {tree.map((node) => (
          <li key={node.slug}>
            <Link to={`/c/${node.slug}`}>{node.name}</Link>
            {(node.children ?? []).length > 0 && (
              <ul>
                {(node.children ?? []).map((child) => (
                  <li key={child.slug}>
                    <Link to={`/c/${child.slug}`}>{child.name}</Link>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}

const wide = () => window.matchMedia("(min-width: 721px)").matches;

function App() {
  const { path, query } = useLocation();
  const [signedIn, setSignedIn] = useState(Boolean(tokens()));
  useEffect(() => onAuthChange((t) => setSignedIn(Boolean(t))), []);
  // The category menu is open beside the page on a desktop, folded away on a phone (and
  // folded again after choosing a page there).
  const [menuOpen, setMenuOpen] = useState(wide);
  useEffect(() => {
    if (!wide()) setMenuOpen(false);
  }, [path]);
  const [Page, param] = route(path);
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">garderobe</Link>
        <SearchBox initial={path === "/search" ? query.get("q") || "" : ""} />
        <nav aria-label="Account" className="account-links">
          <Link to="/cart">Cart</Link>
          {signedIn ? (
            <>
              <Link to="/orders">Orders</Link>
              <Link to="/account/sizes">My sizes</Link>
              <Link to="/account">Account</Link>
            </>
          ) : (
            <Link to="/login">Log in</Link>
          )}
        </nav>
      </header>
      <div className="layout">
        <details className="menu" open={menuOpen} onToggle={(e) => setMenuOpen(e.currentTarget.open)}>
          <summary>Categories</summary>
          <CategoryMenu />
        </details>
        <main>
          <Page param={param} query={query} key={path} />
        </main>
      </div>
    </>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
