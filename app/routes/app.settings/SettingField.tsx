import { Checkbox, TextField } from "@shopify/polaris";
import type { SettingLimit, SettingLimits, SettingName, SettingsDraft } from "./settings-form";

export const rangeText = (limit: SettingLimit) => `${limit.min} to ${limit.max} ${limit.unit}`;

interface SettingFieldProps {
  draft: SettingsDraft;
  name: SettingName;
  label: string;
  /** Under the field; a function receives the allowed range ("1 to 1440 minutes"), which is the default for a limited number. */
  helpText?: string | ((range: string) => string);
  maxLength?: number;
}

/**
 * One setting of the page's draft: a checkbox for an on/off setting, a number
 * field with its unit and range for a setting in `SETTINGS_LIMITS`, a text
 * field otherwise; the last refused save's message for it shows inline.
 */
export function SettingField({ draft, name, label, helpText, maxLength }: SettingFieldProps) {
  const value = draft.form[name];
  const error = draft.errors[name];
  const limit = name in draft.limits ? draft.limits[name as keyof SettingLimits] : undefined;
  const help = typeof helpText === "function" ? helpText(limit ? rangeText(limit) : "") : (helpText ?? (limit ? rangeText(limit) : undefined));
  if (typeof value === "boolean") {
    return <Checkbox label={label} helpText={help} checked={value} onChange={(checked) => draft.set(name, checked)} error={error} />;
  }
  return (
    <TextField
      label={label}
      type={limit ? "number" : "text"}
      suffix={limit?.unit}
      value={value}
      onChange={(text) => draft.set(name, text)}
      helpText={help}
      maxLength={maxLength}
      showCharacterCount={maxLength !== undefined}
      autoComplete="off"
      error={error}
    />
  );
}
