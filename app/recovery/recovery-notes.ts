// What the checkouts page says about a checkout's recovery (issue 17): its
// group, why it was not messaged, its code, and whose clock its quiet hours
// follow. Pure, from the stored columns.

const SUPPRESSED: Record<string, string> = {
  recent_order: "not messaged: the buyer ordered recently",
  buyer_cap: "not messaged: the buyer was already messaged today",
  duplicate: "not messaged: another checkout of the buyer was",
};

const ZONE_SOURCES: Record<string, string> = {
  shipping_province: "shipping address",
  shipping_country: "shipping country",
  phone_country: "phone number",
  shop: "the shop's zone",
};

export interface RecoveryColumns {
  recoveryGroup: string | null;
  suppressedReason: string | null;
  recoveryCode: string | null;
  recoveryDiscountId: string | null;
  recoveryCodeType: string | null;
  recoveryCodeValue: string | null;
  recoveryCodeError: string | null;
  recoveryCodeDeactivatedAt: Date | null;
  buyerTimeZone: string | null;
  buyerTimeZoneSource: string | null;
}

export const RECOVERY_COLUMNS = {
  recoveryGroup: true,
  suppressedReason: true,
  recoveryCode: true,
  recoveryDiscountId: true,
  recoveryCodeType: true,
  recoveryCodeValue: true,
  recoveryCodeError: true,
  recoveryCodeDeactivatedAt: true,
  buyerTimeZone: true,
  buyerTimeZoneSource: true,
} as const;

export function recoveryNotes(row: RecoveryColumns): string[] {
  const notes: string[] = [];
  if (row.recoveryGroup === "held_out") notes.push("held out to measure lift: never messaged");
  if (row.suppressedReason) notes.push(SUPPRESSED[row.suppressedReason] ?? `not messaged: ${row.suppressedReason}`);
  if (row.recoveryCode && row.recoveryDiscountId) {
    const value = row.recoveryCodeType === "fixed_amount" ? `${row.recoveryCodeValue} off` : `${row.recoveryCodeValue} % off`;
    notes.push(`code ${row.recoveryCode} (${value}${row.recoveryCodeDeactivatedAt ? ", deactivated" : ""})`);
  } else if (row.recoveryCodeError) {
    notes.push(`no code: ${row.recoveryCodeError}`);
  }
  if (row.buyerTimeZone) notes.push(`buyer's time zone ${row.buyerTimeZone} (${ZONE_SOURCES[row.buyerTimeZoneSource ?? ""] ?? "unknown source"})`);
  return notes;
}
