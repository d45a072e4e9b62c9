import type { CheckoutRow, DeliveryRow } from "./dashboard";
import type { DayRange } from "./date-range";

// A known set of rows for the dashboard tests (pure ones here, the loader's
// against SQLite in test/admin-dashboard.test.ts). Shop currency INR, zone
// Asia/Kolkata (UTC+05:30), range 1-3 March 2026. Endpoints "A" and "B".

export const FIXTURE_RANGE: DayRange = { preset: "custom", from: "2026-03-01", to: "2026-03-03", timeZone: "Asia/Kolkata" };
export const FIXTURE_CURRENCY = "INR";

const at = (iso: string) => new Date(iso);
const checkout = (row: Partial<CheckoutRow> & Pick<CheckoutRow, "id" | "createdAt">): CheckoutRow => ({
  status: "open",
  abandonedAt: null,
  phoneE164: null,
  emailNormalized: null,
  whatsappOptIn: null,
  smsMarketing: null,
  emailMarketing: null,
  orderTotal: null,
  orderCurrency: null,
  ...row,
});

export const FIXTURE_CHECKOUTS: CheckoutRow[] = [
  checkout({
    id: 1,
    createdAt: at("2026-03-01T04:30:00Z"),
    abandonedAt: at("2026-03-01T04:40:00Z"),
    status: "recovered",
    phoneE164: "+916000376569",
    emailNormalized: "asha@example.com",
    whatsappOptIn: true,
    smsMarketing: false,
    emailMarketing: true,
    orderTotal: "1800.00",
    orderCurrency: "INR",
  }),
  // 23:50 in Kolkata on 1 March.
  checkout({
    id: 2,
    createdAt: at("2026-03-01T18:20:00Z"),
    abandonedAt: at("2026-03-01T18:30:00Z"),
    status: "abandoned",
    phoneE164: "+916000376570",
    whatsappOptIn: false,
    smsMarketing: true,
  }),
  // Still 1 March in UTC, already 2 March in Kolkata.
  checkout({
    id: 3,
    createdAt: at("2026-03-01T18:40:00Z"),
    abandonedAt: at("2026-03-01T18:50:00Z"),
    status: "converted",
    emailNormalized: "ravi@example.com",
    emailMarketing: false,
    orderTotal: "999.00",
    orderCurrency: "INR",
  }),
  checkout({ id: 4, createdAt: at("2026-03-02T06:00:00Z"), phoneE164: "+916000376571" }),
  checkout({
    id: 5,
    createdAt: at("2026-03-03T05:00:00Z"),
    abandonedAt: at("2026-03-03T05:10:00Z"),
    status: "recovered",
    phoneE164: "+14155550100",
    whatsappOptIn: true,
    orderTotal: "250.50",
    orderCurrency: "USD",
  }),
  checkout({
    id: 6,
    createdAt: at("2026-03-03T07:00:00Z"),
    abandonedAt: at("2026-03-03T07:10:00Z"),
    status: "recovered",
    emailNormalized: "meera@example.com",
    emailMarketing: true,
    orderTotal: "100.25",
    orderCurrency: null,
  }),
  // Outside the range: 28 February and 4 March in Kolkata.
  checkout({
    id: 7,
    createdAt: at("2026-02-28T17:30:00Z"),
    abandonedAt: at("2026-02-28T17:40:00Z"),
    status: "recovered",
    phoneE164: "+916000376572",
    orderTotal: "5000.00",
    orderCurrency: "INR",
  }),
  checkout({ id: 8, createdAt: at("2026-03-03T18:30:00Z"), abandonedAt: at("2026-03-03T18:40:00Z"), status: "abandoned", phoneE164: "+916000376573" }),
];

const ok = { errorKind: null, statusCode: 200 };
const http = (statusCode: number) => ({ errorKind: "http", statusCode });
const delivery = (row: Partial<DeliveryRow> & Pick<DeliveryRow, "id" | "endpointId" | "eventId" | "checkoutId" | "eventCreatedAt">): DeliveryRow => ({
  topic: "abandonedCheckout",
  status: "succeeded",
  attemptCount: row.attempts?.length ?? 0,
  firstSuccessAt: null,
  attempts: [],
  ...row,
});
const plus = (date: Date, ms: number) => new Date(date.getTime() + ms);

const e1 = at("2026-03-01T04:40:00Z");
const e2 = at("2026-03-01T09:00:00Z");
const e3 = at("2026-03-01T18:30:00Z");
const e4 = at("2026-03-01T18:50:00Z");
const e5 = at("2026-03-03T05:10:00Z");
const e6 = at("2026-03-03T07:10:00Z");

export const FIXTURE_DELIVERIES: DeliveryRow[] = [
  delivery({ id: "d1", endpointId: "A", eventId: "e1", checkoutId: 1, eventCreatedAt: e1, attempts: [http(500), ok], firstSuccessAt: plus(e1, 130_000) }),
  delivery({ id: "d2", endpointId: "B", eventId: "e1", checkoutId: 1, eventCreatedAt: e1, attempts: [ok], firstSuccessAt: plus(e1, 1_000) }),
  delivery({
    id: "d3",
    endpointId: "A",
    eventId: "e2",
    checkoutId: 1,
    eventCreatedAt: e2,
    topic: "checkoutRecovered",
    attempts: [ok],
    firstSuccessAt: plus(e2, 500),
  }),
  delivery({
    id: "d4",
    endpointId: "A",
    eventId: "e3",
    checkoutId: 2,
    eventCreatedAt: e3,
    status: "failed",
    attempts: [{ errorKind: "timeout", statusCode: null }, http(500), http(500), { errorKind: "network", statusCode: null }],
  }),
  delivery({ id: "d5", endpointId: "B", eventId: "e3", checkoutId: 2, eventCreatedAt: e3, status: "pending", attempts: [http(503)] }),
  delivery({ id: "d6", endpointId: "A", eventId: "e4", checkoutId: 3, eventCreatedAt: e4, status: "cancelled_converted" }),
  delivery({ id: "d7", endpointId: "A", eventId: "e5", checkoutId: 5, eventCreatedAt: e5, attempts: [ok], firstSuccessAt: plus(e5, 5_000) }),
  delivery({ id: "d8", endpointId: "B", eventId: "e6", checkoutId: 6, eventCreatedAt: e6, attempts: [ok], firstSuccessAt: plus(e6, 60_000) }),
  delivery({ id: "d9", endpointId: "B", eventId: "e5", checkoutId: 5, eventCreatedAt: e5, status: "expired", attempts: [http(404)] }),
  // Not messages, or not of the cohort: never counted.
  delivery({ id: "d10", endpointId: "A", eventId: "t1", checkoutId: null, eventCreatedAt: e1, topic: "test", attempts: [ok], firstSuccessAt: e1 }),
  delivery({
    id: "d11",
    endpointId: "A",
    eventId: "s1",
    checkoutId: null,
    eventCreatedAt: e1,
    topic: "integrationStatus",
    status: "failed",
    attempts: [http(500)],
  }),
  delivery({
    id: "d12",
    endpointId: "A",
    eventId: "e7",
    checkoutId: 7,
    eventCreatedAt: at("2026-02-28T17:40:00Z"),
    attempts: [http(502), ok],
    firstSuccessAt: at("2026-02-28T17:45:00Z"),
  }),
];
