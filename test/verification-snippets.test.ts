import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { deliveryHeaders } from "../app/events/headers";
import { generateEndpointSecret } from "../app/events/endpoint-secret";
import { rotateEndpointSecret } from "../app/endpoints/endpoint.server";
import type { ReceivedDelivery, BspReceiver } from "./bsp-receiver";
import { captureCheckout, connectReceiver, MINUTE, runWorker, shopRow, sweep, TestClock } from "./pipeline";

// The snippets docs/verify/ and README give BSPs, executed against a real
// abandonedCheckout delivered during a secret rotation: a BSP that still holds
// the old secret must accept it (x-webhook-signature-previous), one that
// pasted the new secret too. Node runs everywhere; Python and PHP where they
// are installed (CI installs both), and each one missing says so in one line.

/** README's snippet, as a BSP would paste it, behind the same command line as docs/verify/verify.mjs. */
function readmeSnippet(): string {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("### Verifying our signature"));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!code) throw new Error('README\'s "Verifying our signature" section has no js snippet');
  const cli = readFileSync("docs/verify/verify.mjs", "utf8").split("// Command line")[1];
  const file = path.join(mkdtempSync(path.join(tmpdir(), "readme-snippet-")), "verify.mjs");
  writeFileSync(file, `${code}\n// Command line${cli}`);
  return file;
}

const RUNTIMES = [
  { name: "node", command: process.execPath, script: "docs/verify/verify.mjs" },
  { name: "README", command: process.execPath, script: readmeSnippet() },
  { name: "python3", command: "python3", script: "docs/verify/verify.py" },
  { name: "php", command: "php", script: "docs/verify/verify.php" },
];
const runtimes = RUNTIMES.filter((runtime) => {
  const present = spawnSync(runtime.command, ["--version"]).status === 0;
  if (!present) console.log(`verification snippets: ${runtime.command} is not installed, so ${runtime.script} was not run`);
  return present;
});
type Runtime = (typeof RUNTIMES)[number];

interface Signed {
  timestamp: string;
  signature: string;
  previous?: string;
}

function verdict(runtime: Runtime, secret: string, signed: Signed, body: string): string {
  const args = [runtime.script, secret, signed.timestamp, signed.signature, ...(signed.previous ? [signed.previous] : [])];
  return execFileSync(runtime.command, args, { input: body, encoding: "utf8" }).trim();
}

const header = (delivery: ReceivedDelivery, name: string) => String(delivery.headers[name] ?? "");

let receiver: BspReceiver;
let oldSecret: string;
let newSecret: string;
let delivery: ReceivedDelivery;

beforeAll(async () => {
  const domain = "verify-rotation.myshopify.com";
  await captureCheckout(domain, {
    checkoutToken: "verify-rotation",
    occurredAt: new Date(Date.now() - 11 * MINUTE).toISOString(),
    email: "darpan@example.com",
    phone: "+91 6000376569",
    shippingAddress: { firstName: "Dárpan ✓", countryCode: "IN" },
    lines: [{ variantId: "45515259445425", title: "Jordans", quantity: 2, unitPrice: 500 }],
  });
  const shop = await shopRow(domain);
  const connected = await connectReceiver(shop, { standardWebhooks: true, topics: ["abandonedCheckout"] });
  receiver = connected.receiver;
  oldSecret = connected.secret;
  newSecret = (await rotateEndpointSecret(shop.id, connected.endpointId)).secret;
  receiver.secret = newSecret;
  const clock = new TestClock(new Date());
  await sweep(clock);
  await runWorker(clock);
  expect(receiver.received).toHaveLength(1);
  delivery = receiver.received[0]!;
});

afterAll(() => receiver?.close());

describe("BSP verification snippets", () => {
  it("run on Node here, and on Python and PHP in CI", () => {
    expect(runtimes.map((r) => r.name)).toEqual(expect.arrayContaining(["node", "README"]));
    if (process.env.CI) expect(runtimes.map((r) => r.name)).toEqual(["node", "README", "python3", "php"]);
    expect(readdirSync("docs/verify").sort()).toEqual(["verify.mjs", "verify.php", "verify.py"]);
  });

  it("see a real abandonedCheckout signed with both secrets during the rotation", () => {
    expect(header(delivery, "x-webhook-topic")).toBe("abandonedCheckout");
    expect(delivery.json.customer.firstName).toBe("Dárpan ✓");
    expect(header(delivery, "x-webhook-signature-previous")).not.toBe("");
    expect(header(delivery, "webhook-signature").split(" ")).toHaveLength(2);
  });

  it.each(runtimes.map((r) => [r.name, r] as const))(
    "%s accepts it with the old or the new secret, and rejects tampered, wrongly keyed and stale ones",
    (_name, runtime) => {
      const signed: Signed = {
        timestamp: header(delivery, "x-webhook-timestamp"),
        signature: header(delivery, "x-webhook-signature"),
        previous: header(delivery, "x-webhook-signature-previous"),
      };
      const body = delivery.body;
      expect(verdict(runtime, newSecret, signed, body)).toBe("valid");
      expect(verdict(runtime, oldSecret, signed, body)).toBe("valid");
      expect(verdict(runtime, oldSecret, { ...signed, previous: undefined }, body)).toBe("invalid");
      expect(verdict(runtime, newSecret, signed, body.replace('"quantity":2', '"quantity":3'))).toBe("invalid");
      expect(verdict(runtime, generateEndpointSecret(), signed, body)).toBe("invalid");
      expect(verdict(runtime, newSecret, { ...signed, signature: signed.previous!, previous: "not base64!" }, body)).toBe("invalid");

      const staleAt = Date.now() - 10 * MINUTE;
      const stale = deliveryHeaders({
        shopDomain: "verify-rotation.myshopify.com",
        topic: "abandonedCheckout",
        format: "cashfree-2025-01-01",
        body,
        eventId: "evt-stale",
        attempt: 1,
        requestId: "req-stale",
        timestampMs: staleAt,
        secrets: { current: newSecret, previous: oldSecret },
        standardWebhooks: false,
      });
      const staleSigned = { timestamp: stale["x-webhook-timestamp"], signature: stale["x-webhook-signature"], previous: stale["x-webhook-signature-previous"] };
      expect(verdict(runtime, newSecret, staleSigned, body)).toBe("invalid");
    },
  );

  it("the standardwebhooks library accepts it with the old or the new secret (the decoded whsec_ key)", () => {
    const headers = {
      "webhook-id": header(delivery, "webhook-id"),
      "webhook-timestamp": header(delivery, "webhook-timestamp"),
      "webhook-signature": header(delivery, "webhook-signature"),
    };
    expect(headers["webhook-id"]).toBe(header(delivery, "x-idempotency-key"));
    for (const secret of [newSecret, oldSecret]) expect(new Webhook(secret).verify(delivery.body, headers)).toEqual(delivery.json);
    expect(() => new Webhook(generateEndpointSecret()).verify(delivery.body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(newSecret).verify(delivery.body.replace('"quantity":2', '"quantity":3'), headers)).toThrow(/No matching signature/);
  });
});
