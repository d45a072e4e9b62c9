import { z } from "zod";
import prisma from "../db.server";
import { logger } from "../logger.server";
import type { AdminGraphql } from "../shopify-admin/admin-graphql";

const SHOP_DETAILS_QUERY = `#graphql
  query CartRelayShopDetails {
    shop { name currencyCode ianaTimezone plan { shopifyPlus } billingAddress { countryCodeV2 } }
  }`;

const shopDetailsSchema = z.object({
  data: z.object({
    shop: z.object({
      name: z.string(),
      currencyCode: z.string().regex(/^[A-Z]{3}$/),
      ianaTimezone: z.string().min(1),
      plan: z.object({ shopifyPlus: z.boolean() }).nullish(),
      billingAddress: z
        .object({
          countryCodeV2: z
            .string()
            .regex(/^[A-Z]{2}$/)
            .nullish(),
        })
        .nullish(),
    }),
  }),
});

/**
 * Reads what the app needs to know about the shop from Shopify at install:
 * its currency and time zone (dashboard), country (default region for
 * buyers' phone numbers) and plan (checkout extensions need Plus).
 * A failure leaves the defaults and is logged; it never blocks the install.
 */
export async function syncShopDetails(domain: string, graphql: AdminGraphql): Promise<boolean> {
  try {
    const response = await graphql(SHOP_DETAILS_QUERY);
    const parsed = shopDetailsSchema.safeParse(await response.json());
    if (!parsed.success) {
      logger.warn({ shop: domain }, "shop details: unexpected answer from Shopify");
      return false;
    }
    const { shop } = parsed.data.data;
    await prisma.shop.update({
      where: { domain },
      data: {
        name: shop.name,
        currency: shop.currencyCode,
        timezone: shop.ianaTimezone,
        shopifyPlus: shop.plan?.shopifyPlus ?? null,
        ...(shop.billingAddress?.countryCodeV2 ? { countryCode: shop.billingAddress.countryCodeV2 } : {}),
      },
    });
    return true;
  } catch (error) {
    logger.warn({ shop: domain, err: error }, "shop details: could not read them from Shopify");
    return false;
  }
}
