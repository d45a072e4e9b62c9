import { z } from "zod";
import { DEFAULT_RETRY_MINUTES } from "../events/delivery-promise";
import { MINUTE_MS } from "../time";

// When a failed delivery is tried again (DESIGN.md "Delivery policy"). Pure:
// the clock and the randomness for jitter come in as arguments.

export interface RetryPolicy {
  mode: "fixed" | "exponential";
  intervalsMinutes: number[];
  maxRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  mode: "fixed",
  intervalsMinutes: DEFAULT_RETRY_MINUTES as number[],
  maxRetries: DEFAULT_RETRY_MINUTES.length,
});

export const MAX_RETRIES = 10;
export const MIN_INTERVAL_MINUTES = 1;
export const MAX_INTERVAL_MINUTES = 1440;
/** Spread of each delay, so endpoints recovering from an outage are not hit by every retry at once. */
export const JITTER_RATIO = 0.2;
/** Longest wait between two attempts, however the schedule grows. */
export const MAX_RETRY_DELAY_MS = 24 * 60 * 60_000;
/** Longest wait a receiver's Retry-After can impose. */
export const MAX_RETRY_AFTER_MS = 6 * 60 * 60_000;
export const MIN_RETRY_DELAY_MS = 1000;

// Forms send text; "2, 10, 30" and "3" are read as the numbers they show.
const listFromText = (value: unknown) =>
  typeof value === "string"
    ? value
        .split(",")
        .map((part) => part.trim())
        .filter((part) => part !== "")
        .map(Number)
    : value;
const numberFromText = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? Number(value) : value);

const modeSchema = z.enum(["fixed", "exponential"], { error: "must be fixed or exponential" });
const intervalsSchema = z.preprocess(
  listFromText,
  z
    .array(
      z
        .number({ error: "must be a number of minutes" })
        .int("must be a whole number of minutes")
        .min(MIN_INTERVAL_MINUTES, `must be at least ${MIN_INTERVAL_MINUTES} minute`)
        .max(MAX_INTERVAL_MINUTES, `must be at most ${MAX_INTERVAL_MINUTES} minutes (24 hours)`),
      { error: "must be a list of minutes" },
    )
    .min(1, "must have at least one interval")
    .max(MAX_RETRIES, `must have at most ${MAX_RETRIES} intervals`),
);
const maxRetriesSchema = z.preprocess(
  numberFromText,
  z.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be 0 or more").max(MAX_RETRIES, `must be at most ${MAX_RETRIES}`),
);

/** The admin form's retry settings; describeZodError names the field (`intervalsMinutes.1 must be ...`). */
export const retryPolicySchema = z.object({
  mode: modeSchema,
  intervalsMinutes: intervalsSchema,
  maxRetries: maxRetriesSchema,
});

function parseJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The policy stored on an Endpoint row; any column that does not validate falls back to its default. */
export function retryPolicyFromEndpoint(endpoint: { retryMode: string; retryIntervals: unknown; maxRetries: number }): RetryPolicy {
  const mode = modeSchema.safeParse(endpoint.retryMode);
  const intervals = intervalsSchema.safeParse(parseJson(endpoint.retryIntervals));
  const maxRetries = maxRetriesSchema.safeParse(endpoint.maxRetries);
  return {
    mode: mode.success ? mode.data : DEFAULT_RETRY_POLICY.mode,
    intervalsMinutes: intervals.success ? intervals.data : [...DEFAULT_RETRY_POLICY.intervalsMinutes],
    maxRetries: maxRetries.success ? maxRetries.data : DEFAULT_RETRY_POLICY.maxRetries,
  };
}

/** Delay before retry number `retry` (1-based), before jitter. */
function scheduledDelayMs(policy: RetryPolicy, retry: number, minuteMs: number): number {
  const intervals = policy.intervalsMinutes.length > 0 ? policy.intervalsMinutes : DEFAULT_RETRY_POLICY.intervalsMinutes;
  const minutes = policy.mode === "exponential" ? intervals[0] * 2 ** (retry - 1) : intervals[Math.min(retry, intervals.length) - 1];
  return Math.min(minutes * minuteMs, MAX_RETRY_DELAY_MS);
}

/**
 * When to try again after `attemptsMade` attempts (the first try plus retries
 * so far) all failed, or null when no retries are left.
 */
export function nextRetryAt(input: {
  policy: RetryPolicy;
  attemptsMade: number;
  now: Date;
  random: () => number;
  retryAfterMs?: number | null;
  /** Length of a policy minute; shorter only in the demo (CART_RELAY_TIME_SCALE). */
  minuteMs?: number;
}): Date | null {
  const retry = input.attemptsMade;
  if (retry < 1 || retry > input.policy.maxRetries) return null;
  const jitter = 1 + (input.random() * 2 - 1) * JITTER_RATIO;
  let delay = Math.min(scheduledDelayMs(input.policy, retry, input.minuteMs ?? MINUTE_MS) * jitter, MAX_RETRY_DELAY_MS);
  const asked = input.retryAfterMs;
  if (asked != null && Number.isFinite(asked) && asked > 0) delay = Math.max(delay, Math.min(asked, MAX_RETRY_AFTER_MS));
  delay = Math.max(Math.round(delay), MIN_RETRY_DELAY_MS);
  return new Date(input.now.getTime() + delay);
}
