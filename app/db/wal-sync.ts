import { open, type FileHandle } from "node:fs/promises";
import type Database from "better-sqlite3";
import { sharedSync } from "./shared-sync";

/**
 * Commits that skip SQLite's own fsync (`synchronous=NORMAL`) made durable
 * here instead: the WAL file is fsynced on libuv's thread pool, so the event
 * loop goes on meanwhile. A caller that waits for `sync()` before anything
 * leaves the process (an answer, a send) has its commit on disk exactly as
 * with `synchronous=FULL` (decisions 004 and 008). The file stays the same
 * while this connection is open (SQLite deletes the WAL only when the last
 * connection closes; a reset rewrites it in place). Null for an in-memory
 * database, which has nothing to sync.
 */
export function walFileSync(sqlite: Database.Database): { sync: () => Promise<void>; close: () => Promise<void> } | null {
  if (sqlite.memory) return null;
  const wal = `${sqlite.name}-wal`;
  let handle: Promise<FileHandle> | null = null;
  const sync = sharedSync(async () => {
    handle ??= open(wal, "r").catch((error: unknown) => {
      handle = null;
      throw error;
    });
    await (await handle).datasync();
  });
  return {
    sync,
    async close() {
      // After the last fsync asked for: a commit answered just before closing is still synced.
      await sync().catch(() => {});
      await (await handle?.catch(() => null))?.close();
      handle = null;
    },
  };
}
