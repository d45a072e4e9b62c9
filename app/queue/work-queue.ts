/**
 * Runs the abandonment detector and the delivery worker. The database is the
 * source of truth in every mode; an implementation only decides when and
 * where the work runs (embedded polling loop, or BullMQ on Redis at scale).
 */
export interface WorkQueue {
  start(): Promise<void>;
  /** Stops taking work, finishes or releases what is in flight. */
  stop(): Promise<void>;
}
