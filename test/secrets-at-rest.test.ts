import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Session } from "@shopify/shopify-api";
import prisma from "../app/db.server";
import { sessionStorage } from "../app/shopify.server";
import { appKeyring, openWithAppKey } from "../app/crypto/keyring.server";
import { resealStoredSecrets } from "../app/crypto/reseal.server";
import { openSecret, sealSecret, SecretBoxError, type Keyring } from "../app/crypto/secret-box";
import { createEndpoint } from "../app/endpoints/endpoint.server";
import { endpointInputSchema } from "../app/endpoints/endpoint-input";
import { ensureShop } from "../app/shops/shop.server";

const offline = (shop: string, accessToken: string) =>
  new Session({ id: `offline_${shop}`, shop, state: "s", isOnline: false, scope: "read_orders", accessToken });

describe("Shopify session tokens at rest", () => {
  it("are sealed in the database and opened on load", async () => {
    const shop = "sealed-session.myshopify.com";
    await sessionStorage.storeSession(offline(shop, "shpat_0123456789abcdef"));
    const row = await prisma.session.findUniqueOrThrow({ where: { id: `offline_${shop}` } });
    expect(row.accessToken).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain("shpat_0123456789abcdef");
    expect((await sessionStorage.loadSession(`offline_${shop}`))!.accessToken).toBe("shpat_0123456789abcdef");
    expect((await sessionStorage.findSessionsByShop(shop))[0].accessToken).toBe("shpat_0123456789abcdef");
  });
});

describe("encryption key rotation", () => {
  it("re-seals endpoint secrets and session tokens under the new key, so the old key can be retired", async () => {
    const oldKey = appKeyring.current;
    const newKey = randomBytes(32);
    const shop = await ensureShop("rotate-keys.myshopify.com");
    const { endpoint, secret } = await createEndpoint(
      shop,
      endpointInputSchema({ allowLoopback: false }).parse({ name: "Spur", url: "https://hooks.example.com/a" }),
    );
    await sessionStorage.storeSession(offline(shop.domain, "shpat_rotate_me"));
    await prisma.session.create({ data: { id: "legacy", shop: shop.domain, state: "", accessToken: "shpat_plain_legacy" } });

    const rotating: Keyring = { current: newKey, previous: [oldKey] };
    const report = await resealStoredSecrets(rotating);
    expect(report.endpointSecrets).toBeGreaterThanOrEqual(1);
    expect(report.sessionTokens).toBeGreaterThanOrEqual(2);
    expect(await resealStoredSecrets(rotating)).toEqual({ endpointSecrets: 0, sessionTokens: 0 });

    const onlyNew: Keyring = { current: newKey, previous: [] };
    const row = await prisma.endpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(openSecret(row.secretCiphertext, onlyNew)).toBe(secret);
    expect(() => openWithAppKey(row.secretCiphertext)).toThrow(SecretBoxError);
    const sessions = await prisma.session.findMany({ where: { shop: shop.domain }, orderBy: { id: "asc" } });
    expect(sessions.map((s) => openSecret(s.accessToken, onlyNew)).sort()).toEqual(["shpat_plain_legacy", "shpat_rotate_me"]);
  });

  it("refuses a secret sealed under a key it does not hold, without revealing it", () => {
    const sealed = sealSecret("whsec_top_secret_value", { current: randomBytes(32), previous: [] });
    expect(() => openSecret(sealed, appKeyring)).toThrow(/unknown_key|not sealed|key/i);
    try {
      openSecret(sealed, appKeyring);
    } catch (error) {
      expect(String(error)).not.toContain("top_secret");
    }
  });
});
