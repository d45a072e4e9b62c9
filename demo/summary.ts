// What the demo reports: numbers read back from the database, checked against
// what the inbox verified on its own.

export interface DemoSummary {
  captured: number;
  bySource: Record<string, number>;
  abandoned: number;
  abandonedWithContact: number;
  whatsappOptIns: number;
  eventsSent: number;
  delivered: number;
  deliveryAttempts: number;
  converted: number;
  recovered: number;
  /** checkoutRecovered events the BSP acknowledged. */
  recoveryNotices: number;
  recoveredRevenue: string;
  currency: string;
  inbox: { abandonedCheckout: number; checkoutRecovered: number; rejected: number; failedOnPurpose: number } | null;
}

const percent = (part: number, whole: number) => (whole === 0 ? "-" : `${Math.round((part / whole) * 100)} %`);

export function formatSummary(s: DemoSummary): string {
  const sources = Object.entries(s.bySource).map(([source, n]) => `${source} ${n}`).join(", ");
  const lines = [
    "",
    "Summary (from the database)",
    `  checkouts captured     ${s.captured}  (${sources})`,
    `  abandoned              ${s.abandoned}`,
    `  delivered to the BSP   ${s.delivered} of ${s.eventsSent} events, in ${s.deliveryAttempts} attempts (${s.deliveryAttempts - s.delivered} retries or failures)`,
    `  converted on their own ${s.converted}`,
    `  recovered              ${s.recovered}  (recovery rate ${percent(s.recovered, s.abandoned)}, revenue ${s.currency} ${s.recoveredRevenue})`,
    `  WhatsApp opt-in        ${percent(s.whatsappOptIns, s.abandonedWithContact)} of abandoned checkouts with a phone or email`,
  ];
  if (s.inbox) {
    const matches = s.inbox.abandonedCheckout === s.delivered ? "matches the database" : `DOES NOT MATCH the database (${s.delivered})`;
    lines.push(
      "Inbox (verified with its own code)",
      `  abandonedCheckout      ${s.inbox.abandonedCheckout} distinct events, ${matches}`,
      `  checkoutRecovered      ${s.inbox.checkoutRecovered} distinct events, ${s.inbox.checkoutRecovered === s.recoveryNotices ? "matches the database" : `DOES NOT MATCH the database (${s.recoveryNotices})`}`,
      `  answered 503 on purpose ${s.inbox.failedOnPurpose}, rejected as forged ${s.inbox.rejected}`,
    );
  }
  return lines.join("\n");
}
