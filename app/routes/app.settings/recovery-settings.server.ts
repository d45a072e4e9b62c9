import type { Shop } from "@prisma/client";
import { z } from "zod";
import { fieldErrors, summarize, type FieldErrors } from "../../admin/field-errors";
import { HOLDOUT_PERCENT } from "../../abandonment/holdout";
import { BUYER_CAP_PER_DAY, RECENT_ORDER_DAYS } from "../../abandonment/send-guard";
import { checkDiscountSettings } from "../../recovery/discount-codes.server";
import { AdminApiError } from "../../shopify-admin/admin-api.server";
import { discountSettingsOf, grantsDiscounts } from "../../recovery/recovery-codes.server";
import { updateRecoverySettings } from "../../shops/settings.server";

// The Settings page's recovery section (issue 17): codes, holdout and the
// send guard, all off or at their documented defaults until the merchant
// changes them. Bad input names the field and changes nothing stored.

export interface RecoverySettingsForm {
  recoveryCodesEnabled: boolean;
  recoveryCodeType: "percentage" | "fixed_amount";
  recoveryCodeValue: string;
  recoveryCodeMinimumSubtotal: string;
  recoveryCodeValidityHours: string;
  recoveryCodeCombinesOrder: boolean;
  recoveryCodeCombinesProduct: boolean;
  recoveryCodeCombinesShipping: boolean;
  holdoutPercent: string;
  recentOrderDays: string;
  buyerCapPerDay: string;
  quietHoursFollowBuyer: boolean;
}

export const RECOVERY_LABELS: Record<keyof RecoverySettingsForm, string> = {
  recoveryCodesEnabled: "Recovery codes",
  recoveryCodeType: "Discount type",
  recoveryCodeValue: "Discount value",
  recoveryCodeMinimumSubtotal: "Minimum subtotal",
  recoveryCodeValidityHours: "Code validity",
  recoveryCodeCombinesOrder: "Combines with order discounts",
  recoveryCodeCombinesProduct: "Combines with product discounts",
  recoveryCodeCombinesShipping: "Combines with shipping discounts",
  holdoutPercent: "Holdout",
  recentOrderDays: "Recent order",
  buyerCapPerDay: "Messages per buyer per day",
  quietHoursFollowBuyer: "Quiet hours follow the buyer",
};

export const RECOVERY_LIMITS = { holdoutPercent: HOLDOUT_PERCENT, recentOrderDays: RECENT_ORDER_DAYS, buyerCapPerDay: BUYER_CAP_PER_DAY } as const;

const whole = (range: { min: number; max: number }, unit: string) =>
  z
    .string({ error: "is required" })
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number of ${unit}` })
    .transform(Number)
    .refine((n) => n >= range.min && n <= range.max, { error: `must be from ${range.min} to ${range.max} ${unit}` });

const recoverySettingsSchema = z.object({
  recoveryCodesEnabled: z.boolean({ error: "must be on or off" }),
  recoveryCodeType: z.enum(["percentage", "fixed_amount"], { error: "must be a percentage or a fixed amount" }),
  recoveryCodeValue: z.string({ error: "is required" }).trim(),
  recoveryCodeMinimumSubtotal: z.string().trim(),
  recoveryCodeValidityHours: z.string({ error: "is required" }).trim(),
  recoveryCodeCombinesOrder: z.boolean(),
  recoveryCodeCombinesProduct: z.boolean(),
  recoveryCodeCombinesShipping: z.boolean(),
  holdoutPercent: whole(HOLDOUT_PERCENT, "percent"),
  recentOrderDays: whole(RECENT_ORDER_DAYS, "days"),
  buyerCapPerDay: whole(BUYER_CAP_PER_DAY, "messages"),
  quietHoursFollowBuyer: z.boolean({ error: "must be on or off" }),
});

export function recoverySettingsForm(shop: Shop): RecoverySettingsForm & { discountsGranted: boolean } {
  const discount = discountSettingsOf(shop);
  return {
    recoveryCodesEnabled: shop.recoveryCodesEnabled,
    recoveryCodeType: discount.type,
    recoveryCodeValue: discount.value,
    recoveryCodeMinimumSubtotal: discount.minimumSubtotal ?? "",
    recoveryCodeValidityHours: String(discount.validityHours),
    recoveryCodeCombinesOrder: discount.combinesWith.orderDiscounts,
    recoveryCodeCombinesProduct: discount.combinesWith.productDiscounts,
    recoveryCodeCombinesShipping: discount.combinesWith.shippingDiscounts,
    holdoutPercent: String(shop.holdoutPercent),
    recentOrderDays: String(shop.recentOrderDays),
    buyerCapPerDay: String(shop.buyerCapPerDay),
    quietHoursFollowBuyer: shop.quietHoursFollowBuyer,
    discountsGranted: shop.scopes !== null && grantsDiscounts(shop),
  };
}

export type RecoverySave = { ok: true; errors: FieldErrors; error: null } | { ok: false; errors: FieldErrors; error: string };

export async function saveRecoverySettings(shop: Shop, values: unknown): Promise<RecoverySave> {
  const parsed = recoverySettingsSchema.safeParse(values);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error, RECOVERY_LABELS);
    return { ok: false, errors, error: summarize(errors) };
  }
  const v = parsed.data;
  let discount;
  try {
    discount = checkDiscountSettings({
      type: v.recoveryCodeType,
      value: v.recoveryCodeValue,
      minimumSubtotal: v.recoveryCodeMinimumSubtotal === "" ? null : v.recoveryCodeMinimumSubtotal,
      validityHours: Number(v.recoveryCodeValidityHours),
      combinesWith: {
        orderDiscounts: v.recoveryCodeCombinesOrder,
        productDiscounts: v.recoveryCodeCombinesProduct,
        shippingDiscounts: v.recoveryCodeCombinesShipping,
      },
    });
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    const errors = { recoveryCodeValue: `${RECOVERY_LABELS.recoveryCodeValue}: ${error.message}` };
    return { ok: false, errors, error: summarize(errors) };
  }
  await updateRecoverySettings(shop, {
    recoveryCodesEnabled: v.recoveryCodesEnabled,
    recoveryCodeType: discount.type,
    recoveryCodeValue: discount.value,
    recoveryCodeMinimumSubtotal: discount.minimumSubtotal,
    recoveryCodeValidityHours: discount.validityHours,
    recoveryCodeCombinesOrder: discount.combinesWith.orderDiscounts,
    recoveryCodeCombinesProduct: discount.combinesWith.productDiscounts,
    recoveryCodeCombinesShipping: discount.combinesWith.shippingDiscounts,
    holdoutPercent: v.holdoutPercent,
    recentOrderDays: v.recentOrderDays,
    buyerCapPerDay: v.buyerCapPerDay,
    quietHoursFollowBuyer: v.quietHoursFollowBuyer,
  });
  return { ok: true, errors: {}, error: null };
}
