// Lift of recovery messages over the holdout group (DESIGN.md "Holdout"),
// pure. Every figure comes from four counts and two revenue sums the
// dashboard reads from stored rows, so a merchant can redo it by hand.
//
// Conversion per arm is orders / checkouts. The interval for the difference
// of the two independent proportions is Newcombe's hybrid score interval
// (R. G. Newcombe, "Interval estimation for the difference between
// independent proportions: comparison of eleven methods", Statistics in
// Medicine 17 (1998) 873-890, method 10): a Wilson score interval per arm
// (no continuity correction), combined as
//   lower = d - sqrt((p1 - l1)^2 + (u2 - p2)^2)
//   upper = d + sqrt((u1 - p1)^2 + (p2 - l2)^2)
// It keeps close to 95 % coverage with small arms and rates near 0 or 1,
// where the textbook Wald interval fails (a held-out arm with no orders gives
// Wald a zero-width interval).

/** The 0.975 quantile of the standard normal: a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/**
 * Below this many checkouts in either group the answer is "too small to
 * tell". With 30 checkouts and a conversion rate near 10 %, one group's own
 * 95 % interval already spans about 3.5 % to 25.6 %: the interval for the
 * difference is wider than any lift a recovery message plausibly has (a few
 * points), so a verdict from it would be noise.
 */
export const MIN_CHECKOUTS_PER_GROUP = 30;

/**
 * An interval that spans zero but stays below this lift (one percentage
 * point) says "no lift worth having"; one that reaches above it says "no
 * evidence yet" and needs more checkouts.
 */
export const NO_LIFT_MARGIN = 0.01;

export interface GroupCounts {
  /** abandoned checkouts assigned to the group in the date range */
  checkouts: number;
  /** of those, how many were linked to an order */
  orders: number;
  /** the sum of those orders' totals, a decimal string */
  revenue: string;
}

export interface LiftInput {
  /** abandoned checkouts whose event was recorded for sending (whether or not a delivery succeeded) */
  sent: GroupCounts;
  heldOut: GroupCounts;
}

export interface Interval {
  lower: number;
  upper: number;
}

export interface GroupConversion {
  checkouts: number;
  orders: number;
  /** orders / checkouts, null without checkouts */
  rate: number | null;
  /** Wilson 95 % interval of the rate */
  interval: Interval | null;
}

export type LiftVerdict =
  /** a group has fewer than MIN_CHECKOUTS_PER_GROUP checkouts */
  | "too_small"
  /** the whole interval is above zero */
  | "lift"
  /** the whole interval is below zero: messaged buyers ordered less */
  | "negative"
  /** the interval spans zero and rules out a lift of NO_LIFT_MARGIN or more */
  | "no_lift"
  /** the interval spans zero and still allows a lift of NO_LIFT_MARGIN or more: no evidence yet */
  | "inconclusive";

export interface Lift {
  sent: GroupConversion;
  heldOut: GroupConversion;
  /** sent rate minus held-out rate, with its 95 % interval; null when a group is empty */
  difference: ({ estimate: number } & Interval) | null;
  /** the orders the messages added among sent checkouts: difference x sent checkouts */
  incrementalOrders: ({ estimate: number } & Interval) | null;
  /** incremental orders x the sent group's average order value, decimal strings */
  incrementalRevenue: { estimate: string; lower: string; upper: string } | null;
  verdict: LiftVerdict;
  /** one plain sentence for the dashboard */
  summary: string;
}

export class LiftInputError extends Error {
  override name = "LiftInputError";
  readonly kind = "invalid_counts";
}

/** Wilson score interval for x successes in n trials (no continuity correction). */
export function wilsonInterval(successes: number, trials: number, z = Z_95): Interval {
  checkCounts("interval", successes, trials);
  if (trials === 0) throw new LiftInputError("interval needs at least one trial");
  const p = successes / trials;
  const z2 = z * z;
  const centre = 2 * trials * p + z2;
  const spread = z * Math.sqrt(z2 + 4 * trials * p * (1 - p));
  const denominator = 2 * (trials + z2);
  // Clamp the float noise at the ends (x = 0 gives exactly 0 analytically).
  return {
    lower: successes === 0 ? 0 : Math.max(0, (centre - spread) / denominator),
    upper: successes === trials ? 1 : Math.min(1, (centre + spread) / denominator),
  };
}

/** Newcombe's hybrid score interval (method 10) for p1 - p2 of two independent proportions. */
export function newcombeInterval(x1: number, n1: number, x2: number, n2: number, z = Z_95): { estimate: number } & Interval {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const first = wilsonInterval(x1, n1, z);
  const second = wilsonInterval(x2, n2, z);
  const estimate = p1 - p2;
  return {
    estimate,
    lower: estimate - Math.sqrt((p1 - first.lower) ** 2 + (second.upper - p2) ** 2),
    upper: estimate + Math.sqrt((first.upper - p1) ** 2 + (p2 - second.lower) ** 2),
  };
}

function checkCounts(group: string, orders: number, checkouts: number): void {
  if (!Number.isSafeInteger(checkouts) || checkouts < 0) throw new LiftInputError(`${group} checkouts must be a whole number of at least 0, got ${checkouts}`);
  if (!Number.isSafeInteger(orders) || orders < 0) throw new LiftInputError(`${group} orders must be a whole number of at least 0, got ${orders}`);
  if (orders > checkouts) throw new LiftInputError(`${group} orders (${orders}) cannot exceed its checkouts (${checkouts})`);
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

function revenueOf(group: string, revenue: string): number {
  if (typeof revenue !== "string" || !DECIMAL.test(revenue.trim()))
    throw new LiftInputError(`${group} revenue must be a decimal amount such as "1800.00", got ${JSON.stringify(revenue)}`);
  return Number(revenue);
}

function conversion(group: string, counts: GroupCounts): GroupConversion {
  checkCounts(group, counts.orders, counts.checkouts);
  if (counts.checkouts === 0) return { checkouts: 0, orders: 0, rate: null, interval: null };
  return {
    checkouts: counts.checkouts,
    orders: counts.orders,
    rate: counts.orders / counts.checkouts,
    interval: wilsonInterval(counts.orders, counts.checkouts),
  };
}

const percentPoints = (value: number) => `${(value * 100).toFixed(1)} points`;
const signedPoints = (value: number) => `${value > 0 ? "+" : value < 0 ? "-" : ""}${Math.abs(value * 100).toFixed(1)}`;

function summarize(
  verdict: LiftVerdict,
  lift: Pick<Lift, "sent" | "heldOut" | "difference" | "incrementalOrders">,
  thresholds: { minCheckoutsPerGroup: number; noLiftMargin: number },
): string {
  const { sent, heldOut, difference, incrementalOrders } = lift;
  const { minCheckoutsPerGroup, noLiftMargin } = thresholds;
  if (verdict === "too_small" || !difference || !incrementalOrders) {
    const short = [
      sent.checkouts < minCheckoutsPerGroup ? `${sent.checkouts} sent` : null,
      heldOut.checkouts < minCheckoutsPerGroup ? `${heldOut.checkouts} held-out` : null,
    ].filter(Boolean);
    return `Too small to tell: ${short.join(" and ")} checkouts so far; at least ${minCheckoutsPerGroup} are needed in each group.`;
  }
  const range = `${signedPoints(difference.lower)} to ${signedPoints(difference.upper)} points`;
  switch (verdict) {
    case "lift":
      return `Messages added about ${Math.round(incrementalOrders.estimate)} orders: conversion ${signedPoints(difference.estimate)} points over the holdout (95 % interval ${range}).`;
    case "negative":
      return `Messaged buyers ordered less than held-out ones: ${signedPoints(difference.estimate)} points (95 % interval ${range}).`;
    case "no_lift":
      return `No lift worth having: any gain is below ${percentPoints(noLiftMargin)} (95 % interval ${range}).`;
    default:
      return `No evidence yet: the lift could be anywhere from ${range}; more checkouts will narrow it.`;
  }
}

export interface LiftOptions {
  /** fraction digits of the shop's currency, for the revenue figures */
  fractionDigits?: number;
  minCheckoutsPerGroup?: number;
  noLiftMargin?: number;
}

/** Conversion of sent vs held-out checkouts, the lift with its 95 % interval, and what it implies. */
export function computeLift(input: LiftInput, options: LiftOptions = {}): Lift {
  const { fractionDigits = 2, minCheckoutsPerGroup = MIN_CHECKOUTS_PER_GROUP, noLiftMargin = NO_LIFT_MARGIN } = options;
  const sent = conversion("sent", input.sent);
  const heldOut = conversion("held-out", input.heldOut);
  const sentRevenue = revenueOf("sent", input.sent.revenue);
  const heldOutRevenue = revenueOf("held-out", input.heldOut.revenue);

  let difference: Lift["difference"] = null;
  let incrementalOrders: Lift["incrementalOrders"] = null;
  let incrementalRevenue: Lift["incrementalRevenue"] = null;
  if (sent.checkouts > 0 && heldOut.checkouts > 0) {
    difference = newcombeInterval(sent.orders, sent.checkouts, heldOut.orders, heldOut.checkouts);
    const scale = (value: number) => value * sent.checkouts;
    incrementalOrders = { estimate: scale(difference.estimate), lower: scale(difference.lower), upper: scale(difference.upper) };
    // The value of an added order is best told by the sent group's orders; without any, by the holdout's.
    const averageOrder = sent.orders > 0 ? sentRevenue / sent.orders : heldOut.orders > 0 ? heldOutRevenue / heldOut.orders : 0;
    const money = (orders: number) => (orders * averageOrder).toFixed(fractionDigits).replace(/^-(0\.?0*)$/, "$1");
    incrementalRevenue = { estimate: money(incrementalOrders.estimate), lower: money(incrementalOrders.lower), upper: money(incrementalOrders.upper) };
  }

  let verdict: LiftVerdict;
  if (!difference || sent.checkouts < minCheckoutsPerGroup || heldOut.checkouts < minCheckoutsPerGroup) verdict = "too_small";
  else if (difference.lower > 0) verdict = "lift";
  else if (difference.upper < 0) verdict = "negative";
  else if (difference.upper < noLiftMargin) verdict = "no_lift";
  else verdict = "inconclusive";

  return {
    sent,
    heldOut,
    difference,
    incrementalOrders,
    incrementalRevenue,
    verdict,
    summary: summarize(verdict, { sent, heldOut, difference, incrementalOrders }, { minCheckoutsPerGroup, noLiftMargin }),
  };
}
