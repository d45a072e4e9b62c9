import { describe, expect, it } from "vitest";
import { describeZodError } from "../http/validation";
import { isTimeZone, quietHoursFromEndpoint, quietHoursOnBuyerClock, quietHoursSchema, releaseAfterQuietHours, type QuietHours } from "./quiet-hours";

const hm = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
const window = (start: string, end: string, timeZone: string): QuietHours => ({ startMinute: hm(start), endMinute: hm(end), timeZone });

function release(at: string, quiet: QuietHours | null): string {
  return releaseAfterQuietHours(new Date(at), quiet).toISOString();
}

describe("releaseAfterQuietHours", () => {
  it("leaves every instant alone when there are no quiet hours", () => {
    expect(release("2026-01-10T23:00:00.000Z", null)).toBe("2026-01-10T23:00:00.000Z");
  });

  const overnightUtc = window("22:00", "08:00", "UTC");
  it.each([
    ["just before the start", "2026-01-10T21:59:59.999Z", "2026-01-10T21:59:59.999Z"],
    ["exactly the start", "2026-01-10T22:00:00.000Z", "2026-01-11T08:00:00.000Z"],
    ["before midnight", "2026-01-10T23:30:45.123Z", "2026-01-11T08:00:00.000Z"],
    ["exactly midnight", "2026-01-11T00:00:00.000Z", "2026-01-11T08:00:00.000Z"],
    ["just before the end", "2026-01-11T07:59:59.999Z", "2026-01-11T08:00:00.000Z"],
    ["exactly the end", "2026-01-11T08:00:00.000Z", "2026-01-11T08:00:00.000Z"],
    ["midday", "2026-01-11T12:00:00.000Z", "2026-01-11T12:00:00.000Z"],
    ["across a year end", "2026-12-31T23:00:00.000Z", "2027-01-01T08:00:00.000Z"],
  ])("window across midnight in UTC: %s", (_, at, expected) => {
    expect(release(at, overnightUtc)).toBe(expected);
  });

  const officeUtc = window("09:00", "17:00", "UTC");
  it.each([
    ["before", "2026-01-12T08:59:59.000Z", "2026-01-12T08:59:59.000Z"],
    ["at the start", "2026-01-12T09:00:00.000Z", "2026-01-12T17:00:00.000Z"],
    ["inside", "2026-01-12T16:59:00.000Z", "2026-01-12T17:00:00.000Z"],
    ["at the end", "2026-01-12T17:00:00.000Z", "2026-01-12T17:00:00.000Z"],
  ])("window within one day: %s", (_, at, expected) => {
    expect(release(at, officeUtc)).toBe(expected);
  });

  const kolkata = window("21:00", "09:00", "Asia/Kolkata");
  it.each([
    ["20:59:59 IST", "2026-05-01T15:29:59.000Z", "2026-05-01T15:29:59.000Z"],
    ["21:00 IST, the start", "2026-05-01T15:30:00.000Z", "2026-05-02T03:30:00.000Z"],
    ["21:30 IST", "2026-05-01T16:00:00.000Z", "2026-05-02T03:30:00.000Z"],
    ["00:10 IST, already the next local day (18:40 UTC the day before)", "2026-05-01T18:40:00.000Z", "2026-05-02T03:30:00.000Z"],
    ["08:59:59 IST", "2026-05-02T03:29:59.000Z", "2026-05-02T03:30:00.000Z"],
    ["09:00 IST, the end", "2026-05-02T03:30:00.000Z", "2026-05-02T03:30:00.000Z"],
  ])("Asia/Kolkata (+05:30): %s", (_, at, expected) => {
    expect(release(at, kolkata)).toBe(expected);
  });

  // 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z).
  const newYorkNights = window("22:00", "08:00", "America/New_York");
  it.each([
    ["spring: 22:00 EST the evening before ends at 08:00 EDT, 9 hours later", "2026-03-08T03:00:00.000Z", "2026-03-08T12:00:00.000Z"],
    ["spring: 01:00 EST", "2026-03-08T06:00:00.000Z", "2026-03-08T12:00:00.000Z"],
    ["spring: 03:30 EDT, just after the jump", "2026-03-08T07:30:00.000Z", "2026-03-08T12:00:00.000Z"],
    ["spring: 07:59 EDT", "2026-03-08T11:59:00.000Z", "2026-03-08T12:00:00.000Z"],
    ["spring: 08:00 EDT, the end", "2026-03-08T12:00:00.000Z", "2026-03-08T12:00:00.000Z"],
    ["spring: 07:00 EST the day before", "2026-03-07T12:00:00.000Z", "2026-03-07T13:00:00.000Z"],
    ["fall: 22:00 EDT the evening before ends at 08:00 EST, 11 hours later", "2026-11-01T02:00:00.000Z", "2026-11-01T13:00:00.000Z"],
    ["fall: 01:30 EDT, first pass", "2026-11-01T05:30:00.000Z", "2026-11-01T13:00:00.000Z"],
    ["fall: 01:30 EST, second pass", "2026-11-01T06:30:00.000Z", "2026-11-01T13:00:00.000Z"],
    ["fall: 08:00 EST, the end", "2026-11-01T13:00:00.000Z", "2026-11-01T13:00:00.000Z"],
    ["fall: 07:59 EST", "2026-11-01T12:59:00.000Z", "2026-11-01T13:00:00.000Z"],
  ])("America/New_York on DST change days: %s", (_, at, expected) => {
    expect(release(at, newYorkNights)).toBe(expected);
  });

  it("ends a window whose end falls in the spring-forward gap when the clock jumps past it", () => {
    // 02:30 never happens on 2026-03-08 in New York; 01:59:59 EST is followed by 03:00 EDT.
    expect(release("2026-03-08T06:00:00.000Z", window("01:00", "02:30", "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
    expect(release("2026-03-08T06:30:00.000Z", window("01:00", "03:00", "America/New_York"))).toBe("2026-03-08T07:00:00.000Z");
  });

  it("ends a window whose end falls in the repeated hour at its first occurrence", () => {
    const lateNight = window("00:00", "01:30", "America/New_York");
    expect(release("2026-11-01T04:00:00.000Z", lateNight)).toBe("2026-11-01T05:30:00.000Z"); // 00:00 EDT -> 01:30 EDT
    // The clock reads 01:00 again an hour later, which is inside the window once more.
    expect(release("2026-11-01T06:00:00.000Z", lateNight)).toBe("2026-11-01T06:30:00.000Z"); // 01:00 EST -> 01:30 EST
  });
});

describe("quietHoursFromEndpoint", () => {
  it.each([
    ["a full window", { quietHoursStart: 1320, quietHoursEnd: 480, quietHoursTimezone: "Asia/Kolkata" }, window("22:00", "08:00", "Asia/Kolkata")],
    ["nothing set", { quietHoursStart: null, quietHoursEnd: null, quietHoursTimezone: null }, null],
    ["no time zone", { quietHoursStart: 1320, quietHoursEnd: 480, quietHoursTimezone: null }, null],
    ["no end", { quietHoursStart: 1320, quietHoursEnd: null, quietHoursTimezone: "UTC" }, null],
    ["an unknown time zone", { quietHoursStart: 1320, quietHoursEnd: 480, quietHoursTimezone: "Mars/Olympus" }, null],
    ["an empty window", { quietHoursStart: 600, quietHoursEnd: 600, quietHoursTimezone: "UTC" }, null],
    ["minutes out of range", { quietHoursStart: 1500, quietHoursEnd: 480, quietHoursTimezone: "UTC" }, null],
  ])("reads %s", (_, endpoint, expected) => {
    expect(quietHoursFromEndpoint(endpoint)).toEqual(expected);
  });
});

describe("quietHoursSchema", () => {
  it("accepts minutes or HH:MM and any IANA zone Intl knows", () => {
    expect(quietHoursSchema.parse({ startMinute: "22:00", endMinute: "8:30", timeZone: " Asia/Kolkata " })).toEqual({
      startMinute: 1320,
      endMinute: 510,
      timeZone: "Asia/Kolkata",
    });
    expect(quietHoursSchema.parse({ startMinute: 0, endMinute: "1439", timeZone: "UTC" })).toEqual({ startMinute: 0, endMinute: 1439, timeZone: "UTC" });
    expect(isTimeZone("America/New_York")).toBe(true);
    expect(isTimeZone("Nowhere/Special")).toBe(false);
  });

  it.each([
    [{ startMinute: 1320, endMinute: 480, timeZone: "Mars/Olympus" }, 'timeZone must be an IANA time zone such as Asia/Kolkata (got "Mars/Olympus")'],
    [{ startMinute: 1320, endMinute: 480, timeZone: "" }, 'timeZone must be an IANA time zone such as Asia/Kolkata (got "")'],
    [{ startMinute: 1320, endMinute: 480 }, "timeZone must be an IANA time zone such as Asia/Kolkata"],
    [{ startMinute: 1440, endMinute: 480, timeZone: "UTC" }, "startMinute must be between 00:00 and 23:59"],
    [{ startMinute: -1, endMinute: 480, timeZone: "UTC" }, "startMinute must be between 00:00 and 23:59"],
    [{ startMinute: 10.5, endMinute: 480, timeZone: "UTC" }, "startMinute must be a whole number of minutes"],
    [{ startMinute: "24:00", endMinute: 480, timeZone: "UTC" }, "startMinute must be a time of day (HH:MM) or minutes after midnight"],
    [{ startMinute: "late", endMinute: 480, timeZone: "UTC" }, "startMinute must be a time of day (HH:MM) or minutes after midnight"],
    [{ startMinute: 1320, endMinute: null, timeZone: "UTC" }, "endMinute must be a time of day (HH:MM) or minutes after midnight"],
    [{ startMinute: "22:00", endMinute: 1320, timeZone: "UTC" }, "endMinute must differ from the start"],
  ])("refuses %j naming the field", (input, message) => {
    const result = quietHoursSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toBe(message);
  });
});

describe("quiet hours that follow the buyer", () => {
  const endpoint = { quietHoursStart: 22 * 60, quietHoursEnd: 8 * 60, quietHoursTimezone: "Asia/Kolkata" };
  const release = (at: string, buyer: Parameters<typeof quietHoursOnBuyerClock>[1]) =>
    releaseAfterQuietHours(new Date(at), quietHoursOnBuyerClock(quietHoursFromEndpoint(endpoint), buyer)).toISOString();

  it.each([
    // 23:00 in Kolkata is 12:30 in New York: the buyer is awake, the attempt goes.
    ["2026-03-02T17:30:00.000Z", "America/New_York", "2026-03-02T17:30:00.000Z"],
    // New York's spring forward (8 March 2026): 23:00 EST, released at 08:00 EDT, 9 hours later.
    ["2026-03-08T04:00:00.000Z", "America/New_York", "2026-03-08T12:00:00.000Z"],
    // Sydney's autumn back (5 April 2026): 23:00 AEDT, released at 08:00 AEST.
    ["2026-04-04T12:00:00.000Z", "Australia/Sydney", "2026-04-04T22:00:00.000Z"],
    // Kiritimati (+14) and Pago Pago (-11) share a clock time a day apart.
    ["2026-06-01T09:00:00.000Z", "Pacific/Kiritimati", "2026-06-01T18:00:00.000Z"],
    ["2026-06-01T09:00:00.000Z", "Pacific/Pago_Pago", "2026-06-01T19:00:00.000Z"],
  ])("%s for a buyer in %s is released at %s", (at, zone, expected) => {
    expect(release(at, { quietHoursFollowBuyer: true, buyerTimeZone: zone })).toBe(expected);
  });

  it("keeps the endpoint's zone when the shop does not follow the buyer, or the buyer's zone is unknown or unusable", () => {
    // 23:30 in Kolkata: held until 08:00 there.
    const at = "2026-06-01T18:00:00.000Z";
    expect(release(at, { quietHoursFollowBuyer: false, buyerTimeZone: "America/New_York" })).toBe("2026-06-02T02:30:00.000Z");
    expect(release(at, { quietHoursFollowBuyer: 1, buyerTimeZone: null })).toBe("2026-06-02T02:30:00.000Z");
    expect(release(at, { quietHoursFollowBuyer: true, buyerTimeZone: "Mars/Olympus" })).toBe("2026-06-02T02:30:00.000Z");
  });
});
