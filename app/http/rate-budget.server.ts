import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { RateLimiter } from "./rate-limit";
import { logger } from "../logger.server";

export interface RateShape {
  capacity: number;
  refillPerSecond: number;
}

/** A budget per key: null when the request may go on, else the seconds until it may retry. */
export interface RateBudget {
  take(key: string, nowMs: number): Promise<number | null> | number | null;
}

/** In-process token buckets: the embedded mode's one web process holds every budget. */
export function memoryBudget(shape: RateShape): RateBudget {
  const limiter = new RateLimiter(shape.capacity, shape.refillPerSecond);
  return {
    take(key, nowMs) {
      return limiter.take(key, nowMs) ? null : limiter.retryAfterSeconds(key, nowMs);
    },
  };
}

let redis: Redis | undefined;
function sharedRedis(url: string): Redis {
  if (!redis) {
    redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    redis.on("error", (error) => logger.warn({ err: error }, "rate limits: redis unavailable, each process limits alone meanwhile"));
  }
  return redis;
}

/**
 * Scale mode: one budget across every web process, in Redis (a window of
 * `capacity` requests per `capacity / refillPerSecond` seconds). While Redis is
 * down, each process falls back to its own window rather than refusing buyers.
 */
export function redisBudget(url: string, name: string, shape: RateShape): RateBudget {
  const duration = Math.max(1, Math.ceil(shape.capacity / shape.refillPerSecond));
  const limiter = new RateLimiterRedis({
    storeClient: sharedRedis(url),
    keyPrefix: `cart-relay:rate:${name}`,
    points: shape.capacity,
    duration,
    insuranceLimiter: new RateLimiterMemory({ points: shape.capacity, duration }),
  });
  return {
    async take(key) {
      try {
        await limiter.consume(key, 1);
        return null;
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        throw refusal;
      }
    },
  };
}

/** A named budget: shared through Redis when the deployment has it, else in this process. */
export function rateBudget(name: string, shape: RateShape, redisUrl: string | undefined): RateBudget {
  return redisUrl ? redisBudget(redisUrl, name, shape) : memoryBudget(shape);
}

export async function closeRateBudgets(): Promise<void> {
  const open = redis;
  redis = undefined;
  await open?.quit().catch(() => open.disconnect());
}
