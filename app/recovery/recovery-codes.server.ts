import type { Shop } from "@prisma/client";
import { storeRecoveryCodeAnswer } from "../capture/checkout-sweep.server";
import { read, type Codec } from "../db/codec";
import { sqlDatabase, type SqlExecutor } from "../db/sql.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import { AdminApiError, offlineAdmin, type AdminCallOptions } from "../shopify-admin/admin-api.server";
import { deactivateRecoveryDiscount, ensureRecoveryDiscount, recoveryCodeFor, recoveryCodeKey, type RecoveryDiscountSettings } from "./discount-codes.server";

// The detector's side of recovery codes (decision 009): the code is stored on
// the checkout inside the detector's transaction, Shopify is asked for it
// here, outside any transaction, and the answer (the discount, or why there
// is none) is stored before the event is recorded. Deactivation is a due-at
// column the detector's periodic pass sweeps, at least once.

export const RECOVERY_CODE_SCOPE = "write_discounts";
/** How long a checkout waits for its code before another pass asks again (longer than the client's 20 s of retries). */
export const CODE_LEASE_MS = 2 * 60_000;
/** Deactivation retries this often until it succeeds; past the code's end plus a day Shopify has ended it anyway. */
const DEACTIVATE_RETRY_MS = 15 * 60_000;
const GIVE_UP_AFTER_END_MS = 24 * 60 * 60_000;
const PARALLEL_CALLS = 4;

/** How the worker reaches Shopify (tests pass a double). */
export type RecoveryCodeOptions = AdminCallOptions;

export function discountSettingsOf(shop: Shop): RecoveryDiscountSettings {
  return {
    type: shop.recoveryCodeType === "fixed_amount" ? "fixed_amount" : "percentage",
    value: shop.recoveryCodeValue,
    minimumSubtotal: shop.recoveryCodeMinimumSubtotal === null ? null : String(shop.recoveryCodeMinimumSubtotal),
    validityHours: shop.recoveryCodeValidityHours,
    combinesWith: {
      orderDiscounts: shop.recoveryCodeCombinesOrder,
      productDiscounts: shop.recoveryCodeCombinesProduct,
      shippingDiscounts: shop.recoveryCodeCombinesShipping,
    },
  };
}

let key: Buffer | null = null;
/** The checkout's code, derived from the app's key; stored on the checkout before Shopify is asked. */
export function recoveryCodeOf(shopDomain: string, checkoutToken: string): string {
  key ??= recoveryCodeKey(env.ENCRYPTION_KEY);
  return recoveryCodeFor(key, shopDomain, checkoutToken);
}

/** Whether the shop granted the scope; unknown scopes (null) are left to Shopify to answer. */
export function grantsDiscounts(shop: Pick<Shop, "scopes">): boolean {
  return shop.scopes === null || shop.scopes.split(",").some((scope) => scope.trim() === RECOVERY_CODE_SCOPE);
}

async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL_CALLS, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

export interface PendingCode {
  checkoutId: number;
  token: string;
  shop: Shop;
}

/**
 * Asks Shopify for each checkout's code and stores the discount, or the
 * failure's kind and message, then makes the checkout due again at `now` so
 * the next pass records its event. Never throws for Shopify's answers: an
 * event without a code is better than no event.
 */
export async function createPendingCodes(pending: readonly PendingCode[], now: Date, options: RecoveryCodeOptions = {}): Promise<void> {
  const { db, codec } = sqlDatabase();
  const adminClient = options.adminClient ?? offlineAdmin;
  await inParallel(pending, async ({ checkoutId, token, shop }) => {
    const settings = discountSettingsOf(shop);
    let stored: { recoveryDiscountId?: string; recoveryCodeEndsAt?: string | Date | null; recoveryCodeError?: string };
    if (!grantsDiscounts(shop)) {
      stored = { recoveryCodeError: `scope_missing: the app was not granted ${RECOVERY_CODE_SCOPE}; turn recovery codes on again in Settings to grant it` };
    } else {
      const created = await adminClient(shop.domain)
        .then((graphql) =>
          ensureRecoveryDiscount(
            graphql,
            { shopDomain: shop.domain, checkoutToken: token, settings, key: (key ??= recoveryCodeKey(env.ENCRYPTION_KEY)), now },
            options.client,
          ),
        )
        .catch((error: unknown) => ({
          ok: false as const,
          error: new AdminApiError("unauthorized", `no admin session: ${(error as Error).message}`),
          attempts: 0,
        }));
      if (created.ok) {
        const endsAt = created.discount.endsAt === null ? null : codec.date(new Date(created.discount.endsAt));
        stored = { recoveryDiscountId: created.discount.discountId, recoveryCodeEndsAt: endsAt };
        await db
          .updateTable("Checkout")
          .set({ recoveryCodeType: created.discount.type, recoveryCodeValue: created.discount.value, recoveryCodeDeactivateDueAt: endsAt })
          .where("id", "=", checkoutId)
          .execute();
      } else {
        stored = { recoveryCodeError: `${created.error.kind}: ${created.error.message}` };
        logger.warn({ shop: shop.domain, checkoutId, kind: created.error.kind, attempts: created.attempts }, "recovery code not created");
      }
    }
    await storeRecoveryCodeAnswer(db, codec, checkoutId, stored, now);
  });
}

/** The codes of checkouts that will never be sent (held out, suppressed) end at once. */
export async function endUnsentCodes(tx: SqlExecutor, codec: Codec, checkoutIds: number[], now: Date): Promise<void> {
  if (checkoutIds.length === 0) return;
  await tx
    .updateTable("Checkout")
    .set({ recoveryCodeDeactivateDueAt: codec.date(now) })
    .where("id", "in", checkoutIds)
    .where("recoveryDiscountId", "is not", null)
    .execute();
}

/**
 * Deactivates the codes that are due (their checkout converted, was
 * recovered or redacted, or the code ran out), at least once: a failure
 * leaves the code due again later.
 */
export async function deactivateDueCodes(now: Date, options: RecoveryCodeOptions & { limit?: number } = {}): Promise<number> {
  const { db, codec } = sqlDatabase();
  const due = await db
    .selectFrom("Checkout as c")
    .innerJoin("Shop as s", "s.id", "c.shopId")
    .select(["c.id", "c.recoveryDiscountId", "c.recoveryCodeEndsAt", "s.domain", "s.uninstalledAt"])
    .where("c.recoveryCodeDeactivateDueAt", "<=", codec.date(now))
    .orderBy("c.recoveryCodeDeactivateDueAt")
    .limit(options.limit ?? 50)
    .execute();
  if (due.length === 0) return 0;
  const adminClient = options.adminClient ?? offlineAdmin;
  let deactivated = 0;
  await inParallel(due, async (row) => {
    const endsAt = read.dateOrNull(row.recoveryCodeEndsAt);
    const settle = (set: { recoveryCodeDeactivatedAt?: string | Date; recoveryCodeDeactivateDueAt: string | Date | null }) =>
      db.updateTable("Checkout").set(set).where("id", "=", row.id).execute();
    // No call is possible once uninstalled; the code's end date ends it.
    if (!row.recoveryDiscountId || row.uninstalledAt !== null) return void (await settle({ recoveryCodeDeactivateDueAt: null }));
    const result = await adminClient(row.domain)
      .then((graphql) => deactivateRecoveryDiscount(graphql, { discountId: row.recoveryDiscountId! }, options.client))
      .catch((error: unknown) => ({ ok: false as const, error: new AdminApiError("unauthorized", (error as Error).message), attempts: 0 }));
    if (result.ok) {
      deactivated++;
      return void (await settle({ recoveryCodeDeactivatedAt: codec.date(now), recoveryCodeDeactivateDueAt: null }));
    }
    logger.warn({ shop: row.domain, checkoutId: row.id, kind: result.error.kind }, "recovery code not deactivated yet");
    const retryAt = new Date(now.getTime() + DEACTIVATE_RETRY_MS);
    const pastUse = endsAt !== null && retryAt.getTime() > endsAt.getTime() + GIVE_UP_AFTER_END_MS;
    await settle({ recoveryCodeDeactivateDueAt: pastUse ? null : codec.date(retryAt) });
  });
  return deactivated;
}
