import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyIdOf, needsResealing, openSecret, sealSecret, SecretBoxError, type Keyring } from "./secret-box";

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const keyC = Buffer.alloc(32, 0xc3);
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

function errorOf(run: () => unknown): SecretBoxError {
  try {
    run();
  } catch (error) {
    if (error instanceof SecretBoxError) return error;
    throw error;
  }
  throw new Error("expected a SecretBoxError");
}

/** Replaces one dot-separated part of a sealed value. */
function withPart(sealed: string, index: number, replace: (part: string) => string): string {
  const parts = sealed.split(".");
  parts[index] = replace(parts[index]);
  return parts.join(".");
}

function flipFirstByte(base64url: string): string {
  const bytes = Buffer.from(base64url, "base64url");
  bytes[0] = bytes[0] ^ 0x01;
  return bytes.toString("base64url");
}

describe("sealSecret / openSecret", () => {
  it("round-trips under the current key and names that key", () => {
    const keyring: Keyring = { current: keyA, previous: [] };
    const sealed = sealSecret(SECRET, keyring);
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
    expect(sealed.split(".")[1]).toBe(createHash("sha256").update(keyA).digest("hex").slice(0, 8));
    expect(sealed).not.toContain(SECRET);
    expect(openSecret(sealed, keyring)).toBe(SECRET);
  });

  it("uses a fresh IV each time unless one is given", () => {
    const keyring: Keyring = { current: keyA, previous: [] };
    expect(sealSecret(SECRET, keyring)).not.toBe(sealSecret(SECRET, keyring));
    const iv = Buffer.alloc(12, 7);
    expect(sealSecret(SECRET, keyring, iv)).toBe(sealSecret(SECRET, keyring, iv));
  });

  it("round-trips empty and non-ASCII values", () => {
    const keyring: Keyring = { current: keyA, previous: [] };
    for (const plain of ["", "ünïcødé ✓ 秘密"]) expect(openSecret(sealSecret(plain, keyring), keyring)).toBe(plain);
  });

  it("opens values sealed under a previous key after rotation", () => {
    const sealedUnderA = sealSecret(SECRET, { current: keyA, previous: [] });
    expect(openSecret(sealedUnderA, { current: keyB, previous: [keyC, keyA] })).toBe(SECRET);
  });

  it.each([
    ["empty string", ""],
    ["three parts", "v1.abcdef01.AAAA"],
    ["unknown version", "v2.abcdef01.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"],
    ["key id not hex", "v1.zzzzzzzz.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"],
    ["iv not base64url", "v1.abcdef01.AAAA+AAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"],
    ["iv of the wrong length", "v1.abcdef01.AAAA.AAAAAAAAAAAAAAAAAAAAAA"],
    ["body shorter than the tag", "v1.abcdef01.AAAAAAAAAAAAAAAA.AAAA"],
  ])("rejects a malformed value (%s)", (_case, sealed) => {
    expect(errorOf(() => openSecret(sealed, { current: keyA, previous: [] })).kind).toBe("malformed");
  });

  it("reports a key that is not in the keyring", () => {
    const sealed = sealSecret(SECRET, { current: keyA, previous: [] });
    const error = errorOf(() => openSecret(sealed, { current: keyB, previous: [keyC] }));
    expect(error.kind).toBe("unknown_key");
    expect(error.message).toContain(keyIdOf(keyA));
  });

  it.each([
    ["ciphertext", 3],
    ["iv", 2],
  ])("detects a changed %s", (_what, index) => {
    const keyring: Keyring = { current: keyA, previous: [] };
    const tampered = withPart(sealSecret(SECRET, keyring), index, flipFirstByte);
    const error = errorOf(() => openSecret(tampered, keyring));
    expect(error.kind).toBe("tampered");
    expect(error.message).not.toContain(SECRET);
  });

  it("detects a changed auth tag", () => {
    const keyring: Keyring = { current: keyA, previous: [] };
    const tampered = withPart(sealSecret(SECRET, keyring), 3, (body) => {
      const bytes = Buffer.from(body, "base64url");
      bytes[bytes.length - 1] = bytes[bytes.length - 1] ^ 0x80;
      return bytes.toString("base64url");
    });
    expect(errorOf(() => openSecret(tampered, keyring)).kind).toBe("tampered");
  });

  it("binds the key id: relabelling a value with another key's id fails authentication", () => {
    const keyring: Keyring = { current: keyA, previous: [keyB] };
    const relabelled = withPart(sealSecret(SECRET, keyring), 1, () => keyIdOf(keyB));
    expect(errorOf(() => openSecret(relabelled, keyring)).kind).toBe("tampered");
  });

  it.each([
    ["short current key", { current: Buffer.alloc(16), previous: [] }],
    ["short previous key", { current: keyA, previous: [Buffer.alloc(31)] }],
  ])("refuses a keyring with a %s", (_case, keyring) => {
    const sealed = sealSecret(SECRET, { current: keyA, previous: [] });
    expect(errorOf(() => openSecret(sealed, keyring)).kind).toBe("invalid_key");
  });

  it("refuses to seal with a key that is not 32 bytes", () => {
    expect(errorOf(() => sealSecret(SECRET, { current: Buffer.alloc(24), previous: [] })).kind).toBe("invalid_key");
  });
});

describe("needsResealing", () => {
  const underA = sealSecret(SECRET, { current: keyA, previous: [] });
  it.each([
    ["sealed under the current key", { current: keyA, previous: [keyB] }, false],
    ["sealed under a previous key", { current: keyB, previous: [keyA] }, true],
    ["sealed under a key the keyring does not hold", { current: keyB, previous: [keyC] }, false],
  ])("%s -> %s", (_case, keyring, expected) => {
    expect(needsResealing(underA, keyring)).toBe(expected);
  });

  it("rejects a malformed value", () => {
    expect(errorOf(() => needsResealing("not-sealed", { current: keyA, previous: [] })).kind).toBe("malformed");
  });
});
