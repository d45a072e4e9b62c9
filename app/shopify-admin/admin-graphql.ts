/** What the app asks of an Admin GraphQL client: shopify-app-remix's `admin.graphql`, or a test double's. */
export type AdminGraphql = (query: string, options?: { variables?: Record<string, unknown> }) => Promise<Response>;
