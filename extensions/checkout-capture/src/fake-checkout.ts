// Test support: the checkout `shopify` global built from Preact signals, as
// `@shopify/ui-extensions/preact` exposes it, so a test can play a buyer
// typing into checkout by setting `.value`. Never bundled into the extension.
import { signal } from "@preact/signals";
import type { CaptureCartLine, CaptureCustomer, CaptureDiscountAllocation, CaptureMoney, ExtensionApi, ShippingAddress } from "./checkout-api";
import type { ExtensionSettings } from "./settings";

const TRANSLATIONS: Record<string, Record<string, string>> = {
  en: { optInLabel: "Send me order updates and offers on WhatsApp" },
  hi: { optInLabel: "मुझे WhatsApp पर ऑर्डर अपडेट और ऑफ़र भेजें" },
};

export function fakeCheckout(options: { language?: string; currency?: string } = {}) {
  const currency = options.currency ?? "INR";
  const language = options.language ?? "en";
  const signals = {
    checkoutToken: signal<string | undefined>(undefined),
    email: signal<string | undefined>(undefined),
    phone: signal<string | undefined>(undefined),
    customer: signal<CaptureCustomer | undefined>(undefined),
    shippingAddress: signal<ShippingAddress | undefined>(undefined),
    lines: signal<CaptureCartLine[]>([]),
    subtotal: signal<CaptureMoney>({ amount: 0, currencyCode: currency }),
    total: signal<CaptureMoney>({ amount: 0, currencyCode: currency }),
    discountCodes: signal<{ code: string }[]>([]),
    discountAllocations: signal<CaptureDiscountAllocation[]>([]),
    attributes: signal<{ key: string; value: string }[]>([]),
    language: signal({ isoCode: language }),
    currency: signal({ isoCode: currency }),
    settings: signal<ExtensionSettings>({}),
  };
  const storage = new Map<string, unknown>();
  const tokensIssued: string[] = [];
  const api: ExtensionApi = {
    checkoutToken: signals.checkoutToken,
    buyerIdentity: { email: signals.email, phone: signals.phone, customer: signals.customer },
    shippingAddress: signals.shippingAddress,
    lines: signals.lines,
    cost: { subtotalAmount: signals.subtotal, totalAmount: signals.total },
    discountCodes: signals.discountCodes,
    discountAllocations: signals.discountAllocations,
    attributes: signals.attributes,
    localization: { language: signals.language, currency: signals.currency },
    sessionToken: {
      get: async () => {
        const token = `session-token-${tokensIssued.length + 1}`;
        tokensIssued.push(token);
        return token;
      },
    },
    settings: signals.settings,
    storage: {
      read: async <T>(key: string) => (storage.has(key) ? (storage.get(key) as T) : null),
      write: async (key: string, data: unknown) => {
        storage.set(key, data);
      },
    },
    i18n: { translate: (key: string) => TRANSLATIONS[signals.language.value.isoCode.slice(0, 2)]?.[key] ?? key },
    extension: {},
  };
  return { api, signals, storage, tokensIssued };
}

/** A cart line as checkout exposes it: gids, price after the line's discounts. */
export function cartLine(overrides: Partial<CaptureCartLine> & { variant?: number; product?: number } = {}): CaptureCartLine {
  const { variant = 45515259445425, product = 8181897822385, ...rest } = overrides;
  return {
    quantity: 2,
    merchandise: {
      id: `gid://shopify/ProductVariant/${variant}`,
      title: "Jordans",
      subtitle: "Black",
      sku: "JRD-BLK",
      image: { url: "https://cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645" },
      product: { id: `gid://shopify/Product/${product}` },
    },
    cost: { totalAmount: { amount: 800, currencyCode: "INR" } },
    discountAllocations: [{ type: "automatic", title: "SHOE_AUTOMATIC", discountedAmount: { amount: 200, currencyCode: "INR" } }],
    ...rest,
  };
}
