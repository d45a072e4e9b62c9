import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// Secrets at rest (endpoint signing secrets): AES-256-GCM in a self-describing
// string `v1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts). The key id lets
// a rotated keyring find the key a value was sealed with; the version and key
// id are bound as associated data, so neither can be swapped undetected.

export interface Keyring {
  /** 32-byte AES-256 key that seals new values. */
  current: Buffer;
  /** Older keys that may still open stored values until they are resealed. */
  previous: Buffer[];
}

export type SecretBoxErrorKind = "malformed" | "unknown_key" | "tampered" | "invalid_key";

/** Never carries the secret or the key in its message. */
export class SecretBoxError extends Error {
  override name = "SecretBoxError";
  constructor(
    readonly kind: SecretBoxErrorKind,
    message: string,
  ) {
    super(message);
  }
}

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function checkKey(key: Buffer, which: string): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new SecretBoxError("invalid_key", `${which} key must be ${KEY_BYTES} bytes (got ${key?.length ?? 0})`);
  }
}

/** First 8 hex characters of sha256(key): names a key without revealing it. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

function associatedData(keyId: string): Buffer {
  return Buffer.from(`${VERSION}.${keyId}`, "utf8");
}

export function sealSecret(plain: string, keyring: Keyring, iv: Buffer = randomBytes(IV_BYTES)): string {
  checkKey(keyring.current, "current");
  if (iv.length !== IV_BYTES) throw new SecretBoxError("invalid_key", `iv must be ${IV_BYTES} bytes (got ${iv.length})`);
  const keyId = keyIdOf(keyring.current);
  const cipher = createCipheriv("aes-256-gcm", keyring.current, iv);
  cipher.setAAD(associatedData(keyId));
  const sealed = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, keyId, iv.toString("base64url"), sealed.toString("base64url")].join(".");
}

interface SealedParts {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parseSealed(sealed: string): SealedParts {
  if (typeof sealed !== "string") throw new SecretBoxError("malformed", "sealed secret must be a string");
  const parts = sealed.split(".");
  if (parts.length !== 4) throw new SecretBoxError("malformed", "sealed secret must have 4 dot-separated parts");
  const [version, keyId, ivText, bodyText] = parts as [string, string, string, string];
  if (version !== VERSION) throw new SecretBoxError("malformed", `unsupported sealed secret version "${version.slice(0, 8)}"`);
  if (!/^[0-9a-f]{8}$/.test(keyId)) throw new SecretBoxError("malformed", "sealed secret key id must be 8 hex characters");
  if (!BASE64URL.test(ivText) || !BASE64URL.test(bodyText)) {
    throw new SecretBoxError("malformed", "sealed secret iv and ciphertext must be base64url");
  }
  const iv = Buffer.from(ivText, "base64url");
  const body = Buffer.from(bodyText, "base64url");
  if (iv.length !== IV_BYTES) throw new SecretBoxError("malformed", `sealed secret iv must be ${IV_BYTES} bytes`);
  if (body.length < TAG_BYTES) throw new SecretBoxError("malformed", "sealed secret is too short to hold an auth tag");
  return { keyId, iv, ciphertext: body.subarray(0, body.length - TAG_BYTES), tag: body.subarray(body.length - TAG_BYTES) };
}

function keyFor(keyId: string, keyring: Keyring): Buffer | undefined {
  return [keyring.current, ...keyring.previous].find((key) => keyIdOf(key) === keyId);
}

export function openSecret(sealed: string, keyring: Keyring): string {
  checkKey(keyring.current, "current");
  keyring.previous.forEach((key, index) => checkKey(key, `previous[${index}]`));
  const parts = parseSealed(sealed);
  const key = keyFor(parts.keyId, keyring);
  if (!key) throw new SecretBoxError("unknown_key", `sealed with key ${parts.keyId}, which is not in the keyring`);
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, parts.iv);
    decipher.setAAD(associatedData(parts.keyId));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretBoxError("tampered", `sealed secret failed authentication under key ${parts.keyId}`);
  }
}

/** True when the value was sealed under one of the keyring's previous keys and should be sealed again. */
export function needsResealing(sealed: string, keyring: Keyring): boolean {
  const { keyId } = parseSealed(sealed);
  if (keyId === keyIdOf(keyring.current)) return false;
  return keyring.previous.some((key) => keyIdOf(key) === keyId);
}
