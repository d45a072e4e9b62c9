// JSON.parse accepts "\ud800", but such a string is not valid Unicode: the
// databases refuse it (PostgreSQL) or silently mangle it, and a webhook that
// crashes on it is retried by Shopify for 48 hours.

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The dotted path of the first string (or object key) holding a lone UTF-16 surrogate, or null. */
export function loneSurrogatePath(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? path.join(".") || "body" : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = loneSurrogatePath(value[i], [...path, String(i)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return [...path, key].join(".");
      const found = loneSurrogatePath(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}
