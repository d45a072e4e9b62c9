import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { adminContext, parseOrThrow, readJsonBody } from "../admin/context.server";
import { flowTriggersState, setFlowTriggers } from "../flow/flow-destination.server";

// The Settings card's data: whether the shop's Flow triggers are on (app/flow/FlowTriggersCard.tsx).
const flowTriggersInput = z.object({ enabled: z.boolean({ error: "must be true or false" }) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { shop } = await adminContext(request);
  return json(await flowTriggersState(shop.id));
}

export async function action({ request }: ActionFunctionArgs) {
  const { shop } = await adminContext(request);
  const { enabled } = parseOrThrow(flowTriggersInput, await readJsonBody(request));
  return json(await setFlowTriggers(shop, enabled));
}
