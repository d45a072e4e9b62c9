import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { AdminCaller, AdminApiError, type AdminClientOptions } from "../shopify-admin/admin-api.server";

// Shopify's WhatsApp marketing consent on a customer's phone number (Admin
// GraphQL API 2026-07 and later; "not supported" in 2026-04; the app is on
// 2026-10):
// - write: customerWhatsAppMarketingConsentUpdate(input:
//   CustomerWhatsAppMarketingConsentUpdateInput { customerId,
//   whatsAppMarketingConsent: CustomerMarketingConsentInput { state,
//   optInLevel, updatedAt, sourceLocationId } }) -> { customerPhoneNumber,
//   userErrors: [CustomerMarketingConsentError { field, code, message }] },
//   scope write_customers; the account is the customer's default phone;
// - read: Customer.defaultPhoneNumber.whatsAppMarketingConsent
//   (CustomerWhatsAppMarketingConsent { state, optInLevel, updatedAt,
//   collectedFrom, sourceLocation }), scope read_customers.
// sourceLocationId names a retail Location: an online checkout has none, so
// "where" is Shopify's own collectedFrom plus the source this app stores.

export const WRITE_CUSTOMERS_SCOPE = "write_customers";
export const READ_CUSTOMERS_SCOPE = "read_customers";

/** The states an app may set (NOT_SUBSCRIBED, REDACTED and INVALID are Shopify's own). */
export type WritableConsentState = "SUBSCRIBED" | "UNSUBSCRIBED";

export interface ConsentWrite {
  customerId: string;
  state: WritableConsentState;
  /** when the buyer gave (or withdrew) consent; Shopify uses the request time when absent */
  collectedAt: Date | null;
}

export interface ShopifyWhatsAppConsent {
  phoneNumber: string | null;
  state: string;
  optInLevel: string | null;
  updatedAt: string | null;
}

export type ConsentResult<T> = { ok: true; value: T; attempts: number } | { ok: false; error: AdminApiError; attempts: number };

const CONSENT_FIELDS = "phoneNumber whatsAppMarketingConsent { state optInLevel updatedAt }";
const UPDATE = `mutation CartRelayWhatsAppConsent($input: CustomerWhatsAppMarketingConsentUpdateInput!) { customerWhatsAppMarketingConsentUpdate(input: $input) { customerPhoneNumber { ${CONSENT_FIELDS} } userErrors { field code message } } }`;
const READ = `query CartRelayCustomerWhatsAppConsent($id: ID!) { customer(id: $id) { id defaultPhoneNumber { ${CONSENT_FIELDS} } } }`;

/** Shopify's global id for a numeric customer id (webhooks carry numbers; GraphQL takes gids). */
export function customerGid(customerId: string): string {
  return customerId.startsWith("gid://") ? customerId : `gid://shopify/Customer/${customerId}`;
}

interface PhoneNode {
  phoneNumber?: string | null;
  whatsAppMarketingConsent?: { state?: string; optInLevel?: string | null; updatedAt?: string | null } | null;
}

function consentOf(node: PhoneNode | null | undefined): ShopifyWhatsAppConsent | null {
  const consent = node?.whatsAppMarketingConsent;
  if (!consent?.state) return null;
  return { phoneNumber: node?.phoneNumber ?? null, state: consent.state, optInLevel: consent.optInLevel ?? null, updatedAt: consent.updatedAt ?? null };
}

async function settle<T>(caller: AdminCaller, work: () => Promise<T>): Promise<ConsentResult<T>> {
  try {
    return { ok: true, value: await work(), attempts: caller.attempts };
  } catch (error) {
    if (!(error instanceof AdminApiError)) throw error;
    return { ok: false, error, attempts: caller.attempts };
  }
}

/** Writes the buyer's WhatsApp consent to the customer's phone number; userErrors become a `user_error` naming each field. */
export function writeWhatsAppConsent(
  graphql: AdminGraphql,
  write: ConsentWrite,
  options: AdminClientOptions = {},
): Promise<ConsentResult<ShopifyWhatsAppConsent | null>> {
  const caller = new AdminCaller(graphql, options);
  return settle(caller, async () => {
    const input = {
      customerId: customerGid(write.customerId),
      whatsAppMarketingConsent: {
        state: write.state,
        // A ticked checkbox with no confirmation message (M3AAWG's single opt-in).
        ...(write.state === "SUBSCRIBED" ? { optInLevel: "SINGLE_OPT_IN" } : {}),
        ...(write.collectedAt ? { updatedAt: write.collectedAt.toISOString() } : {}),
      },
    };
    const data = await caller.call(UPDATE, { input });
    const payload = data.customerWhatsAppMarketingConsentUpdate as
      { customerPhoneNumber?: PhoneNode | null; userErrors?: { field?: string[] | null; code?: string | null; message: string }[] } | null | undefined;
    if (!payload) throw new AdminApiError("unexpected_response", "Admin API answered without customerWhatsAppMarketingConsentUpdate");
    const userErrors = payload.userErrors ?? [];
    if (userErrors.length > 0) {
      const described = userErrors.map((e) => `${e.field?.length ? `${e.field.join(".")}: ` : ""}${e.message}${e.code ? ` (${e.code})` : ""}`).join("; ");
      throw new AdminApiError(
        "user_error",
        `customerWhatsAppMarketingConsentUpdate failed: ${described}`,
        userErrors.map((e) => ({ code: e.code ?? null, field: e.field ?? null, message: e.message })),
      );
    }
    return consentOf(payload.customerPhoneNumber);
  });
}

/** The WhatsApp consent Shopify holds for the customer's default phone; null when the customer or the phone is unknown to Shopify. */
export function readWhatsAppConsent(
  graphql: AdminGraphql,
  customerId: string,
  options: AdminClientOptions = {},
): Promise<ConsentResult<ShopifyWhatsAppConsent | null>> {
  const caller = new AdminCaller(graphql, options);
  return settle(caller, async () => {
    const data = await caller.call(READ, { id: customerGid(customerId) });
    const customer = data.customer as { defaultPhoneNumber?: PhoneNode | null } | null | undefined;
    return consentOf(customer?.defaultPhoneNumber);
  });
}
