import type { Shop } from "@prisma/client";
import { fieldErrors, summarize } from "../../admin/field-errors";
import { env, policyMinuteMs } from "../../env.server";
import { SETTINGS_LIMITS, settingsSchema, shopSettings, updateSettings, type ShopSettings } from "../../shops/settings.server";
import { activatePixel } from "../../pixel/activate.server";
import type { AdminGraphql } from "../../shopify-admin/admin-graphql";
import { rotatePixelKey } from "../../pixel/rotate-pixel-key.server";
import type { PixelAnswer, PixelIntent, SaveAnswer, SettingsForm, SettingsPage } from "./settings-form";

function formOf(settings: ShopSettings): SettingsForm {
  return Object.fromEntries(Object.entries(settings).map(([name, value]) => [name, typeof value === "number" ? String(value) : value])) as SettingsForm;
}

export function settingsPage(shop: Shop): SettingsPage {
  return {
    form: formOf(shopSettings(shop)),
    limits: SETTINGS_LIMITS,
    pixel: { active: shop.webPixelId !== null, webPixelId: shop.webPixelId },
    policyMinuteMs: policyMinuteMs(env),
  };
}

/** Validates the form and saves it; a refusal names every bad field by its label and stores nothing. */
export async function saveSettings(shop: Shop, values: unknown, labels: Record<string, string>): Promise<SaveAnswer> {
  const parsed = settingsSchema.safeParse(values);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error, labels);
    return { intent: "save", ok: false, errors, error: summarize(errors) };
  }
  const { rescheduled } = await updateSettings(shop, parsed.data);
  return { intent: "save", ok: true, errors: {}, error: null, rescheduled };
}

/** Registers the web pixel with Shopify, or gives it a new key first; the old key stops working only once Shopify accepted the new one. */
export async function connectPixel(intent: PixelIntent, shopDomain: string, graphql: AdminGraphql): Promise<PixelAnswer> {
  const activation = await (intent === "rotatePixelKey" ? rotatePixelKey : activatePixel)(shopDomain, graphql);
  return activation.ok
    ? { intent, ok: true, pixel: { action: activation.action, webPixelId: activation.webPixelId }, error: null }
    : { intent, ok: false, pixel: null, error: activation.error.message, errorKind: activation.error.kind };
}
