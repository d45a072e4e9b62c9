// How long a lane cycle waits for company (decision 004): the results that
// came back wait for more, so that one commit and one claim carry many events.

/** The longest a result waits for others to share its commit. */
export const COALESCE_MS = 10;

/**
 * The share of the answers expected soon that a cycle waits for. Three
 * quarters cost 8 % less CPU per event than half in alternating runs
 * (docs/benchmarks.md); all of them held a healthy shop's p99 at twice its
 * latency alone beside a tarpit, before hanging attempts stopped counting.
 */
export const COMPANY_SHARE = 3 / 4;

/**
 * Whether a cycle holding `results` answers should wait for more: until
 * COMPANY_SHARE of the answers it can expect soon are in. Only attempts sent
 * less than COALESCE_MS ago are expected soon; one out longer is likely a
 * receiver that hangs, and waiting on it would hold every other shop's
 * deliveries too.
 */
export function waitsForCompany(results: number, sentAt: Iterable<number>, now: number): boolean {
  let soon = 0;
  for (const at of sentAt) if (now - at < COALESCE_MS) soon++;
  return soon > 0 && results < Math.ceil((results + soon) * COMPANY_SHARE);
}
