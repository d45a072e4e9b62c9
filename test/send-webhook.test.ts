import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDeliveryAgents, parseRetryAfter, sendWebhook, type OutgoingRequest } from "../app/delivery/send.server";

// A real BSP stand-in on loopback; every test talks to it over TCP.
interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const BIG_BODY = Buffer.from("0123456789abcdef".repeat(65_536)); // 1 MiB
const RETRY_DATE_NOW = Date.parse("2026-03-01T12:00:00Z");

const routes: Record<string, (res: ServerResponse) => void> = {
  "/ok": (res) => res.writeHead(202, { "content-type": "application/json" }).end('{"received":true}'),
  "/fail": (res) => res.writeHead(500).end("upstream exploded"),
  "/gone": (res) => res.writeHead(410).end("endpoint removed"),
  "/redirect": (res) => res.writeHead(301, { location: "/ok" }).end(),
  "/hang": () => {},
  "/slow-body": (res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("partial");
  },
  "/rate-limited": (res) => res.writeHead(429, { "retry-after": "7" }).end("slow down"),
  "/unavailable": (res) => res.writeHead(503, { "retry-after": new Date(RETRY_DATE_NOW + 90_000).toUTCString() }).end(),
  "/big": (res) => res.writeHead(200, { "content-type": "text/plain" }).end(BIG_BODY),
  "/retry-after-on-500": (res) => res.writeHead(500, { "retry-after": "7" }).end(),
};

let server: Server;
let base: string;
let received: Received[] = [];
// A second receiver only the refused requests aim at: undici may open a spare
// connection to the main one after a response it cut short.
let untouched: Server;
let untouchedPort: string;
let untouchedConnections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.on("error", () => {}); // the client may hang up after 4 KB
      (routes[req.url!] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
  });
  server.on("connection", (socket) => socket.on("error", () => {}));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  untouched = createServer((_req, res) => res.writeHead(200).end());
  untouched.on("connection", () => {
    untouchedConnections += 1;
  });
  await new Promise<void>((resolve) => untouched.listen(0, "127.0.0.1", resolve));
  untouchedPort = String((untouched.address() as AddressInfo).port);
});

afterAll(async () => {
  for (const receiver of [server, untouched]) {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
  await closeDeliveryAgents();
});

beforeEach(() => {
  received = [];
  untouchedConnections = 0;
});

const dev = { allowLoopback: true };
const SECRET_BODY = '{"eventId":"evt_1","phone":"+916000376569"}';

function outgoing(path: string, overrides: Partial<OutgoingRequest> = {}): OutgoingRequest {
  return {
    url: `${base}${path}`,
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-signature": "c2lnbmF0dXJl", "x-idempotency-key": "evt_1" },
    body: SECRET_BODY,
    ...overrides,
  };
}

function expectNoLeak(message: string | null) {
  expect(message).not.toContain("+916000376569");
  expect(message).not.toContain("c2lnbmF0dXJl");
}

describe("sendWebhook against a loopback receiver", () => {
  it("delivers method, headers and body, and counts a 2xx as success", async () => {
    const result = await sendWebhook(outgoing("/ok", { method: "PUT" }), dev);
    expect(result).toMatchObject({
      ok: true,
      statusCode: 202,
      errorKind: null,
      errorMessage: null,
      responseExcerpt: '{"received":true}',
      retryAfterMs: null,
    });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "PUT", url: "/ok", body: SECRET_BODY });
    expect(received[0].headers).toMatchObject({ "x-webhook-signature": "c2lnbmF0dXJl", "x-idempotency-key": "evt_1" });
  });

  it.each([
    ["/fail", 500, "upstream exploded"],
    ["/gone", 410, "endpoint removed"],
  ])("reports %s as an http failure with its status", async (path, statusCode, excerpt) => {
    const result = await sendWebhook(outgoing(path), dev);
    expect(result).toMatchObject({ ok: false, statusCode, errorKind: "http", errorMessage: `HTTP ${statusCode}`, responseExcerpt: excerpt });
    expectNoLeak(result.errorMessage);
  });

  it("does not follow a redirect", async () => {
    const result = await sendWebhook(outgoing("/redirect"), dev);
    expect(result).toMatchObject({
      ok: false,
      statusCode: 301,
      errorKind: "http",
      errorMessage: "HTTP 301 redirect not followed (Location: /ok)",
    });
    expect(received.map((r) => r.url)).toEqual(["/redirect"]);
  });

  it("gives up on a receiver that never answers", async () => {
    const result = await sendWebhook(outgoing("/hang"), { ...dev, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorKind: "timeout", errorMessage: "no complete response within 300 ms" });
    expect(received).toHaveLength(1);
  });

  it("counts the body against the same budget", async () => {
    const result = await sendWebhook(outgoing("/slow-body"), { ...dev, timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, statusCode: 200, errorKind: "timeout", responseExcerpt: null });
  });

  it("reports a refused connection as a network failure", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));

    const result = await sendWebhook(outgoing("/ok", { url: `http://127.0.0.1:${port}/ok` }), dev);
    expect(result).toMatchObject({ ok: false, statusCode: null, errorKind: "network", responseExcerpt: null });
    expect(result.errorMessage).toContain("ECONNREFUSED");
    expectNoLeak(result.errorMessage);
  });

  it("reads Retry-After in seconds on 429", async () => {
    const result = await sendWebhook(outgoing("/rate-limited"), dev);
    expect(result).toMatchObject({ ok: false, statusCode: 429, errorKind: "http", retryAfterMs: 7000 });
  });

  it("reads Retry-After as an HTTP date on 503, against the injected clock", async () => {
    const result = await sendWebhook(outgoing("/unavailable"), { ...dev, now: () => RETRY_DATE_NOW });
    expect(result).toMatchObject({ ok: false, statusCode: 503, errorKind: "http", retryAfterMs: 90_000 });
  });

  it("ignores Retry-After on other statuses", async () => {
    const result = await sendWebhook(outgoing("/retry-after-on-500"), dev);
    expect(result).toMatchObject({ statusCode: 500, retryAfterMs: null });
  });

  it("keeps exactly the first 4096 bytes of a 1 MB response", async () => {
    const result = await sendWebhook(outgoing("/big"), dev);
    expect(result.ok).toBe(true);
    expect(result.responseExcerpt).toBe(BIG_BODY.subarray(0, 4096).toString());
  });

  it("refuses localhost at connect time when loopback is not allowed; the receiver sees nothing", async () => {
    const result = await sendWebhook(outgoing("/ok", { url: `https://localhost:${untouchedPort}/ok` }), { allowLoopback: false });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorKind: "blocked_address", responseExcerpt: null });
    expect(result.errorMessage).toMatch(/^localhost resolves to a forbidden loopback address (127\.0\.0\.1|::1)$/);
    expect(untouchedConnections).toBe(0);
  });

  it("connects to localhost when the development setting allows loopback", async () => {
    const port = new URL(base).port;
    const result = await sendWebhook(outgoing("/ok", { url: `http://localhost:${port}/ok` }), dev);
    expect(result).toMatchObject({ ok: true, statusCode: 202, errorKind: null });
    expect(received).toHaveLength(1);
  });

  it.each([
    ["a literal loopback IP", (port: string) => `https://127.0.0.1:${port}/ok`, "URL host is not allowed: loopback address 127.0.0.1"],
    ["a decimal loopback IP", (port: string) => `https://2130706433:${port}/ok`, "URL host is not allowed: loopback address 127.0.0.1"],
    ["plain http", (port: string) => `http://127.0.0.1:${port}/ok`, "URL must start with https://"],
  ])("refuses %s before connecting when loopback is not allowed", async (_, url, reason) => {
    const result = await sendWebhook(outgoing("/ok", { url: url(untouchedPort) }), { allowLoopback: false });
    expect(result).toMatchObject({ ok: false, statusCode: null, errorKind: "blocked_address", errorMessage: reason });
    expect(untouchedConnections).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-03-01T12:00:00Z");
  it.each([
    ["7", 7000],
    [" 120 ", 120_000],
    ["0", 0],
    ["Sun, 01 Mar 2026 12:01:30 GMT", 90_000],
    ["Sun, 01 Mar 2026 11:59:00 GMT", 0],
    ["Sunday, 01-Mar-26 12:00:07 GMT", 7000],
    ["soon", null],
    ["-5", null],
    ["", null],
    [undefined, null],
  ])("reads %j as %j ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
