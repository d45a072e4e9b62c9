import { env } from "../env.server";
import { openSecret, sealSecret, type Keyring } from "./secret-box";

// env.server.ts already checked that ENCRYPTION_KEY decodes to 32 bytes.
// Previous keys arrive with key rotation (a later issue).
export const appKeyring: Keyring = {
  current: Buffer.from(env.ENCRYPTION_KEY, "base64"),
  previous: [],
};

export function sealWithAppKey(plain: string): string {
  return sealSecret(plain, appKeyring);
}

export function openWithAppKey(sealed: string): string {
  return openSecret(sealed, appKeyring);
}
