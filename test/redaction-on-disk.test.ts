import { copyFileSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "./app-server";
import { checkoutWebhookPayload, customerPayload } from "./fixtures";
import { webhookRequest } from "./shopify";

// The built server on its own SQLite file (whichever database the rest of
// the run uses): after customers/redact the buyer's bytes must be gone from
// the database file and its write-ahead log, not just from the rows.

const shop = "disk-shop.myshopify.com";
const EMAIL = "vera.disk@example.com";
const PHONE_DIGITS = ["9811122334", "98111 22334"];
let server: AppServer;
let file: string;

const fileBytes = () =>
  [file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((name) => [path.basename(name), readFileSync(name).toString("latin1")] as const);

async function post(topic: string, payload: unknown) {
  const response = await fetch(webhookRequest(topic, shop, payload, { baseUrl: server.url }));
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  file = path.join(process.env.CART_RELAY_TEST_DIR!, `disk-${randomUUID()}.sqlite`);
  copyFileSync(path.join(process.env.CART_RELAY_TEST_DIR!, "template.sqlite"), file);
  server = await startAppServer({ DATABASE_URL: `file:${file}`, REDIS_URL: "" });
});

afterAll(async () => {
  await server?.stop();
});

describe("customers/redact on SQLite", () => {
  it("leaves none of the buyer's email or phone in the database file or the WAL", async () => {
    for (let i = 0; i < 3; i++) {
      await post(
        "checkouts/update",
        checkoutWebhookPayload({
          token: `disk-${i}`,
          email: EMAIL,
          phone: "+91 98111 22334",
          customer: null,
          shipping_address: { first_name: "Vera", city: "Pune", phone: "+91 98111 22334" },
          updated_at: `2026-11-25T10:0${i}:00+05:30`,
        }),
      );
    }
    // The bytes are really there first, so their absence below means something.
    expect(fileBytes().some(([, bytes]) => bytes.includes(EMAIL))).toBe(true);

    await post("customers/redact", customerPayload(shop, { email: EMAIL, phone: "+919811122334" }, { orders_to_redact: [] }));
    for (const [name, bytes] of fileBytes()) {
      expect(bytes.includes(EMAIL), `${EMAIL} in ${name}`).toBe(false);
      for (const digits of PHONE_DIGITS) expect(bytes.includes(digits), `${digits} in ${name}`).toBe(false);
    }
  });
});
