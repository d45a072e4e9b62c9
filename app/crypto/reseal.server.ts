import prisma from "../db.server";
import { EncryptedSessionStorage } from "./encrypted-session-storage.server";
import { needsResealing, openSecret, sealSecret, type Keyring } from "./secret-box";

const PAGE = 500;

export interface ResealReport {
  endpointSecrets: number;
  sessionTokens: number;
}

/** The value sealed under the current key, or null when it already is. Plain (legacy) tokens get sealed. */
function resealed(value: string | null, keyring: Keyring): string | null {
  if (!value) return null;
  if (!EncryptedSessionStorage.isSealed(value)) return sealSecret(value, keyring);
  return needsResealing(value, keyring) ? sealSecret(openSecret(value, keyring), keyring) : null;
}

/**
 * Key rotation, step 2 (docs/decisions/005): re-seals every stored secret
 * under the current key so previous keys can be retired. Safe to run twice
 * and while the app serves: each row is rewritten only if still unchanged.
 */
export async function resealStoredSecrets(keyring: Keyring): Promise<ResealReport> {
  const report: ResealReport = { endpointSecrets: 0, sessionTokens: 0 };
  for (let cursor: string | undefined; ;) {
    const endpoints = await prisma.endpoint.findMany({
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      orderBy: { id: "asc" },
      select: { id: true, secretCiphertext: true, previousSecretCiphertext: true },
    });
    if (endpoints.length === 0) break;
    for (const endpoint of endpoints) {
      const secret = resealed(endpoint.secretCiphertext, keyring);
      const previous = resealed(endpoint.previousSecretCiphertext, keyring);
      if (!secret && !previous) continue;
      const { count } = await prisma.endpoint.updateMany({
        where: { id: endpoint.id, secretCiphertext: endpoint.secretCiphertext, previousSecretCiphertext: endpoint.previousSecretCiphertext },
        data: { ...(secret ? { secretCiphertext: secret } : {}), ...(previous ? { previousSecretCiphertext: previous } : {}) },
      });
      report.endpointSecrets += count * ((secret ? 1 : 0) + (previous ? 1 : 0));
    }
    cursor = endpoints.at(-1)!.id;
  }
  for (let cursor: string | undefined; ;) {
    const sessions = await prisma.session.findMany({
      take: PAGE,
      ...(cursor ? { skip: 1, cursor: { id: cursor } } : {}),
      orderBy: { id: "asc" },
      select: { id: true, accessToken: true, refreshToken: true },
    });
    if (sessions.length === 0) break;
    for (const session of sessions) {
      const accessToken = resealed(session.accessToken, keyring);
      const refreshToken = resealed(session.refreshToken, keyring);
      if (!accessToken && !refreshToken) continue;
      const { count } = await prisma.session.updateMany({
        where: { id: session.id, accessToken: session.accessToken, refreshToken: session.refreshToken },
        data: { ...(accessToken ? { accessToken } : {}), ...(refreshToken ? { refreshToken } : {}) },
      });
      report.sessionTokens += count * ((accessToken ? 1 : 0) + (refreshToken ? 1 : 0));
    }
    cursor = sessions.at(-1)!.id;
  }
  return report;
}
