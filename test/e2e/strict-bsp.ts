// A BSP on loopback that verifies as the README tells BSPs to: the signature
// over timestamp + raw body with its own HMAC code (test/bsp-receiver.ts),
// and a timestamp within 5 minutes. Refuses with 401 otherwise.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { cashfreeSignatureValid, checkContract } from "../bsp-receiver";

export interface StrictBsp {
  url: string;
  /** set once the admin shows the endpoint's secret */
  secret: string | null;
  received: { headers: IncomingHttpHeaders; body: string; accepted: boolean; reason: string | null }[];
  close: () => Promise<void>;
}

const TOLERANCE_MS = 5 * 60_000;

export async function startStrictBsp(): Promise<StrictBsp> {
  const bsp: StrictBsp = {
    url: "",
    secret: null,
    received: [],
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
      const body = Buffer.concat(chunks).toString("utf8");
      checkContract(request.headers, body);
      const timestamp = Number(request.headers["x-webhook-timestamp"]);
      const reason = !bsp.secret
        ? "no secret configured"
        : !Number.isFinite(timestamp) || Math.abs(Date.now() - timestamp) > TOLERANCE_MS
          ? "stale timestamp"
          : !cashfreeSignatureValid(bsp.secret, request.headers, body)
            ? "bad signature"
            : null;
      bsp.received.push({ headers: request.headers, body, accepted: reason === null, reason });
      response.writeHead(reason ? 401 : 200, { "content-type": "application/json" }).end(JSON.stringify(reason ? { error: reason } : { received: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  bsp.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/cart-relay`;
  return bsp;
}
