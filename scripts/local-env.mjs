// Writes a .env for running Cart Relay on this machine without a Shopify
// Partner account: a fresh encryption key and local stand-ins for the app's
// credentials. `shopify app dev` replaces the Shopify values with real ones.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";

const file = ".env";
if (existsSync(file)) {
  console.log(`${file} exists; leaving it as it is.`);
  process.exit(0);
}
const values = {
  SHOPIFY_API_KEY: `local-${randomBytes(8).toString("hex")}`,
  SHOPIFY_API_SECRET: randomBytes(24).toString("base64url"),
  SHOPIFY_APP_URL: "http://localhost:3000",
  ENCRYPTION_KEY: randomBytes(32).toString("base64"),
};
const text = readFileSync(".env.example", "utf8").replace(
  /^(SHOPIFY_API_KEY|SHOPIFY_API_SECRET|SHOPIFY_APP_URL|ENCRYPTION_KEY)=$/gm,
  (_line, name) => `${name}=${values[name]}`,
);
writeFileSync(file, text, { mode: 0o600 });
console.log(`Wrote ${file} for local use (fresh ENCRYPTION_KEY, local Shopify stand-ins).`);
