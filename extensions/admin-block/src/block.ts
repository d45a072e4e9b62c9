import { blockTree, type BlockNode, type BlockStory } from "./block-view";

// Entry of both targets: finds the checkout the page shows, asks the app what
// it captured and sent, renders it, and resends a delivery on "Resend now".

declare const shopify: {
  data: { selected: { id: string }[] };
  query: (query: string, options?: { variables?: Record<string, unknown> }) => Promise<{ data?: { node?: { abandonedCheckoutUrl?: string } | null } }>;
};

const RECOVERY_URL = `query CartRelayBlock($id: ID!) { node(id: $id) { ... on AbandonedCheckout { abandonedCheckoutUrl } } }`;

async function lookup(): Promise<URLSearchParams> {
  const id = shopify.data.selected[0]?.id ?? "";
  if (id.startsWith("gid://shopify/Order/")) return new URLSearchParams({ orderId: id.slice("gid://shopify/Order/".length) });
  const answer = await shopify.query(RECOVERY_URL, { variables: { id } });
  return new URLSearchParams({ recoveryUrl: String(answer.data?.node?.abandonedCheckoutUrl ?? "") });
}

function toElement(node: BlockNode, onResend: (deliveryId: string) => void): Element {
  const element = document.createElement(node.tag);
  for (const [name, value] of Object.entries(node.attrs ?? {})) element.setAttribute(name, value);
  if (node.text !== undefined) element.append(node.text);
  for (const child of node.children ?? []) element.append(toElement(child, onResend));
  if (node.resend) element.addEventListener("click", () => onResend(node.resend!));
  return element;
}

export default async () => {
  const render = async () => {
    const response = await fetch(`/api/admin-block?${(await lookup()).toString()}`);
    const body = (await response.json()) as BlockStory & { error?: string };
    document.body.replaceChildren(toElement(blockTree(response.ok ? body : null, response.ok ? null : (body.error ?? null)), resend));
  };
  const resend = (deliveryId: string) =>
    void fetch("/api/admin-block", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ deliveryId }) }).then(render);
  await render();
};
