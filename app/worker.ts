// `npm run worker`: the detector and delivery worker without the web server,
// for deployments that keep background work out of web processes.
import { logger } from "./logger.server";
import { createWorkQueue } from "./queue/create-work-queue.server";

const queue = createWorkQueue();
await queue.start();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker shutting down");
  await queue.stop();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
