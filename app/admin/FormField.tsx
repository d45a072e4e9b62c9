import type { ReactNode } from "react";
import { Checkbox, Select, TextField } from "@shopify/polaris";
import type { FieldErrors } from "./field-errors";

/** A form's edit in progress: its values, the last refused save's inline errors, and how one value changes. */
export interface FormDraft<F> {
  form: F;
  errors: FieldErrors;
  set: <K extends keyof F>(name: K, value: F[K]) => void;
}

/** The fields of a form a single input edits: text (numbers as typed) or on/off. */
export type FieldName<F> = { [K in keyof F]: F[K] extends string | boolean ? K : never }[keyof F] & string;

export interface FormFieldProps<F> {
  draft: FormDraft<F>;
  name: FieldName<F>;
  label: string;
  helpText?: ReactNode;
  type?: "text" | "number" | "time";
  suffix?: string;
  placeholder?: string;
  multiline?: number;
  monospaced?: boolean;
  maxLength?: number;
}

/**
 * One value of a form's draft: a checkbox for an on/off value, a text field
 * otherwise; the last refused save's message for it shows inline.
 */
export function FormField<F>({ draft, name, label, helpText, type = "text", suffix, placeholder, multiline, monospaced, maxLength }: FormFieldProps<F>) {
  const value = draft.form[name] as string | boolean;
  const error = draft.errors[name];
  const set = (next: string | boolean) => draft.set(name, next as F[typeof name]);
  if (typeof value === "boolean") return <Checkbox label={label} helpText={helpText} checked={value} onChange={set} error={error} />;
  return (
    <TextField
      label={label}
      type={type}
      suffix={suffix}
      value={value}
      onChange={set}
      helpText={helpText}
      placeholder={placeholder}
      multiline={multiline}
      monospaced={monospaced}
      maxLength={maxLength}
      showCharacterCount={maxLength !== undefined}
      autoComplete="off"
      error={error}
    />
  );
}

/** One text value of a form's draft chosen from a list. */
export function FormSelect<F>({
  draft,
  name,
  label,
  options,
  helpText,
}: Pick<FormFieldProps<F>, "draft" | "name" | "label" | "helpText"> & { options: { label: string; value: string }[] }) {
  return (
    <Select
      label={label}
      options={options}
      value={draft.form[name] as string}
      onChange={(next) => draft.set(name, next as F[typeof name])}
      helpText={helpText}
      error={draft.errors[name]}
    />
  );
}
