import type {
  Attribute,
  CartDiscountAllocation,
  CartDiscountCode,
  CartLine,
  Customer,
  Money,
  ReadonlySignalLike,
  ShippingAddress,
} from "@shopify/ui-extensions/checkout";

// The part of the checkout `shopify` global the capture reads, as narrow
// structural types: the real API (API 2026-07) is assignable to it, and tests
// build it from Preact signals without Shopify.

type Signal<T> = ReadonlySignalLike<T>;

export type CaptureMoney = Pick<Money, "amount"> & { currencyCode: string };
export type CaptureDiscountAllocation = { discountedAmount: CaptureMoney } & (
  | { type: "code"; code: string }
  | { type: "automatic" | "custom"; title: string }
);

export interface CaptureCartLine extends Pick<CartLine, "quantity"> {
  merchandise: Pick<CartLine["merchandise"], "id" | "title" | "subtitle" | "sku"> & {
    image?: { url: string };
    selectedOptions?: { name: string; value: string }[];
    product: { id: string };
  };
  cost: { totalAmount: CaptureMoney };
  discountAllocations: CaptureDiscountAllocation[];
}

export type CaptureCustomer = Pick<Customer, "acceptsEmailMarketing" | "acceptsSmsMarketing"> &
  Partial<Pick<Customer, "email" | "phone" | "firstName" | "lastName">>;

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
  discountCodes: Signal<Pick<CartDiscountCode, "code">[]>;
  discountAllocations: Signal<CaptureDiscountAllocation[]>;
  attributes: Signal<Attribute[]>;
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

// Compile-time proof that the real checkout API fits these types.
type Assignable<T extends U, U> = T;
export type _RealApiFits = Assignable<
  import("@shopify/ui-extensions/purchase.checkout.block.render").Api,
  ExtensionApi
>;
export type _AllocationFits = Assignable<CartDiscountAllocation, CaptureDiscountAllocation>;
