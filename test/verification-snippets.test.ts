import { describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { deliveryHeaders } from "../app/delivery/headers";
import { generateEndpointSecret } from "../app/delivery/endpoint-secret";

// The snippets SECURITY.md gives BSPs, executed against a real delivery's
// headers. Node and Python run everywhere we test; CI installs PHP.
const runtimes = [
  { name: "node", command: process.execPath, script: "docs/verify/verify.mjs" },
  { name: "python3", command: "python3", script: "docs/verify/verify.py" },
  { name: "php", command: "php", script: "docs/verify/verify.php" },
].filter((runtime) => spawnSync(runtime.command, ["--version"]).status === 0);

function signed(body: string, secret: string, timestampMs = Date.now()) {
  const headers = deliveryHeaders({
    shopDomain: "verify-shop.myshopify.com", topic: "abandonedCheckout", format: "cashfree-2025-01-01", body,
    eventId: "evt-1", attempt: 1, requestId: "req-1", timestampMs, secrets: { current: secret }, standardWebhooks: false,
  });
  return { timestamp: headers["x-webhook-timestamp"]!, signature: headers["x-webhook-signature"]! };
}

function verdict(runtime: (typeof runtimes)[number], secret: string, timestamp: string, signature: string, body: string): string {
  return execFileSync(runtime.command, [runtime.script, secret, timestamp, signature], { input: body, encoding: "utf8" }).trim();
}

describe("BSP verification snippets", () => {
  it("run on at least Node and Python here (and PHP in CI)", () => {
    expect(runtimes.map((r) => r.name)).toEqual(expect.arrayContaining(["node", "python3"]));
    if (process.env.CI) expect(runtimes.map((r) => r.name)).toContain("php");
  });

  it.each(runtimes.map((r) => [r.name, r] as const))("%s accepts a genuine delivery and rejects tampered, stale and wrongly keyed ones", (_name, runtime) => {
    const secret = generateEndpointSecret();
    const body = JSON.stringify({ eventId: "evt-1", topic: "abandonedCheckout", phone: "+916000376569", customer: { firstName: "Dárpan ✓" }, totalPrice: 1800.0 });
    const { timestamp, signature } = signed(body, secret);
    expect(verdict(runtime, secret, timestamp, signature, body)).toBe("valid");
    expect(verdict(runtime, secret, timestamp, signature, body.replace("1800", "1"))).toBe("invalid");
    expect(verdict(runtime, generateEndpointSecret(), timestamp, signature, body)).toBe("invalid");
    const stale = signed(body, secret, Date.now() - 10 * 60_000);
    expect(verdict(runtime, secret, stale.timestamp, stale.signature, body)).toBe("invalid");
  });
});
