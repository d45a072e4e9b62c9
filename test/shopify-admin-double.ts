// Plays Shopify's Admin GraphQL API at https://<shop>/admin/api/<version>/graphql.json
// through an undici MockAgent: the app's real admin client (shopify-app-remix's
// unauthenticated.admin, with the stored offline session's token) or a plain
// fetch sends the request, and demo/shopify-admin-api.ts answers as Shopify
// does (the demo serves the same answers over loopback HTTP).
//
// Test files using it must give Shopify's library undici's own fetch before
// it is imported (see test/admin-settings.test.ts and its vi.hoisted note):
// MockAgent only sees requests made through the undici package's fetch.
import { MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from "undici";
import { DROPPED, shopifyAdminApi, type DoubleOptions, type ShopifyAdminApi } from "../demo/shopify-admin-api";
import { API_VERSION } from "./shopify";

export type { AdminCall, AdminVariables, DiscountInput, DoubleOptions, Fault, StoredCustomer, StoredDiscount } from "../demo/shopify-admin-api";

export interface ShopifyAdminDouble extends Omit<ShopifyAdminApi, "answer"> {
  close(): void;
}

export function shopifyAdminDouble(shop: string, options: DoubleOptions): ShopifyAdminDouble {
  const api = shopifyAdminApi(shop, options);
  const agent = new MockAgent();
  agent.disableNetConnect();
  agent
    .get(`https://${shop}`)
    .intercept({ path: `/admin/api/${options.apiVersion ?? API_VERSION}/graphql.json`, method: "POST" })
    .reply((request) => {
      const answer = api.answer({ body: requestText(request.body), headers: request.headers as Record<string, string> });
      if (answer === DROPPED) throw new Error(api.calls.at(-1)?.answered === "response lost" ? "socket hang up" : "connect ECONNREFUSED");
      return answer;
    })
    .persist();

  const previous: Dispatcher = getGlobalDispatcher();
  setGlobalDispatcher(agent);
  // The double is the API minus its transport-free answer, which only the agent above calls.
  const { answer: _answer, ...rest } = api;
  return {
    ...rest,
    close: () => {
      setGlobalDispatcher(previous);
      void agent.close();
    },
  };
}

/** The text of a request body the app's Admin client sent (always JSON text); anything else is a bug in the test. */
export function requestText(body: unknown): string {
  if (typeof body !== "string") throw new Error(`expected the request body as text, got ${typeof body}`);
  return body;
}
