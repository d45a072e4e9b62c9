import { json } from "@remix-run/node";

// "Send test" and "Check receiver" send real requests from our servers at a
// merchant's click: unbounded, one admin session could aim a flood at any
// receiver. Each shop gets a small budget, shared by both buttons. It is
// kept per process: with several web processes a shop gets this much on each,
// still a small bound.

export const ADMIN_SENDS_PER_MINUTE = 10;
export const ADMIN_SENDS_AT_ONCE = 2;
const WINDOW_MS = 60_000;

const recent = new Map<string, number[]>();
const inFlight = new Map<string, number>();

function refuse(message: string, retryAfterSeconds: number): Response {
  return json({ ok: false as const, error: message }, { status: 429, headers: { "retry-after": String(retryAfterSeconds) } });
}

/**
 * Takes one admin send from the shop's budget, or throws a 429 saying when
 * to try again. Call `release` when the send is done.
 */
export function takeAdminSend(shopId: string, what: string, now: Date): { release: () => void } {
  const at = now.getTime();
  const times = (recent.get(shopId) ?? []).filter((t) => t > at - WINDOW_MS);
  const running = inFlight.get(shopId) ?? 0;
  if (running >= ADMIN_SENDS_AT_ONCE) {
    throw refuse(`${what} refused: ${ADMIN_SENDS_AT_ONCE} test sends or receiver checks of this shop are still running; wait for them to finish`, 5);
  }
  if (times.length >= ADMIN_SENDS_PER_MINUTE) {
    const wait = Math.max(1, Math.ceil((times[0] + WINDOW_MS - at) / 1000));
    throw refuse(`${what} refused: at most ${ADMIN_SENDS_PER_MINUTE} test sends and receiver checks a minute per shop; try again in ${wait} s`, wait);
  }
  times.push(at);
  recent.set(shopId, times);
  inFlight.set(shopId, running + 1);
  let released = false;
  return {
    release: () => {
      if (released) return;
      released = true;
      const left = (inFlight.get(shopId) ?? 1) - 1;
      if (left > 0) inFlight.set(shopId, left);
      else inFlight.delete(shopId);
    },
  };
}
