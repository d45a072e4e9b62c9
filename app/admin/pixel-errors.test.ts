import { describe, expect, it } from "vitest";
import { pixelErrorTitle } from "./pixel-errors";

describe("pixel error titles say what failed", () => {
  it.each([
    ["user_errors", "activatePixel", "Shopify did not accept the pixel"],
    ["user_errors", "rotatePixelKey", "Shopify did not accept the new pixel key"],
    ["graphql", "activatePixel", "The call to Shopify's Admin API failed"],
    ["http", "activatePixel", "Shopify's Admin API answered with an HTTP error"],
    ["unexpected_response", "rotatePixelKey", "Shopify's answer could not be read"],
  ] as const)("%s (%s): %s", (kind, intent, title) => {
    expect(pixelErrorTitle(kind, intent)).toBe(title);
  });
});
