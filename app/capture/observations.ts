import type { CaptureBody } from "./capture-body";
import type { CaptureSource, FieldValues, Observation } from "./merge";

const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const MAX_REPLAY_AGE_MS = 24 * 60 * 60_000;

/** A client's claimed time, trusted only within a sane window around ours. */
export function observedAt(claimed: string | null | undefined, now: Date): Date {
  if (!claimed) return now;
  const at = new Date(claimed);
  if (Number.isNaN(at.getTime())) return now;
  if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) return now;
  if (at.getTime() < now.getTime() - MAX_REPLAY_AGE_MS) return new Date(now.getTime() - MAX_REPLAY_AGE_MS);
  return at;
}

const money = (value: number | null | undefined) => (value === null || value === undefined ? undefined : String(value));

/** Capture-body fields (extension and pixel share this shape) as checkout columns. */
export function captureBodyValues(body: CaptureBody): FieldValues {
  const address = body.shippingAddress ?? {};
  return {
    email: body.email,
    phone: body.phone,
    firstName: address.firstName,
    lastName: address.lastName,
    address1: address.address1,
    address2: address.address2,
    city: address.city,
    province: address.province,
    provinceCode: address.provinceCode,
    zip: address.zip,
    country: address.country,
    countryCode: address.countryCode,
    addressPhone: address.phone,
    currency: body.currency,
    subtotal: money(body.subtotal),
    total: money(body.total),
    totalDiscount: money(body.totalDiscount),
    lines: body.lines ?? undefined,
    discountCodes: body.discountCodes ?? undefined,
    attributes: body.attributes ?? undefined,
    utm: body.utm ?? undefined,
    locale: body.locale,
    whatsappOptIn: body.whatsappOptIn,
    whatsappOptInText: body.whatsappOptInText,
    whatsappOptInLocale: body.whatsappOptInText ? body.locale : undefined,
    emailMarketing: body.emailMarketing,
    smsMarketing: body.smsMarketing,
  };
}

export function captureObservation(source: CaptureSource, body: CaptureBody, now: Date): Observation {
  return { source, observedAt: observedAt(body.occurredAt, now), values: captureBodyValues(body), buyerActivity: true };
}
