import { describe, expect, it } from "vitest";
import {
  addDays,
  dayKey,
  daysOf,
  inRange,
  isDay,
  parseLocalDateTime,
  rangeBounds,
  rangeQuerySchema,
  resolveRange,
  startOfDay,
  usableTimeZone,
} from "./date-range";
import { describeZodError } from "../http/validation";

describe("calendar days in a time zone", () => {
  it.each([
    ["2026-03-01T18:29:59Z", "Asia/Kolkata", "2026-03-01"],
    ["2026-03-01T18:30:00Z", "Asia/Kolkata", "2026-03-02"],
    ["2026-03-01T18:30:00Z", "UTC", "2026-03-01"],
    ["2026-03-08T07:59:59Z", "America/Los_Angeles", "2026-03-07"],
    ["2026-03-08T08:00:00Z", "America/Los_Angeles", "2026-03-08"],
  ])("%s in %s is %s", (iso, zone, day) => {
    expect(dayKey(new Date(iso), zone)).toBe(day);
  });

  it.each([
    ["2026-03-02", "Asia/Kolkata", "2026-03-01T18:30:00.000Z"],
    ["2026-03-08", "America/Los_Angeles", "2026-03-08T08:00:00.000Z"],
    // The day after the spring-forward change starts at UTC-7.
    ["2026-03-09", "America/Los_Angeles", "2026-03-09T07:00:00.000Z"],
    ["2026-10-25", "Europe/London", "2026-10-24T23:00:00.000Z"],
    ["2026-10-26", "Europe/London", "2026-10-26T00:00:00.000Z"],
    ["2026-01-01", "UTC", "2026-01-01T00:00:00.000Z"],
  ])("%s starts in %s at %s", (day, zone, iso) => {
    expect(startOfDay(day, zone).toISOString()).toBe(iso);
  });

  it("reads datetime-local values in the shop's zone and refuses malformed ones", () => {
    expect(parseLocalDateTime("2026-03-02T09:15", "Asia/Kolkata")?.toISOString()).toBe("2026-03-02T03:45:00.000Z");
    expect(parseLocalDateTime("2026-02-30T09:15", "UTC")).toBeNull();
    expect(parseLocalDateTime("2026-03-02 09:15", "UTC")).toBeNull();
    expect(parseLocalDateTime("2026-03-02T24:00", "UTC")).toBeNull();
  });

  it("walks days across month and year ends", () => {
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(daysOf({ from: "2025-12-30", to: "2026-01-02" })).toEqual(["2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"]);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2028-02-29")).toBe(true);
  });

  it("falls back to UTC for a zone Intl does not know", () => {
    expect(usableTimeZone("Mars/Olympus")).toBe("UTC");
    expect(usableTimeZone(null)).toBe("UTC");
    expect(usableTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
  });
});

describe("range queries", () => {
  const now = new Date("2026-03-10T20:00:00Z"); // 11 March in Kolkata

  it.each([
    [{}, { preset: "30d", from: "2026-02-10", to: "2026-03-11" }],
    [{ range: "today" }, { preset: "today", from: "2026-03-11", to: "2026-03-11" }],
    [{ range: "7d" }, { preset: "7d", from: "2026-03-05", to: "2026-03-11" }],
    [
      { range: "custom", from: "2026-01-01", to: "2026-01-31" },
      { preset: "custom", from: "2026-01-01", to: "2026-01-31" },
    ],
  ])("%o covers %o", (query, expected) => {
    expect(resolveRange(rangeQuerySchema.parse(query), now, "Asia/Kolkata")).toEqual({ ...expected, timeZone: "Asia/Kolkata" });
  });

  it.each([
    [{ range: "year" }, "range is not a known range"],
    [{ range: "custom", to: "2026-01-31" }, "from is required for a custom range"],
    [{ range: "custom", from: "2026-02-01", to: "2026-01-31" }, "to must not be before the start date"],
    [{ range: "custom", from: "2024-01-01", to: "2026-01-31" }, "to must be at most 366 days after the start date"],
    [{ range: "custom", from: "2026-13-01", to: "2026-01-31" }, "from must be a date as YYYY-MM-DD"],
  ])("refuses %o: %s", (query, message) => {
    const result = rangeQuerySchema.safeParse(query);
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toBe(message);
  });

  it("bounds the range by local midnights, end exclusive", () => {
    const range = resolveRange(rangeQuerySchema.parse({ range: "custom", from: "2026-03-01", to: "2026-03-03" }), now, "Asia/Kolkata");
    const { start, end } = rangeBounds(range);
    expect([start.toISOString(), end.toISOString()]).toEqual(["2026-02-28T18:30:00.000Z", "2026-03-03T18:30:00.000Z"]);
    expect(inRange(new Date("2026-03-03T18:29:59Z"), range)).toBe(true);
    expect(inRange(end, range)).toBe(false);
    expect(inRange(start, range)).toBe(true);
  });
});
