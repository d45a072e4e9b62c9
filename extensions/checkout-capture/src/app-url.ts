// The app's URL is fixed when the extension is built: Shopify's CLI replaces
// `process.env.<NAME>` with the value from its environment (or the app's
// .env) at `shopify app build|deploy|dev`, and during `shopify app dev` it
// also defines APP_URL as the tunnel's URL. So CART_RELAY_APP_URL (deploys)
// wins, else APP_URL (development, no URL known in advance). A merchant never
// has to type it, and a changed setting cannot point buyers' data elsewhere.
declare const process: { env: Record<string, string | undefined> };

// Each name is read on its own: one not replaced at build time throws (there
// is no `process` in the checkout sandbox) without hiding the other.
function configured(read: () => string | undefined): string | undefined {
  try {
    return read()?.trim() || undefined;
  } catch {
    return undefined;
  }
}

function builtAppUrl(): string | undefined {
  return configured(() => process.env.CART_RELAY_APP_URL) ?? configured(() => process.env.APP_URL);
}

/** `<app>/api/capture`, or undefined when the URL is missing or not https (http only for localhost). */
export function captureEndpoint(appUrl: string | undefined = builtAppUrl()): string | undefined {
  const base = appUrl?.trim().replace(/\/+$/, "");
  if (!base) return undefined;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    return undefined;
  }
  const local = url.hostname === "localhost" || url.hostname === "127.0.0.1";
  if (url.protocol !== "https:" && !(local && url.protocol === "http:")) return undefined;
  return `${base}/api/capture`;
}
