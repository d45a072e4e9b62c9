// Verify a Cart Relay delivery in Node.js (18+). Usage in your handler:
//   verifyCartRelay(rawBody, req.headers, process.env.CART_RELAY_SECRET)
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyCartRelay(rawBody, headers, secret, toleranceMs = 5 * 60_000, now = Date.now()) {
  const timestamp = headers["x-webhook-timestamp"];
  const signature = headers["x-webhook-signature"];
  if (!timestamp || !signature || Math.abs(now - Number(timestamp)) > toleranceMs) return false;
  const expected = createHmac("sha256", secret).update(timestamp + rawBody).digest();
  const given = Buffer.from(signature, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

// Command line (used by our tests): node verify.mjs <secret> <timestamp> <signature> < body
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const [secret, timestamp, signature] = process.argv.slice(2);
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString("utf8");
  console.log(verifyCartRelay(body, { "x-webhook-timestamp": timestamp, "x-webhook-signature": signature }, secret) ? "valid" : "invalid");
}
