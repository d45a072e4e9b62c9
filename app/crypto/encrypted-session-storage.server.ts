import { Session } from "@shopify/shopify-api";
import type { SessionStorage } from "@shopify/shopify-app-session-storage";
import { openSecret, sealSecret, type Keyring } from "./secret-box";

const SEALED = /^v\d+\./;

/**
 * Shopify session storage that keeps access and refresh tokens sealed at rest
 * (AES-256-GCM under the app key). Tokens stored before encryption was turned
 * on still load; `npm run rotate-encryption-key` seals them.
 */
export class EncryptedSessionStorage implements SessionStorage {
  constructor(
    private readonly inner: SessionStorage,
    private readonly keyring: () => Keyring,
  ) {}

  private convert(session: Session, token: (value: string) => string): Session {
    const params = session.toObject();
    if (params.accessToken) params.accessToken = token(params.accessToken);
    if (params.refreshToken) params.refreshToken = token(params.refreshToken);
    return new Session(params);
  }

  private open = (value: string) => (SEALED.test(value) ? openSecret(value, this.keyring()) : value);
  private seal = (value: string) => sealSecret(value, this.keyring());

  storeSession(session: Session): Promise<boolean> {
    return this.inner.storeSession(this.convert(session, this.seal));
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const session = await this.inner.loadSession(id);
    return session && this.convert(session, this.open);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.inner.deleteSession(id);
  }

  deleteSessions(ids: string[]): Promise<boolean> {
    return this.inner.deleteSessions(ids);
  }

  async findSessionsByShop(shop: string): Promise<Session[]> {
    return (await this.inner.findSessionsByShop(shop)).map((session) => this.convert(session, this.open));
  }

  /** True when a stored value is sealed (for the rotation command and tests). */
  static isSealed(value: string): boolean {
    return SEALED.test(value);
  }
}
