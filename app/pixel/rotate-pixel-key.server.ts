import { newPixelKey } from "../shops/shop.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { activatePixel, type PixelActivation } from "./activate.server";

/**
 * Replaces a shop's pixel key (it is public, so this is the answer to abuse):
 * the pixel gets the new key first, and only once Shopify accepted it does
 * /api/pixel stop honouring the old one. On failure nothing changes.
 */
export function rotatePixelKey(shopDomain: string, graphql: AdminGraphql, options: { appUrl?: string } = {}): Promise<PixelActivation> {
  return activatePixel(shopDomain, graphql, { ...options, pixelKey: newPixelKey() });
}
