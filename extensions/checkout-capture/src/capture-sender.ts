import { snapshotKey, type CaptureBody } from "./capture-body";

export const DEBOUNCE_MS = 1500;
/** Waits before each retry of one snapshot (then it is dropped until the buyer changes something). */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 4_000, 15_000, 60_000];
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_RETRY_AFTER_MS = 60_000;

export interface CaptureSenderOptions {
  /** `https://<app>/api/capture` */
  endpoint: string;
  /** `shopify.sessionToken.get`: Shopify caches and renews the token. */
  getToken: () => Promise<string>;
  fetch?: typeof fetch;
  debounceMs?: number;
  retryDelaysMs?: readonly number[];
  /** Jitter source in [0, 1). */
  random?: () => number;
  /** Where failures are reported; never into checkout. */
  report?: (message: string, detail?: unknown) => void;
}

export interface CaptureSender {
  /** The buyer's latest snapshot; sent once the checkout has been quiet for the debounce time, if it changed. */
  update(body: CaptureBody | null): void;
  /** Resolves once no request is in flight (timers may still be pending). */
  idle(): Promise<void>;
  stop(): void;
}

type Outcome = { kind: "delivered" } | { kind: "rejected"; status: number } | { kind: "retry"; afterMs?: number; reason: string };

function retryAfterMs(header: string | null): number | undefined {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * Debounced, deduplicated delivery of capture snapshots. One request at a
 * time; the newest snapshot always wins; network errors, 5xx and 429 retry
 * with jittered backoff, other 4xx drop that snapshot. Nothing here throws
 * or blocks the checkout: every failure ends in `report`.
 */
export function createCaptureSender(options: CaptureSenderOptions): CaptureSender {
  const debounceMs = options.debounceMs ?? DEBOUNCE_MS;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const random = options.random ?? Math.random;
  const report = options.report ?? (() => {});
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));

  let pending: CaptureBody | null = null;
  let settledKey: string | null = null;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight: Promise<void> | null = null;
  let stopped = false;

  function schedule(ms: number) {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      run();
    }, ms);
  }

  async function post(body: CaptureBody): Promise<Outcome> {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
    try {
      const token = await options.getToken();
      const response = await doFetch(options.endpoint, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: controller.signal,
      });
      if (response.ok) return { kind: "delivered" };
      if (response.status === 429) return { kind: "retry", afterMs: retryAfterMs(response.headers.get("retry-after")), reason: "HTTP 429" };
      if (response.status >= 500) return { kind: "retry", reason: `HTTP ${response.status}` };
      return { kind: "rejected", status: response.status };
    } catch (error) {
      return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timeout);
    }
  }

  function run() {
    if (stopped || inFlight || !pending) return;
    const body = pending;
    const key = snapshotKey(body);
    if (key === settledKey) {
      pending = null;
      return;
    }
    inFlight = post(body)
      .then((outcome) => {
        if (stopped) return;
        const current = pending === body;
        if (outcome.kind === "delivered" || outcome.kind === "rejected") {
          settledKey = key;
          if (outcome.kind === "rejected") report(`capture rejected with HTTP ${outcome.status}`);
          if (current) pending = null;
          failures = 0;
          return;
        }
        if (!current) return; // a newer snapshot is waiting; it goes next
        failures += 1;
        if (failures > delays.length) {
          report(`capture dropped after ${failures} attempts: ${outcome.reason}`);
          pending = null;
          failures = 0;
          return;
        }
        const backoff = delays[failures - 1] * (0.8 + 0.4 * random());
        schedule(Math.max(backoff, outcome.afterMs ?? 0));
      })
      .catch((error) => report("capture sender failed", error))
      .finally(() => {
        inFlight = null;
        // A snapshot that arrived while this request was out, and whose quiet time has passed.
        if (!stopped && pending && timer === null) run();
      });
  }

  return {
    update(body) {
      if (stopped || !body) return;
      pending = body;
      failures = 0;
      schedule(debounceMs);
    },
    async idle() {
      while (inFlight) await inFlight;
    },
    stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
