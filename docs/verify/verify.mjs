// Verify a Cart Relay delivery in Node.js (18+). Usage in your handler:
//   verifyCartRelay(rawBody, req.headers, process.env.CART_RELAY_SECRET)
// The key is the whole whsec_... secret as UTF-8 bytes (not base64-decoded).
// During a secret rotation Cart Relay signs with both secrets for 24 hours:
// x-webhook-signature with the new one, x-webhook-signature-previous with the
// old one, so a receiver still holding the old secret keeps accepting events.
import { createHmac, timingSafeEqual } from "node:crypto";

export function verifyCartRelay(rawBody, headers, secret, toleranceMs = 5 * 60_000, now = Date.now()) {
  const timestamp = headers["x-webhook-timestamp"];
  if (!timestamp || !/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > toleranceMs) return false;
  const expected = createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(timestamp + rawBody, "utf8")
    .digest();
  return [headers["x-webhook-signature"], headers["x-webhook-signature-previous"]].some((signature) => {
    const given = Buffer.from(signature ?? "", "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

// Command line (used by our tests): node verify.mjs <secret> <timestamp> <signature> [<previous signature>] < body
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const [secret, timestamp, signature, previous] = process.argv.slice(2);
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString("utf8");
  const headers = { "x-webhook-timestamp": timestamp, "x-webhook-signature": signature, "x-webhook-signature-previous": previous };
  console.log(verifyCartRelay(body, headers, secret) ? "valid" : "invalid");
}
