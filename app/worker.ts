// `npm run worker [-- --concurrency N]`: the detector and delivery worker
// without the web server. With REDIS_URL set it joins the BullMQ cluster (start
// as many as you like, on any machines); without, it polls the database.
import { parseArgs } from "node:util";
import { logger } from "./logger.server";
import { createWorkQueue } from "./queue/create-work-queue.server";
import { startWorkerHealth } from "./worker-health.server";

// Longer than one attempt (10 s send timeout plus its database writes). Past
// it the process exits anyway; the leases it held run out and other workers
// resend with the same idempotency key.
const SHUTDOWN_DEADLINE_MS = 30_000;

function concurrencyFrom(argv: string[]): number | undefined {
  const { values } = parseArgs({ args: argv, options: { concurrency: { type: "string" } } });
  if (values.concurrency === undefined) return undefined;
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    process.stderr.write(`--concurrency must be a whole number from 1 to 256 (got ${JSON.stringify(values.concurrency)})\n`);
    process.exit(2);
  }
  return concurrency;
}

const queue = createWorkQueue({ concurrency: concurrencyFrom(process.argv.slice(2)) });

// Handlers first: a SIGTERM that lands while the queue is still connecting
// must stop the worker cleanly too, not kill it mid-start.
let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker shutting down");
  setTimeout(() => {
    logger.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, "worker did not stop in time; exiting, its leases will run out");
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS).unref();
  const health = await started.catch(() => null);
  await health?.close();
  await queue.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

const started = queue.start().then(() => startWorkerHealth());
await started;
