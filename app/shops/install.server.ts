import { activatePixel } from "../pixel/activate.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { ensureShop } from "./shop.server";
import { syncShopDetails } from "./shop-details-sync.server";

/** After Shopify's OAuth (an install or a re-auth): the shop row, its details, and the web pixel. */
export async function onShopAuthorized(shopDomain: string, scopes: string | null, graphql: AdminGraphql): Promise<void> {
  await ensureShop(shopDomain, { scopes });
  // Neither throws for Shopify-side failures; the merchant can retry the pixel from Settings.
  await syncShopDetails(shopDomain, graphql);
  await activatePixel(shopDomain, graphql);
}
