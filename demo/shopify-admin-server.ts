// The demo's Shopify Admin API: demo/shopify-admin-api.ts served over
// loopback HTTP. The app server reaches it through demo/admin-api-redirect.mjs,
// which sends the demo shop's Admin requests here instead of to Shopify.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DROPPED, shopifyAdminApi, type DoubleOptions, type ShopifyAdminApi } from "./shopify-admin-api";
import { SHOPIFY_API_VERSION } from "./shopify-double";

export interface ShopifyAdminServer {
  api: ShopifyAdminApi;
  /** http://127.0.0.1:<port>, what https://<shop> becomes for the app */
  url: string;
  stop(): Promise<void>;
}

export async function startShopifyAdminServer(shop: string, options: DoubleOptions): Promise<ShopifyAdminServer> {
  const api = shopifyAdminApi(shop, options);
  const path = `/admin/api/${options.apiVersion ?? SHOPIFY_API_VERSION}/graphql.json`;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      if (request.method !== "POST" || request.url !== path) {
        response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ errors: "Not Found" }));
        return;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      const answer = api.answer({ body: Buffer.concat(chunks).toString("utf8"), headers });
      if (answer === DROPPED) {
        request.socket.destroy();
        return;
      }
      response.writeHead(answer.statusCode, answer.responseOptions.headers).end(answer.data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    api,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
