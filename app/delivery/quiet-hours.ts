import { z } from "zod";
import { isTimeZone, wallClock } from "../time-zone";
import { MINUTE_MS } from "../time";

export { isTimeZone };

// An endpoint's quiet hours (DESIGN.md "Delivery policy"): attempts due inside
// the window wait until it ends, in the merchant's time zone. Pure, Intl only.

export interface QuietHours {
  /** Minutes after local midnight; the window may cross midnight (22:00-08:00 is 1320-480). */
  startMinute: number;
  endMinute: number;
  timeZone: string;
}

const DAY_MINUTES = 1440;
const DAY_MS = DAY_MINUTES * MINUTE_MS;

const modulo = (value: number, divisor: number) => ((value % divisor) + divisor) % divisor;

/** Local wall-clock reading of `ms` in `timeZone`, as if that reading were UTC. */
function wallClockMs(ms: number, timeZone: string): number {
  const parts = wallClock(ms, timeZone);
  const whole = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return whole + modulo(ms, 1000);
}

function minuteOfDay(ms: number, timeZone: string): number {
  return modulo(wallClockMs(ms, timeZone), DAY_MS) / MINUTE_MS;
}

function inside(minute: number, quiet: QuietHours): boolean {
  return quiet.startMinute <= quiet.endMinute
    ? minute >= quiet.startMinute && minute < quiet.endMinute
    : minute >= quiet.startMinute || minute < quiet.endMinute;
}

/** The stored quiet hours of an Endpoint row, or null when unset or unusable. */
export function quietHoursFromEndpoint(endpoint: {
  quietHoursStart: number | null;
  quietHoursEnd: number | null;
  quietHoursTimezone: string | null;
}): QuietHours | null {
  const parsed = quietHoursSchema.safeParse({
    startMinute: endpoint.quietHoursStart,
    endMinute: endpoint.quietHoursEnd,
    timeZone: endpoint.quietHoursTimezone,
  });
  return parsed.success ? parsed.data : null;
}

export interface BuyerClock {
  quietHoursFollowBuyer: boolean | number | null;
  buyerTimeZone: string | null;
}

/**
 * The quiet hours an attempt waits out: the endpoint's window (already read),
 * on the buyer's clock when the shop has quiet hours follow the buyer and the
 * checkout's zone (stored at abandonment) is known.
 */
export function quietHoursOnBuyerClock(quiet: QuietHours | null, buyer: BuyerClock): QuietHours | null {
  const follows = buyer.quietHoursFollowBuyer === true || buyer.quietHoursFollowBuyer === 1;
  if (!quiet || !follows || !buyer.buyerTimeZone || !isTimeZone(buyer.buyerTimeZone)) return quiet;
  return { ...quiet, timeZone: buyer.buyerTimeZone };
}

/**
 * `at` itself when it is outside the window (the start belongs to the
 * window, the end does not), else the first instant the window is over.
 */
export function releaseAfterQuietHours(at: Date, quiet: QuietHours | null): Date {
  if (!quiet) return at;
  const atMs = at.getTime();
  const { timeZone } = quiet;
  if (!inside(minuteOfDay(atMs, timeZone), quiet)) return at;

  // Wall-clock time left until the end; elapsed time differs only when the UTC offset changes meanwhile.
  const wallAt = wallClockMs(atMs, timeZone);
  const offsetAt = wallAt - atMs;
  const waitMs = modulo(quiet.endMinute * MINUTE_MS - modulo(wallAt, DAY_MS), DAY_MS);
  const naive = atMs + waitMs;
  const shifted = naive - (wallClockMs(naive, timeZone) - naive - offsetAt);
  const targetWall = wallAt + waitMs;
  const candidates = [naive, shifted].filter((ms) => ms > atMs && wallClockMs(ms, timeZone) === targetWall);
  if (candidates.length > 0) return new Date(Math.min(...candidates));

  // The end falls in a spring-forward gap: the window is over when the clock jumps past it.
  let before = atMs;
  let after = Math.max(naive, shifted);
  if (inside(minuteOfDay(after, timeZone), quiet)) return new Date(after);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (inside(minuteOfDay(middle, timeZone), quiet)) before = middle;
    else after = middle;
  }
  return new Date(after);
}

// Forms send "22:00" or minutes as text.
const minuteFromText = (value: unknown) => {
  if (typeof value !== "string") return value;
  const clock = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(value);
  if (clock) return Number(clock[1]) < 24 && Number(clock[2]) < 60 ? Number(clock[1]) * 60 + Number(clock[2]) : Number.NaN;
  return value.trim() === "" ? value : Number(value);
};

const minuteSchema = z.preprocess(
  minuteFromText,
  z
    .number({ error: "must be a time of day (HH:MM) or minutes after midnight" })
    .int("must be a whole number of minutes")
    .min(0, "must be between 00:00 and 23:59")
    .max(DAY_MINUTES - 1, "must be between 00:00 and 23:59"),
);

/** Quiet hours as the admin form submits them (minutes or "HH:MM"). */
export const quietHoursSchema = z
  .object({
    startMinute: minuteSchema,
    endMinute: minuteSchema,
    timeZone: z
      .string({ error: "must be an IANA time zone such as Asia/Kolkata" })
      .trim()
      .max(64, "must be at most 64 characters")
      .refine(isTimeZone, { error: (issue) => `must be an IANA time zone such as Asia/Kolkata (got ${JSON.stringify(issue.input)})` }),
  })
  .refine((quiet) => quiet.startMinute !== quiet.endMinute, { path: ["endMinute"], message: "must differ from the start" });
