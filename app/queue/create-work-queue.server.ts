import { createEmbeddedQueue } from "./embedded.server";
import type { WorkQueue } from "./work-queue";

/** The work queue this deployment is configured for. */
export function createWorkQueue(): WorkQueue {
  return createEmbeddedQueue();
}
