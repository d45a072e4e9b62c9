import type { z } from "zod";

// Inline form errors from zod issues: one message per form field, in words
// that read after the field's label ("URL must start with https://").

const TYPE_MISMATCH = /^Invalid input: expected (\w+), received (\w+)$/;

export type FieldErrors = Record<string, string>;

export type Issue = z.ZodError["issues"][number];

export function issueMessage(issue: Issue): string {
  const mismatch = TYPE_MISMATCH.exec(issue.message);
  if (!mismatch) return issue.message;
  if (mismatch[2] === "NaN" || (mismatch[1] === "number" && mismatch[2] === "string")) return "must be a number";
  return `must be ${/^[aeiou]/.test(mismatch[1]) ? "an" : "a"} ${mismatch[1]}`;
}

export interface FieldOf {
  field: string;
  /** names the entry at fault, e.g. "(interval 2)" */
  detail?: string;
  /** the message is a sentence of its own, shown after "Label:" */
  sentence?: boolean;
}

/**
 * The first message for each field. `fieldOf` maps an issue path to a form
 * field name and a prefix naming the element at fault (a list entry, a header).
 */
export function fieldErrors(
  error: z.ZodError,
  labels: Record<string, string>,
  fieldOf: (path: readonly PropertyKey[]) => FieldOf = (path) => ({ field: String(path[0] ?? "form") }),
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const { field, detail, sentence } = fieldOf(issue.path);
    if (errors[field]) continue;
    const label = labels[field] ?? field;
    errors[field] = sentence ? `${label}: ${issueMessage(issue)}` : `${label}${detail ? ` ${detail}` : ""} ${issueMessage(issue)}`;
  }
  return errors;
}

/** One line for a banner: every field's message. */
export function summarize(errors: FieldErrors): string {
  const messages = Object.values(errors);
  return messages.length === 1 ? messages[0] : `${messages.length} fields need attention: ${messages.join("; ")}`;
}
