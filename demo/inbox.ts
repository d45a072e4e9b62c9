// The demo's BSP: a local HTTP receiver that verifies every delivery with its
// own code, the way a BSP would from our README, and rejects forgeries.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { checkDeliveryContract } from "../app/events/payload/contract-validator";

const TOLERANCE_MS = 5 * 60_000;

export interface InboxEvent {
  topic: string;
  idempotencyKey: string;
  attempt: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the app delivered; the demo prints the fields it knows
  body: any;
  receivedAt: Date;
}

export interface InboxOptions {
  secret: string;
  /** Share of genuine deliveries answered with 503, to show retries. */
  failureRate: number;
  random: () => number;
  standardWebhooks?: boolean;
  print?: (line: string) => void;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** x-webhook-signature = base64(HMAC-SHA256(secret, x-webhook-timestamp + raw body)). */
export function verifyCartRelaySignature(secret: string, headers: IncomingHttpHeaders, rawBody: string, nowMs = Date.now()): string | null {
  const timestamp = header(headers, "x-webhook-timestamp");
  if (!/^\d+$/.test(timestamp)) return "missing timestamp";
  if (Math.abs(nowMs - Number(timestamp)) > TOLERANCE_MS) return "stale timestamp";
  const expected = createHmac("sha256", secret)
    .update(timestamp + rawBody)
    .digest();
  return constantTimeEqual(Buffer.from(header(headers, "x-webhook-signature"), "base64"), expected) ? null : "bad signature";
}

/** Standard Webhooks: `v1,<base64>` over `id.timestamp.body` with the whsec_ key decoded. */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string): string | null {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${rawBody}`).digest();
  const signatures = header(headers, "webhook-signature")
    .split(" ")
    .map((s) => s.replace(/^v1,/, ""));
  return signatures.some((s) => constantTimeEqual(Buffer.from(s, "base64"), expected)) ? null : "bad standard webhooks signature";
}

export class Inbox {
  readonly events: InboxEvent[] = [];
  rejected = 0;
  failedOnPurpose = 0;
  readonly failedOnPurposeByTopic: Record<string, number> = {};
  /** Deliveries whose headers or body broke the published contract (docs/bsp/schemas). */
  contractViolations = 0;
  private server: Server | null = null;
  url = "";

  constructor(private readonly options: InboxOptions) {}

  /** Every distinct event accepted, by idempotency key (a BSP deduplicates on it). */
  distinct(topic?: string): InboxEvent[] {
    const seen = new Map<string, InboxEvent>();
    for (const event of this.events) if (!topic || event.topic === topic) seen.set(event.idempotencyKey, event);
    return [...seen.values()];
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        const problem =
          verifyCartRelaySignature(this.options.secret, request.headers, raw) ??
          (this.options.standardWebhooks ? verifyStandardWebhook(this.options.secret, request.headers, raw) : null);
        if (problem) {
          this.rejected++;
          this.print(`rejected: ${problem}`);
          response.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: problem }));
          return;
        }
        const contract = checkDeliveryContract(request.headers, raw);
        if (contract.problems.length > 0) {
          this.contractViolations++;
          this.print(`contract violation (${contract.topic ?? "?"}, ${contract.format ?? "?"}): ${contract.problems.join("; ")}`);
        }
        const attempt = Number(header(request.headers, "x-webhook-attempt"));
        if (this.options.random() < this.options.failureRate) {
          this.failedOnPurpose++;
          const topic = header(request.headers, "x-webhook-topic");
          this.failedOnPurposeByTopic[topic] = (this.failedOnPurposeByTopic[topic] ?? 0) + 1;
          this.print(`${header(request.headers, "x-webhook-topic").padEnd(18)} attempt ${attempt}: answering 503 on purpose`);
          response.writeHead(503).end();
          return;
        }
        const event: InboxEvent = {
          topic: header(request.headers, "x-webhook-topic"),
          idempotencyKey: header(request.headers, "x-idempotency-key"),
          attempt,
          body: JSON.parse(raw),
          receivedAt: new Date(),
        };
        this.events.push(event);
        this.print(describe(event));
        response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/cart-relay`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private print(line: string) {
    this.options.print?.(`  [inbox] ${line}`);
  }
}

function describe(event: InboxEvent): string {
  const body = event.body;
  const verified = `attempt ${event.attempt}, signature ok`;
  if (event.topic === "integrationStatus") return `${event.topic.padEnd(18)} ${body.data?.status} (${verified})`;
  const who = body.phone ? body.phone.replace(/^(\+\d{2})\d+(\d{4})$/, "$1******$2") : body.email ? "email only" : "no contact";
  const total = `${body.currency ?? ""} ${body.totalPrice ?? "-"}`;
  const extra = event.topic === "checkoutRecovered" ? ` order ${body.order?.name} via ${body.recovery?.matchType}` : "";
  return `${event.topic.padEnd(18)} cart ${body.cartId} ${who} ${total}${extra} (${verified})`;
}
