// The block's content as a tree of Polaris web components, built from the
// app's answer; pure, so the suite renders it from real data without Shopify.

export interface BlockDelivery {
  id: string;
  endpoint: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastErrorKind: string | null;
  resendable: boolean;
}

export interface BlockStory {
  checkout: {
    status: string;
    sources: string[];
    phone: string | null;
    email: string | null;
    total: string | null;
    currency: string | null;
    whatsappOptIn: boolean | null;
    whatsappOptInEvidence: { source: string | null; at: string | null; locale: string | null; text: string | null } | null;
    optedOut: { source: string; reason: string; optedOutAt: string } | null;
  };
  recovery: { orderName: string | null; matchType: string | null; delayMinutes: number | null } | null;
  events: { id: string; topic: string; createdAt: string; deliveries: BlockDelivery[] }[];
}

export interface BlockNode {
  tag: string;
  attrs?: Record<string, string>;
  text?: string;
  children?: BlockNode[];
  /** a button that resends this delivery */
  resend?: string;
}

const TOPIC_LABELS: Record<string, string> = { abandonedCheckout: "Abandoned cart message", checkoutRecovered: "Recovery notice", test: "Test" };
const MATCH_LABELS: Record<string, string> = {
  checkout_token: "same checkout",
  permalink: "the message's link",
  phone: "the buyer's phone",
  email: "the buyer's email",
  discount_code: "the recovery discount code",
};

const OPT_IN_SOURCES: Record<string, string> = {
  checkout_extension: "in checkout",
  pixel: "by the web pixel",
  webhook: "from Shopify's checkout",
  shopify: "in Shopify (the customer's consent)",
};

/** "yes, given in checkout at 2026-12-01 10:04 UTC (en-IN), beside: “…”" */
function optInLine(checkout: BlockStory["checkout"]): string {
  const answer = checkout.whatsappOptIn === true ? "yes" : checkout.whatsappOptIn === false ? "no" : "unknown";
  const evidence = checkout.whatsappOptInEvidence;
  if (!evidence) return `WhatsApp opt-in: ${answer}`;
  const where = evidence.source ? (OPT_IN_SOURCES[evidence.source] ?? evidence.source) : null;
  const when = evidence.at ? `${evidence.at.slice(0, 16).replace("T", " ")} UTC` : null;
  const given = [where, when ? `at ${when}` : null, evidence.locale ? `(${evidence.locale})` : null].filter(Boolean).join(" ");
  return `WhatsApp opt-in: ${answer}${given ? `, given ${given}` : ""}${evidence.text ? `, beside: “${evidence.text}”` : ""}`;
}

const text = (value: string, attrs?: Record<string, string>): BlockNode => ({ tag: "s-text", text: value, attrs });
const paragraph = (...children: BlockNode[]): BlockNode => ({ tag: "s-paragraph", children });

function answer(delivery: BlockDelivery): string {
  const last = delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : (delivery.lastErrorKind ?? "no answer yet");
  return `${delivery.status.replace("_", " ")} · ${last} · ${delivery.attempts} ${delivery.attempts === 1 ? "attempt" : "attempts"}`;
}

export function blockTree(story: BlockStory | null, error: string | null = null): BlockNode {
  const children: BlockNode[] = [];
  if (error || !story) {
    children.push(paragraph(text(error ?? "Cart Relay captured nothing for this checkout.")));
    return { tag: "s-admin-block", attrs: { heading: "Cart Relay" }, children };
  }
  const { checkout, recovery } = story;
  const captured = [checkout.phone, checkout.email, checkout.total ? `${checkout.total} ${checkout.currency ?? ""}`.trim() : null].filter(Boolean).join(" · ");
  children.push(paragraph(text(`Captured via ${checkout.sources.join(", ") || "unknown"}: ${captured || "no contact yet"}`)));
  children.push(paragraph(text(optInLine(checkout))));
  if (checkout.optedOut) children.push({ tag: "s-badge", attrs: { tone: "warning" }, text: `Opted out via ${checkout.optedOut.source}` });
  if (recovery) {
    const how = recovery.matchType ? (MATCH_LABELS[recovery.matchType] ?? recovery.matchType) : "unknown";
    children.push(paragraph(text(`${checkout.status === "recovered" ? "Recovered" : "Converted"} as ${recovery.orderName ?? "an order"}, matched by ${how}`)));
  }
  if (story.events.length === 0) children.push(paragraph(text("Nothing sent yet.")));
  for (const event of story.events) {
    children.push({ tag: "s-heading", text: TOPIC_LABELS[event.topic] ?? event.topic });
    for (const delivery of event.deliveries) {
      const row: BlockNode[] = [text(`${delivery.endpoint}: ${answer(delivery)}`)];
      if (delivery.resendable) row.push({ tag: "s-button", attrs: { variant: "secondary" }, text: "Resend now", resend: delivery.id });
      children.push({ tag: "s-stack", attrs: { direction: "inline", gap: "base" }, children: row });
    }
  }
  return { tag: "s-admin-block", attrs: { heading: "Cart Relay" }, children };
}
