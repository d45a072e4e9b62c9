import { daysOf, dayKey, inRange, type DayRange } from "./date-range";
import { sumDecimals } from "./money";
import { MESSAGE_TOPICS } from "../events/payload/formats";

// The dashboard's numbers (DESIGN.md "Metrics shown to the merchant"), pure.
// One cohort: the checkouts captured in the range (Checkout.createdAt, in the
// shop's time zone), followed through to their events, deliveries, attempts
// and orders. Every number is a count or sum over those stored rows.

export { MESSAGE_TOPICS };

export interface CheckoutRow {
  id: number;
  createdAt: Date;
  status: string;
  abandonedAt: Date | null;
  phoneE164: string | null;
  emailNormalized: string | null;
  whatsappOptIn: boolean | null;
  smsMarketing: boolean | null;
  emailMarketing: boolean | null;
  /** Decimal as text, e.g. "1800.00" */
  orderTotal: string | null;
  orderCurrency: string | null;
}

export interface AttemptRow {
  errorKind: string | null;
  statusCode: number | null;
}

export interface DeliveryRow {
  id: string;
  endpointId: string;
  eventId: string;
  checkoutId: number | null;
  topic: string;
  status: string;
  attemptCount: number;
  /** Event.createdAt: for abandonedCheckout, the moment the checkout was declared abandoned. */
  eventCreatedAt: Date;
  firstSuccessAt: Date | null;
  attempts: AttemptRow[];
}

export interface Rate {
  count: number;
  of: number;
  /** count / of, or null when `of` is 0 */
  rate: number | null;
}

export interface FailureReason {
  reason: string;
  label: string;
  attempts: number;
}

export interface DailyPoint {
  day: string;
  captured: number;
  abandoned: number;
  recovered: number;
}

export interface DashboardMetrics {
  range: DayRange;
  endpointId: string | null;
  checkouts: {
    captured: number;
    abandoned: number;
    /** abandoned of captured */
    abandonmentRate: Rate;
    /** abandoned with a valid (E.164) phone, of abandoned */
    reachable: Rate;
    /** opted in, of abandoned with a valid phone (WhatsApp, SMS) or an email (email) */
    optIn: { whatsapp: Rate; sms: Rate; email: Rate };
  };
  deliveries: {
    /** distinct events with at least one attempt */
    eventsSent: number;
    /** deliveries (event x endpoint) with at least one attempt */
    attempted: number;
    succeeded: number;
    /** attempted deliveries whose outcome is final (not pending or in flight) */
    finished: number;
    /** succeeded of finished */
    successRate: Rate;
    /** attempted, not final yet: retries still scheduled */
    retrying: number;
    /** deliveries never attempted, by final status (cancelled_converted, expired, cancelled) */
    notAttempted: Record<string, number>;
    /** abandonment (Event.createdAt) to first 2xx (Delivery.firstSuccessAt), abandonedCheckout deliveries */
    timeToFirstSuccess: { deliveries: number; p50Ms: number | null; p95Ms: number | null };
    failuresByReason: FailureReason[];
  };
  recovery: {
    /** abandoned checkouts considered: all, or those whose abandonedCheckout went to the chosen endpoint */
    base: number;
    /** recovered among them (for an endpoint: its delivery succeeded) */
    recovered: number;
    rate: Rate;
    /** sum of Checkout.orderTotal of the recovered, in the shop currency */
    revenue: { currency: string; amount: string; orders: number };
    /** recovered orders recorded in another currency, summed apart and never converted */
    otherCurrencies: { currency: string; amount: string; orders: number }[];
  };
  daily: DailyPoint[];
}

export function rate(count: number, of: number): Rate {
  return { count, of, rate: of === 0 ? null : count / of };
}

/** Nearest-rank percentile of sorted values: the smallest value with at least p % of values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

const ERROR_LABELS: Record<string, string> = {
  timeout: "Timed out (10 s)",
  network: "Network error",
  blocked_address: "Blocked address",
  interrupted: "Interrupted (worker stopped)",
};

/** `http_500` / "HTTP 500", or the error kind. */
export function failureReason(attempt: AttemptRow): { reason: string; label: string } | null {
  if (attempt.errorKind === null) return null;
  if (attempt.errorKind === "http") {
    const code = attempt.statusCode ?? 0;
    return { reason: `http_${code}`, label: `HTTP ${code}` };
  }
  return { reason: attempt.errorKind, label: ERROR_LABELS[attempt.errorKind] ?? attempt.errorKind };
}

/** Delivery statuses that end a delivery: nothing more will be attempted. */
export const FINAL_DELIVERY_STATUSES = ["succeeded", "failed", "cancelled_converted", "expired", "cancelled"] as const;
const FINAL: ReadonlySet<string> = new Set(FINAL_DELIVERY_STATUSES);

export function computeDashboard(input: {
  range: DayRange;
  endpointId: string | null;
  currency: string;
  checkouts: readonly CheckoutRow[];
  deliveries: readonly DeliveryRow[];
}): DashboardMetrics {
  const { range, endpointId, currency } = input;
  const cohort = input.checkouts.filter((checkout) => inRange(checkout.createdAt, range));
  const cohortIds = new Set(cohort.map((checkout) => checkout.id));
  const abandoned = cohort.filter((checkout) => checkout.abandonedAt !== null);
  const withPhone = abandoned.filter((checkout) => checkout.phoneE164 !== null);
  const withEmail = abandoned.filter((checkout) => checkout.emailNormalized !== null);

  const deliveries = input.deliveries.filter(
    (delivery) =>
      (MESSAGE_TOPICS as readonly string[]).includes(delivery.topic) &&
      delivery.checkoutId !== null &&
      cohortIds.has(delivery.checkoutId) &&
      (endpointId === null || delivery.endpointId === endpointId),
  );
  const attempted = deliveries.filter((delivery) => delivery.attemptCount > 0);
  const finished = attempted.filter((delivery) => FINAL.has(delivery.status));
  const succeeded = finished.filter((delivery) => delivery.status === "succeeded");
  const notAttempted: Record<string, number> = {};
  for (const delivery of deliveries) {
    if (delivery.attemptCount === 0 && FINAL.has(delivery.status)) notAttempted[delivery.status] = (notAttempted[delivery.status] ?? 0) + 1;
  }

  const latencies = deliveries
    .filter((delivery) => delivery.topic === "abandonedCheckout" && delivery.firstSuccessAt !== null)
    .map((delivery) => delivery.firstSuccessAt!.getTime() - delivery.eventCreatedAt.getTime())
    .sort((a, b) => a - b);

  const failures = new Map<string, FailureReason>();
  for (const delivery of attempted) {
    for (const attempt of delivery.attempts) {
      const failure = failureReason(attempt);
      if (!failure) continue;
      const entry = failures.get(failure.reason) ?? { ...failure, attempts: 0 };
      entry.attempts++;
      failures.set(failure.reason, entry);
    }
  }

  // For one endpoint, recovery counts the checkouts it was sent and the ones it actually reached.
  const abandonedSends = deliveries.filter((delivery) => delivery.topic === "abandonedCheckout");
  const sentTo = new Set(abandonedSends.map((delivery) => delivery.checkoutId!));
  const reached = new Set(abandonedSends.filter((delivery) => delivery.firstSuccessAt !== null).map((delivery) => delivery.checkoutId!));
  const recoveryBase = endpointId === null ? abandoned : abandoned.filter((checkout) => sentTo.has(checkout.id));
  const recovered = recoveryBase.filter((checkout) => checkout.status === "recovered" && (endpointId === null || reached.has(checkout.id)));
  const recoveredIds = new Set(recovered.map((checkout) => checkout.id));

  const byCurrency = new Map<string, string[]>();
  for (const checkout of recovered) {
    if (checkout.orderTotal === null) continue;
    const code = (checkout.orderCurrency ?? currency).toUpperCase();
    byCurrency.set(code, [...(byCurrency.get(code) ?? []), checkout.orderTotal]);
  }
  const shopTotals = byCurrency.get(currency.toUpperCase()) ?? [];
  const otherCurrencies = [...byCurrency.entries()]
    .filter(([code]) => code !== currency.toUpperCase())
    .map(([code, amounts]) => ({ currency: code, amount: sumDecimals(amounts), orders: amounts.length }))
    .sort((a, b) => a.currency.localeCompare(b.currency));

  const daily = new Map<string, DailyPoint>(daysOf(range).map((day) => [day, { day, captured: 0, abandoned: 0, recovered: 0 }]));
  for (const checkout of cohort) {
    const point = daily.get(dayKey(checkout.createdAt, range.timeZone))!;
    point.captured++;
    if (checkout.abandonedAt !== null) point.abandoned++;
    if (recoveredIds.has(checkout.id)) point.recovered++;
  }

  return {
    range,
    endpointId,
    checkouts: {
      captured: cohort.length,
      abandoned: abandoned.length,
      abandonmentRate: rate(abandoned.length, cohort.length),
      reachable: rate(withPhone.length, abandoned.length),
      optIn: {
        whatsapp: rate(withPhone.filter((checkout) => checkout.whatsappOptIn === true).length, withPhone.length),
        sms: rate(withPhone.filter((checkout) => checkout.smsMarketing === true).length, withPhone.length),
        email: rate(withEmail.filter((checkout) => checkout.emailMarketing === true).length, withEmail.length),
      },
    },
    deliveries: {
      eventsSent: new Set(attempted.map((delivery) => delivery.eventId)).size,
      attempted: attempted.length,
      succeeded: succeeded.length,
      finished: finished.length,
      successRate: rate(succeeded.length, finished.length),
      retrying: attempted.length - finished.length,
      notAttempted,
      timeToFirstSuccess: { deliveries: latencies.length, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95) },
      failuresByReason: [...failures.values()].sort((a, b) => b.attempts - a.attempts || a.reason.localeCompare(b.reason)),
    },
    recovery: {
      base: recoveryBase.length,
      recovered: recovered.length,
      rate: rate(recovered.length, recoveryBase.length),
      revenue: { currency: currency.toUpperCase(), amount: sumDecimals(shopTotals), orders: shopTotals.length },
      otherCurrencies,
    },
    daily: [...daily.values()],
  };
}

/** The dashboard's numbers as the database aggregates them (app/metrics/dashboard.server.ts). */
export interface DashboardAggregates {
  daily: (DailyPoint & { withPhone: number; whatsappOptIn: number; smsOptIn: number; withEmail: number; emailOptIn: number; recoveryBase: number })[];
  deliveries: { eventsSent: number; attempted: number; finished: number; succeeded: number; latencies: number };
  notAttempted: { status: string; deliveries: number }[];
  latency: { p50Ms: number | null; p95Ms: number | null };
  failures: (AttemptRow & { attempts: number })[];
  /** recovered orders by currency code (upper case), summed in ten-thousandths */
  revenue: { currency: string; units: bigint; orders: number }[];
}

/** The nearest-rank position (1-based) of percentile `p` among `count` sorted values, as `percentile` picks it. */
export function percentileRank(count: number, p: number): number {
  return Math.min(Math.max(1, Math.ceil((p / 100) * count)), count);
}

/** Ten-thousandths as a decimal string with at least two fraction digits: 19002500n -> "1900.25". */
export function unitsToDecimal(units: bigint): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(5, "0");
  const fraction = digits.slice(-4).replace(/0{1,2}$/, "");
  return `${negative ? "-" : ""}${digits.slice(0, -4)}.${fraction}`;
}

/** The same metrics as `computeDashboard`, from aggregates instead of rows. */
export function dashboardFromAggregates(input: {
  range: DayRange;
  endpointId: string | null;
  currency: string;
  aggregates: DashboardAggregates;
}): DashboardMetrics {
  const { range, endpointId, aggregates } = input;
  const currency = input.currency.toUpperCase();
  const byDay = new Map(aggregates.daily.map((point) => [point.day, point]));
  const days = daysOf(range).map((day) => byDay.get(day));
  const total = (key: Exclude<keyof DashboardAggregates["daily"][number], "day">) => days.reduce((sum, point) => sum + (point?.[key] ?? 0), 0);
  const captured = total("captured");
  const abandoned = total("abandoned");
  const withPhone = total("withPhone");
  const recoveryBase = total("recoveryBase");
  const recovered = total("recovered");

  const failures = new Map<string, FailureReason>();
  for (const row of aggregates.failures) {
    const failure = failureReason(row);
    if (!failure) continue;
    const entry = failures.get(failure.reason) ?? { ...failure, attempts: 0 };
    entry.attempts += row.attempts;
    failures.set(failure.reason, entry);
  }
  const notAttempted: Record<string, number> = {};
  for (const row of aggregates.notAttempted) if (row.deliveries > 0) notAttempted[row.status] = row.deliveries;
  const shopRevenue = aggregates.revenue.find((row) => row.currency === currency);
  const { deliveries } = aggregates;

  return {
    range,
    endpointId,
    checkouts: {
      captured,
      abandoned,
      abandonmentRate: rate(abandoned, captured),
      reachable: rate(withPhone, abandoned),
      optIn: {
        whatsapp: rate(total("whatsappOptIn"), withPhone),
        sms: rate(total("smsOptIn"), withPhone),
        email: rate(total("emailOptIn"), total("withEmail")),
      },
    },
    deliveries: {
      eventsSent: deliveries.eventsSent,
      attempted: deliveries.attempted,
      succeeded: deliveries.succeeded,
      finished: deliveries.finished,
      successRate: rate(deliveries.succeeded, deliveries.finished),
      retrying: deliveries.attempted - deliveries.finished,
      notAttempted,
      timeToFirstSuccess: { deliveries: deliveries.latencies, ...aggregates.latency },
      failuresByReason: [...failures.values()].sort((a, b) => b.attempts - a.attempts || a.reason.localeCompare(b.reason)),
    },
    recovery: {
      base: recoveryBase,
      recovered,
      rate: rate(recovered, recoveryBase),
      revenue: { currency, amount: unitsToDecimal(shopRevenue?.units ?? 0n), orders: shopRevenue?.orders ?? 0 },
      otherCurrencies: aggregates.revenue
        .filter((row) => row.currency !== currency)
        .map((row) => ({ currency: row.currency, amount: unitsToDecimal(row.units), orders: row.orders }))
        .sort((a, b) => a.currency.localeCompare(b.currency)),
    },
    daily: daysOf(range).map((day, i) => ({ day, captured: days[i]?.captured ?? 0, abandoned: days[i]?.abandoned ?? 0, recovered: days[i]?.recovered ?? 0 })),
  };
}
