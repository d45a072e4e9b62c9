import { existsSync } from "node:fs";
import { config } from "dotenv";

/**
 * Reads `.env` into process.env without overriding what is already set, so
 * Shopify CLI's variables and a deployment's real environment win. Tests get
 * their environment from vitest only.
 */
export function loadDotEnv(file = ".env"): void {
  if (process.env.NODE_ENV === "test" || !existsSync(file)) return;
  config({ path: file, quiet: true });
}
