import { describe, expect, it } from "vitest";
import { afterAttempt, beforeAttempt, type AfterAttempt, type BeforeAttempt } from "./attempt-rules";
import { DEFAULT_RETRY_POLICY } from "./retry-policy";

const now = new Date("2026-11-25T12:00:00Z");
const HOUR = 60 * 60_000;

describe("beforeAttempt", () => {
  const base: BeforeAttempt = {
    topic: "abandonedCheckout",
    checkoutOrderId: null,
    eventExpiresAt: new Date(now.getTime() + HOUR),
    endpointStatus: "active",
    quietHours: null,
  };
  it.each<[string, Partial<BeforeAttempt>, ReturnType<typeof beforeAttempt>["kind"], string?]>([
    ["a wanted delivery is sent", {}, "send"],
    ["a converted checkout cancels", { checkoutOrderId: "1" }, "cancel", "cancelled_converted"],
    ["conversion does not cancel the recovery notice", { topic: "checkoutRecovered", checkoutOrderId: "1" }, "send"],
    ["an expired event is not sent", { eventExpiresAt: new Date(now.getTime() - 1) }, "cancel", "expired"],
    ["a paused endpoint gets no cart", { endpointStatus: "paused" }, "cancel", "cancelled"],
    ["a disabled endpoint still hears its own status", { endpointStatus: "disabled", topic: "integrationStatus" }, "send"],
    ["a merchant's test goes to a paused endpoint", { endpointStatus: "paused", topic: "test" }, "send"],
    ["inside quiet hours it waits", { quietHours: { startMinute: 11 * 60, endMinute: 13 * 60, timeZone: "UTC" } }, "defer"],
    ["outside quiet hours it goes", { quietHours: { startMinute: 13 * 60, endMinute: 14 * 60, timeZone: "UTC" } }, "send"],
  ])("%s", (_case, overrides, kind, status) => {
    const decision = beforeAttempt({ ...base, ...overrides }, now);
    expect(decision.kind).toBe(kind);
    if (status) expect(decision).toMatchObject({ status });
    if (decision.kind === "defer") expect(decision.until).toEqual(new Date("2026-11-25T13:00:00Z"));
  });
});

describe("afterAttempt", () => {
  const base: AfterAttempt = {
    result: { ok: false, statusCode: 500, errorKind: "http", retryAfterMs: null },
    policy: DEFAULT_RETRY_POLICY,
    attemptsMade: 1,
    endpointFailingSince: null,
    disableAfterFailingHours: 72,
  };
  const random = () => 0.5;

  it("marks success and clears the endpoint's failure streak", () => {
    expect(
      afterAttempt({ ...base, result: { ok: true, statusCode: 204, errorKind: null, retryAfterMs: null }, endpointFailingSince: now }, now, random),
    ).toEqual({
      status: "succeeded",
      nextAttemptAt: null,
      endpointFailingSince: null,
      disableEndpoint: null,
    });
  });

  it("schedules the next retry and starts the failure streak", () => {
    const next = afterAttempt(base, now, random);
    expect(next).toMatchObject({ status: "pending", endpointFailingSince: now, disableEndpoint: null });
    expect(next.nextAttemptAt!.getTime() - now.getTime()).toBeGreaterThanOrEqual(2 * 60_000 * 0.8);
    expect(next.nextAttemptAt!.getTime() - now.getTime()).toBeLessThanOrEqual(2 * 60_000 * 1.2);
  });

  it("fails the delivery once the policy is spent", () => {
    expect(afterAttempt({ ...base, attemptsMade: 4 }, now, random)).toMatchObject({ status: "failed", nextAttemptAt: null, disableEndpoint: null });
  });

  it("disables the endpoint on 410 Gone", () => {
    expect(afterAttempt({ ...base, result: { ...base.result, statusCode: 410 } }, now, random)).toMatchObject({
      status: "failed",
      disableEndpoint: "the endpoint answered 410 Gone",
    });
  });

  it("disables the endpoint after failing continuously for its span, keeping the streak's start", () => {
    const since = new Date(now.getTime() - 72 * HOUR);
    expect(afterAttempt({ ...base, endpointFailingSince: since }, now, random)).toEqual({
      status: "failed",
      nextAttemptAt: null,
      endpointFailingSince: since,
      disableEndpoint: "every delivery failed for 72 hours",
    });
    expect(afterAttempt({ ...base, endpointFailingSince: new Date(since.getTime() + 1) }, now, random).disableEndpoint).toBeNull();
  });
});
