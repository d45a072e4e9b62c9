import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://example.com",
  SCOPES: "read_orders,read_checkouts",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

describe("parseEnv", () => {
  it("accepts a complete environment and fills defaults", () => {
    const env = parseEnv(valid);
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toMatch(/^file:.*cart-relay\.sqlite$/);
    expect(env.CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS).toBe(false);
  });

  it("reads blank optional values, as .env.example leaves them, as unset", () => {
    const env = parseEnv({ ...valid, PORT: "", LOG_LEVEL: "", DATABASE_URL: "", REDIS_URL: "", NODE_ENV: "" });
    expect(env).toMatchObject({ PORT: 3000, LOG_LEVEL: "info", REDIS_URL: undefined, NODE_ENV: "development" });
  });

  it.each([
    [{ SHOPIFY_API_KEY: undefined }, /SHOPIFY_API_KEY is missing/],
    [{ SHOPIFY_API_SECRET: "  " }, /SHOPIFY_API_SECRET is empty/],
    [{ SHOPIFY_APP_URL: "not a url" }, /SHOPIFY_APP_URL must be an http\(s\) URL/],
    [{ SCOPES: "read orders" }, /SCOPES must be a comma-separated list/],
    [{ ENCRYPTION_KEY: "c2hvcnQ=" }, /ENCRYPTION_KEY must be 32 random bytes/],
    [{ ENCRYPTION_KEY: undefined }, /ENCRYPTION_KEY is missing/],
    [{ ENCRYPTION_KEY_PREVIOUS: `${Buffer.alloc(32, 1).toString("base64")},c2hvcnQ=` }, /ENCRYPTION_KEY_PREVIOUS must be comma-separated keys/],
    [{ PORT: "eighty" }, /PORT must be a port number/],
    [{ PORT: "70000" }, /PORT must be between 1 and 65535/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL must start with file:/],
    [{ REDIS_URL: "http://x" }, /REDIS_URL must start with redis:\/\//],
    [{ NODE_ENV: "production", CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "true" }, /CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS is a development setting/],
    [{ NODE_ENV: "production", CART_RELAY_TIME_SCALE: "60" }, /CART_RELAY_TIME_SCALE is a development setting/],
    [{ CART_RELAY_TIME_SCALE: "0.5" }, /CART_RELAY_TIME_SCALE must be at least 1/],
  ])("rejects %o with a message naming the variable", (override, message) => {
    expect(() => parseEnv({ ...valid, ...override })).toThrow(message);
  });
});

describe("process start", () => {
  it("refuses to start with one line naming the missing variable", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "-e", "await import('./app/env.server.ts')"], {
      env: { PATH: process.env.PATH, NODE_ENV: "test", ...valid, SHOPIFY_API_SECRET: "" },
      encoding: "utf8",
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([
      "Invalid configuration: SHOPIFY_API_SECRET is empty (the app's client secret from the Partner Dashboard)",
    ]);
  });
});
