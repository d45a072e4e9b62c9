import type { Shop } from "@prisma/client";
import prisma from "../db.server";
import { env } from "../env.server";
import { logger } from "../logger.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";
import { forgetCachedShops, findOrCreateShop } from "../shops/shop.server";

/** `admin.graphql` from `authenticate.admin` / `unauthenticated.admin`, or a test's stand-in. */

/** The settings declared in extensions/checkout-pixel/shopify.extension.toml. */
export interface PixelSettings {
  pixelKey: string;
  ingestUrl: string;
}

export interface WebPixelUserError {
  code: string | null;
  field: string[] | null;
  message: string;
}

export type PixelActivationErrorKind = "user_errors" | "graphql" | "http" | "unexpected_response";

export class PixelActivationError extends Error {
  override name = "PixelActivationError";
  constructor(
    readonly kind: PixelActivationErrorKind,
    message: string,
    readonly userErrors: WebPixelUserError[] = [],
  ) {
    super(message);
  }
}

export type PixelActivation =
  { ok: true; action: "created" | "updated"; webPixelId: string; settings: PixelSettings } | { ok: false; error: PixelActivationError };

const WEB_PIXEL_FIELDS = "webPixel { id settings } userErrors { code field message }";
const CREATE = `mutation CartRelayWebPixelCreate($webPixel: WebPixelInput!) { webPixelCreate(webPixel: $webPixel) { ${WEB_PIXEL_FIELDS} } }`;
const UPDATE = `mutation CartRelayWebPixelUpdate($id: ID!, $webPixel: WebPixelInput!) { webPixelUpdate(id: $id, webPixel: $webPixel) { ${WEB_PIXEL_FIELDS} } }`;
const CURRENT = "query CartRelayWebPixel { webPixel { id } }";

export function pixelSettings(shop: Pick<Shop, "pixelKey">, appUrl: string = env.SHOPIFY_APP_URL): PixelSettings {
  return { pixelKey: shop.pixelKey, ingestUrl: `${appUrl.replace(/\/+$/, "")}/api/pixel` };
}

function describeUserErrors(mutation: string, errors: WebPixelUserError[]): string {
  const details = errors.map((e) => `${e.field?.length ? `${e.field.join(".")}: ` : ""}${e.message}${e.code ? ` (${e.code})` : ""}`);
  return `${mutation} failed: ${details.join("; ")}`;
}

async function call(graphql: AdminGraphql, query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await graphql(query, variables ? { variables } : undefined);
  } catch (error) {
    // shopify-app-remix throws GraphQL errors (and HTTP failures) instead of returning them.
    throw new PixelActivationError("graphql", `Admin API call failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new PixelActivationError("http", `Admin API answered HTTP ${response.status}`);
  const json = (await response.json().catch(() => null)) as { data?: Record<string, unknown>; errors?: { message: string }[] } | null;
  if (json?.errors?.length) throw new PixelActivationError("graphql", `Admin API errors: ${json.errors.map((e) => e.message).join("; ")}`);
  if (!json?.data) throw new PixelActivationError("unexpected_response", "Admin API answered without data");
  return json.data;
}

interface MutationResult {
  webPixel: { id: string } | null;
  userErrors: WebPixelUserError[];
}

async function mutate(graphql: AdminGraphql, name: "webPixelCreate" | "webPixelUpdate", variables: Record<string, unknown>): Promise<MutationResult> {
  const data = await call(graphql, name === "webPixelCreate" ? CREATE : UPDATE, variables);
  const result = data[name] as MutationResult | null | undefined;
  if (!result) throw new PixelActivationError("unexpected_response", `Admin API answered without ${name}`);
  return { webPixel: result.webPixel ?? null, userErrors: result.userErrors ?? [] };
}

const hasCode = (errors: WebPixelUserError[], code: string) => errors.some((e) => e.code === code);

/**
 * Activates the checkout pixel for a shop with its pixel key and our ingest
 * URL: updates the pixel we created before, creates one otherwise, and
 * recovers when Shopify's record and ours disagree (deleted on reinstall:
 * NOT_FOUND; created but not stored: TAKEN). Stores the pixel id. Failures
 * come back as a typed result, never as a thrown error, so an install never
 * fails because of the pixel.
 */
export async function activatePixel(
  shopDomain: string,
  graphql: AdminGraphql,
  options: { appUrl?: string; /** a new key to give the pixel; stored only once Shopify accepted it */ pixelKey?: string } = {},
): Promise<PixelActivation> {
  const shop = await findOrCreateShop(shopDomain);
  const settings = pixelSettings({ pixelKey: options.pixelKey ?? shop.pixelKey }, options.appUrl);
  const webPixel = { settings: JSON.stringify(settings) };
  try {
    let action: "created" | "updated" = "updated";
    let result: MutationResult | null = null;
    if (shop.webPixelId) {
      result = await mutate(graphql, "webPixelUpdate", { id: shop.webPixelId, webPixel });
      if (hasCode(result.userErrors, "NOT_FOUND")) result = null;
    }
    if (!result) {
      action = "created";
      result = await mutate(graphql, "webPixelCreate", { webPixel });
      if (hasCode(result.userErrors, "TAKEN")) {
        const current = (await call(graphql, CURRENT)).webPixel as { id?: string } | null;
        if (!current?.id) throw new PixelActivationError("unexpected_response", "webPixelCreate said TAKEN but no web pixel was found");
        action = "updated";
        result = await mutate(graphql, "webPixelUpdate", { id: current.id, webPixel });
      }
    }
    if (result.userErrors.length > 0) {
      const mutation = action === "created" ? "webPixelCreate" : "webPixelUpdate";
      throw new PixelActivationError("user_errors", describeUserErrors(mutation, result.userErrors), result.userErrors);
    }
    if (!result.webPixel?.id) throw new PixelActivationError("unexpected_response", "Admin API returned no web pixel id");
    await prisma.shop.update({ where: { id: shop.id }, data: { webPixelId: result.webPixel.id, pixelKey: settings.pixelKey } });
    forgetCachedShops();
    logger.info({ shop: shopDomain, webPixelId: result.webPixel.id, action }, "web pixel activated");
    return { ok: true, action, webPixelId: result.webPixel.id, settings };
  } catch (error) {
    if (!(error instanceof PixelActivationError)) throw error;
    logger.warn({ shop: shopDomain, kind: error.kind, err: error.message }, "web pixel activation failed");
    return { ok: false, error };
  }
}
