import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Box, Card, Layout, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { adminContext, parseOrThrow, readJsonBody } from "../../admin/context.server";
import { formatDateTime, topicLabel } from "../../admin/format";
import { postJson } from "../../admin/json-submit";
import { DeliveryStatusBadge } from "../../admin/StatusBadge";
import { useDoneToast } from "../../admin/use-done-toast";
import { AttemptCard } from "./AttemptCard";
import { Code } from "./Code";
import { DeliveryFacts } from "./DeliveryFacts";
import { deliveryPage, resendOne, type ResendAnswer } from "./queries.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await deliveryPage(shop, params.id));
}

const actionBody = z.object({ intent: z.literal("resend", { error: "must be resend" }) });

export async function action({ request, params }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  parseOrThrow(actionBody, await readJsonBody(request));
  const answer = await resendOne(shop, params.id);
  return json(answer, { status: answer.ok ? 200 : 400 });
}

export default function DeliveryPage() {
  const { delivery, timeZone, resendable } = useLoaderData<typeof loader>();
  const resend = useFetcher<ResendAnswer>();
  useDoneToast(resend, "Delivery queued to resend");

  return (
    <Page
      title={`${topicLabel(delivery.topic)} to ${delivery.endpoint.name}`}
      titleMetadata={<DeliveryStatusBadge status={delivery.status} attemptCount={delivery.attemptCount} />}
      subtitle={`Created ${formatDateTime(delivery.createdAt, timeZone)}`}
      backAction={{ content: "Deliveries", url: "/app/deliveries" }}
      primaryAction={
        resendable
          ? {
              content: "Resend",
              loading: resend.state !== "idle",
              onAction: () => postJson(resend, { intent: "resend" }),
            }
          : undefined
      }
    >
      <TitleBar title="Delivery" />
      <BlockStack gap="500">
        {resend.data && !resend.data.ok ? (
          <Banner tone="critical" title="Not resent">
            <p>{resend.data.error}</p>
          </Banner>
        ) : null}
        <DeliveryFacts delivery={delivery} timeZone={timeZone} />

        <Layout>
          <Layout.Section variant="oneHalf">
            <BlockStack gap="400">
              <Text as="h2" variant="headingMd">
                Attempts
              </Text>
              {delivery.attempts.length === 0 ? (
                <Card>
                  <Text as="p" tone="subdued">
                    Not attempted yet.
                  </Text>
                </Card>
              ) : (
                delivery.attempts
                  .slice()
                  .reverse()
                  .map((attempt) => <AttemptCard key={attempt.number} attempt={attempt} timeZone={timeZone} />)
              )}
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneHalf">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Body
                </Text>
                <Text as="p" variant="bodySm" tone="subdued">
                  Identical on every attempt. Shown with the buyer's contact, name and address masked.
                </Text>
                <Code>{delivery.body}</Code>
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
        <Box paddingBlockEnd="800" />
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
