import path from "node:path";

export const DEFAULT_DATABASE_URL = `file:${path.resolve("prisma", "cart-relay.sqlite")}`;

/** The configured database URL, or the embedded SQLite file in the project. */
export function databaseUrl(configured: string | undefined): string {
  return configured && configured.trim() !== "" ? configured : DEFAULT_DATABASE_URL;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}
