// A BSP on loopback: a real HTTP server that records every delivery and
// verifies its signature with its own code (not the app's), as a BSP would.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedDelivery {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
  signatureValid: boolean;
  receivedAt: number;
}

export type Responder = (delivery: ReceivedDelivery, response: ServerResponse) => void | Promise<void>;

export function cashfreeSignatureValid(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const timestamp = headers["x-webhook-timestamp"];
  const signature = headers["x-webhook-signature"];
  if (typeof timestamp !== "string" || typeof signature !== "string") return false;
  const expected = createHmac("sha256", Buffer.from(secret, "utf8")).update(timestamp + body).digest();
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
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", async () => {
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
        receivedAt: Date.now(),
      };
      received.push(delivery);
      const next = queue.shift() ?? 200;
      if (typeof next === "number") {
        response.writeHead(next, { "content-type": "application/json" }).end(JSON.stringify({ received: next < 300 }));
      } else {
        await next(delivery, response);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cart-relay`;
  return receiver;
}
