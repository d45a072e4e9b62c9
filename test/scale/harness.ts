// Helpers for scale-mode tests: worker processes (`app/worker.ts`, what
// `npm run worker` runs), a BSP on loopback that fails on purpose and watches
// for overlapping sends, and seeded events.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import type { Shop } from "@prisma/client";
import prisma from "../../app/db.server";
import { endpointInputSchema } from "../../app/endpoints/endpoint-input";
import { createEndpoint } from "../../app/endpoints/endpoint.server";
import { deliveryBody } from "../../app/events/subscriptions";
import { buildCartPayload, sampleCheckout } from "../../app/events/payload/cart-payload";
import { cashfreeSignatureValid, checkContract } from "../bsp-receiver";
import { captureCheckout, shopRow } from "../pipeline";

export function requirePostgres(): void {
  if (!process.env.DATABASE_URL?.startsWith("postgres")) {
    throw new Error("scale tests run on PostgreSQL: npx tsx scripts/with-test-servers.ts -- npx vitest run --config test/scale/vitest.config.ts");
  }
}

export interface WorkerProcess {
  name: string;
  pid: number;
  output: () => string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill: (signal: NodeJS.Signals) => Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Starts `app/worker.ts` with this test file's database and the given environment. */
export function startWorker(name: string, env: Record<string, string>, args: string[] = []): WorkerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "app/worker.ts", ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    name,
    pid: child.pid!,
    output: () => log,
    exited,
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** For afterAll: no worker outlives its test file. */
export async function killAllWorkers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("exit", () => resolve());
          child.kill("SIGKILL");
        }),
    ),
  );
}

/** Polls until `check` holds; fails with `what` and the last state once `timeoutMs` passed (a liveness bound, not a speed claim). */
export async function waitFor(what: string, check: () => Promise<boolean | string>, timeoutMs: number, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: boolean | string = false;
  while (Date.now() < deadline) {
    last = await check();
    if (last === true) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`gave up waiting for ${what}${typeof last === "string" ? `: ${last}` : ""}`);
}

export type Reply = "ok" | "fail" | "reset" | "hang";

export interface ReceivedRequest {
  key: string;
  attempt: string;
  body: string;
  reply: Reply;
  signatureValid: boolean;
}

export interface FaultReceiver {
  url: string;
  secret: string | null;
  requests: ReceivedRequest[];
  /** Keys that got a 2xx response. */
  acknowledged: Set<string>;
  /** A request arrived while another with the same idempotency key was still open. */
  overlaps: string[];
  close: () => Promise<void>;
}

/**
 * A BSP on loopback whose answer to the nth request for an idempotency key
 * comes from `plan`: 200, a 500, a reset connection, or no answer at all (the
 * worker's send timeout ends it).
 */
export async function startFaultReceiver(plan: (key: string, nth: number) => Reply, { holdMs = 0 }: { holdMs?: number } = {}): Promise<FaultReceiver> {
  const seen = new Map<string, number>();
  const open = new Map<string, number>();
  const receiver: FaultReceiver = {
    url: "",
    secret: null,
    requests: [],
    acknowledged: new Set(),
    overlaps: [],
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((request, response) => {
    const headers: IncomingHttpHeaders = request.headers;
    const key = String(headers["x-idempotency-key"] ?? "");
    if ((open.get(key) ?? 0) > 0) receiver.overlaps.push(`${key} attempt ${String(headers["x-webhook-attempt"] ?? "")}`);
    open.set(key, (open.get(key) ?? 0) + 1);
    let closed = false;
    const done = () => {
      if (closed) return;
      closed = true;
      open.set(key, open.get(key)! - 1);
    };
    response.once("close", done);
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    const answer = async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      checkContract(headers, body);
      const nth = (seen.get(key) ?? 0) + 1;
      seen.set(key, nth);
      const reply = plan(key, nth);
      receiver.requests.push({
        key,
        attempt: String(headers["x-webhook-attempt"] ?? ""),
        body,
        reply,
        signatureValid: receiver.secret ? cashfreeSignatureValid(receiver.secret, headers, body) : false,
      });
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      if (reply === "hang") return;
      if (reply === "reset") {
        request.socket.destroy();
        return;
      }
      if (reply === "ok") {
        response.once("finish", () => receiver.acknowledged.add(key));
        response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      } else {
        response.writeHead(500, { "content-type": "application/json" }).end('{"ok":false}');
      }
    };
    request.on("end", () => void answer());
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/cart-relay`;
  return receiver;
}

/** A shop (made through the capture route) with one endpoint at `url`, retried 2, 10, 30 policy minutes apart. */
export async function shopWithEndpoint(domain: string, url: string, maxRetries = 3): Promise<{ shop: Shop; endpointId: string; secret: string }> {
  await captureCheckout(domain, { checkoutToken: `seed-${randomUUID()}`, email: "seed@example.com" });
  const shop = await shopRow(domain);
  const input = endpointInputSchema({ allowLoopback: true }).parse({
    name: "Fault BSP",
    url,
    topics: ["abandonedCheckout", "checkoutRecovered"],
    retryPolicy: { mode: "fixed", intervalsMinutes: [2, 10, 30, 30, 30, 30, 30, 30, 30, 30].slice(0, maxRetries), maxRetries },
  });
  const { endpoint, secret } = await createEndpoint(shop, input);
  return { shop, endpointId: endpoint.id, secret };
}

/**
 * `count` abandonedCheckout events with a delivery each, due now, written in
 * bulk the way recordEvent writes them (the faults under test are on the
 * delivery side). Returns the event ids in order.
 */
export async function seedEvents(shop: Shop, endpointId: string, count: number, now = new Date()): Promise<string[]> {
  const endpoint = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpointId } });
  const ids: string[] = [];
  for (let start = 0; start < count; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - start) }, (_, i) => {
      const eventId = randomUUID();
      ids.push(eventId);
      // A real cart payload: the receiver validates every body against docs/bsp/.
      const email = `buyer${start + i}@example.com`;
      const checkout = { ...sampleCheckout(shop, now), id: start + i + 1, token: `seed-${eventId}`, email, emailNormalized: email };
      const payload = buildCartPayload(checkout, shop, { eventId, topic: "abandonedCheckout", createdAt: now });
      return { eventId, payload };
    });
    await prisma.$transaction([
      prisma.event.createMany({
        data: batch.map(({ eventId, payload }) => ({
          id: eventId,
          shopId: shop.id,
          topic: "abandonedCheckout",
          payload: JSON.stringify(payload),
          createdAt: now,
          expiresAt: new Date(now.getTime() + 24 * 3_600_000),
        })),
      }),
      prisma.delivery.createMany({
        data: batch.map(({ eventId, payload }) => ({
          shopId: shop.id,
          eventId,
          endpointId,
          topic: "abandonedCheckout",
          body: deliveryBody(payload, "abandonedCheckout", endpoint),
          status: "pending",
          nextAttemptAt: now,
          createdAt: now,
        })),
      }),
    ]);
  }
  return ids;
}

/** Deliveries of the endpoint by status, e.g. { succeeded: 10000 }. */
export async function statusCounts(endpointId: string): Promise<Record<string, number>> {
  const groups = await prisma.delivery.groupBy({ by: ["status"], where: { endpointId }, _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all]));
}

/** Attempt rows whose result was never recorded and that no later attempt marked as interrupted. */
export function unrecordedAttempts(endpointId: string): Promise<number> {
  return prisma.attempt.count({ where: { delivery: { endpointId }, statusCode: null, errorKind: null } });
}

/** The at-least-once guarantees, checked from the receiver's side and the database's. */
export async function deliveryGuarantees(receiver: FaultReceiver, eventIds: string[], endpointId: string) {
  const known = new Set(eventIds);
  const bodies = new Map<string, Set<string>>();
  const attempts = new Map<string, string[]>();
  for (const request of receiver.requests) {
    if (!bodies.has(request.key)) bodies.set(request.key, new Set());
    bodies.get(request.key)!.add(request.body);
    attempts.set(request.key, [...(attempts.get(request.key) ?? []), request.attempt]);
  }
  return {
    neverAcknowledged: eventIds.filter((id) => !receiver.acknowledged.has(id)).length,
    keysWithTwoBodies: [...bodies.values()].filter((set) => set.size > 1).length,
    attemptNumbersSentTwice: [...attempts.values()].filter((numbers) => new Set(numbers).size !== numbers.length).length,
    overlappingSends: receiver.overlaps.length,
    badSignatures: receiver.requests.filter((request) => !request.signatureValid).length,
    unknownKeys: [...bodies.keys()].filter((key) => !known.has(key)).length,
    statuses: await statusCounts(endpointId),
    unrecordedAttempts: await unrecordedAttempts(endpointId),
  };
}
