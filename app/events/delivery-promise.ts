// What the contract promises BSPs about delivery (DESIGN.md "Delivery
// policy"): published in docs/bsp/, carried out by delivery/'s retry policy.

/** Without a policy of its own, a failed delivery is retried after these many minutes: 3 retries, 4 attempts. */
export const DEFAULT_RETRY_MINUTES: readonly number[] = Object.freeze([2, 10, 30]);
