// Checkout extensions and web pixels run on Shopify's origins (sandboxed
// workers), so their endpoints answer any origin; they carry no cookies.
export const PUBLIC_CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "POST, OPTIONS",
  "access-control-allow-headers": "Authorization, Content-Type",
  "access-control-max-age": "7200",
} as const;

export function withPublicCors(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(PUBLIC_CORS_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export function preflightResponse(): Response {
  return new Response(null, { status: 204, headers: PUBLIC_CORS_HEADERS });
}
