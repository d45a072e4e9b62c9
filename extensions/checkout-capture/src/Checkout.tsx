/** @jsxImportSource preact */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { captureEndpoint } from "./app-url";
import { createCaptureExtension, type CaptureExtension } from "./capture-extension";
import type { ExtensionApi } from "./checkout-api";

function report(message: string, detail?: unknown) {
  console.warn(`[Cart Relay] ${message}`, detail ?? "");
}

// One capture per sandbox, however many of the extension's targets the merchant placed.
let extension: CaptureExtension | undefined;

export default async function renderCheckoutCapture() {
  const api = (globalThis as unknown as { shopify: ExtensionApi }).shopify;
  extension ??= createCaptureExtension(api, { endpoint: captureEndpoint(), report });
  const { OptIn } = extension;
  render(<OptIn />, document.body);
  // The checkout editor previews the extension with sample data: nothing to capture there.
  if (api.extension.editor) return;
  try {
    extension.start();
  } catch (error) {
    report("capture did not start", error);
  }
}
