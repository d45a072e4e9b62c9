import type { ComponentType } from "react";
import type { FieldErrors } from "../../admin/field-errors";
import type { FormDraft } from "../../admin/FormField";
import type { SETTINGS_LIMITS, ShopSettings } from "../../shops/settings.server";
import type { PixelActivationErrorKind } from "../../pixel/activate.server";

// What the Settings page, its sections and its action share (no server code).

/** The settings as the form edits them: numbers as the text typed. */
export type SettingsForm = { [K in keyof ShopSettings]: ShopSettings[K] extends number ? string : ShopSettings[K] };
export type SettingName = keyof SettingsForm;

export type SettingLimits = typeof SETTINGS_LIMITS;
export type SettingLimit = SettingLimits[keyof SettingLimits];

/** The loader's data. */
export interface SettingsPage {
  form: SettingsForm;
  limits: SettingLimits;
  pixel: { active: boolean; webPixelId: string | null };
  policyMinuteMs: number;
}

/** The edit in progress, handed to every section. */
export interface SettingsDraft extends FormDraft<SettingsForm> {
  limits: SettingLimits;
}

export interface SettingsSectionProps {
  draft: SettingsDraft;
  page: SettingsPage;
}

/** One annotated section of the page; `sections.ts` lists them in page order. */
export interface SettingsSection {
  id: string;
  /** How a refused save names this section's fields ("Abandon after must be ..."); the fields show the same labels. */
  labels: Partial<Record<SettingName, string>>;
  Component: ComponentType<SettingsSectionProps>;
}

export type SaveAnswer =
  { intent: "save"; ok: true; errors: FieldErrors; error: null; rescheduled: number } | { intent: "save"; ok: false; errors: FieldErrors; error: string };

export type PixelIntent = "activatePixel" | "rotatePixelKey";

export type PixelAnswer =
  | { intent: PixelIntent; ok: true; pixel: { action: "created" | "updated"; webPixelId: string }; error: null }
  | { intent: PixelIntent; ok: false; pixel: null; error: string; errorKind: PixelActivationErrorKind };
