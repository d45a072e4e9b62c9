import { z } from "zod";
import { isTimeZone, wallClock } from "../time-zone";
import { DAY_MS } from "../time";

// Date ranges of the admin, in calendar days of the shop's time zone. Pure:
// Intl only, `now` comes in as an argument.

export const RANGE_PRESETS = {
  today: { label: "Today", days: 1 },
  "7d": { label: "Last 7 days", days: 7 },
  "30d": { label: "Last 30 days", days: 30 },
  "90d": { label: "Last 90 days", days: 90 },
  custom: { label: "Custom", days: 0 },
} as const;

export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_RANGE_PRESET: RangePreset = "30d";
export const MAX_RANGE_DAYS = 366;

/** Calendar days `from`..`to` (both inclusive, `YYYY-MM-DD`) in `timeZone`. */
export interface DayRange {
  preset: RangePreset;
  from: string;
  to: string;
  timeZone: string;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/** The shop's zone if Intl knows it, else UTC (a bad stored value must not break the admin). */
export function usableTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isTimeZone(timeZone) ? timeZone : "UTC";
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** The calendar day of an instant in `timeZone`, as `YYYY-MM-DD`. */
export function dayKey(at: Date, timeZone: string): string {
  const { year, month, day } = wallClock(at.getTime(), timeZone);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function isDay(value: string): boolean {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

export function addDays(day: string, days: number): string {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both inclusive. */
export function daysOf(range: Pick<DayRange, "from" | "to">): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The instant a wall-clock reading in `timeZone` names. Two passes settle the
 * offset across a DST change; a reading skipped by a spring-forward gap lands
 * just after the gap.
 */
export function zonedInstant(local: { year: number; month: number; day: number; hour?: number; minute?: number }, timeZone: string): Date {
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour ?? 0, local.minute ?? 0);
  const offsetAt = (at: number) => {
    const wall = wallClock(at, timeZone);
    return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second) - Math.floor(at / 1000) * 1000;
  };
  const first = asUtc - offsetAt(asUtc);
  const second = asUtc - offsetAt(first);
  return new Date(second);
}

/** Local midnight starting `day` in `timeZone`. */
export function startOfDay(day: string, timeZone: string): Date {
  const [year, month, date] = day.split("-").map(Number) as [number, number, number];
  return zonedInstant({ year, month, day: date }, timeZone);
}

/** A `YYYY-MM-DDTHH:mm` reading (an `<input type="datetime-local">`) in `timeZone`, or null if malformed. */
export function parseLocalDateTime(value: string, timeZone: string): Date | null {
  const match = LOCAL_DATE_TIME.exec(value.trim());
  if (!match || !isDay(value.slice(0, 10))) return null;
  const [hour, minute] = [Number(match[4]), Number(match[5])];
  if (hour > 23 || minute > 59) return null;
  return zonedInstant({ year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), hour, minute }, timeZone);
}

/** `[start, end)` instants covering the range's days. */
export function rangeBounds(range: DayRange): { start: Date; end: Date } {
  return { start: startOfDay(range.from, range.timeZone), end: startOfDay(addDays(range.to, 1), range.timeZone) };
}

export function inRange(at: Date, range: DayRange): boolean {
  const day = dayKey(at, range.timeZone);
  return day >= range.from && day <= range.to;
}

const dayText = z.string().refine(isDay, "must be a date as YYYY-MM-DD");

export const rangeQuerySchema = z
  .object({
    range: z.enum(Object.keys(RANGE_PRESETS) as [RangePreset, ...RangePreset[]], { error: "is not a known range" }).default(DEFAULT_RANGE_PRESET),
    from: dayText.optional(),
    to: dayText.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.range !== "custom") return;
    if (!query.from) ctx.addIssue({ code: "custom", path: ["from"], message: "is required for a custom range" });
    if (!query.to) ctx.addIssue({ code: "custom", path: ["to"], message: "is required for a custom range" });
    if (query.from && query.to) {
      if (query.from > query.to) ctx.addIssue({ code: "custom", path: ["to"], message: "must not be before the start date" });
      else if (daysOf({ from: query.from, to: query.to }).length > MAX_RANGE_DAYS) {
        ctx.addIssue({ code: "custom", path: ["to"], message: `must be at most ${MAX_RANGE_DAYS} days after the start date` });
      }
    }
  });

export type RangeQuery = z.input<typeof rangeQuerySchema>;

/** The days a parsed range query covers, ending today in the shop's zone for presets. */
export function resolveRange(query: z.output<typeof rangeQuerySchema>, now: Date, timeZone: string): DayRange {
  const zone = usableTimeZone(timeZone);
  if (query.range === "custom") return { preset: "custom", from: query.from!, to: query.to!, timeZone: zone };
  const today = dayKey(now, zone);
  return { preset: query.range, from: addDays(today, 1 - RANGE_PRESETS[query.range].days), to: today, timeZone: zone };
}
