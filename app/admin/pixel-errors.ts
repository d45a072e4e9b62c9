import type { PixelActivationErrorKind } from "../pixel/activate.server";

// Banner titles that say which step failed: Shopify refusing the pixel is not
// the same problem as Shopify not being reachable (as in the demo, offline).
const TITLES: Record<PixelActivationErrorKind, string> = {
  user_errors: "Shopify did not accept the pixel",
  graphql: "The call to Shopify's Admin API failed",
  http: "Shopify's Admin API answered with an HTTP error",
  unexpected_response: "Shopify's answer could not be read",
};

export function pixelErrorTitle(kind: PixelActivationErrorKind, intent: string): string {
  if (kind === "user_errors" && intent === "rotatePixelKey") return "Shopify did not accept the new pixel key";
  return TITLES[kind] ?? "The pixel could not be activated";
}
