// Readiness: whether this process can serve, which means its database answers
// and holds Cart Relay's tables (migrations ran). Liveness (/healthz) only says
// the process is up; a load balancer or orchestrator routes by this one.
import { sql } from "kysely";
import { sqlDatabase } from "./db/sql.server";

/** Past this the database counts as not answering, so a check never hangs its caller. */
export const READINESS_TIMEOUT_MS = 2_000;

export interface Readiness {
  ok: boolean;
  database: "ok" | "unreachable" | "timeout";
  /** Why the database check failed (no connection string or secret in it). */
  error?: string;
}

/** Touches the database with one indexed read of the shops table. */
export async function readiness(timeoutMs = READINESS_TIMEOUT_MS): Promise<Readiness> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  try {
    const { db } = sqlDatabase();
    const probe = db
      .selectFrom("Shop")
      .select(sql<number>`1`.as("one"))
      .limit(1)
      .execute();
    const outcome = await Promise.race([probe.then(() => "ok" as const), timeout]);
    return outcome === "ok" ? { ok: true, database: "ok" } : { ok: false, database: "timeout", error: `no answer within ${timeoutMs} ms` };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, database: "unreachable", error: message.replace(/\/\/[^@\s]*@/g, "//***@") };
  } finally {
    clearTimeout(timer);
  }
}
