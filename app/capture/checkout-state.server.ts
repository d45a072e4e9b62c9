// Every change of a Checkout's status or due time made outside capture's own
// merge (checkout-store.server.ts) and the detector's pass
// (checkout-sweep.server.ts) goes through here: order linking, redaction, a
// settings change that moves due times.
import { Prisma } from "@prisma/client";

type CheckoutWriter = Pick<Prisma.TransactionClient, "checkout">;

// Every checkout column that can identify a buyer.
const BUYER_COLUMNS_CLEARED = {
  email: null,
  emailNormalized: null,
  phone: null,
  phoneE164: null,
  firstName: null,
  lastName: null,
  address1: null,
  address2: null,
  city: null,
  zip: null,
  addressPhone: null,
  attributes: Prisma.DbNull,
  recoveryUrl: null,
  fieldSources: Prisma.DbNull,
  customerId: null,
  whatsappOptInText: null,
  whatsappOptInLocale: null,
  whatsappOptInAt: null,
  whatsappOptInSource: null,
} satisfies Prisma.CheckoutUpdateManyMutationInput;

/** customers/redact: the buyer's details go, and the checkouts are never due again. */
export function redactCheckouts(db: CheckoutWriter, checkoutIds: number[]): Prisma.PrismaPromise<Prisma.BatchPayload> {
  return db.checkout.updateMany({ where: { id: { in: checkoutIds } }, data: { ...BUYER_COLUMNS_CLEARED, abandonDueAt: null } });
}

export interface OrderLink {
  status: "converted" | "recovered";
  orderId: string;
  orderName: string | null;
  orderTotal: string | null;
  orderCurrency: string | null;
  orderCreatedAt: Date;
  matchType: string;
  recoveryDelayMinutes: number | null;
  /** When the checkout's recovery code is to be deactivated (it has done its job, or is moot). */
  recoveryCodeDeactivateDueAt?: Date;
}

/** Links an order to a checkout that has none yet; false when another order got there first. */
export async function linkOrderToCheckout(db: CheckoutWriter, checkoutId: number, link: OrderLink): Promise<boolean> {
  const { count } = await db.checkout.updateMany({ where: { id: checkoutId, orderId: null }, data: { ...link, abandonDueAt: null } });
  return count > 0;
}

/** Moves an open checkout's due time unless a capture moved it meanwhile (a capture writes its own due time). */
export async function rescheduleAbandonment(db: CheckoutWriter, checkout: { id: number; lastActivityAt: Date }, abandonDueAt: Date | null): Promise<boolean> {
  const { count } = await db.checkout.updateMany({
    where: { id: checkout.id, status: "open", lastActivityAt: checkout.lastActivityAt },
    data: { abandonDueAt },
  });
  return count > 0;
}
