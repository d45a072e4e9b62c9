import { describe, expect, it } from "vitest";
import { describeZodError } from "../http/validation";
import {
  DEFAULT_RETRY_POLICY,
  MAX_RETRIES,
  MAX_RETRY_AFTER_MS,
  MAX_RETRY_DELAY_MS,
  nextRetryAt,
  retryPolicyFromEndpoint,
  retryPolicySchema,
  type RetryPolicy,
} from "./retry-policy";

const NOW = new Date("2026-03-01T12:00:00.000Z");
const MIN = 60_000;
const noJitter = () => 0.5;
const lowest = () => 0;
const highest = () => 0.999999;

function delayMs(policy: RetryPolicy, attemptsMade: number, random = noJitter, retryAfterMs?: number | null): number | null {
  const at = nextRetryAt({ policy, attemptsMade, now: NOW, random, retryAfterMs });
  return at === null ? null : at.getTime() - NOW.getTime();
}

describe("nextRetryAt", () => {
  it("follows the default schedule: retries at 2, 10 and 30 minutes, then gives up (4 attempts)", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ mode: "fixed", intervalsMinutes: [2, 10, 30], maxRetries: 3 });
    expect([1, 2, 3, 4, 5].map((n) => delayMs(DEFAULT_RETRY_POLICY, n))).toEqual([2 * MIN, 10 * MIN, 30 * MIN, null, null]);
  });

  it.each<[string, RetryPolicy, (number | null)[]]>([
    ["fixed, last interval repeats", { mode: "fixed", intervalsMinutes: [1, 5], maxRetries: 4 }, [1, 5, 5, 5, null]],
    ["fixed, more intervals than retries", { mode: "fixed", intervalsMinutes: [3, 6, 9], maxRetries: 2 }, [3, 6, null]],
    ["no retries at all", { mode: "fixed", intervalsMinutes: [2], maxRetries: 0 }, [null]],
    ["exponential from the first interval", { mode: "exponential", intervalsMinutes: [1, 999], maxRetries: 5 }, [1, 2, 4, 8, 16, null]],
    [
      "exponential capped at 24 hours",
      { mode: "exponential", intervalsMinutes: [240], maxRetries: 10 },
      [240, 480, 960, 1440, 1440, 1440, 1440, 1440, 1440, 1440, null],
    ],
  ])("%s", (_, policy, minutes) => {
    const delays = minutes.map((_, index) => delayMs(policy, index + 1));
    expect(delays).toEqual(minutes.map((m) => (m === null ? null : m * MIN)));
  });

  it("refuses to schedule before the first attempt", () => {
    expect(delayMs(DEFAULT_RETRY_POLICY, 0)).toBeNull();
  });

  it.each([
    [lowest, 0.8 * 10 * MIN],
    [() => 0.25, 0.9 * 10 * MIN],
    [noJitter, 10 * MIN],
    [() => 0.75, 1.1 * 10 * MIN],
    [highest, Math.round(10 * MIN * (1 + (0.999999 * 2 - 1) * 0.2))],
  ])("jitters within +-20 %% (random %#)", (random, expected) => {
    expect(delayMs(DEFAULT_RETRY_POLICY, 2, random)).toBe(expected);
  });

  it("keeps every jittered delay inside the bounds", () => {
    for (let i = 0; i <= 100; i += 1) {
      const delay = delayMs(DEFAULT_RETRY_POLICY, 3, () => i / 100.0001)!;
      expect(delay).toBeGreaterThanOrEqual(0.8 * 30 * MIN);
      expect(delay).toBeLessThanOrEqual(1.2 * 30 * MIN);
    }
  });

  it("never jitters past the 24-hour cap", () => {
    const policy: RetryPolicy = { mode: "fixed", intervalsMinutes: [1440], maxRetries: 1 };
    expect(delayMs(policy, 1, highest)).toBe(MAX_RETRY_DELAY_MS);
    expect(delayMs(policy, 1, lowest)).toBe(0.8 * MAX_RETRY_DELAY_MS);
  });

  it.each([
    ["a longer Retry-After wins over the schedule", 7 * MIN, 7 * MIN],
    ["a shorter Retry-After keeps the schedule", 5_000, 2 * MIN],
    ["a huge Retry-After is bounded at 6 hours", 3 * 24 * 60 * MIN, MAX_RETRY_AFTER_MS],
    ["exactly the bound", MAX_RETRY_AFTER_MS, MAX_RETRY_AFTER_MS],
    ["zero is ignored", 0, 2 * MIN],
    ["negative is ignored", -10_000, 2 * MIN],
    ["null is ignored", null, 2 * MIN],
    ["NaN is ignored", Number.NaN, 2 * MIN],
  ])("%s", (_, retryAfterMs, expected) => {
    expect(delayMs(DEFAULT_RETRY_POLICY, 1, noJitter, retryAfterMs)).toBe(expected);
  });

  it("keeps a schedule longer than the Retry-After bound", () => {
    const policy: RetryPolicy = { mode: "fixed", intervalsMinutes: [720], maxRetries: 1 };
    expect(delayMs(policy, 1, noJitter, 3 * 24 * 60 * MIN)).toBe(720 * MIN);
  });

  it("never retries sooner than one second, and not after the policy is exhausted even if asked", () => {
    const policy: RetryPolicy = { mode: "fixed", intervalsMinutes: [0], maxRetries: 1 };
    expect(delayMs(policy, 1, lowest)).toBe(1000);
    expect(delayMs(DEFAULT_RETRY_POLICY, 4, noJitter, 7000)).toBeNull();
  });
});

describe("retryPolicySchema", () => {
  it("accepts a policy and the text a form sends", () => {
    expect(retryPolicySchema.parse({ mode: "exponential", intervalsMinutes: [1], maxRetries: MAX_RETRIES })).toEqual({
      mode: "exponential",
      intervalsMinutes: [1],
      maxRetries: 10,
    });
    expect(retryPolicySchema.parse({ mode: "fixed", intervalsMinutes: "2, 10,30", maxRetries: "3" })).toEqual(DEFAULT_RETRY_POLICY);
  });

  it.each([
    [{ mode: "linear", intervalsMinutes: [2], maxRetries: 3 }, "mode must be fixed or exponential"],
    [{ mode: "fixed", intervalsMinutes: [2, 1441], maxRetries: 3 }, "intervalsMinutes.1 must be at most 1440 minutes (24 hours)"],
    [{ mode: "fixed", intervalsMinutes: [0], maxRetries: 3 }, "intervalsMinutes.0 must be at least 1 minute"],
    [{ mode: "fixed", intervalsMinutes: [2.5], maxRetries: 3 }, "intervalsMinutes.0 must be a whole number of minutes"],
    [{ mode: "fixed", intervalsMinutes: "2, soon", maxRetries: 3 }, "intervalsMinutes.1 must be a number of minutes"],
    [{ mode: "fixed", intervalsMinutes: [], maxRetries: 3 }, "intervalsMinutes must have at least one interval"],
    [{ mode: "fixed", intervalsMinutes: Array(11).fill(5), maxRetries: 3 }, "intervalsMinutes must have at most 10 intervals"],
    [{ mode: "fixed", intervalsMinutes: [2], maxRetries: 11 }, "maxRetries must be at most 10"],
    [{ mode: "fixed", intervalsMinutes: [2], maxRetries: -1 }, "maxRetries must be 0 or more"],
    [{ mode: "fixed", intervalsMinutes: [2], maxRetries: "many" }, "maxRetries must be a number"],
  ])("refuses %j naming the field", (input, message) => {
    const result = retryPolicySchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(describeZodError(result.error!)).toBe(message);
  });
});

describe("retryPolicyFromEndpoint", () => {
  it.each<[string, { retryMode: string; retryIntervals: unknown; maxRetries: number }, RetryPolicy]>([
    ["the stored policy", { retryMode: "exponential", retryIntervals: [5], maxRetries: 6 }, { mode: "exponential", intervalsMinutes: [5], maxRetries: 6 }],
    ["JSON text", { retryMode: "fixed", retryIntervals: "[1,2,3,4]", maxRetries: 4 }, { mode: "fixed", intervalsMinutes: [1, 2, 3, 4], maxRetries: 4 }],
    ["no intervals stored", { retryMode: "fixed", retryIntervals: null, maxRetries: 3 }, DEFAULT_RETRY_POLICY],
    ["unknown mode", { retryMode: "linear", retryIntervals: [4], maxRetries: 2 }, { mode: "fixed", intervalsMinutes: [4], maxRetries: 2 }],
    ["broken JSON", { retryMode: "fixed", retryIntervals: "[1,", maxRetries: 3 }, DEFAULT_RETRY_POLICY],
    ["intervals out of range", { retryMode: "fixed", retryIntervals: [0, 99999], maxRetries: 3 }, DEFAULT_RETRY_POLICY],
    ["not an array", { retryMode: "fixed", retryIntervals: { a: 1 }, maxRetries: 3 }, DEFAULT_RETRY_POLICY],
    ["too many retries", { retryMode: "fixed", retryIntervals: [2], maxRetries: 50 }, { mode: "fixed", intervalsMinutes: [2], maxRetries: 3 }],
    ["fractional retries", { retryMode: "fixed", retryIntervals: [2], maxRetries: 1.5 }, { mode: "fixed", intervalsMinutes: [2], maxRetries: 3 }],
  ])("reads %s", (_, endpoint, policy) => {
    expect(retryPolicyFromEndpoint(endpoint)).toEqual(policy);
  });

  it("hands out a copy of the default intervals", () => {
    const policy = retryPolicyFromEndpoint({ retryMode: "fixed", retryIntervals: null, maxRetries: 3 });
    policy.intervalsMinutes.push(60);
    expect(DEFAULT_RETRY_POLICY.intervalsMinutes).toEqual([2, 10, 30]);
  });
});

describe("nextRetryAt with a shortened policy minute (the demo)", () => {
  it("reads the intervals in that minute's length", () => {
    const now = new Date("2026-11-25T00:00:00Z");
    const at = nextRetryAt({ policy: DEFAULT_RETRY_POLICY, attemptsMade: 2, now, random: () => 0.5, minuteMs: 1000 });
    expect(at!.getTime() - now.getTime()).toBe(10_000);
  });
});
