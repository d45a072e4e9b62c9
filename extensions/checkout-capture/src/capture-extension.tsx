/** @jsxImportSource preact */
import { signal, type Signal } from "@preact/signals";
import { createCaptureSender, type CaptureSenderOptions } from "./capture-sender";
import type { ExtensionApi } from "./checkout-api";
import { OptInCheckbox } from "./opt-in-checkbox";
import { OPT_IN_STORAGE_KEY, optInLabel, optInShown } from "./settings";
import { startCapture } from "./start-capture";

export interface CaptureExtensionOptions {
  /** `<app>/api/capture`; undefined renders the checkbox but captures nothing. */
  endpoint: string | undefined;
  fetch?: CaptureSenderOptions["fetch"];
  now?: () => Date;
  report?: (message: string, detail?: unknown) => void;
}

export interface CaptureExtension {
  /** The checkbox (or nothing, when the merchant hid it). */
  OptIn: () => ReturnType<typeof OptInCheckbox> | null;
  /** The buyer's choice; false until they tick the box. */
  optIn: Signal<boolean>;
  /** Starts watching the checkout; later calls do nothing. */
  start(): void;
  stop(): void;
}

/** The extension's wiring, free of `document` and of the `shopify` global so tests can drive it. */
export function createCaptureExtension(api: ExtensionApi, options: CaptureExtensionOptions): CaptureExtension {
  const report = options.report ?? (() => {});
  const optIn = signal(false);
  let touched = false;
  let stop: (() => void) | undefined;

  const onChange = (checked: boolean) => {
    touched = true;
    optIn.value = checked;
    api.storage.write(OPT_IN_STORAGE_KEY, checked).catch((error) => report("could not remember the opt-in", error));
  };

  function OptIn() {
    const settings = api.settings.value;
    if (!optInShown(settings)) return null;
    const label = optInLabel(settings, String(api.i18n.translate("optInLabel")));
    return <OptInCheckbox label={label} checked={optIn.value} onChange={onChange} />;
  }

  function start() {
    if (stop) return;
    stop = () => {};
    // The buyer's earlier choice survives moving between checkout steps.
    api.storage
      .read<boolean>(OPT_IN_STORAGE_KEY)
      .then((stored) => {
        if (!touched && typeof stored === "boolean") optIn.value = stored;
      })
      .catch((error) => report("could not read the remembered opt-in", error));
    if (!options.endpoint) {
      report("CART_RELAY_APP_URL was not set when this extension was built; nothing is captured");
      return;
    }
    const sender = createCaptureSender({
      endpoint: options.endpoint,
      getToken: () => api.sessionToken.get(),
      fetch: options.fetch,
      report,
    });
    stop = startCapture(api, {
      sender,
      whatsappOptIn: () => (optInShown(api.settings.value) ? optIn.value : null),
      optInText: () => (optInShown(api.settings.value) ? optInLabel(api.settings.value, String(api.i18n.translate("optInLabel"))) : null),
      watch: [optIn, api.settings],
      now: options.now,
      report,
    });
  }

  return { OptIn, optIn, start, stop: () => stop?.() };
}
