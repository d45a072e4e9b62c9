// Formatting for the admin pages. Locale and zone are always explicit, so the
// server render and the browser's hydration print the same text.

const LOCALE = "en-US";

export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(LOCALE, { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function formatDay(day: string): string {
  return new Intl.DateTimeFormat(LOCALE, { timeZone: "UTC", month: "short", day: "numeric" }).format(new Date(`${day}T00:00:00Z`));
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60 * 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / (60 * 60_000)).toFixed(1)} h`;
}

export function formatPercent(rate: number | null): string {
  if (rate === null) return "—";
  return new Intl.NumberFormat(LOCALE, { style: "percent", maximumFractionDigits: 1 }).format(rate);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(LOCALE).format(value);
}

export function formatMoney(amount: string | null | undefined, currency: string | null | undefined): string {
  if (amount === null || amount === undefined) return "—";
  const code = currency ?? "USD";
  try {
    return new Intl.NumberFormat(LOCALE, { style: "currency", currency: code }).format(Number(amount));
  } catch {
    return `${amount} ${code}`;
  }
}

export const TOPIC_LABELS: Record<string, string> = {
  abandonedCheckout: "Abandoned checkout",
  checkoutRecovered: "Checkout recovered",
  integrationStatus: "Integration status",
  test: "Test",
};

const SHORT_TOPIC_LABELS: Record<string, string> = {
  abandonedCheckout: "Abandoned",
  checkoutRecovered: "Recovered",
  integrationStatus: "Status",
  test: "Test",
};

export function shortTopicLabel(topic: string): string {
  return SHORT_TOPIC_LABELS[topic] ?? topic;
}

export function formatShortDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  return new Intl.DateTimeFormat(LOCALE, { timeZone, month: "short", day: "numeric", hour: "numeric", minute: "2-digit" }).format(new Date(iso));
}

export function topicLabel(topic: string): string {
  return TOPIC_LABELS[topic] ?? topic;
}

/** The last result of a delivery or attempt in a few words: "HTTP 200", "Timed out". */
export function resultLabel(statusCode: number | null, errorKind: string | null): string {
  if (statusCode !== null) return `HTTP ${statusCode}`;
  switch (errorKind) {
    case null:
      return "—";
    case "timeout":
      return "Timed out";
    case "network":
      return "Network error";
    case "blocked_address":
      return "Blocked address";
    case "interrupted":
      return "Interrupted";
    default:
      return errorKind;
  }
}
