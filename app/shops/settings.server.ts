import type { Prisma, Shop } from "@prisma/client";
import { z } from "zod";
import prisma from "../db.server";
import { forgetCachedShops } from "./shop.server";
import { env, policyMinuteMs } from "../env.server";
import { ABANDON_AFTER_MINUTES, abandonDueAt } from "../capture/due-time";
import { rescheduleAbandonment } from "../capture/checkout-state.server";

// A shop's own settings (DESIGN.md "Abandonment and recovery rules", "Privacy").

// Forms send text; "15" is read as the number it shows.
const numberFromText = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value);

const amount = (count: number, unit: string) => `${count} ${count === 1 ? unit.replace(/s$/, "") : unit}`;

const whole = (min: number, max: number, unit: string) =>
  z.preprocess(
    numberFromText,
    z
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(min, `must be at least ${amount(min, unit)}`)
      .max(max, `must be at most ${amount(max, unit)}`),
  );

export const SETTINGS_LIMITS = {
  abandonAfterMinutes: { min: ABANDON_AFTER_MINUTES.min, max: ABANDON_AFTER_MINUTES.max, unit: "minutes" },
  dedupeWindowHours: { min: 1, max: 168, unit: "hours" },
  attributionWindowDays: { min: 1, max: 30, unit: "days" },
  retentionDays: { min: 1, max: 365, unit: "days" },
} as const;

const limit = (name: keyof typeof SETTINGS_LIMITS) => whole(SETTINGS_LIMITS[name].min, SETTINGS_LIMITS[name].max, SETTINGS_LIMITS[name].unit);

export const settingsSchema = z.object({
  abandonAfterMinutes: limit("abandonAfterMinutes"),
  dedupeWindowHours: limit("dedupeWindowHours"),
  attributionWindowDays: limit("attributionWindowDays"),
  retentionDays: limit("retentionDays"),
  optInText: z
    .string({ error: "must be text" })
    .trim()
    .min(1, "is required")
    .max(200, "must be at most 200 characters")
    .refine((text) => !/[\r\n]/.test(text), "must be one line"),
  allowUntrustedEvents: z.boolean({ error: "must be on or off" }),
});

export type ShopSettings = z.output<typeof settingsSchema>;

export function shopSettings(shop: Shop): ShopSettings {
  return {
    abandonAfterMinutes: shop.abandonAfterMinutes,
    dedupeWindowHours: shop.dedupeWindowHours,
    attributionWindowDays: shop.attributionWindowDays,
    retentionDays: shop.retentionDays,
    optInText: shop.optInText,
    allowUntrustedEvents: shop.allowUntrustedEvents,
  };
}

/**
 * Saves the settings. A new abandonAfter (or pixel-trust choice) moves the
 * due time of every open checkout of the shop, so the detector acts on the
 * new rule: a checkout already idle longer than the new value is due now.
 */
export async function updateSettings(shop: Shop, settings: ShopSettings): Promise<{ shop: Shop; rescheduled: number }> {
  const rulesChanged = settings.abandonAfterMinutes !== shop.abandonAfterMinutes || settings.allowUntrustedEvents !== shop.allowUntrustedEvents;
  const saved = await prisma.$transaction(async (tx) => {
    const updated = await tx.shop.update({ where: { id: shop.id }, data: settings });
    if (!rulesChanged) return { shop: updated, rescheduled: 0 };
    // Checkouts the detector folded into a newer one stay folded.
    const open = await tx.checkout.findMany({
      where: { shopId: shop.id, status: "open", orderId: null, collapsedIntoId: null },
      select: {
        id: true,
        status: true,
        email: true,
        emailNormalized: true,
        phone: true,
        addressPhone: true,
        trustedSeen: true,
        lastActivityAt: true,
        orderId: true,
        abandonDueAt: true,
      },
    });
    let rescheduled = 0;
    for (const checkout of open) {
      const due = abandonDueAt(checkout, updated, policyMinuteMs(env));
      if ((due?.getTime() ?? null) === (checkout.abandonDueAt?.getTime() ?? null)) continue;
      if (await rescheduleAbandonment(tx, checkout, due)) rescheduled += 1;
    }
    return { shop: updated, rescheduled };
  });
  // This process's capture path sees the new rules at once; other web processes within CAPTURE_SHOP_CACHE_MS.
  forgetCachedShops();
  return saved;
}

/** The recovery settings (codes, holdout, send guard) the Settings page's recovery section has checked. */
export type RecoverySettings = Pick<
  Prisma.ShopUncheckedUpdateInput,
  | "recoveryCodesEnabled"
  | "recoveryCodeType"
  | "recoveryCodeValue"
  | "recoveryCodeMinimumSubtotal"
  | "recoveryCodeValidityHours"
  | "recoveryCodeCombinesOrder"
  | "recoveryCodeCombinesProduct"
  | "recoveryCodeCombinesShipping"
  | "holdoutPercent"
  | "recentOrderDays"
  | "buyerCapPerDay"
  | "quietHoursFollowBuyer"
>;

export async function updateRecoverySettings(shop: Shop, settings: RecoverySettings): Promise<void> {
  await prisma.shop.update({ where: { id: shop.id }, data: settings });
}
