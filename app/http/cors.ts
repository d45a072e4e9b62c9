// Checkout extensions and web pixels run on Shopify's origins (sandboxed
// workers), so their endpoints answer any origin; they carry no cookies.
export const PUBLIC_CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type",
  "access-control-max-age": "7200",
} as const;

export function preflightResponse(): Response {
  return new Response(null, { status: 204, headers: PUBLIC_CORS_HEADERS });
}
