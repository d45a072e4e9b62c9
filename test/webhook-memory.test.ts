import { request } from "node:http";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "./app-server";

// Webhook bodies are read before anyone knows they are Shopify's. Forty
// concurrent unsigned 5 MB posts must not grow the server's memory with them:
// each would otherwise be held (and copied) until its HMAC fails.

const CONCURRENT = 40;
const BODY = Buffer.alloc(5 * 1024 * 1024 - 1024, "a");
// Well under the 40 x 5 MB the bodies add up to; a server holding them all grows by several hundred MB.
const MAX_GROWTH_BYTES = 120 * 1024 * 1024;

let server: AppServer;

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("VmRSS:"))!;
  return Number(line.replace(/\D+/g, "")) * 1024;
}

/** POST a body with a made-up signature, sent in 64 KB writes; resolves with the status, or null if the server hung up. */
function unsignedPost(chunked: boolean): Promise<number | null> {
  const url = new URL(`${server.url}/webhooks/checkouts/create`);
  return new Promise((resolve) => {
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": "checkouts/create",
        "x-shopify-shop-domain": "flood.myshopify.com",
        "x-shopify-hmac-sha256": Buffer.alloc(32).toString("base64"),
        "x-shopify-triggered-at": new Date().toISOString(),
        ...(chunked ? {} : { "content-length": String(BODY.length) }),
      },
    });
    req.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? null);
    });
    req.on("error", () => resolve(null));
    let offset = 0;
    const write = () => {
      while (offset < BODY.length) {
        const chunk = BODY.subarray(offset, offset + 64 * 1024);
        offset += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

beforeAll(async () => {
  server = await startAppServer({ REDIS_URL: "" });
});

afterAll(async () => {
  await server?.stop();
});

describe("unauthenticated webhook bodies", () => {
  it("keep the built server's memory flat under 40 concurrent 5 MB posts", async () => {
    // Warm up: the first requests load the route modules.
    for (const chunked of [false, true]) expect(await unsignedPost(chunked)).toBe(401);
    const idle = rssBytes(server.pid);
    let peak = idle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(server.pid))), 10);
    const statuses = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => unsignedPost(i % 2 === 0)));
    clearInterval(sampler);
    peak = Math.max(peak, rssBytes(server.pid));

    // None got in; the bodies over the budget are told to come back (Shopify retries a 503).
    expect(statuses.every((status) => status === 401 || status === 503 || status === null)).toBe(true);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(peak - idle, `idle ${idle >> 20} MB, peak ${peak >> 20} MB`).toBeLessThan(MAX_GROWTH_BYTES);
    // And a real webhook is still answered afterwards.
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true);
  });
});
