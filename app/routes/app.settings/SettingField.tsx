import { FormField, type FieldName, type FormDraft } from "../../admin/FormField";
import type { SettingLimit } from "./settings-form";

export const rangeText = (limit: SettingLimit) => `${limit.min} to ${limit.max} ${limit.unit}`;

/** A draft of any of the page's forms; the shop settings' draft also knows each number's range and unit. */
type SettingDraft<F> = FormDraft<F> & { limits?: Partial<Record<keyof F, SettingLimit>> };

interface SettingFieldProps<F> {
  draft: SettingDraft<F>;
  name: FieldName<F>;
  label: string;
  /** Under the field; a function receives the allowed range ("1 to 1440 minutes"), which is the default for a limited number. */
  helpText?: string | ((range: string) => string);
  /** The unit after a number that has no range of its own. */
  suffix?: string;
  maxLength?: number;
}

/**
 * One setting of a Settings form's draft: a checkbox for an on/off setting, a
 * number field with its unit and range for a setting with limits, a text field
 * otherwise; the last refused save's message for it shows inline.
 */
export function SettingField<F>({ draft, name, label, helpText, suffix, maxLength }: SettingFieldProps<F>) {
  const limit = draft.limits?.[name];
  const help = typeof helpText === "function" ? helpText(limit ? rangeText(limit) : "") : (helpText ?? (limit ? rangeText(limit) : undefined));
  return (
    <FormField draft={draft} name={name} label={label} helpText={help} type={limit ? "number" : "text"} suffix={limit?.unit ?? suffix} maxLength={maxLength} />
  );
}
