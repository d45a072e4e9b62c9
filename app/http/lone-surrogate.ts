// JSON.parse accepts "\ud800", but such a string is not valid Unicode: the
// databases refuse it (PostgreSQL) or silently mangle it, and a webhook that
// crashes on it is retried by Shopify for 48 hours.

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

interface Step {
  key: string;
  parent: Step | null;
}

const pathOf = (step: Step | null): string => {
  const keys: string[] = [];
  for (let at = step; at; at = at.parent) keys.unshift(at.key);
  return keys.join(".") || "body";
};

/**
 * The dotted path of the first string (or object key) holding a lone UTF-16
 * surrogate, or null. Iterative, with paths built only for the hit, so a
 * deeply nested body costs neither stack nor quadratic memory.
 */
export function loneSurrogatePath(value: unknown): string | null {
  const pending: [unknown, Step | null][] = [[value, null]];
  while (pending.length > 0) {
    const [item, at] = pending.pop()!;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return pathOf(at);
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) pending.push([item[i], { key: String(i), parent: at }]);
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (const [key] of entries) if (LONE_SURROGATE.test(key)) return pathOf({ key, parent: at });
      for (let i = entries.length - 1; i >= 0; i--) pending.push([entries[i][1], { key: entries[i][0], parent: at }]);
    }
  }
  return null;
}
