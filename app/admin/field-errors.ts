import type { z } from "zod";
import { mustBe, typeMismatch } from "../http/validation";

// Inline form errors from zod issues: one message per form field, in words
// that read after the field's label ("URL must start with https://").

export type FieldErrors = Record<string, string>;

export type Issue = z.ZodError["issues"][number];

export function issueMessage(issue: Issue): string {
  const mismatch = typeMismatch(issue.message);
  if (!mismatch) return issue.message;
  // A form field holds text: a number typed badly is simply not a number.
  if (mismatch.received === "NaN" || (mismatch.expected === "number" && mismatch.received === "string")) return mustBe("number");
  return mustBe(mismatch.expected);
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
