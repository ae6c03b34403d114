import { StrictMode, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";
import { api, onAuthChange, tokens } from "./api.js";
import { Link, useLocation } from "./router.jsx";
import { SearchBox } from "./pages/search.jsx";
import { Home, Listing } from "./pages/listing.jsx";
import { SearchPage } from "./pages/search.jsx";
import { ItemPage } from "./pages/item.jsx";
import { Confirm, Forgot, Login, Register, Reset } from "./pages/auth.jsx";
import { CartPage, Checkout, OrderPage, Orders } from "./pages/commerce.jsx";
import { Account } from "./pages/account.jsx";
import { MySizes } from "./pages/sizes.jsx";
import "./style.css";

function route(path) {
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
  const [tree, setTree] = useState([]);
  useEffect(() => {
    api("/categories").then(setTree, () => setTree([]));
  }, []);
  return (
    <nav aria-label="Categories" className="categories">
      <ul>
        {tree.map((node) => (
          <li key={node.slug}>
            <Link to={`/c/${node.slug}`}>{node.name}</Link>
            {node.children.length > 0 && (
              <ul>
                {node.children.map((child) => (
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

createRoot(document.getElementById("root")).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
