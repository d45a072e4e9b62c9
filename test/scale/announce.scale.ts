import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { recordEvent } from "../../app/events/record-event.server";
import { createDeliveryAnnouncer, DEFAULT_QUEUE_PREFIX, DELIVERY_QUEUE } from "../../app/queue/bullmq.server";
import { onDeliveriesRecorded } from "../../app/events/delivery-announcements";
import { eventJobId } from "../../app/queue/schedule";
import { startRedis, type ThrowawayRedis } from "../../scripts/throwaway-servers";
import { requirePostgres, shopWithEndpoint, waitFor } from "./harness";

requirePostgres();

let redis: ThrowawayRedis;
let connection: Redis;
beforeAll(async () => {
  redis = await startRedis();
  connection = new Redis(redis.url, { maxRetriesPerRequest: null });
});
afterAll(async () => {
  await connection?.quit();
  await redis?.stop();
});

const jobIn = (prefix: string, eventId: string) => new Queue(DELIVERY_QUEUE, { connection, prefix }).getJob(eventJobId(eventId));

async function recordOne(endpointId: string) {
  const endpoint = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpointId } });
  const eventId = randomUUID();
  const now = new Date();
  await prisma.$transaction((tx) =>
    recordEvent(tx, {
      eventId,
      shopId: endpoint.shopId,
      topic: "abandonedCheckout",
      payload: { eventId },
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3_600_000),
      endpoints: [endpoint],
    }),
  );
  return eventId;
}

describe("announcing new deliveries to BullMQ", () => {
  it("enqueues one event job when recordEvent creates deliveries, and none for an event without deliveries", async () => {
    const prefix = `announce-${randomUUID().slice(0, 8)}`;
    const announcer = createDeliveryAnnouncer({ redisUrl: redis.url, prefix });
    const stop = onDeliveriesRecorded((eventId) => announcer.announce(eventId));
    try {
      const { endpointId, shop } = await shopWithEndpoint("announce-shop.myshopify.com", "http://127.0.0.1:9/hooks");
      const eventId = await recordOne(endpointId);
      await waitFor("the event job", async () => (await jobIn(prefix, eventId)) !== undefined, 10_000, 50);
      expect((await jobIn(prefix, eventId))!.data).toEqual({ eventId });

      const silent = randomUUID();
      await prisma.$transaction((tx) =>
        recordEvent(tx, {
          eventId: silent,
          shopId: shop.id,
          topic: "abandonedCheckout",
          payload: {},
          createdAt: new Date(),
          expiresAt: new Date(Date.now() + 60_000),
          endpoints: [],
        }),
      );
      const second = await recordOne(endpointId);
      await waitFor("the second event job", async () => (await jobIn(prefix, second)) !== undefined, 10_000, 50);
      // Announcements go out in order, so the one for the event without deliveries would be there by now.
      expect(await jobIn(prefix, silent)).toBeUndefined();
    } finally {
      stop();
      await announcer.close();
    }
  });

  it("announces from a process that runs no queue (a web process at scale) when REDIS_URL is set", async () => {
    const { endpointId } = await shopWithEndpoint("web-shop.myshopify.com", "http://127.0.0.1:9/hooks");
    const child = spawn(process.execPath, ["--import", "tsx", "test/scale/fixtures/record-one-event.ts", endpointId], {
      env: { ...process.env, REDIS_URL: redis.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    try {
      await waitFor("the recorded event id", async () => /^[0-9a-f-]{36}$/m.test(output) || child.exitCode !== null, 60_000, 50);
      const eventId = output.match(/^[0-9a-f-]{36}$/m)?.[0];
      expect(eventId, output).toBeDefined();
      await waitFor("the event job", async () => (await jobIn(DEFAULT_QUEUE_PREFIX, eventId!)) !== undefined, 10_000, 50);
      expect(await prisma.delivery.count({ where: { eventId, status: "pending" } })).toBe(1);
    } finally {
      child.kill("SIGKILL");
    }
  });
});
