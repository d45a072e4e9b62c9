import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CaptureBody } from "./capture-body";
import { createCaptureSender, type CaptureSenderOptions } from "./capture-sender";

const ENDPOINT = "https://cart-relay.test/api/capture";

interface Call {
  url: string;
  headers: Record<string, string>;
  body: CaptureBody;
  at: number;
}

/** A fetch that answers from a script of statuses ("network" rejects) and records what it was sent. */
/** The sender posts JSON text; any other body is the bug these tests look for. */
function bodyText(init?: RequestInit): string {
  if (typeof init?.body !== "string") throw new Error(`expected a JSON text body, got ${typeof init?.body}`);
  return init.body;
}

function scriptedFetch(script: (number | "network" | { status: number; retryAfter: string })[] = []) {
  const calls: Call[] = [];
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: url instanceof Request ? url.url : String(url),
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: JSON.parse(bodyText(init)),
      at: Date.now(),
    });
    const next = script.shift() ?? 200;
    if (next === "network") throw new TypeError("fetch failed");
    const { status, retryAfter } = typeof next === "number" ? { status: next, retryAfter: undefined } : next;
    return new Response(status === 204 ? null : "{}", { status, headers: retryAfter ? { "retry-after": retryAfter } : {} });
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

const body = (overrides: Partial<CaptureBody> = {}): CaptureBody => ({
  checkoutToken: "tok-1",
  occurredAt: new Date().toISOString(),
  ...overrides,
});

function sender(fetch: typeof globalThis.fetch, overrides: Partial<CaptureSenderOptions> = {}) {
  const reports: string[] = [];
  let issued = 0;
  const instance = createCaptureSender({
    endpoint: ENDPOINT,
    getToken: async () => `session-token-${++issued}`,
    fetch,
    random: () => 0.5, // no jitter: delays are exactly the schedule
    report: (message) => reports.push(message),
    ...overrides,
  });
  return { sender: instance, reports };
}

describe("createCaptureSender", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(new Date("2026-11-25T04:30:00.000Z"));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits for 1.5 s of quiet, then sends the latest snapshot once with the session token", async () => {
    const { fetch, calls } = scriptedFetch();
    const { sender: s } = sender(fetch);
    s.update(body({ email: "a" }));
    await vi.advanceTimersByTimeAsync(1000);
    s.update(body({ email: "as" }));
    await vi.advanceTimersByTimeAsync(1000);
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(1499);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    await s.idle();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      url: ENDPOINT,
      headers: { authorization: "Bearer session-token-1", "content-type": "application/json" },
      body: { checkoutToken: "tok-1", email: "asha@example.com" },
    });
  });

  it("sends nothing when the snapshot has not changed, whatever its time", async () => {
    const { fetch, calls } = scriptedFetch();
    const { sender: s } = sender(fetch);
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(2000);
    await s.idle();
    vi.setSystemTime(new Date("2026-11-25T04:40:00.000Z"));
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(60_000);
    await s.idle();
    expect(calls).toHaveLength(1);

    s.update(body({ email: "asha@example.com", phone: "+91 6000376569" }));
    await vi.advanceTimersByTimeAsync(2000);
    await s.idle();
    expect(calls).toHaveLength(2);
    expect(calls[1].body.phone).toBe("+91 6000376569");
  });

  it("ignores an empty snapshot (no checkout token yet)", async () => {
    const { fetch, calls } = scriptedFetch();
    const { sender: s } = sender(fetch);
    s.update(null);
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(0);
  });

  it("retries network errors and 5xx with backoff, with a fresh token each time, without throwing", async () => {
    const { fetch, calls } = scriptedFetch(["network", 503, 500, 200]);
    const { sender: s, reports } = sender(fetch);
    expect(() => s.update(body({ email: "asha@example.com" }))).not.toThrow();
    await vi.advanceTimersByTimeAsync(1500 + 1000 + 4000 + 15_000);
    await s.idle();
    expect(calls.map((call) => call.at - calls[0].at)).toEqual([0, 1000, 5000, 20_000]);
    expect(calls.map((call) => call.headers.authorization)).toEqual([
      "Bearer session-token-1",
      "Bearer session-token-2",
      "Bearer session-token-3",
      "Bearer session-token-4",
    ]);
    expect(new Set(calls.map((call) => JSON.stringify(call.body))).size).toBe(1);
    // Delivered: nothing more goes out.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(4);
    expect(reports).toEqual([]);
  });

  it("gives up on a snapshot after the last retry and reports it, then sends the next change", async () => {
    const { fetch, calls } = scriptedFetch(["network", "network", "network", "network", "network"]);
    const { sender: s, reports } = sender(fetch);
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(1500 + 1000 + 4000 + 15_000 + 60_000 + 1);
    await s.idle();
    expect(calls).toHaveLength(5);
    expect(reports).toEqual(["capture dropped after 5 attempts: fetch failed"]);
    await vi.advanceTimersByTimeAsync(300_000);
    expect(calls).toHaveLength(5);

    s.update(body({ email: "asha@example.com", phone: "98765 43210" }));
    await vi.advanceTimersByTimeAsync(1500);
    await s.idle();
    expect(calls).toHaveLength(6);
  });

  it("does not retry a 4xx and does not resend that snapshot", async () => {
    const { fetch, calls } = scriptedFetch([400]);
    const { sender: s, reports } = sender(fetch);
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(1500);
    await s.idle();
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(120_000);
    await s.idle();
    expect(calls).toHaveLength(1);
    expect(reports).toEqual(["capture rejected with HTTP 400"]);
  });

  it("waits as long as a 429's Retry-After asks", async () => {
    const { fetch, calls } = scriptedFetch([{ status: 429, retryAfter: "7" }, 200]);
    const { sender: s } = sender(fetch);
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(1500);
    await s.idle();
    await vi.advanceTimersByTimeAsync(6999);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await s.idle();
    expect(calls).toHaveLength(2);
  });

  it("sends the newest snapshot when the buyer types again while a retry waits", async () => {
    const { fetch, calls } = scriptedFetch([503, 200]);
    const { sender: s } = sender(fetch);
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(1500);
    await s.idle();
    s.update(body({ email: "asha@example.com", phone: "98765 43210" }));
    await vi.advanceTimersByTimeAsync(1500);
    await s.idle();
    expect(calls).toHaveLength(2);
    expect(calls[1].body).toMatchObject({ email: "asha@example.com", phone: "98765 43210" });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(2);
  });

  it("keeps one request in flight and sends a change made meanwhile right after it", async () => {
    let release!: () => void;
    const calls: CaptureBody[] = [];
    const slowFetch = (async (_url: RequestInfo | URL, init?: RequestInit) => {
      calls.push(JSON.parse(bodyText(init)));
      if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
      return new Response("{}", { status: 200 });
    }) as typeof globalThis.fetch;
    const { sender: s } = sender(slowFetch);
    s.update(body({ email: "first@example.com" }));
    await vi.advanceTimersByTimeAsync(1500);
    s.update(body({ email: "second@example.com" }));
    await vi.advanceTimersByTimeAsync(1500);
    expect(calls).toHaveLength(1);
    release();
    await s.idle();
    await vi.advanceTimersByTimeAsync(0);
    await s.idle();
    expect(calls.map((call) => call.email)).toEqual(["first@example.com", "second@example.com"]);
  });

  it("survives a session token that cannot be had, retrying later", async () => {
    const { fetch, calls } = scriptedFetch();
    let attempts = 0;
    const { sender: s } = sender(fetch, {
      getToken: async () => {
        if (++attempts === 1) throw new Error("no token yet");
        return "session-token-ok";
      },
    });
    s.update(body({ email: "asha@example.com" }));
    await vi.advanceTimersByTimeAsync(1500 + 1000);
    await s.idle();
    expect(calls).toHaveLength(1);
    expect(calls[0].headers.authorization).toBe("Bearer session-token-ok");
  });

  it("stops sending once stopped", async () => {
    const { fetch, calls } = scriptedFetch();
    const { sender: s } = sender(fetch);
    s.update(body({ email: "asha@example.com" }));
    s.stop();
    s.update(body({ email: "other@example.com" }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(0);
  });
});
