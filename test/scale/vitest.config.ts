// The scale-mode run: the integration suite on PostgreSQL, plus the scale
// tests (Postgres + Redis + worker processes, *.scale.ts, which the default
// run does not pick up). Needs CART_RELAY_TEST_POSTGRES_URL:
//   npx tsx scripts/with-test-servers.ts -- npx vitest run --config test/scale/vitest.config.ts
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import base from "../../vitest.config";

if (!process.env.CART_RELAY_TEST_POSTGRES_URL) {
  throw new Error("the scale-mode run needs CART_RELAY_TEST_POSTGRES_URL: run it through scripts/with-test-servers.ts");
}

export default defineConfig({
  ...base,
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", ".."),
  test: {
    ...base.test,
    include: ["test/**/*.test.{ts,tsx}", "app/**/*.server.test.{ts,tsx}", "scripts/**/*.test.ts", "test/scale/**/*.scale.ts"],
  },
});
