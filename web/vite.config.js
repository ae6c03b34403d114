import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is committed into the Python package so `make run` needs no Node;
// `npm run dev` proxies the API to a running `make run`.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: process.env.STOREFRONT_OUT_DIR || "../src/garderobe/storefront/static",
    emptyOutDir: true,
    assetsDir: "assets",
  },
  server: {
    proxy: { "/api": "http://127.0.0.1:8000", "/dev": "http://127.0.0.1:8000" },
  },
});
