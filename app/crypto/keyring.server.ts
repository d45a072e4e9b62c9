import { env } from "../env.server";
import { openSecret, sealSecret, type Keyring } from "./secret-box";

// env.server.ts already checked that every key decodes to 32 bytes. Previous
// keys only open what was sealed before a rotation (docs/decisions/005).
export const appKeyring: Keyring = {
  current: Buffer.from(env.ENCRYPTION_KEY, "base64"),
  previous: env.ENCRYPTION_KEY_PREVIOUS.map((key) => Buffer.from(key, "base64")),
};

export function sealWithAppKey(plain: string): string {
  return sealSecret(plain, appKeyring);
}

export function openWithAppKey(sealed: string): string {
  return openSecret(sealed, appKeyring);
}
