// Payloads shaped as Shopify sends them (REST resources in webhooks, API 2026-10).

export function checkoutWebhookPayload(overrides: Record<string, unknown> = {}) {
  return {
    id: 35541384691905,
    token: "c1-checkout-token",
    cart_token: "Z2NwLWFzaWEtc291dGhlYXN0MTowMUpXRVgy",
    email: "buyer@example.com",
    phone: null,
    buyer_accepts_marketing: true,
    buyer_accepts_sms_marketing: false,
    sms_marketing_phone: null,
    // A shop with its own storefront domain: the URL names no myshopify shop.
    abandoned_checkout_url: "https://www.checkout-shop.example/81234/checkouts/ac/c1-checkout-token/recover?key=abc",
    currency: "INR",
    presentment_currency: "INR",
    subtotal_price: "2000.00",
    total_price: "1800.00",
    total_discounts: "200.00",
    total_line_items_price: "2000.00",
    customer_locale: "en-IN",
    landing_site: "/products/jordans?utm_source=instagram&utm_campaign=diwali",
    created_at: "2026-11-25T10:00:00+05:30",
    updated_at: "2026-11-25T10:02:00+05:30",
    completed_at: null,
    shipping_address: {
      first_name: "Darpan",
      last_name: "Deka",
      address1: "Rangia, Murara",
      address2: "",
      city: "Rangia",
      province: "Assam",
      province_code: "AS",
      zip: "781354",
      country: "India",
      country_code: "IN",
      phone: "+91 6000376569",
    },
    billing_address: null,
    customer: {
      id: 7001,
      email: "buyer@example.com",
      phone: null,
      first_name: "Darpan",
      last_name: "Deka",
      email_marketing_consent: { state: "subscribed" },
      sms_marketing_consent: { state: "not_subscribed" },
    },
    line_items: [
      {
        variant_id: 45515259445425,
        product_id: 8181897822385,
        title: "Jordans",
        variant_title: "Black",
        presentment_title: "Jordans",
        sku: "JRD-BLK",
        quantity: 2,
        price: "500.00",
        line_price: "1000.00",
        compare_at_price: null,
        discount_allocations: [{ amount: "200.00", description: "SHOE_AUTOMATIC", application_type: "automatic" }],
      },
    ],
    discount_codes: [{ code: "SHOE_AUTOMATIC", amount: "200.00", type: "fixed_amount" }],
    note_attributes: [{ name: "gift", value: "no" }],
    ...overrides,
  };
}

export function orderWebhookPayload(overrides: Record<string, unknown> = {}) {
  return {
    id: 820982911946154500,
    name: "#1001",
    checkout_token: "c1-checkout-token",
    cart_token: null,
    email: "buyer@example.com",
    contact_email: "buyer@example.com",
    phone: null,
    total_price: "1800.00",
    currency: "INR",
    presentment_currency: "INR",
    created_at: "2026-11-25T10:30:00+05:30",
    note_attributes: [],
    customer: { email: "buyer@example.com", phone: null },
    shipping_address: { phone: "+91 6000376569" },
    billing_address: null,
    ...overrides,
  };
}

export function customerPayload(shop: string, customer: { email?: string; phone?: string; id?: number }, extra: Record<string, unknown> = {}) {
  return { shop_id: 954889, shop_domain: shop, customer: { id: 7001, ...customer }, ...extra };
}
