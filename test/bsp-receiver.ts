// A BSP on loopback: a real HTTP server that records every delivery and
// verifies its signature with its own code (not the app's), as a BSP would.
// Every delivery is also validated against the published contract
// (docs/bsp/schemas) by topic and format; a violation fails the test that was
// running when it arrived.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { checkDeliveryContract } from "../app/events/payload/contract-validator";

const contractViolations: string[] = [];

/** Validates one received delivery against docs/bsp/ and records any violation for the running test. */
export function checkContract(headers: IncomingHttpHeaders, body: string): string[] {
  const { topic, format, problems } = checkDeliveryContract(headers, body);
  if (problems.length > 0) {
    contractViolations.push(`${topic ?? "?"} (${format ?? "?"}) ${String(headers["x-idempotency-key"] ?? "")}:\n  ${problems.join("\n  ")}`);
  }
  return problems;
}

/** Hands over (and clears) the violations recorded so far: for tests that send a bad delivery on purpose. */
export function takeContractViolations(): string[] {
  return contractViolations.splice(0);
}

afterEach(() => {
  if (contractViolations.length === 0) return;
  const found = contractViolations.splice(0);
  throw new Error(`${found.length} deliveries broke the BSP contract (docs/bsp/schemas):\n${found.join("\n")}`);
});

export interface ReceivedDelivery {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- whatever JSON the app delivered; each test reads it in the shape it asserts
  json: any;
  signatureValid: boolean;
  /** Violations of docs/bsp/ (also fail the running test). */
  contractProblems: string[];
  receivedAt: number;
}

export type Responder = (delivery: ReceivedDelivery, response: ServerResponse) => void | Promise<void>;

export function cashfreeSignatureValid(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = headers["x-webhook-timestamp"];
  const signature = headers["x-webhook-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string") return false;
  const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(timestamp + body)
    .digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface BspReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Answers the next requests in order; then 200. */
  respondWith: (...responders: (number | Responder)[]) => void;
  secret: string | null;
  close: () => Promise<void>;
}

export async function startBspReceiver(secret: string | null = null): Promise<BspReceiver> {
  const received: ReceivedDelivery[] = [];
  const queue: (number | Responder)[] = [];
  const receiver: BspReceiver = {
    url: "",
    received,
    secret,
    respondWith: (...responders) => queue.push(...responders),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      answer().catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
    });
    // A responder that throws ends the connection, as a crashing BSP would.
    const answer = async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        // recorded as received; the test decides
      }
      const delivery: ReceivedDelivery = {
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
        json,
        signatureValid: receiver.secret ? cashfreeSignatureValid(receiver.secret, request.headers, body) : false,
        contractProblems: checkContract(request.headers, body),
        receivedAt: Date.now(),
      };
      received.push(delivery);
      const next = queue.shift() ?? 200;
      if (typeof next === "number") {
        response.writeHead(next, { "content-type": "application/json" }).end(JSON.stringify({ received: next < 300 }));
      } else {
        await next(delivery, response);
      }
    };
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cart-relay`;
  return receiver;
}
