import { isMyshopifyDomain } from "../webhooks/topics";

/**
 * Where /auth/exit-iframe may send the browser: the `exitIframe` parameter
 * comes from the URL, so anyone can write one. Allowed: this app's own pages
 * (relative paths included), admin.shopify.com, and the admin of the shop
 * the request names (`https://<shop>.myshopify.com/admin...`). Nothing else,
 * not another shop's admin, not a storefront, not a foreign host.
 */
export function trustedExitIframeDestination(requestUrl: URL, appUrl: string): boolean {
  const destination = requestUrl.searchParams.get("exitIframe");
  if (!destination || /[\s\\]/.test(destination)) return false;
  let target: URL;
  try {
    target = new URL(destination, appUrl);
  } catch {
    return false;
  }
  if (target.origin === new URL(appUrl).origin) return true;
  if (target.protocol !== "https:" || target.port !== "" || target.username || target.password) return false;
  if (target.hostname === "admin.shopify.com") return true;
  const shop = requestUrl.searchParams.get("shop")?.toLowerCase() ?? "";
  return isMyshopifyDomain(shop) && target.hostname === shop && (target.pathname === "/admin" || target.pathname.startsWith("/admin/"));
}
