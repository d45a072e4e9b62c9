type CaptureLineValue = Record<string, unknown>;

// What a message template shows of a line (its image, the product page) is
// known to some channels only: the pixel reports both, Shopify's checkout
// webhook neither. Lines are merged as a whole, so when one source's lines
// win, the other's details for the same variant fill the gaps line by line.
export const LINE_DETAIL_FIELDS = ["imageUrl", "productHandle"] as const;

const blank = (value: unknown) => value === undefined || value === null || (typeof value === "string" && value.trim() === "");

/** `lines` with each missing detail taken from the line of `from` with the same variant; `lines` itself when nothing was missing. */
export function fillLineDetails(lines: CaptureLineValue[], from: CaptureLineValue[]): CaptureLineValue[] {
  const byVariant = new Map<string, CaptureLineValue>();
  for (const line of from) if (!blank(line.variantId)) byVariant.set(String(line.variantId), line);
  let changed = false;
  const filled = lines.map((line) => {
    const source = blank(line.variantId) ? undefined : byVariant.get(String(line.variantId));
    if (!source) return line;
    const missing = LINE_DETAIL_FIELDS.filter((field) => blank(line[field]) && !blank(source[field]));
    if (missing.length === 0) return line;
    changed = true;
    return { ...line, ...Object.fromEntries(missing.map((field) => [field, source[field]])) };
  });
  return changed ? filled : lines;
}
