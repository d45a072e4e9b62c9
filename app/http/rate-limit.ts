/**
 * Token bucket per key, in this process (rate-budget.server.ts puts it, or
 * its Redis counterpart in scale mode, behind the request handlers).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Takes one token; false when the key is over its rate. */
  take(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: nowMs };
    const refilled = Math.min(this.capacity, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.refillPerSecond);
    const allowed = refilled >= 1;
    this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(key, { tokens: allowed ? refilled - 1 : refilled, at: nowMs });
    return allowed;
  }

  /** Seconds until the key has a token again. */
  retryAfterSeconds(key: string, nowMs: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const refilled = bucket.tokens + ((nowMs - bucket.at) / 1000) * this.refillPerSecond;
    return Math.max(1, Math.ceil((1 - refilled) / this.refillPerSecond));
  }
}
