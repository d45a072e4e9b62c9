// kill -9 in the middle of a capture burst against the built server: every
// capture it answered 200 was committed before the answer (group commit waits
// for the transaction), so all of them are in the database afterwards.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { freePort } from "./app-server";
import { captureRequest, checkoutSessionToken } from "./shopify";

describe("the built server killed mid-burst", () => {
  it("loses no acknowledged capture", async () => {
    if (!existsSync(path.resolve("build/server/index.js"))) throw new Error("build/ is missing: run `npm run build` first (npm test does)");
    const port = await freePort();
    const child = spawn(process.execPath, ["server.mjs"], {
      env: { ...process.env, NODE_ENV: "production", PORT: String(port), LOG_LEVEL: "error", CART_RELAY_ALLOW_LOOPBACK_ENDPOINTS: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    const url = `http://127.0.0.1:${port}`;
    for (let ready = false; !ready;) {
      ready = await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
    }

    const shops = Array.from({ length: 20 }, (_, i) => `crash-${i}.myshopify.com`);
    const tokens = await Promise.all(shops.map((shop) => checkoutSessionToken(shop)));
    const acknowledged: { shop: string; token: string; email: string }[] = [];
    let killed = false;
    let sent = 0;
    const client = async (lane: number) => {
      for (let n = 0; !killed; n++) {
        const shop = shops[(lane + n) % shops.length];
        const token = `crash-${lane}-${n}`;
        const email = `buyer-${lane}-${n}@example.com`;
        sent++;
        const request = await captureRequest(shop, { checkoutToken: token, email }, { baseUrl: url, token: tokens[(lane + n) % shops.length] });
        const response = await fetch(request).catch(() => null);
        if (response?.status === 200) acknowledged.push({ shop, token, email });
        else if (response && response.status !== 429) throw new Error(`unexpected ${response.status}: ${await response.text()}`);
        if (!response) return;
      }
    };
    const lanes = Promise.all(Array.from({ length: 24 }, (_, lane) => client(lane)));
    while (acknowledged.length < 150) await new Promise((resolve) => setTimeout(resolve, 20));
    killed = true;
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    await lanes;

    expect(sent).toBeGreaterThan(acknowledged.length);
    const stored = await prisma.checkout.findMany({
      where: { token: { in: acknowledged.map((a) => a.token) } },
      select: { token: true, email: true, shop: { select: { domain: true } } },
    });
    const byToken = new Map(stored.map((row) => [row.token, row]));
    const missing = acknowledged.filter((a) => byToken.get(a.token)?.email !== a.email || byToken.get(a.token)?.shop.domain !== a.shop);
    expect(missing).toEqual([]);
  });
});
