import { describe, expect, it } from "vitest";
import { computeLift, LiftInputError, MIN_CHECKOUTS_PER_GROUP, newcombeInterval, wilsonInterval } from "./lift";

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

describe("Wilson score interval", () => {
  // Newcombe, "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17 (1998) 857-872, Table I (method 3).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])("%i/%i gives %s to %s", (successes, trials, lower, upper) => {
    const interval = wilsonInterval(successes, trials);
    expect([round4(interval.lower), round4(interval.upper)]).toEqual([lower, upper]);
  });

  it("stays inside [0, 1] and contains the rate", () => {
    for (let n = 1; n <= 60; n++) {
      for (let x = 0; x <= n; x++) {
        const { lower, upper } = wilsonInterval(x, n);
        expect(lower).toBeGreaterThanOrEqual(0);
        expect(upper).toBeLessThanOrEqual(1);
        expect(lower).toBeLessThanOrEqual(x / n);
        expect(upper).toBeGreaterThanOrEqual(x / n);
      }
    }
  });
});

describe("Newcombe's hybrid score interval for a difference of proportions", () => {
  // Newcombe, "Interval estimation for the difference between independent proportions", Statistics in Medicine 17 (1998) 873-890, Table II, method 10.
  it.each([
    { x1: 56, n1: 70, x2: 48, n2: 80, difference: 0.2, lower: 0.0524, upper: 0.3339 },
    { x1: 9, n1: 10, x2: 3, n2: 10, difference: 0.6, lower: 0.1705, upper: 0.809 },
    { x1: 6, n1: 7, x2: 2, n2: 7, difference: 0.5714, lower: 0.0582, upper: 0.8062 },
    { x1: 5, n1: 56, x2: 0, n2: 29, difference: 0.0893, lower: -0.0381, upper: 0.1926 },
    { x1: 0, n1: 10, x2: 0, n2: 20, difference: 0, lower: -0.1611, upper: 0.2775 },
    { x1: 0, n1: 10, x2: 0, n2: 10, difference: 0, lower: -0.2775, upper: 0.2775 },
    { x1: 10, n1: 10, x2: 0, n2: 20, difference: 1, lower: 0.6791, upper: 1 },
    { x1: 10, n1: 10, x2: 0, n2: 10, difference: 1, lower: 0.6075, upper: 1 },
  ])("$x1/$n1 - $x2/$n2 = $difference, 95 % interval $lower to $upper", ({ x1, n1, x2, n2, difference, lower, upper }) => {
    const interval = newcombeInterval(x1, n1, x2, n2);
    expect([round4(interval.estimate), round4(interval.lower), round4(interval.upper)]).toEqual([difference, lower, upper]);
  });

  it("is the mirror image when the groups swap", () => {
    const forward = newcombeInterval(56, 70, 48, 80);
    const backward = newcombeInterval(48, 80, 56, 70);
    expect(backward.estimate).toBeCloseTo(-forward.estimate, 12);
    expect(backward.lower).toBeCloseTo(-forward.upper, 12);
    expect(backward.upper).toBeCloseTo(-forward.lower, 12);
  });
});

const group = (checkouts: number, orders: number, revenue = "0.00") => ({ checkouts, orders, revenue });

describe("lift for the dashboard", () => {
  it("turns a clear lift into incremental orders and revenue", () => {
    // 900 sent, 108 ordered (12 %) for 5400.00; 100 held out, 4 ordered (4 %).
    const lift = computeLift({ sent: group(900, 108, "5400.00"), heldOut: group(100, 4, "180.00") });
    expect(lift.verdict).toBe("lift");
    expect(lift.sent).toMatchObject({ checkouts: 900, orders: 108, rate: 0.12 });
    expect(lift.heldOut).toMatchObject({ checkouts: 100, orders: 4, rate: 0.04 });
    expect(round4(lift.difference!.estimate)).toBe(0.08);
    expect(lift.difference!.lower).toBeGreaterThan(0);
    const interval = newcombeInterval(108, 900, 4, 100);
    expect(lift.difference).toEqual(interval);
    // 0.08 x 900 = 72 orders the messages added; at the sent group's 50.00 per order, 3600.00.
    expect(lift.incrementalOrders!.estimate).toBeCloseTo(72, 9);
    expect(lift.incrementalOrders!.lower).toBeCloseTo(interval.lower * 900, 9);
    expect(lift.incrementalRevenue).toEqual({
      estimate: "3600.00",
      lower: (interval.lower * 900 * 50).toFixed(2),
      upper: (interval.upper * 900 * 50).toFixed(2),
    });
    expect(lift.summary).toBe(
      `Messages added about 72 orders: conversion +8.0 points over the holdout (95 % interval +${(interval.lower * 100).toFixed(1)} to +${(interval.upper * 100).toFixed(1)} points).`,
    );
  });

  it.each([
    // too small: a group under the minimum, whatever the rates say
    { sent: group(500, 100), heldOut: group(MIN_CHECKOUTS_PER_GROUP - 1, 0), verdict: "too_small" },
    { sent: group(MIN_CHECKOUTS_PER_GROUP - 1, 10), heldOut: group(400, 4), verdict: "too_small" },
    { sent: group(0, 0), heldOut: group(0, 0), verdict: "too_small" },
    // at the minimum the interval decides
    { sent: group(MIN_CHECKOUTS_PER_GROUP, 20), heldOut: group(MIN_CHECKOUTS_PER_GROUP, 2), verdict: "lift" },
    // messaged buyers ordering less
    { sent: group(2000, 40), heldOut: group(2000, 120), verdict: "negative" },
    // identical rates on big groups: the interval rules out a lift of a point or more
    { sent: group(40_000, 2000), heldOut: group(40_000, 2000), verdict: "no_lift" },
    // identical rates on small groups: no evidence either way yet
    { sent: group(200, 10), heldOut: group(200, 10), verdict: "inconclusive" },
    // a real-looking gain that the interval cannot yet tell from zero
    { sent: group(300, 30), heldOut: group(40, 2), verdict: "inconclusive" },
  ])("says $verdict for $sent.orders/$sent.checkouts sent vs $heldOut.orders/$heldOut.checkouts held out", ({ sent, heldOut, verdict }) => {
    expect(computeLift({ sent, heldOut }).verdict).toBe(verdict);
  });

  it("tells 'no evidence yet' apart from 'no lift' in words", () => {
    expect(computeLift({ sent: group(200, 10), heldOut: group(200, 10) }).summary).toMatch(
      /^No evidence yet: the lift could be anywhere from -\d+\.\d to \+\d+\.\d points; more checkouts will narrow it\.$/,
    );
    expect(computeLift({ sent: group(40_000, 2000), heldOut: group(40_000, 2000) }).summary).toMatch(
      /^No lift worth having: any gain is below 1\.0 points \(95 % interval -0\.\d to \+0\.\d points\)\.$/,
    );
    expect(computeLift({ sent: group(2000, 40), heldOut: group(2000, 120) }).summary).toMatch(/^Messaged buyers ordered less than held-out ones: -4\.0 points/);
  });

  it("says plainly how far a too-small sample is from telling", () => {
    const lift = computeLift({ sent: group(500, 100, "9000.00"), heldOut: group(12, 1, "80.00") });
    expect(lift.summary).toBe(`Too small to tell: 12 held-out checkouts so far; at least ${MIN_CHECKOUTS_PER_GROUP} are needed in each group.`);
    // The figures are still there for the merchant who wants them.
    expect(lift.difference).not.toBeNull();
    expect(computeLift({ sent: group(3, 0), heldOut: group(0, 0) }).summary).toBe(
      `Too small to tell: 3 sent and 0 held-out checkouts so far; at least ${MIN_CHECKOUTS_PER_GROUP} are needed in each group.`,
    );
  });

  it("has no rates or interval for an empty group", () => {
    const lift = computeLift({ sent: group(50, 5, "250.00"), heldOut: group(0, 0) });
    expect(lift.heldOut).toEqual({ checkouts: 0, orders: 0, rate: null, interval: null });
    expect(lift).toMatchObject({ difference: null, incrementalOrders: null, incrementalRevenue: null, verdict: "too_small" });
  });

  it("values added orders by the holdout's orders when no sent checkout ordered", () => {
    const lift = computeLift({ sent: group(100, 0), heldOut: group(100, 5, "500.00") }, { fractionDigits: 0 });
    // -0.05 x 100 = -5 orders at 100 each.
    expect(lift.incrementalRevenue!.estimate).toBe("-500");
    expect(computeLift({ sent: group(100, 0), heldOut: group(100, 0) }).incrementalRevenue).toEqual({ estimate: "0.00", lower: "0.00", upper: "0.00" });
  });

  it("takes its thresholds as options", () => {
    expect(computeLift({ sent: group(10, 9), heldOut: group(10, 3) }).verdict).toBe("too_small");
    expect(computeLift({ sent: group(10, 9), heldOut: group(10, 3) }, { minCheckoutsPerGroup: 10 }).verdict).toBe("lift");
    expect(computeLift({ sent: group(40_000, 2000), heldOut: group(40_000, 2000) }, { noLiftMargin: 0.001 }).verdict).toBe("inconclusive");
  });

  it.each([
    [{ sent: group(10, 11), heldOut: group(10, 1) }, "sent orders (11) cannot exceed its checkouts (10)"],
    [{ sent: group(-1, 0), heldOut: group(10, 1) }, "sent checkouts must be a whole number of at least 0, got -1"],
    [{ sent: group(10, 1), heldOut: group(10.5, 1) }, "held-out checkouts must be a whole number of at least 0, got 10.5"],
    [{ sent: group(10, 1, "12,50"), heldOut: group(10, 1) }, 'sent revenue must be a decimal amount such as "1800.00", got "12,50"'],
  ])("refuses bad counts, naming them", (input, message) => {
    expect(() => computeLift(input)).toThrow(LiftInputError);
    expect(() => computeLift(input)).toThrow(message);
  });
});
