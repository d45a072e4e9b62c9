import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Lower-cased, trimmed email, or null when it cannot be an address. Used to match and dedupe buyers. */
export function normalizeEmail(raw: string | null | undefined): string | null {
  const email = raw?.trim().toLowerCase();
  return email && EMAIL_SHAPE.test(email) ? email : null;
}

/**
 * E.164 form of a phone number (`+916000376569`), read with the shop's
 * country as the default region; null when the number is not valid, which is
 * what "reachable" means in the metrics.
 */
export function normalizePhone(raw: string | null | undefined, defaultCountry?: string | null): string | null {
  if (!raw?.trim()) return null;
  const region = defaultCountry && /^[A-Z]{2}$/.test(defaultCountry) ? (defaultCountry as CountryCode) : undefined;
  const parsed = parsePhoneNumberFromString(raw, region);
  return parsed?.isValid() ? parsed.number : null;
}
