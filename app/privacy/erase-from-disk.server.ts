import { sqliteGate } from "../db/sqlite-gate";
import { sqlDatabase } from "../db/sql.server";
import { logger } from "../logger.server";

/**
 * After a redaction: secure_delete (set on both SQLite connections) zeroes
 * what was deleted in the database file, but the write-ahead log still holds
 * the frames that wrote the buyer's data until a checkpoint. Checkpointing
 * and truncating it leaves no copy on disk. PostgreSQL reuses dead tuples
 * through autovacuum; nothing to do here.
 */
export async function eraseRedactedFromDisk(): Promise<void> {
  const { sqlite } = sqlDatabase();
  if (!sqlite) return;
  // Through the gate: a checkpoint waits for this process's other connections otherwise.
  const [result] = await sqliteGate.run(async () => sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[]);
  // A reader holding an old snapshot blocks the truncation; the next redaction or SQLite's own checkpoint finishes it.
  if (result?.busy) logger.warn({ ...result }, "WAL not truncated after a redaction: a reader was active");
}
