import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { adminContext, parseOrThrow, readJsonBody } from "../admin/context.server";
import { consentSyncState, setConsentSync } from "../consent/consent-sync.server";

// The Settings section's data: whether WhatsApp consent sync is on, and how its exchanges went (app/consent/ConsentSyncSection.tsx).
const consentSyncInput = z.object({ enabled: z.boolean({ error: "must be true or false" }) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await consentSyncState(shop));
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const { enabled } = parseOrThrow(consentSyncInput, await readJsonBody(request));
  await setConsentSync(shop, enabled);
  return json(await consentSyncState({ ...shop, consentSyncEnabled: enabled }));
}
