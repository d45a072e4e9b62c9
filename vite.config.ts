import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig, type Rollup } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

// Under `shopify app dev`, scripts/shopify-dev.mjs passes the CLI's tunnel URL
// as SHOPIFY_APP_URL; HMR must go through it when the app is embedded in the
// admin. The socket listens locally; the browser reaches it via the tunnel.
const appUrl = new URL(process.env.SHOPIFY_APP_URL ?? "http://localhost");
const hmr =
  appUrl.hostname === "localhost"
    ? { protocol: "ws", host: "localhost", port: 64999, clientPort: 64999 }
    : { protocol: "wss", host: "localhost", port: Number(process.env.FRONTEND_PORT ?? 8002), clientPort: 443 };

// Build warnings that are known and harmless, each with the reason it is not fixed here.
// Anything else still prints, so a new warning is seen.
function isKnownHarmless(warning: Rollup.RollupLog): boolean {
  // Resource routes (api.*, webhooks.*, auth.$) have no UI: their client chunk is empty by design.
  if (warning.code === "EMPTY_BUNDLE") return true;
  // zod 4 places /* @__PURE__ */ where Rollup cannot use it; Rollup drops the comment, the output is unchanged.
  if (warning.code === "INVALID_ANNOTATION" && /node_modules[\\/]zod[\\/]/.test(warning.id ?? warning.message)) return true;
  return false;
}

export default defineConfig({
  server: {
    allowedHosts: [appUrl.hostname],
    cors: { preflightContinue: true },
    port: Number(process.env.PORT ?? 3000),
    hmr,
    fs: { allow: ["app", "node_modules"] },
  },
  plugins: [
    remix({
      ignoredRouteFiles: ["**/.*", "**/*.test.*"],
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: false,
      },
    }),
    tsconfigPaths(),
  ],
  build: {
    assetsInlineLimit: 0,
    rollupOptions: {
      onwarn(warning, warn) {
        if (!isKnownHarmless(warning)) warn(warning);
      },
    },
  },
  optimizeDeps: { include: ["@shopify/app-bridge-react", "@shopify/polaris"] },
});
