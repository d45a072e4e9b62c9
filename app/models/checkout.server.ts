import { Prisma, type Checkout, type Shop } from "@prisma/client";
import prisma from "../db.server";
import { env, policyMinuteMs } from "../env.server";
import { abandonDueAt } from "../abandonment/rules";
import {
  emptyCheckoutState,
  mergeObservation,
  type CaptureSource,
  type CheckoutFields,
  type CheckoutState,
  type FieldName,
  type Observation,
} from "../capture/merge";
import { normalizeEmail, normalizePhone } from "../contact";

const FIELD_NAMES: FieldName[] = [
  "cartToken", "email", "phone", "firstName", "lastName", "address1", "address2", "city", "province", "provinceCode",
  "zip", "country", "countryCode", "addressPhone", "currency", "subtotal", "total", "totalDiscount", "lines",
  "discountCodes", "attributes", "utm", "locale", "recoveryUrl", "whatsappOptIn", "emailMarketing", "smsMarketing",
];
const MONEY_FIELDS = new Set<FieldName>(["subtotal", "total", "totalDiscount"]);
const MAX_WRITE_RETRIES = 5;

function stateOf(checkout: Checkout): CheckoutState {
  const fields: Partial<CheckoutFields> = {};
  for (const name of FIELD_NAMES) {
    const value = checkout[name];
    if (value === null || value === undefined) continue;
    (fields as Record<string, unknown>)[name] = MONEY_FIELDS.has(name) ? value.toString() : value;
  }
  return {
    fields,
    fieldSources: (checkout.fieldSources ?? {}) as CheckoutState["fieldSources"],
    sources: checkout.sources ? (checkout.sources.split(",") as CaptureSource[]) : [],
    trustedSeen: checkout.trustedSeen,
    lastActivityAt: checkout.lastActivityAt,
  };
}

function columnsOf(state: CheckoutState, shop: Shop, status: string, orderId: string | null) {
  const fields = state.fields;
  const phone = fields.phone ?? fields.addressPhone ?? null;
  const lastActivityAt = state.lastActivityAt ?? new Date();
  const emailNormalized = normalizeEmail(fields.email ?? null);
  const columns = {
    ...Object.fromEntries(FIELD_NAMES.map((name) => [name, fields[name] ?? null])),
    lines: (fields.lines ?? Prisma.DbNull) as Prisma.InputJsonValue,
    discountCodes: (fields.discountCodes ?? Prisma.DbNull) as Prisma.InputJsonValue,
    attributes: (fields.attributes ?? Prisma.DbNull) as Prisma.InputJsonValue,
    utm: (fields.utm ?? Prisma.DbNull) as Prisma.InputJsonValue,
    emailNormalized,
    phoneE164: normalizePhone(phone, shop.countryCode ?? fields.countryCode ?? undefined),
    fieldSources: state.fieldSources as Prisma.InputJsonValue,
    sources: state.sources.join(","),
    trustedSeen: state.trustedSeen,
    lastActivityAt,
  };
  const due = abandonDueAt(
    { status, email: fields.email ?? null, emailNormalized, phone, trustedSeen: state.trustedSeen, lastActivityAt, orderId },
    shop,
    policyMinuteMs(env),
  );
  return { ...columns, abandonDueAt: due };
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/**
 * Merges one observation into the shop's checkout, creating it on first
 * sight. Optimistic concurrency on `version` keeps concurrent captures of
 * the same checkout from losing each other's fields.
 */
export async function recordObservation(shop: Shop, token: string, observation: Observation): Promise<Checkout> {
  for (let attempt = 0; attempt < MAX_WRITE_RETRIES; attempt++) {
    const existing = await prisma.checkout.findUnique({ where: { shopId_token: { shopId: shop.id, token } } });
    const merged = mergeObservation(existing ? stateOf(existing) : emptyCheckoutState(), observation);
    if (existing && !merged.changed) return existing;
    const data = columnsOf(merged.state, shop, existing?.status ?? "open", existing?.orderId ?? null);
    if (!existing) {
      try {
        return await prisma.checkout.create({ data: { ...data, shopId: shop.id, token } as Prisma.CheckoutUncheckedCreateInput });
      } catch (error) {
        if (isUniqueViolation(error)) continue;
        throw error;
      }
    }
    const { count } = await prisma.checkout.updateMany({
      where: { id: existing.id, version: existing.version },
      data: { ...data, version: { increment: 1 } } as Prisma.CheckoutUncheckedUpdateManyInput,
    });
    if (count === 1) return prisma.checkout.findUniqueOrThrow({ where: { id: existing.id } });
  }
  throw new Error(`checkout ${token} kept changing under concurrent writes`);
}

