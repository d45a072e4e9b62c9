import { describe, expect, it } from "vitest";
import { captureEndpoint } from "./app-url";

describe("captureEndpoint", () => {
  it.each([
    ["https://relay.example.com", "https://relay.example.com/api/capture"],
    ["https://relay.example.com/", "https://relay.example.com/api/capture"],
    [" https://relay.example.com/base// ", "https://relay.example.com/base/api/capture"],
    ["http://localhost:3000", "http://localhost:3000/api/capture"],
    ["http://relay.example.com", undefined],
    ["relay.example.com", undefined],
    ["", undefined],
  ])("%j -> %j", (appUrl, expected) => {
    expect(captureEndpoint(appUrl)).toBe(expected);
  });

  function withBuildEnv(values: Record<string, string | undefined>, check: () => void) {
    const saved = { CART_RELAY_APP_URL: process.env.CART_RELAY_APP_URL, APP_URL: process.env.APP_URL };
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    try {
      check();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it("is undefined when the build inlined neither CART_RELAY_APP_URL nor APP_URL", () => {
    withBuildEnv({ CART_RELAY_APP_URL: undefined, APP_URL: undefined }, () => expect(captureEndpoint()).toBeUndefined());
  });

  it("uses APP_URL, which Shopify CLI defines as the tunnel during `shopify app dev`", () => {
    withBuildEnv({ CART_RELAY_APP_URL: undefined, APP_URL: "https://tunnel.trycloudflare.com" }, () =>
      expect(captureEndpoint()).toBe("https://tunnel.trycloudflare.com/api/capture"),
    );
  });

  it("prefers CART_RELAY_APP_URL, and treats an empty one (a blank .env line) as unset", () => {
    withBuildEnv({ CART_RELAY_APP_URL: "https://relay.example.com", APP_URL: "https://tunnel.trycloudflare.com" }, () =>
      expect(captureEndpoint()).toBe("https://relay.example.com/api/capture"),
    );
    withBuildEnv({ CART_RELAY_APP_URL: "", APP_URL: "https://tunnel.trycloudflare.com" }, () =>
      expect(captureEndpoint()).toBe("https://tunnel.trycloudflare.com/api/capture"),
    );
  });
});
