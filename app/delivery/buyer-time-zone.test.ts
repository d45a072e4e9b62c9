import { describe, expect, it } from "vitest";
import { getCountries } from "libphonenumber-js";
import {
  buyerTimeZone,
  COUNTRY_TIME_ZONES,
  countryTimeZone,
  countryTimeZones,
  phoneCountry,
  PROVINCE_TIME_ZONES,
  quietHoursAt,
  QuietWindowError,
  type BuyerLocation,
} from "./buyer-time-zone";
import { isTimeZone, wallClock } from "../time-zone";

const SHOP_IN = { timeZone: "Asia/Kolkata", countryCode: "IN" };
const SHOP_US_WEST = { timeZone: "America/Los_Angeles", countryCode: "US" };

describe("buyer's time zone", () => {
  it.each([
    // the shipping address, with its province where the country has several zones
    [{ countryCode: "US", provinceCode: "CA" }, SHOP_IN, "America/Los_Angeles", "shipping_province"],
    [{ countryCode: "us", provinceCode: "us-ny" }, SHOP_IN, "America/New_York", "shipping_province"],
    [{ countryCode: "US", provinceCode: "HI" }, SHOP_IN, "Pacific/Honolulu", "shipping_province"],
    [{ countryCode: "US", provinceCode: "AS" }, SHOP_IN, "Pacific/Pago_Pago", "shipping_province"],
    [{ countryCode: "CA", provinceCode: "NL" }, SHOP_IN, "America/St_Johns", "shipping_province"],
    [{ countryCode: "AU", provinceCode: "WA" }, SHOP_IN, "Australia/Perth", "shipping_province"],
    [{ countryCode: "BR", provinceCode: "AM" }, SHOP_IN, "America/Manaus", "shipping_province"],
    [{ countryCode: "MX", provinceCode: "Q ROO" }, SHOP_IN, "America/Cancun", "shipping_province"],
    [{ countryCode: "MX", provinceCode: "MX-BCN" }, SHOP_IN, "America/Tijuana", "shipping_province"],
    [{ countryCode: "RU", provinceCode: "KAM" }, SHOP_IN, "Asia/Kamchatka", "shipping_province"],
    [{ countryCode: "RU", provinceCode: "KGD" }, SHOP_IN, "Europe/Kaliningrad", "shipping_province"],
    [{ countryCode: "ID", provinceCode: "BA" }, SHOP_IN, "Asia/Makassar", "shipping_province"],
    [{ countryCode: "ID", provinceCode: "PA" }, SHOP_IN, "Asia/Jayapura", "shipping_province"],
    [{ countryCode: "ES", provinceCode: "TF" }, SHOP_IN, "Atlantic/Canary", "shipping_province"],
    [{ countryCode: "KI", provinceCode: "L" }, SHOP_IN, "Pacific/Kiritimati", "shipping_province"],
    // a country with one zone: the province does not matter
    [{ countryCode: "IN", provinceCode: "MH" }, SHOP_US_WEST, "Asia/Kolkata", "shipping_country"],
    [{ countryCode: "NP" }, SHOP_US_WEST, "Asia/Kathmandu", "shipping_country"],
    [{ countryCode: "AS" }, SHOP_IN, "Pacific/Pago_Pago", "shipping_country"],
    [{ countryCode: "GB", provinceCode: "ENG" }, SHOP_IN, "Europe/London", "shipping_country"],
    [{ country: "India" }, SHOP_US_WEST, "Asia/Kolkata", "shipping_country"],
    // several zones, province unknown: the shop's zone if it is in that country, else where most people live
    [{ countryCode: "US" }, SHOP_US_WEST, "America/Los_Angeles", "shipping_country"],
    [{ countryCode: "US", provinceCode: "XX" }, SHOP_IN, "America/New_York", "shipping_country"],
    [{ countryCode: "RU" }, SHOP_IN, "Europe/Moscow", "shipping_country"],
    // no usable address: the phone's country
    [{ phone: "+91 98765 43210" }, SHOP_US_WEST, "Asia/Kolkata", "phone_country"],
    [{ phone: "098765 43210" }, SHOP_IN, "Asia/Kolkata", "phone_country"],
    [{ phone: "+1 604 681 2000" }, SHOP_IN, "America/Toronto", "phone_country"],
    [{ phone: "+7 701 123 4567" }, SHOP_IN, "Asia/Almaty", "phone_country"],
    [{ countryCode: "ZZ", phone: "+977 1-4411111" }, SHOP_IN, "Asia/Kathmandu", "phone_country"],
    // nothing known: the shop
    [{}, SHOP_IN, "Asia/Kolkata", "shop"],
    [{ phone: "not a phone" }, SHOP_US_WEST, "America/Los_Angeles", "shop"],
    [{ country: "Atlantis" }, SHOP_US_WEST, "America/Los_Angeles", "shop"],
    [{}, { timeZone: "Mars/Olympus_Mons" }, "UTC", "shop"],
  ] as [BuyerLocation, { timeZone: string; countryCode?: string }, string, string][])("%j with shop %j: %s from %s", (location, shop, timeZone, source) => {
    expect(buyerTimeZone(location, shop)).toMatchObject({ timeZone, source });
  });

  it("prefers the address over the phone, and names the country it used", () => {
    expect(buyerTimeZone({ countryCode: "AU", provinceCode: "QLD", phone: "+91 98765 43210" }, SHOP_IN)).toEqual({
      timeZone: "Australia/Brisbane",
      source: "shipping_province",
      country: "AU",
    });
    expect(buyerTimeZone({}, SHOP_IN)).toEqual({ timeZone: "Asia/Kolkata", source: "shop", country: null });
  });

  it("tells the phone's country, including North American numbers by area code", () => {
    expect(phoneCountry("+1 212 555 0100")).toBe("US");
    expect(phoneCountry("+1 604 681 2000")).toBe("CA");
    expect(phoneCountry("+61 8 9222 1234")).toBe("AU");
    expect(phoneCountry("98765 43210", "IN")).toBe("IN");
    expect(phoneCountry("98765 43210")).toBeNull();
    expect(phoneCountry("")).toBeNull();
  });

  it("answers with current IANA names, not ICU's old identifiers", () => {
    expect(countryTimeZone("IN")).toBe("Asia/Kolkata");
    expect(countryTimeZone("NP")).toBe("Asia/Kathmandu");
    expect(countryTimeZone("MM")).toBe("Asia/Yangon");
    expect(countryTimeZone("VN")).toBe("Asia/Ho_Chi_Minh");
    expect(countryTimeZone("FO")).toBe("Atlantic/Faroe");
    expect(countryTimeZone("UA")).toBe("Europe/Kyiv");
    expect(countryTimeZone("IN", "Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(countryTimeZones("US")).toContain("America/Indiana/Indianapolis");
  });

  it("has a zone for every country with several, and every zone in its tables is real", () => {
    const uncovered = getCountries().filter((country) => countryTimeZones(country).length > 1 && !COUNTRY_TIME_ZONES[country]);
    expect(uncovered).toEqual([]);
    for (const [country, zone] of Object.entries(COUNTRY_TIME_ZONES)) {
      expect(isTimeZone(zone), zone).toBe(true);
      expect(countryTimeZones(country), `${country} ${zone}`).toContain(zone);
    }
    for (const [country, provinces] of Object.entries(PROVINCE_TIME_ZONES)) {
      for (const [province, zone] of Object.entries(provinces)) {
        expect(isTimeZone(zone), `${country}-${province} ${zone}`).toBe(true);
        // Territories Shopify files under US provinces have country codes of their own.
        if (!(country === "US" && ["PR", "GU", "VI", "AS", "MP"].includes(province)))
          expect(countryTimeZones(country), `${country}-${province}`).toContain(zone);
      }
    }
  });

  it("knows every country that has a zone at all", () => {
    const missing = getCountries().filter((country) => countryTimeZones(country).length > 0 && countryTimeZone(country) === null);
    expect(missing).toEqual([]);
  });
});

const at = (iso: string) => new Date(iso);
const NIGHT = { startMinute: 21 * 60, endMinute: 8 * 60 };

describe("quiet hours on the buyer's clock", () => {
  it.each([
    // America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT: the night is an hour shorter
    { zone: "America/New_York", window: NIGHT, at: "2026-03-08T06:30:00Z", endsAt: "2026-03-08T12:00:00Z" },
    { zone: "America/New_York", window: NIGHT, at: "2026-03-07T02:00:00Z", endsAt: "2026-03-07T13:00:00Z" },
    // ...and a window that ends inside the skipped hour ends when the clock jumps past it
    { zone: "America/New_York", window: { startMinute: 22 * 60, endMinute: 150 }, at: "2026-03-08T06:30:00Z", endsAt: "2026-03-08T07:00:00Z" },
    // fall back 2026-11-01 02:00 EDT -> 01:00 EST: the night is an hour longer
    { zone: "America/New_York", window: NIGHT, at: "2026-11-01T05:00:00Z", endsAt: "2026-11-01T13:00:00Z" },
    // 01:15 happens twice: the first ends at the first 01:30, the second at the second
    { zone: "America/New_York", window: { startMinute: 0, endMinute: 90 }, at: "2026-11-01T05:15:00Z", endsAt: "2026-11-01T05:30:00Z" },
    { zone: "America/New_York", window: { startMinute: 0, endMinute: 90 }, at: "2026-11-01T06:15:00Z", endsAt: "2026-11-01T06:30:00Z" },
    // Europe/Berlin, 2026-03-29 02:00 CET -> 03:00 CEST and 2026-10-25 03:00 CEST -> 02:00 CET
    { zone: "Europe/Berlin", window: NIGHT, at: "2026-03-28T22:30:00Z", endsAt: "2026-03-29T06:00:00Z" },
    { zone: "Europe/Berlin", window: NIGHT, at: "2026-10-24T21:00:00Z", endsAt: "2026-10-25T07:00:00Z" },
    { zone: "Europe/London", window: NIGHT, at: "2026-03-29T00:30:00Z", endsAt: "2026-03-29T07:00:00Z" },
    // Australia/Sydney, southern spring forward 2026-10-04 02:00 AEST -> 03:00 AEDT
    { zone: "Australia/Sydney", window: NIGHT, at: "2026-10-03T12:30:00Z", endsAt: "2026-10-03T21:00:00Z" },
    // the date lines: the same instant is 22:00 on 1 December in Kiritimati (+14) and 21:00 on 30 November in Pago Pago (-11)
    { zone: "Pacific/Kiritimati", window: NIGHT, at: "2026-12-01T08:00:00Z", endsAt: "2026-12-01T18:00:00Z" },
    { zone: "Pacific/Pago_Pago", window: NIGHT, at: "2026-12-01T08:00:00Z", endsAt: "2026-12-01T19:00:00Z" },
    // half- and quarter-hour offsets
    { zone: "Asia/Kolkata", window: { startMinute: 21 * 60, endMinute: 9 * 60 }, at: "2026-12-01T16:00:00Z", endsAt: "2026-12-02T03:30:00Z" },
    { zone: "Asia/Kolkata", window: { startMinute: 21 * 60, endMinute: 9 * 60 }, at: "2026-12-01T15:30:00Z", endsAt: "2026-12-02T03:30:00Z" },
    { zone: "Asia/Kathmandu", window: { startMinute: 21 * 60, endMinute: 9 * 60 }, at: "2026-12-01T15:15:00Z", endsAt: "2026-12-02T03:15:00Z" },
    { zone: "Pacific/Chatham", window: NIGHT, at: "2026-12-01T09:00:00Z", endsAt: "2026-12-01T18:15:00Z" },
    // a daytime window that does not cross midnight
    { zone: "Asia/Tokyo", window: { startMinute: 13 * 60, endMinute: 14 * 60 }, at: "2026-12-01T04:30:00Z", endsAt: "2026-12-01T05:00:00Z" },
  ])("$zone $window.startMinute-$window.endMinute at $at: quiet until $endsAt", ({ zone, window, at: when, endsAt }) => {
    expect(quietHoursAt(at(when), window, zone)).toEqual({ inside: true, endsAt: at(endsAt) });
  });

  it.each([
    // the end belongs to the day, the start to the night
    { zone: "Asia/Kolkata", window: { startMinute: 21 * 60, endMinute: 9 * 60 }, at: "2026-12-02T03:30:00Z" },
    { zone: "Asia/Kolkata", window: { startMinute: 21 * 60, endMinute: 9 * 60 }, at: "2026-12-01T15:29:59.999Z" },
    { zone: "Asia/Kathmandu", window: { startMinute: 21 * 60, endMinute: 9 * 60 }, at: "2026-12-01T15:14:00Z" },
    { zone: "Pacific/Kiritimati", window: NIGHT, at: "2026-12-01T00:00:00Z" },
    { zone: "America/New_York", window: NIGHT, at: "2026-03-08T12:00:00Z" },
    { zone: "Asia/Tokyo", window: { startMinute: 13 * 60, endMinute: 14 * 60 }, at: "2026-12-01T05:00:00Z" },
  ])("$zone $window.startMinute-$window.endMinute at $at: not quiet", ({ zone, window, at: when }) => {
    expect(quietHoursAt(at(when), window, zone)).toEqual({ inside: false });
  });

  it("always ends at the window's end on the buyer's wall clock, or when a DST gap skips it", () => {
    const zones = ["America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "Pacific/Kiritimati", "Asia/Kathmandu"];
    const start = Date.UTC(2026, 0, 1);
    for (const zone of zones) {
      // Every 167 minutes over the year (a prime: the instants drift through every time of day) across every DST change.
      for (let ms = start; ms < start + 366 * 86_400_000; ms += 167 * 60_000) {
        const status = quietHoursAt(new Date(ms), NIGHT, zone);
        if (!status.inside) continue;
        const end = wallClock(status.endsAt.getTime(), zone);
        const before = wallClock(status.endsAt.getTime() - 60_000, zone);
        expect(status.endsAt.getTime() - ms, `${zone} ${new Date(ms).toISOString()}`).toBeLessThanOrEqual(13 * 3_600_000);
        // 08:00 sharp, or later only where the clock jumped over 08:00 (never in these zones).
        expect([end.hour, end.minute], `${zone} ${new Date(ms).toISOString()}`).toEqual([8, 0]);
        expect(before.hour * 60 + before.minute, zone).toBeLessThan(8 * 60);
      }
    }
  });

  it.each([
    [{ startMinute: 600, endMinute: 600 }, "Asia/Kolkata", "quiet hours endMinute must differ from the start"],
    [{ startMinute: 1440, endMinute: 60 }, "Asia/Kolkata", "quiet hours startMinute must be between 00:00 and 23:59"],
    [{ startMinute: 60, endMinute: 61.5 }, "Asia/Kolkata", "quiet hours endMinute must be a whole number of minutes"],
    [NIGHT, "Mars/Olympus_Mons", 'quiet hours timeZone must be an IANA time zone such as Asia/Kolkata (got "Mars/Olympus_Mons")'],
  ])("refuses %o in %s", (window, zone, message) => {
    expect(() => quietHoursAt(at("2026-12-01T00:00:00Z"), window, zone)).toThrow(QuietWindowError);
    expect(() => quietHoursAt(at("2026-12-01T00:00:00Z"), window, zone)).toThrow(message);
  });
});
