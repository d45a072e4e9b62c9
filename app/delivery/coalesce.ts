// How long a lane cycle waits for company (decision 004): the results that
// came back wait for more, so that one commit and one claim carry many events.

/** The longest a result waits for others to share its commit. */
export const COALESCE_MS = 10;

/**
 * Whether a cycle holding `results` answers should wait for more: until half
 * of the answers it can expect soon are in. Only attempts sent less than
 * COALESCE_MS ago are expected soon; one out longer is likely a receiver that
 * hangs, and waiting on it would hold every other shop's deliveries too.
 */
export function waitsForCompany(results: number, sentAt: Iterable<number>, now: number): boolean {
  let soon = 0;
  for (const at of sentAt) if (now - at < COALESCE_MS) soon++;
  return soon > 0 && results < Math.ceil((results + soon) / 2);
}
