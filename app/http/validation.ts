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
