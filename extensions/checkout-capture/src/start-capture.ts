import { buildCaptureBody, readSnapshot } from "./capture-body";
import type { CaptureSender } from "./capture-sender";
import type { CaptureApi } from "./checkout-api";

/** Anything whose changes mean a new snapshot: checkout signals, the checkbox, settings. */
export interface Watchable {
  subscribe(fn: () => void): () => void;
}

export interface StartCaptureOptions {
  sender: CaptureSender;
  /** The checkbox state as the capture should report it: null when the buyer was not shown the box. */
  whatsappOptIn: () => boolean | null;
  /** The exact text shown beside the checkbox (consent evidence), null when it was not shown. */
  optInText?: () => string | null;
  /** Signals besides the checkout's own whose changes mean a new snapshot (the checkbox, settings). */
  watch?: Watchable[];
  now?: () => Date;
  report?: (message: string, detail?: unknown) => void;
}

/** Every checkout signal the capture body reads. */
export function captureSignals(api: CaptureApi): Watchable[] {
  const identity = api.buyerIdentity;
  const signals: (Watchable | undefined)[] = [
    api.checkoutToken,
    identity?.email,
    identity?.phone,
    identity?.customer,
    api.shippingAddress,
    api.lines,
    api.cost.subtotalAmount,
    api.cost.totalAmount,
    api.discountCodes,
    api.discountAllocations,
    api.attributes,
    api.localization.language,
    api.localization.currency,
  ];
  return signals.filter((signal): signal is Watchable => signal !== undefined);
}

/**
 * Watches the checkout and hands each new snapshot to the sender. Returns a
 * stop function. Reading the checkout never throws into it: a failure is
 * reported and the capture carries on with the next change.
 */
export function startCapture(api: CaptureApi, options: StartCaptureOptions): () => void {
  const now = options.now ?? (() => new Date());
  const report = options.report ?? (() => {});
  const push = () => {
    try {
      options.sender.update(buildCaptureBody(readSnapshot(api), options.whatsappOptIn(), now(), options.optInText?.() ?? null));
    } catch (error) {
      report("could not read the checkout", error);
    }
  };
  const unsubscribes = [...captureSignals(api), ...(options.watch ?? [])].map((signal) => signal.subscribe(push));
  push();
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
    options.sender.stop();
  };
}
