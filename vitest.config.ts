import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}", "extensions/**/*.test.{ts,tsx}", "scripts/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup-env.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: {
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: "test-api-secret",
      SHOPIFY_APP_URL: "https://cart-relay.test",
      SCOPES: "read_checkouts,read_orders,write_pixels,read_customer_events",
      ENCRYPTION_KEY: "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
      LOG_LEVEL: "silent",
      CART_RELAY_EMBEDDED_WORKER: "false",
      // BSP receivers in tests listen on loopback; SSRF tests pass the guard options explicitly.
      CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "true",
    },
  },
});
