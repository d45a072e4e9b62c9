import { json } from "@remix-run/node";
import type { z } from "zod";
import { authenticate } from "../shopify.server";
import { ensureShop, findShop } from "../shops/shop.server";
import { describeZodError } from "../http/validation";

/**
 * Every admin loader and action starts here: Shopify's embedded auth (session
 * token + stored offline session), then the shop row that scopes every query.
 */
export async function adminContext(request: Request) {
  const { session, admin } = await authenticate.admin(request);
  // afterAuth creates the row on install; a session restored from storage may predate it.
  const shop = (await findShop(session.shop)) ?? (await ensureShop(session.shop, { scopes: session.scope ?? null }));
  return { session, admin, shop };
}

/** A 404 that says what was missing; another shop's id ends here too, indistinguishable from a missing one. */
export function notFound(what: string): Response {
  return json({ error: `${what} not found` }, { status: 404 });
}

export function badRequest(error: string, extra: Record<string, unknown> = {}): Response {
  return json({ ok: false as const, error, ...extra }, { status: 400 });
}

/** The JSON body every admin form submits (Remix `encType: "application/json"`). */
export async function readJsonBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!contentType.includes("application/json")) throw badRequest("the form must be sent as application/json");
  try {
    return await request.json();
  } catch {
    throw badRequest("the form body is not valid JSON");
  }
}

/** Parses or throws a 400 naming the first bad field. */
export function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(describeZodError(result.error));
  return result.data;
}

/** Query parameters as a plain object for zod (empty values count as absent). */
export function searchParams(request: Request): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) if (value !== "") params[key] = value;
  return params;
}
