import type { z } from "zod";

// How a refusal reads when zod found it: every message names the field and
// says what it must be. The API and the admin forms both word it from here.

const TYPE_MISMATCH = /^Invalid input: expected (\w+), received (\w+)$/;

/** zod's "Invalid input: expected number, received string" as the two types; null for any other message. */
export function typeMismatch(message: string): { expected: string; received: string } | null {
  const mismatch = TYPE_MISMATCH.exec(message);
  return mismatch ? { expected: mismatch[1], received: mismatch[2] } : null;
}

/** "must be a number", "must be an object". */
export const mustBe = (type: string) => `must be ${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;

/** One line naming the first offending field, e.g. `lines.0.quantity must be a number (got string)`. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue.path.length > 0 ? issue.path.join(".") : "body";
  const mismatch = typeMismatch(issue.message);
  return `${where} ${mismatch ? `${mustBe(mismatch.expected)} (got ${mismatch.received})` : issue.message}`;
}

const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Where a parsed JSON value holds a lone UTF-16 surrogate (JSON's `"\ud800"`),
 * which no database stores as text: the path of the first such string or key,
 * or null when every string is well-formed Unicode. Iterative: bodies may nest deeply.
 */
export function loneSurrogatePath(value: unknown): string | null {
  const stack: { value: unknown; path: string | null }[] = [{ value, path: null }];
  const join = (path: string | null, key: string) => (path === null ? key : `${path}.${key}`);
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === "string") {
      if (LONE_SURROGATE.test(current)) return path ?? "body";
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: join(path, String(i)) });
    } else if (typeof current === "object" && current !== null) {
      const entries = Object.entries(current);
      for (const [key] of entries) if (LONE_SURROGATE.test(key)) return join(path, "(a key)");
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i][1], path: join(path, entries[i][0]) });
    }
  }
  return null;
}

export const LONE_SURROGATE_MESSAGE = "must be valid Unicode text (it contains a lone UTF-16 surrogate)";
