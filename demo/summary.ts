// What the demo reports: numbers read back from the database, checked against
// what the inbox verified on its own. Every label says what it counts; where
// the dashboard counts differently, the last lines say how.

import { SUBSCRIBABLE_TOPICS } from "../app/events/payload/formats";

export const DEMO_TOPICS = SUBSCRIBABLE_TOPICS;

export interface TopicCounts {
  /** events of this topic stored for the demo's endpoint */
  events: number;
  /** their deliveries that ended with a 2xx */
  delivered: number;
  /** HTTP requests made for them, first tries and retries */
  attempts: number;
  /** attempts that did not get a 2xx (503s, timeouts, network errors) */
  failedAttempts: number;
}

export interface RecoverySummary {
  /** checkouts with a recovery code Shopify made */
  codesMade: number;
  /** checkouts whose code Shopify could not make (their event went out without one) */
  codeFailures: number;
  /** checkouts whose order came back with their code (match type discount_code) */
  discountCodeRecoveries: number;
  holdoutPercent: number;
  /** abandoned checkouts in the sent and held-out groups, today (the dashboard's lift card) */
  sent: number;
  heldOut: number;
  /** the lift card's sentence */
  lift: string;
  /** checkouts the send guard kept from messaging, by reason */
  suppressed: { reason: string; count: number }[];
  /** deliveries waiting for the end of quiet hours on a buyer's clock in another zone */
  heldForQuietHours: { timeZone: string; source: string | null; until: string }[];
}

/** Issue 19: Shopify Flow, WhatsApp consent in Shopify, a BSP's opt-out. */
export interface NativeSummary {
  /** workflows the Admin API double started, by trigger handle */
  flowTriggers: Record<string, number>;
  /** deliveries to the Shopify Flow destination that Flow accepted */
  flowDeliveries: number;
  /** consent written to Shopify customers (customerWhatsAppMarketingConsentUpdate), by state */
  consentWritten: Record<string, number>;
  /** customers whose WhatsApp consent was read back from Shopify */
  consentReadBack: number;
  /** checkouts that count as opted in because Shopify said so */
  optedInThroughShopify: number;
  /** customers the double holds as subscribed to WhatsApp marketing */
  subscribedInShopify: number;
  /** checkouts with the opt-in text and locale the buyer saw */
  evidenceStored: number;
  /** the opt-out a BSP reported, and the abandonedCheckout events its phone got */
  optOut: { source: string; reason: string; events: number } | null;
}

export interface DemoSummary {
  captured: number;
  /** checkouts each channel reported; a checkout reported by several channels counts once in each */
  bySource: Record<string, number>;
  /** captured checkouts with neither phone nor email: kept, never abandoned (nobody to message) */
  withoutContact: number;
  abandoned: number;
  abandonedWithContact: number;
  whatsappOptIns: number;
  topics: Record<(typeof DEMO_TOPICS)[number], TopicCounts>;
  /** abandonedCheckout events (kept under these names for scripts reading --json) */
  eventsSent: number;
  delivered: number;
  deliveryAttempts: number;
  converted: number;
  recovered: number;
  /** checkoutRecovered events the BSP acknowledged. */
  recoveryNotices: number;
  recoveredRevenue: string;
  currency: string;
  /** why the most recent failed attempt failed, e.g. "network: getaddrinfo ENOTFOUND ..." */
  lastFailure: string | null;
  /** the demo's policy minute in seconds (CART_RELAY_TIME_SCALE) */
  policyMinuteSeconds: number;
  recovery: RecoverySummary;
  native: NativeSummary;
  inbox: {
    abandonedCheckout: number;
    checkoutRecovered: number;
    rejected: number;
    failedOnPurpose: number;
    /** 503s answered on purpose, by topic */
    failedOnPurposeByTopic: Record<string, number>;
    /** deliveries whose headers or body broke the published contract (docs/bsp/schemas) */
    contractViolations: number;
    /** abandonedCheckout events whose body carried a recovery code that its resume link applies */
    withRecoveryCode: number;
  } | null;
}

const percent = (part: number, whole: number) => (whole === 0 ? "-" : `${Math.round((part / whole) * 100)} %`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const SOURCE_LABELS: Record<string, string> = { extension: "checkout block", webhook: "Shopify webhooks", pixel: "web pixel" };

export function formatSummary(s: DemoSummary): string {
  const sources = Object.entries(s.bySource)
    .map(([source, n]) => `${SOURCE_LABELS[source] ?? source} ${n}`)
    .join(", ");
  const topic = (name: (typeof DEMO_TOPICS)[number]) => {
    const t = s.topics[name];
    return `  ${name.padEnd(22)} ${plural(t.events, "event")}, ${t.delivered} delivered, in ${plural(t.attempts, "attempt")} (${t.failedAttempts} failed)`;
  };
  const lines = [
    "",
    "Summary (from the database)",
    `  checkouts captured     ${s.captured}  (${s.withoutContact} of them without phone or email, never abandoned)`,
    `    reported by channel  ${sources}  (a checkout seen by several channels counts in each)`,
    `  abandoned              ${s.abandoned}  (phone or email known, idle past abandon-after, no order)`,
    topic("abandonedCheckout"),
    topic("checkoutRecovered"),
    topic("integrationStatus"),
    `  converted on their own ${s.converted}  (ordered before a message reached the BSP)`,
    `  recovered              ${s.recovered}  (ordered after the message; ${percent(s.recovered, s.abandoned)} of abandoned, revenue ${s.currency} ${s.recoveredRevenue})`,
    `  WhatsApp opt-in        ${percent(s.whatsappOptIns, s.abandonedWithContact)} of abandoned checkouts with a phone or email (${s.whatsappOptIns} of ${s.abandonedWithContact})`,
  ];
  if (s.lastFailure) lines.push(`  last failed attempt    ${s.lastFailure}`);
  const r = s.recovery;
  const suppressed = r.suppressed.map((row) => `${row.reason} ${row.count}`).join(", ");
  lines.push(
    "Recovery codes, holdout and send guard",
    `  recovery codes         ${r.codesMade} made in Shopify (${r.codeFailures} failed); ${plural(r.discountCodeRecoveries, "order")} came back with its code (discount_code)`,
    `  holdout ${String(r.holdoutPercent).padStart(2)} %          ${r.sent} sent, ${r.heldOut} held out (never messaged); lift: ${r.lift}`,
    `  suppressed             ${suppressed || "none"}  (the buyer just ordered, or had a message in the last 24 h)`,
    ...r.heldForQuietHours.map(
      (h) =>
        `  held for quiet hours   one message until ${h.until.slice(11, 16)} UTC, morning in ${h.timeZone}${h.source ? ` (from the ${h.source.replace("_", " ")})` : ""}`,
    ),
  );
  const n = s.native;
  const written = Object.entries(n.consentWritten)
    .map(([state, count]) => `${count} ${state}`)
    .join(", ");
  lines.push(
    "Native to Shopify",
    `  Shopify Flow           ${
      Object.entries(n.flowTriggers)
        .map(([handle, count]) => `${handle} ${count}`)
        .join(", ") || "no trigger"
    } received by Flow (Admin API double); ${n.flowDeliveries} Flow deliveries in the log`,
    `  consent evidence       ${plural(n.evidenceStored, "checkout")} with the exact opt-in text and locale shown`,
    `  consent to Shopify     ${written || "nothing"} written to customers; ${n.consentReadBack} read back, ${n.optedInThroughShopify} opted in through Shopify; ${n.subscribedInShopify} subscribed there now`,
    n.optOut
      ? `  BSP opt-out            a ${n.optOut.reason.replace("_", " ")} reported by ${n.optOut.source}: ${plural(n.optOut.events, "abandonedCheckout event")} for that phone`
      : "  BSP opt-out            none reported",
  );
  if (s.inbox) {
    const failedInDb = DEMO_TOPICS.reduce((sum, name) => sum + s.topics[name].failedAttempts, 0);
    const byTopic = Object.entries(s.inbox.failedOnPurposeByTopic)
      .map(([name, n]) => `${name} ${n}`)
      .join(", ");
    const check = (inbox: number, db: number) => (inbox === db ? "matches the database" : `DOES NOT MATCH the database (${db})`);
    lines.push(
      "Inbox (verified with its own code)",
      `  abandonedCheckout      ${s.inbox.abandonedCheckout} distinct events, ${check(s.inbox.abandonedCheckout, s.delivered)}`,
      `  checkoutRecovered      ${s.inbox.checkoutRecovered} distinct events, ${check(s.inbox.checkoutRecovered, s.recoveryNotices)}`,
      `  answered 503 on purpose ${s.inbox.failedOnPurpose}${byTopic ? ` (${byTopic})` : ""}, ${check(s.inbox.failedOnPurpose, failedInDb)}'s failed attempts`,
      `  rejected as forged     ${s.inbox.rejected}`,
      `  off-contract           ${s.inbox.contractViolations} (checked against docs/bsp/schemas)`,
      `  with a recovery code   ${s.inbox.withRecoveryCode} abandonedCheckout events (in discountCode and the resume link's discount=)`,
    );
  }
  lines.push(
    'The dashboard counts the checkouts captured in its date range: its "Events sent" and "Delivered" add up',
    'abandonedCheckout and checkoutRecovered (integrationStatus is not about a checkout), and "Failures by reason"',
    'counts their failed attempts. Settings shows the pixel "Not registered with Shopify": the demo has no Shopify to',
    "register it with, so the store posts the pixel's captures itself, with the shop's pixel key.",
  );
  return lines.join("\n");
}
