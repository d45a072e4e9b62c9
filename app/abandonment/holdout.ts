import { createHash } from "node:crypto";

// Holdout group (DESIGN.md "Abandonment and recovery rules"), pure.
//
// A checkout's place in [0, 1) is fixed forever by this hash, so assignment
// is the same in every process, on every machine and after every release:
//
//   position = first 48 bits, big-endian, of
//              SHA-256(UTF-8 "cart-relay/holdout/v1" NUL shopDomain NUL checkoutToken)
//              divided by 2^48
//   held out  = position < share
//
// The inputs are Shopify's own identifiers (the shop's myshopify domain and
// the checkout token), not our row ids, so a reinstall or a move from SQLite
// to PostgreSQL keeps every assignment. No secret is mixed in: a key rotation
// must never reshuffle the groups of a running measurement. Changing any part
// of this (label, inputs, bit count) moves checkouts between the groups and
// breaks every lift already shown; test/holdout pins known answers so it
// cannot change silently. A new scheme needs a new label ("v2").
//
// Raising the share only adds checkouts to the holdout (position < 0.1
// implies position < 0.2), so a merchant who widens it keeps the earlier
// held-out checkouts held out.

export const HOLDOUT_HASH_LABEL = "cart-relay/holdout/v1";

/** The share of abandoned checkouts held back, as the settings offer it: 0 to 50 percent. */
export const HOLDOUT_PERCENT = { min: 0, max: 50, default: 0 } as const;

export class HoldoutError extends Error {
  override name = "HoldoutError";
  constructor(
    readonly kind: "invalid_share" | "missing_key",
    message: string,
  ) {
    super(message);
  }
}

export interface HoldoutKey {
  /** shop.myshopify.com */
  shopDomain: string;
  /** Shopify's checkout token */
  checkoutToken: string;
}

export interface HoldoutAssignment {
  heldOut: boolean;
  /** The checkout's fixed place in [0, 1); stored so the assignment can be explained. */
  position: number;
}

const POSITION_BYTES = 6;
const POSITION_SCALE = 2 ** (8 * POSITION_BYTES);

/** The checkout's place in [0, 1), the same forever for the same shop and checkout token. */
export function holdoutPosition(key: HoldoutKey): number {
  if (!key.shopDomain || !key.checkoutToken) throw new HoldoutError("missing_key", "holdout needs the shop domain and the checkout token");
  const digest = createHash("sha256").update(`${HOLDOUT_HASH_LABEL}\0${key.shopDomain}\0${key.checkoutToken}`, "utf8").digest();
  return digest.readUIntBE(0, POSITION_BYTES) / POSITION_SCALE;
}

/** A share as a fraction (0 to 0.5); anything else is refused, naming the value. */
export function checkHoldoutShare(share: number): number {
  const max = HOLDOUT_PERCENT.max / 100;
  if (typeof share !== "number" || !Number.isFinite(share) || share < 0 || share > max) {
    throw new HoldoutError("invalid_share", `holdout share must be between 0 and ${max} (0 to ${HOLDOUT_PERCENT.max} %), got ${String(share)}`);
  }
  return share;
}

/** Whether the checkout is held out at `share` (a fraction, 0 to 0.5; 0 never holds out). */
export function assignHoldout(key: HoldoutKey, share: number): HoldoutAssignment {
  checkHoldoutShare(share);
  const position = holdoutPosition(key);
  return { heldOut: position < share, position };
}
