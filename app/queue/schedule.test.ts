import { describe, expect, it } from "vitest";
import { delayUntil, deliveryJobId, eventJobId, LEASE_GRACE_MS, nextRunAt } from "./schedule";

const now = new Date("2026-11-25T10:00:00.000Z");
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe("when a delivery next needs a worker", () => {
  it.each([
    ["pending, due later", { status: "pending", nextAttemptAt: at(60_000), lockedUntil: null }, at(60_000)],
    ["pending, due now", { status: "pending", nextAttemptAt: at(0), lockedUntil: null }, at(0)],
    ["pending, overdue (endpoint paused)", { status: "pending", nextAttemptAt: at(-5_000), lockedUntil: null }, at(-5_000)],
    ["in flight, lease running", { status: "in_flight", nextAttemptAt: at(-1), lockedUntil: at(30_000) }, at(30_000 + LEASE_GRACE_MS)],
    ["in flight, lease just ran out", { status: "in_flight", nextAttemptAt: null, lockedUntil: at(-LEASE_GRACE_MS) }, at(0)],
    ["in flight without a lease", { status: "in_flight", nextAttemptAt: null, lockedUntil: null }, null],
    ["succeeded", { status: "succeeded", nextAttemptAt: null, lockedUntil: null }, null],
    ["failed", { status: "failed", nextAttemptAt: null, lockedUntil: null }, null],
    ["cancelled after conversion", { status: "cancelled_converted", nextAttemptAt: at(1000), lockedUntil: null }, null],
  ])("%s", (_name, delivery, run) => {
    expect(nextRunAt(delivery)).toEqual(run);
  });
});

describe("job ids", () => {
  it.each([
    ["abc", at(0), undefined, `d-abc-${now.getTime()}`],
    ["abc", at(0), "d-other-1", `d-abc-${now.getTime()}`],
    ["abc", at(0), `d-abc-${now.getTime()}`, `d-abc-${now.getTime()}-again`],
    ["abc", at(0), `d-abc-${now.getTime()}-again`, `d-abc-${now.getTime()}-again-again`],
    ["abc", at(1), `d-abc-${now.getTime()}`, `d-abc-${now.getTime() + 1}`],
  ])("deliveryJobId(%j, %s, %j)", (id, when, current, expected) => {
    expect(deliveryJobId(id, when, current)).toBe(expected);
    expect(deliveryJobId(id, when, current)).not.toContain(":");
  });

  it("names event jobs after the event", () => {
    expect(eventJobId("6f1c0e7e-1111-4222-8333-944445555666")).toBe("e-6f1c0e7e-1111-4222-8333-944445555666");
  });

  it.each([
    [at(1500), 1500],
    [at(0), 0],
    [at(-20), 0],
  ])("delayUntil(%s) is %d ms", (when, delay) => {
    expect(delayUntil(when, now)).toBe(delay);
  });
});
