import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkoutEvent } from "./fake-events";
import { SUBSCRIBED_EVENTS, type IngestBody } from "./ingest-body";
import { ingestUrlOf, sendIngest } from "./send";

const KEY = "px_test-key-0123456789abcdef";

type Subscriber = (event: unknown) => void;
type Extend = (api: { analytics: { subscribe: (name: string, fn: Subscriber) => void }; settings: Record<string, string> }) => void;

describe("the web pixel", () => {
  const received: { headers: IncomingHttpHeaders; body: IngestBody }[] = [];
  const server = createServer((request, response) => {
    let data = "";
    request.on("data", (chunk) => (data += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: JSON.parse(data) });
      response.writeHead(200).end('{"ok":true}');
    });
  });
  let ingestUrl = "";
  let extend: Extend;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ingestUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pixel`;
    // Shopify's pixel runtime provides `shopify.extend`; register() hands it the pixel.
    (globalThis as Record<string, unknown>).shopify = {
      extend: (point: string, fn: Extend) => {
        expect(point).toBe("WebPixel::Render");
        extend = fn;
      },
    };
    await import("./index");
  });
  afterAll(async () => {
    delete (globalThis as Record<string, unknown>).shopify;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  function activate(settings: Record<string, string>) {
    const subscribers = new Map<string, Subscriber>();
    extend({ analytics: { subscribe: (name, fn) => void subscribers.set(name, fn) }, settings });
    return subscribers;
  }

  it("subscribes to the six checkout events and posts each with keepalive as a simple CORS request", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    try {
      const subscribers = activate({ pixelKey: KEY, ingestUrl });
      expect([...subscribers.keys()]).toEqual([...SUBSCRIBED_EVENTS]);
      for (const name of SUBSCRIBED_EVENTS) subscribers.get(name)!(checkoutEvent(name));
      await vi.waitFor(() => expect(received).toHaveLength(6), { timeout: 5000 });
      expect(received.map((r) => r.body.event).sort()).toEqual([...SUBSCRIBED_EVENTS].sort());
      expect(received.every((r) => r.body.pixelKey === KEY && r.body.checkout.checkoutToken === "c1-checkout-token")).toBe(true);
      expect(received[0].headers["content-type"]).toBe("text/plain;charset=UTF-8");
      expect(received[0].headers.authorization).toBeUndefined();
      expect(fetchSpy.mock.calls.every(([, init]) => init?.keepalive === true && init.method === "POST")).toBe(true);
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("stays silent without a pixel key or a usable ingest URL", () => {
    expect(activate({ ingestUrl }).size).toBe(0);
    expect(activate({ pixelKey: KEY, ingestUrl: "ftp://example.com/api/pixel" }).size).toBe(0);
    expect(activate({ pixelKey: KEY, ingestUrl: "http://relay.example.com/api/pixel" }).size).toBe(0);
  });
});

describe("sendIngest", () => {
  const body = { pixelKey: KEY, event: "checkout_started", occurredAt: "2026-11-25T04:30:00.000Z", checkout: { checkoutToken: "t" } } as IngestBody;

  it("tries once more without keepalive when the browser refuses a keepalive request", async () => {
    const calls: RequestInit[] = [];
    const fetchStub = (async (_url: string, init: RequestInit) => {
      calls.push(init);
      if (init.keepalive) throw new TypeError("keepalive quota exceeded");
      return new Response("{}", { status: 200 });
    }) as unknown as typeof fetch;
    await expect(sendIngest(fetchStub, "https://relay.example.com/api/pixel", body)).resolves.toBe(true);
    expect(calls.map((init) => init.keepalive)).toEqual([true, undefined]);
  });

  it("never rejects", async () => {
    const failing = (async () => {
      throw new TypeError("offline");
    }) as unknown as typeof fetch;
    await expect(sendIngest(failing, "https://relay.example.com/api/pixel", body)).resolves.toBe(false);
  });

  it.each([
    ["https://relay.example.com/api/pixel", "https://relay.example.com/api/pixel"],
    ["http://localhost:3000/api/pixel", "http://localhost:3000/api/pixel"],
    ["http://relay.example.com/api/pixel", undefined],
    ["not a url", undefined],
    [undefined, undefined],
  ])("ingestUrlOf(%j) = %j", (ingestUrl, expected) => {
    expect(ingestUrlOf({ ingestUrl })).toBe(expected);
  });
});
