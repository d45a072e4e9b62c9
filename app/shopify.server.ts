import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import prisma from "./db.server";
import { env } from "./env.server";
import { onShopAuthorized } from "./shops/install.server";
import { logger } from "./logger.server";
import { EncryptedSessionStorage } from "./crypto/encrypted-session-storage.server";
import { appKeyring } from "./crypto/keyring.server";

export const API_VERSION = ApiVersion.October26;

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: API_VERSION,
  scopes: env.SCOPES.split(",").map((scope) => scope.trim()),
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  sessionStorage: new EncryptedSessionStorage(new PrismaSessionStorage(prisma), () => appKeyring),
  distribution: AppDistribution.AppStore,
  // The library's own log lines go through pino; its info level logs every request.
  logger: {
    level: env.LOG_LEVEL === "debug" || env.LOG_LEVEL === "trace" ? LogSeverity.Debug : LogSeverity.Warning,
    log: (severity, message) => {
      const level = severity === LogSeverity.Error ? "error" : severity === LogSeverity.Warning ? "warn" : "debug";
      logger[level]({ component: "shopify" }, message);
    },
  },
  future: { unstable_newEmbeddedAuthStrategy: true, expiringOfflineAccessTokens: true },
  hooks: {
    afterAuth: ({ session, admin }) => onShopAuthorized(session.shop, session.scope ?? null, admin.graphql),
  },
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
