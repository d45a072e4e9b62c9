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

  it("is undefined when the build did not inline CART_RELAY_APP_URL", () => {
    const saved = process.env.CART_RELAY_APP_URL;
    delete process.env.CART_RELAY_APP_URL;
    try {
      expect(captureEndpoint()).toBeUndefined();
    } finally {
      if (saved !== undefined) process.env.CART_RELAY_APP_URL = saved;
    }
  });
});
