import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { BlockStack, Card, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/** The `error` of a JSON error response (`notFound`, `badRequest`), if it has one. */
function errorMessage(data: unknown): string | null {
  return typeof data === "object" && data !== null && "error" in data && typeof data.error === "string" ? data.error : null;
}

/**
 * Route error boundary: a 404 (another shop's id or a deleted one) reads as
 * a Polaris page; Shopify's auth responses go to the library's boundary.
 */
export function AdminErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 404 || error.status === 400)) {
    const message = errorMessage(error.data) ?? "Not found";
    return (
      <Page title={error.status === 404 ? "Not found" : "Bad request"} backAction={{ content: "Dashboard", url: "/app" }}>
        <Card>
          <BlockStack gap="200">
            <Text as="p">{message.charAt(0).toUpperCase() + message.slice(1)}.</Text>
            <Text as="p" tone="subdued">
              It may have been deleted, or it belongs to another store.
            </Text>
          </BlockStack>
        </Card>
      </Page>
    );
  }
  return boundary.error(error);
}
