// Loaded into the demo's app server only (node --import, see demo/run.ts),
// never part of the app's build. Shopify's library keeps the fetch it finds
// when it loads, so this wraps fetch first: requests to the demo shop's
// Admin API (https://<shop>/admin/...) go to the demo's Shopify double on
// loopback; everything else is untouched.
const target = process.env.CART_RELAY_DEMO_SHOPIFY_ADMIN;
if (target) {
  const [shop, url] = target.split("=", 2);
  const origin = `https://${shop}`;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const href = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!href.startsWith(`${origin}/admin/`)) return realFetch(input, init);
    const redirected = url + href.slice(origin.length);
    return typeof input === "string" || input instanceof URL ? realFetch(redirected, init) : realFetch(new Request(redirected, input), init);
  };
}
