// Exact sums of decimal money strings ("1800.00", "19.999"): BigInt scaled by
// the widest fraction seen, so no float rounding reaches the merchant.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

export class MoneyFormatError extends Error {
  override name = "MoneyFormatError";
  readonly kind = "malformed_amount";
}

function parse(value: string): { units: bigint; scale: number } {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new MoneyFormatError(`"${value}" is not a decimal amount`);
  const fraction = match[3] ?? "";
  const units = BigInt(`${match[2]}${fraction}`) * (match[1] === "-" ? -1n : 1n);
  return { units, scale: fraction.length };
}

/** The sum of decimal strings as a decimal string with at least `minScale` fraction digits. */
export function sumDecimals(values: readonly string[], minScale = 2): string {
  const parsed = values.map(parse);
  const scale = Math.max(minScale, ...parsed.map((p) => p.scale));
  let total = 0n;
  for (const { units, scale: own } of parsed) total += units * 10n ** BigInt(scale - own);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}
