import { useState } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
// The library's provider brings Polaris's English strings; outside the admin, without App Bridge.
import { AppProvider } from "@shopify/shopify-app-remix/react";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { login } from "../../shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const MESSAGES: Partial<Record<string, string>> = {
  [LoginErrorType.MissingShop]: "Enter your shop domain to log in",
  [LoginErrorType.InvalidShop]: "Enter a valid shop domain, such as my-shop.myshopify.com",
};

async function loginErrors(request: Request) {
  const errors = await login(request);
  return { shop: errors.shop ? MESSAGES[errors.shop] : undefined };
}

export async function loader({ request }: LoaderFunctionArgs) {
  return json({ errors: await loginErrors(request) });
}

export async function action({ request }: ActionFunctionArgs) {
  return json({ errors: await loginErrors(request) });
}

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const errors = actionData?.errors ?? loaderData.errors;
  return (
    <AppProvider isEmbeddedApp={false} apiKey="">
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text variant="headingMd" as="h2">
                Log in to Cart Relay
              </Text>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="example.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit>Log in</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
