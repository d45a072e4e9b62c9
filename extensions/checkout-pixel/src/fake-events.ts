// Test support: checkout events shaped as Shopify's web pixel delivers them
// (@shopify/web-pixels-extension 2.18 types), one per checkout step.
import type { Checkout, MailingAddress } from "@shopify/web-pixels-extension";
import type { CheckoutEvent, SubscribedEvent } from "./ingest-body";

const INR = (amount: number) => ({ amount, currencyCode: "INR" });

export const SHIPPING_ADDRESS: MailingAddress = {
  firstName: "Darpan",
  lastName: "Deka",
  address1: "Rangia, Murara",
  address2: null,
  city: "Rangia",
  province: "Assam",
  provinceCode: "AS",
  zip: "781354",
  country: "India",
  countryCode: "IN",
  phone: "+91 6000376569",
};

const EMPTY_ADDRESS: MailingAddress = {
  firstName: null,
  lastName: null,
  address1: null,
  address2: null,
  city: null,
  province: null,
  provinceCode: null,
  zip: null,
  country: "India",
  countryCode: "IN",
  phone: null,
};

export function pixelCheckout(overrides: Partial<Checkout> = {}): Checkout {
  return {
    token: "c1-checkout-token",
    attributes: [{ key: "utm_source", value: "instagram" }],
    billingAddress: null,
    buyerAcceptsEmailMarketing: false,
    buyerAcceptsSmsMarketing: false,
    currencyCode: "INR",
    delivery: null,
    discountApplications: [
      { allocationMethod: "ACROSS", targetSelection: "ALL", targetType: "LINE_ITEM", title: "SHOE_AUTOMATIC", type: "AUTOMATIC", value: INR(200) },
    ],
    discountsAmount: INR(200),
    email: null,
    lineItems: [
      {
        id: "gid://shopify/CheckoutLineItem/1",
        quantity: 2,
        title: "Jordans",
        finalLinePrice: INR(800),
        properties: [],
        sellingPlanAllocation: null,
        discountAllocations: [
          {
            amount: INR(200),
            discountApplication: {
              allocationMethod: "ACROSS",
              targetSelection: "ALL",
              targetType: "LINE_ITEM",
              title: "SHOE_AUTOMATIC",
              type: "AUTOMATIC",
              value: INR(200),
            },
          },
        ],
        variant: {
          id: "45515259445425",
          image: { src: "//cdn.shopify.com/s/files/1/0628/9037/7393/files/1.webp?v=1732785645" },
          price: INR(500),
          product: { id: "8181897822385", title: "Jordans", type: "Shoes", untranslatedTitle: "Jordans", url: "/products/jordans", vendor: "Nike" },
          sku: "JRD-BLK",
          title: "Black",
          untranslatedTitle: "Black",
        },
      },
    ],
    localization: { country: { isoCode: "IN" }, language: { isoCode: "en-IN" }, market: { handle: "in", id: "gid://shopify/Market/1" } },
    order: null,
    phone: null,
    shippingAddress: null,
    shippingLine: null,
    smsMarketingPhone: null,
    subtotalPrice: INR(1000),
    totalPrice: INR(800),
    totalTax: INR(0),
    transactions: [],
    ...overrides,
  };
}

/** The checkout as it stands when each step's event fires. */
export const CHECKOUT_AT: Record<SubscribedEvent, Partial<Checkout>> = {
  checkout_started: { shippingAddress: EMPTY_ADDRESS },
  checkout_contact_info_submitted: { email: "buyer@example.com", buyerAcceptsEmailMarketing: true },
  checkout_address_info_submitted: { email: "buyer@example.com", buyerAcceptsEmailMarketing: true, shippingAddress: SHIPPING_ADDRESS },
  checkout_shipping_info_submitted: {
    email: "buyer@example.com",
    buyerAcceptsEmailMarketing: true,
    shippingAddress: SHIPPING_ADDRESS,
    shippingLine: { price: INR(50) },
    totalPrice: INR(850),
  },
  payment_info_submitted: {
    email: "buyer@example.com",
    buyerAcceptsEmailMarketing: true,
    shippingAddress: SHIPPING_ADDRESS,
    billingAddress: SHIPPING_ADDRESS,
    smsMarketingPhone: "+916000376569",
    buyerAcceptsSmsMarketing: true,
    totalPrice: INR(850),
  },
  checkout_completed: {
    email: "buyer@example.com",
    buyerAcceptsEmailMarketing: true,
    shippingAddress: SHIPPING_ADDRESS,
    billingAddress: SHIPPING_ADDRESS,
    totalPrice: INR(850),
    order: { id: "820982911946154500", customer: { id: "7001", isFirstOrder: true } },
  },
};

export function checkoutEvent(name: SubscribedEvent, overrides: Partial<Checkout> = {}, timestamp = "2026-11-25T04:30:00.000Z"): CheckoutEvent {
  return { id: `sh-${name}-1`, name, timestamp, data: { checkout: pixelCheckout({ ...CHECKOUT_AT[name], ...overrides }) } };
}
