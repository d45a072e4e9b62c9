import type { z } from "zod";

const TYPE_MISMATCH = /^Invalid input: expected (\w+), received (\w+)$/;

/** One line naming the first offending field, e.g. `lines.0.quantity must be a number (got string)`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  const mismatch = TYPE_MISMATCH.exec(issue.message);
  const message = mismatch ? `must be ${/^[aeiou]/.test(mismatch[1]!) ? "an" : "a"} ${mismatch[1]} (got ${mismatch[2]})` : issue.message;
  return `${where} ${message}`;
}

/**
 * Where a parsed JSON value holds a lone UTF-16 surrogate (JSON's `"\ud800"`),
 * which no database stores as text: the path of the first such string or key,
 * or null when every string is well-formed Unicode.
 */
const LONE_SURROGATE = /\p{Cs}/u;

export function loneSurrogatePath(value: unknown, path: string[] = []): string | null {
  if (typeof value === "string") return LONE_SURROGATE.test(value) ? path.join(".") || "body" : null;
  if (typeof value !== "object" || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = loneSurrogatePath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return null;
  }
  for (const [key, entry] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return [...path, "(a key)"].join(".");
    const found = loneSurrogatePath(entry, [...path, key]);
    if (found) return found;
  }
  return null;
}

export const LONE_SURROGATE_MESSAGE = "must be valid Unicode text (it contains a lone UTF-16 surrogate)";
