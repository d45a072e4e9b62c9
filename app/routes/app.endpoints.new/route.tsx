import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { BlockStack, Box, Button, Card, InlineStack, Page, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { z } from "zod";
import { adminContext, parseOrThrow, readJsonBody } from "../../admin/context.server";
import { defaultEndpointFormValues, type EndpointFormValues } from "../../admin/endpoint-form";
import { endpointFormOptions, parseEndpointForm } from "../../admin/endpoint-form.server";
import { EndpointForm } from "../../admin/EndpointForm";
import { AdminErrorBoundary } from "../../admin/AdminErrorBoundary";
import { jsonTarget } from "../../admin/json-submit";
import { SecretReveal } from "../../admin/SecretReveal";
import { createEndpoint } from "../../endpoints/endpoint.server";
import { usableTimeZone } from "../../metrics/date-range";

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json({ defaults: defaultEndpointFormValues(usableTimeZone(shop.timezone)), options: endpointFormOptions() });
}

const createBody = z.object({ intent: z.literal("create", { error: "must be create" }), values: z.unknown() });

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const { values } = parseOrThrow(createBody, await readJsonBody(request));
  const parsed = parseEndpointForm(values);
  if (!parsed.ok) return json({ ok: false as const, errors: parsed.errors, created: null }, { status: 400 });
  const { endpoint, secret } = await createEndpoint(shop, parsed.input);
  return json({ ok: true as const, errors: {}, created: { id: endpoint.id, name: endpoint.name, secret } });
}

export default function NewEndpoint() {
  const { defaults, options } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [values, setValues] = useState<EndpointFormValues>(defaults);
  const errors = result && !result.ok ? result.errors : {};
  const saving = navigation.state === "submitting";
  const save = () => submit(jsonTarget({ intent: "create", values }), { method: "post", encType: "application/json" });

  if (result?.created) {
    return (
      <Page title={`${result.created.name} is connected`} backAction={{ content: "Endpoints", url: "/app/endpoints" }}>
        <TitleBar title="Endpoint created" />
        <Card>
          <BlockStack gap="400">
            <SecretReveal secret={result.created.secret} />
            <Text as="p">Next, send a test event and check that the receiver rejects forged ones. Both are on the endpoint's page.</Text>
            <InlineStack gap="200">
              <Button variant="primary" url={`/app/endpoints/${result.created.id}`}>
                Open endpoint
              </Button>
              <Button url="/app/endpoints">All endpoints</Button>
            </InlineStack>
          </BlockStack>
        </Card>
      </Page>
    );
  }

  return (
    <Page
      title="Add endpoint"
      subtitle="Connect a WhatsApp BSP or any HTTPS webhook."
      backAction={{ content: "Endpoints", url: "/app/endpoints" }}
      primaryAction={{ content: "Save endpoint", onAction: save, loading: saving }}
    >
      <TitleBar title="Add endpoint" />
      <BlockStack gap="500">
        <EndpointForm values={values} onChange={setValues} errors={errors} options={options} refusedTitle="The endpoint was not saved" />
        <Box paddingBlockEnd="800">
          <InlineStack align="end">
            <Button variant="primary" onClick={save} loading={saving}>
              Save endpoint
            </Button>
          </InlineStack>
        </Box>
      </BlockStack>
    </Page>
  );
}

export const ErrorBoundary = AdminErrorBoundary;
