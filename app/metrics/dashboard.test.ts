import { describe, expect, it } from "vitest";
import { computeDashboard, failureReason, percentile, percentileRank, rate, unitsToDecimal } from "./dashboard";
import { FIXTURE_CHECKOUTS, FIXTURE_CURRENCY, FIXTURE_DELIVERIES, FIXTURE_RANGE } from "./dashboard.fixture";

const compute = (endpointId: string | null) =>
  computeDashboard({ range: FIXTURE_RANGE, endpointId, currency: FIXTURE_CURRENCY, checkouts: FIXTURE_CHECKOUTS, deliveries: FIXTURE_DELIVERIES });

describe("percentile (nearest rank)", () => {
  it.each([
    [[], 50, null],
    [[7], 50, 7],
    [[7], 95, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95, 10],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19],
  ])("%j p%i = %s", (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe("rate and failure reasons", () => {
  it("has no rate over nothing", () => {
    expect(rate(0, 0)).toEqual({ count: 0, of: 0, rate: null });
    expect(rate(1, 4)).toEqual({ count: 1, of: 4, rate: 0.25 });
  });

  it.each([
    [{ errorKind: null, statusCode: 200 }, null],
    [
      { errorKind: "http", statusCode: 503 },
      { reason: "http_503", label: "HTTP 503" },
    ],
    [
      { errorKind: "timeout", statusCode: null },
      { reason: "timeout", label: "Timed out (10 s)" },
    ],
    [
      { errorKind: "blocked_address", statusCode: null },
      { reason: "blocked_address", label: "Blocked address" },
    ],
    [
      { errorKind: "interrupted", statusCode: null },
      { reason: "interrupted", label: "Interrupted (worker stopped)" },
    ],
  ])("%o -> %o", (attempt, expected) => {
    expect(failureReason(attempt)).toEqual(expected);
  });
});

describe("dashboard over a known set of rows", () => {
  it("counts the captured cohort by day in the shop's time zone", () => {
    const metrics = compute(null);
    expect(metrics.checkouts).toEqual({
      captured: 6,
      abandoned: 5,
      abandonmentRate: rate(5, 6),
      reachable: rate(3, 5),
      optIn: { whatsapp: rate(2, 3), sms: rate(1, 3), email: rate(2, 3) },
    });
    expect(metrics.daily).toEqual([
      { day: "2026-03-01", captured: 2, abandoned: 2, recovered: 1 },
      { day: "2026-03-02", captured: 2, abandoned: 1, recovered: 0 },
      { day: "2026-03-03", captured: 2, abandoned: 2, recovered: 2 },
    ]);
  });

  it("counts deliveries, latency and failures over every endpoint", () => {
    expect(compute(null).deliveries).toEqual({
      eventsSent: 5,
      attempted: 8,
      succeeded: 5,
      finished: 7,
      successRate: rate(5, 7),
      retrying: 1,
      notAttempted: { cancelled_converted: 1 },
      timeToFirstSuccess: { deliveries: 4, p50Ms: 5_000, p95Ms: 130_000 },
      failuresByReason: [
        { reason: "http_500", label: "HTTP 500", attempts: 3 },
        { reason: "http_404", label: "HTTP 404", attempts: 1 },
        { reason: "http_503", label: "HTTP 503", attempts: 1 },
        { reason: "network", label: "Network error", attempts: 1 },
        { reason: "timeout", label: "Timed out (10 s)", attempts: 1 },
      ],
    });
  });

  it("sums recovered revenue exactly in the shop currency and keeps other currencies apart", () => {
    expect(compute(null).recovery).toEqual({
      base: 5,
      recovered: 3,
      rate: rate(3, 5),
      revenue: { currency: "INR", amount: "1900.25", orders: 2 },
      otherCurrencies: [{ currency: "USD", amount: "250.50", orders: 1 }],
    });
  });

  it("narrows deliveries and recovery to one endpoint, never the checkout counts", () => {
    const a = compute("A");
    expect(a.checkouts).toEqual(compute(null).checkouts);
    expect(a.deliveries).toEqual({
      eventsSent: 4,
      attempted: 4,
      succeeded: 3,
      finished: 4,
      successRate: rate(3, 4),
      retrying: 0,
      notAttempted: { cancelled_converted: 1 },
      timeToFirstSuccess: { deliveries: 2, p50Ms: 5_000, p95Ms: 130_000 },
      failuresByReason: [
        { reason: "http_500", label: "HTTP 500", attempts: 3 },
        { reason: "network", label: "Network error", attempts: 1 },
        { reason: "timeout", label: "Timed out (10 s)", attempts: 1 },
      ],
    });
    expect(a.recovery).toEqual({
      base: 4,
      recovered: 2,
      rate: rate(2, 4),
      revenue: { currency: "INR", amount: "1800.00", orders: 1 },
      otherCurrencies: [{ currency: "USD", amount: "250.50", orders: 1 }],
    });
    expect(a.daily.map((point) => point.recovered)).toEqual([1, 0, 1]);
  });

  it("credits an endpoint only with the recoveries it reached", () => {
    const b = compute("B");
    expect(b.deliveries).toMatchObject({
      eventsSent: 4,
      attempted: 4,
      succeeded: 2,
      finished: 3,
      successRate: rate(2, 3),
      retrying: 1,
      notAttempted: {},
      timeToFirstSuccess: { deliveries: 2, p50Ms: 1_000, p95Ms: 60_000 },
    });
    expect(b.deliveries.failuresByReason.map((f) => [f.reason, f.attempts])).toEqual([
      ["http_404", 1],
      ["http_503", 1],
    ]);
    // Checkout 5 was sent to B but B never answered 2xx: its recovery is A's.
    expect(b.recovery).toEqual({
      base: 4,
      recovered: 2,
      rate: rate(2, 4),
      revenue: { currency: "INR", amount: "1900.25", orders: 2 },
      otherCurrencies: [],
    });
  });

  it("shows zeros and no rates for a range with nothing in it", () => {
    const empty = computeDashboard({
      range: { ...FIXTURE_RANGE, from: "2026-04-01", to: "2026-04-02" },
      endpointId: null,
      currency: "INR",
      checkouts: FIXTURE_CHECKOUTS,
      deliveries: FIXTURE_DELIVERIES,
    });
    expect(empty.checkouts.captured).toBe(0);
    expect(empty.checkouts.abandonmentRate.rate).toBeNull();
    expect(empty.deliveries).toMatchObject({ eventsSent: 0, successRate: { rate: null }, timeToFirstSuccess: { p50Ms: null, p95Ms: null } });
    expect(empty.recovery.revenue).toEqual({ currency: "INR", amount: "0.00", orders: 0 });
    expect(empty.daily).toEqual([
      { day: "2026-04-01", captured: 0, abandoned: 0, recovered: 0 },
      { day: "2026-04-02", captured: 0, abandoned: 0, recovered: 0 },
    ]);
  });

  it("adds up: the daily series sums to the cards", () => {
    for (const endpointId of [null, "A", "B"]) {
      const metrics = compute(endpointId);
      const sum = (key: "captured" | "abandoned" | "recovered") => metrics.daily.reduce((total, point) => total + point[key], 0);
      expect([sum("captured"), sum("abandoned"), sum("recovered")]).toEqual([
        metrics.checkouts.captured,
        metrics.checkouts.abandoned,
        metrics.recovery.recovered,
      ]);
    }
  });
});

describe("aggregates as the database returns them", () => {
  it.each([
    [0n, "0.00"],
    [19_002_500n, "1900.25"],
    [25_050_00n, "250.50"],
    [1n, "0.0001"],
    [123_450n, "12.345"],
    [-5_000n, "-0.50"],
  ])("%s ten-thousandths -> %s", (units, text) => {
    expect(unitsToDecimal(units)).toBe(text);
  });

  it("picks the rank `percentile` picks", () => {
    for (const count of [1, 2, 3, 4, 10, 19, 20, 21, 100]) {
      const sorted = Array.from({ length: count }, (_, i) => i + 1);
      for (const p of [50, 95]) expect(percentileRank(count, p)).toBe(percentile(sorted, p));
    }
  });
});
