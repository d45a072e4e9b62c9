// The part of the checkout `shopify` global (API 2026-07) the capture reads,
// as narrow structural types written out here rather than imported from
// `@shopify/ui-extensions`: its checkout types declare a global `shopify`
// that would shadow App Bridge's in the admin code's typecheck. That the real
// API fits these types is checked in api-conformance.ts. Tests build them
// from Preact signals without Shopify.

/** What the checkout's signals offer: `@preact/signals` signals satisfy it. */
export interface ReadonlySignalLike<T> {
  readonly value: T;
  subscribe(fn: (value: T) => void): () => void;
}

type Signal<T> = ReadonlySignalLike<T>;

export interface CaptureMoney {
  amount: number;
  currencyCode: string;
}

export type CaptureDiscountAllocation = { discountedAmount: CaptureMoney } & ({ type: "code"; code: string } | { type: "automatic" | "custom"; title: string });

export interface CaptureCartLine {
  quantity: number;
  merchandise: {
    id: string;
    title: string;
    subtitle?: string;
    sku?: string;
    image?: { url: string };
    selectedOptions?: { name: string; value: string }[];
    product: { id: string };
  };
  /** After the line's own discounts. */
  cost: { totalAmount: CaptureMoney };
  discountAllocations: CaptureDiscountAllocation[];
}

/** The logged-in customer (protected customer data, level 1). */
export interface CaptureCustomer {
  acceptsEmailMarketing: boolean;
  acceptsSmsMarketing: boolean;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
}

/** Updated as each field is committed (protected customer data, level 2). */
export interface ShippingAddress {
  firstName?: string;
  lastName?: string;
  address1?: string;
  address2?: string;
  city?: string;
  zip?: string;
  countryCode?: string;
  provinceCode?: string;
  phone?: string;
}

export interface CaptureApi {
  checkoutToken: Signal<string | undefined>;
  /** Absent unless the app was granted protected customer data. */
  buyerIdentity?: {
    email: Signal<string | undefined>;
    phone: Signal<string | undefined>;
    customer: Signal<CaptureCustomer | undefined>;
  };
  shippingAddress?: Signal<ShippingAddress | undefined>;
  lines: Signal<CaptureCartLine[]>;
  cost: { subtotalAmount: Signal<CaptureMoney>; totalAmount: Signal<CaptureMoney> };
  discountCodes: Signal<{ code: string }[]>;
  discountAllocations: Signal<CaptureDiscountAllocation[]>;
  attributes: Signal<{ key: string; value: string }[]>;
  localization: { language: Signal<{ isoCode: string }>; currency: Signal<{ isoCode: string }> };
  sessionToken: { get(): Promise<string> };
}

/** What the extension needs beyond the capture itself. */
export interface ExtensionApi extends CaptureApi {
  settings: Signal<Record<string, string | number | boolean | undefined>>;
  storage: { read<T = unknown>(key: string): Promise<T | null>; write(key: string, data: unknown): Promise<void> };
  i18n: { translate(key: string): string | unknown[] };
  extension: { editor?: unknown };
}
