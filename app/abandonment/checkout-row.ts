import { Prisma, type Checkout, type Shop } from "@prisma/client";
import type { Selectable } from "kysely";
import { read } from "../db/codec";
import type { DB } from "../db/tables";

// Rows read through the SQL layer, in the shape Prisma's client returns them,
// for the code that takes Prisma's types (the payload builder).

const decimal = (value: string | number | null) => (value === null ? null : new Prisma.Decimal(String(value)));
const json = (value: unknown) => read.json<Prisma.JsonValue>(value);

export function checkoutFromRow(row: Selectable<DB["Checkout"]>): Checkout {
  return {
    ...row,
    subtotal: decimal(row.subtotal),
    total: decimal(row.total),
    totalDiscount: decimal(row.totalDiscount),
    orderTotal: decimal(row.orderTotal),
    lines: json(row.lines),
    discountCodes: json(row.discountCodes),
    attributes: json(row.attributes),
    utm: json(row.utm),
    fieldSources: json(row.fieldSources),
    whatsappOptIn: read.boolOrNull(row.whatsappOptIn),
    emailMarketing: read.boolOrNull(row.emailMarketing),
    smsMarketing: read.boolOrNull(row.smsMarketing),
    trustedSeen: read.bool(row.trustedSeen),
    lastActivityAt: read.date(row.lastActivityAt),
    abandonDueAt: read.dateOrNull(row.abandonDueAt),
    abandonedAt: read.dateOrNull(row.abandonedAt),
    completedHintAt: read.dateOrNull(row.completedHintAt),
    orderCreatedAt: read.dateOrNull(row.orderCreatedAt),
    recoveryCodeEndsAt: read.dateOrNull(row.recoveryCodeEndsAt),
    recoveryCodeDeactivateDueAt: read.dateOrNull(row.recoveryCodeDeactivateDueAt),
    recoveryCodeDeactivatedAt: read.dateOrNull(row.recoveryCodeDeactivatedAt),
    whatsappOptInAt: read.dateOrNull(row.whatsappOptInAt),
    createdAt: read.date(row.createdAt),
    updatedAt: read.date(row.updatedAt),
  };
}

export function shopFromRow(row: Selectable<DB["Shop"]>): Shop {
  return {
    ...row,
    shopifyPlus: read.boolOrNull(row.shopifyPlus),
    allowUntrustedEvents: read.bool(row.allowUntrustedEvents),
    recoveryCodeMinimumSubtotal: decimal(row.recoveryCodeMinimumSubtotal),
    recoveryCodesEnabled: read.bool(row.recoveryCodesEnabled),
    recoveryCodeCombinesOrder: read.bool(row.recoveryCodeCombinesOrder),
    recoveryCodeCombinesProduct: read.bool(row.recoveryCodeCombinesProduct),
    recoveryCodeCombinesShipping: read.bool(row.recoveryCodeCombinesShipping),
    quietHoursFollowBuyer: read.bool(row.quietHoursFollowBuyer),
    consentSyncEnabled: read.bool(row.consentSyncEnabled),
    installedAt: read.date(row.installedAt),
    uninstalledAt: read.dateOrNull(row.uninstalledAt),
    createdAt: read.date(row.createdAt),
    updatedAt: read.date(row.updatedAt),
  };
}
