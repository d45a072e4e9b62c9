import { recordObservation } from "../capture/checkout-store.server";
import { findOrCreateShop } from "../shops/shop.server";
import { checkoutWebhookObservation, type CheckoutWebhook } from "./checkout-payload";

/** checkouts/create and checkouts/update: Shopify's own view of the checkout, a trusted source. */
export async function recordCheckoutWebhook(shopDomain: string, checkout: CheckoutWebhook, now = new Date()) {
  const shop = await findOrCreateShop(shopDomain);
  return recordObservation(shop, checkout.token, checkoutWebhookObservation(checkout, now));
}
