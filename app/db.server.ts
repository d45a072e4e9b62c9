import { PrismaClient } from "@prisma/client";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { env } from "./env.server";
import { isPostgresUrl } from "./database-url";

function createClient(url: string) {
  const adapter = isPostgresUrl(url) ? new PrismaPg({ connectionString: url }) : new PrismaBetterSQLite3({ url });
  return new PrismaClient({ adapter });
}

declare global {
  // Vite's dev server reloads modules; keep one client per process.
  var cartRelayPrisma: PrismaClient | undefined;
}

const prisma: PrismaClient = globalThis.cartRelayPrisma ?? createClient(env.DATABASE_URL);
if (env.NODE_ENV !== "production") globalThis.cartRelayPrisma = prisma;

export default prisma;
