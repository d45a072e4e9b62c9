import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { action as captureAction } from "../../../app/routes/api.capture";
import { BROWSER_USER_AGENT, checkoutSessionToken } from "../../../test/shopify";
import { checkoutOf } from "../../../test/db";
import type { CaptureBody } from "./capture-body";
import { createCaptureExtension, type CaptureExtension } from "./capture-extension";
import { cartLine, fakeCheckout } from "./fake-checkout";
import { OptInCheckbox, type OptInCheckboxProps } from "./opt-in-checkbox";
import { OPT_IN_STORAGE_KEY } from "./settings";

interface Received {
  headers: IncomingHttpHeaders;
  body: CaptureBody;
}

/** A real HTTP receiver on loopback playing the app's /api/capture; answers from a script of statuses, then 200. */
async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let data = "";
    request.on("data", (chunk) => (data += chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: JSON.parse(data) });
      response.writeHead(statuses.shift() ?? 200, { "content-type": "application/json" });
      response.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/api/capture`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** The <s-checkbox> element the extension renders, found by calling its components as Preact would. */
function checkbox(optIn: CaptureExtension["OptIn"]): { label: string; checked: boolean; tick: (checked: boolean) => void } | null {
  const outer = optIn();
  if (!outer) return null;
  expect(outer.type).toBe(OptInCheckbox);
  const element = OptInCheckbox(outer.props as unknown as OptInCheckboxProps);
  expect(element.type).toBe("s-checkbox");
  const props = element.props as unknown as { label: string; checked: boolean; onChange: (event: unknown) => void };
  return { label: props.label, checked: props.checked, tick: (checked) => props.onChange({ currentTarget: { checked } }) };
}

describe("the checkout capture extension", () => {
  let receiver: Receiver | undefined;
  // Let the debounce elapse, then wait for the real request to cross loopback.
  const settle = async (extensionIdle: () => Promise<void>, ms = 1500) => {
    await vi.advanceTimersByTimeAsync(ms);
    await extensionIdle();
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(new Date("2026-11-25T04:30:00.000Z"));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await receiver?.close();
    receiver = undefined;
  });

  function start(options: Parameters<typeof fakeCheckout>[0] = {}, endpoint = receiver!.endpoint) {
    const checkout = fakeCheckout(options);
    const inFlight: Promise<unknown>[] = [];
    const trackingFetch: typeof fetch = (input, init) => {
      const request = fetch(input, init);
      inFlight.push(request.catch(() => undefined));
      return request;
    };
    const reports: string[] = [];
    const extension = createCaptureExtension(checkout.api, { endpoint, fetch: trackingFetch, report: (m) => reports.push(m) });
    const idle = async () => {
      while (inFlight.length > 0) await inFlight.shift();
      await vi.advanceTimersByTimeAsync(0);
    };
    extension.start();
    return { ...checkout, extension, idle, reports };
  }

  it("sends what the buyer typed, step by step, over real HTTP with the session token", async () => {
    receiver = await startReceiver();
    const { signals, extension, idle } = start();

    // Checkout opens: the cart is known, the token arrives a moment later.
    signals.lines.value = [cartLine()];
    signals.subtotal.value = { amount: 1000, currencyCode: "INR" };
    signals.total.value = { amount: 800, currencyCode: "INR" };
    await settle(idle);
    expect(receiver.received).toHaveLength(0);
    signals.checkoutToken.value = "c1-checkout-token";
    await settle(idle);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0].body).toMatchObject({
      checkoutToken: "c1-checkout-token",
      whatsappOptIn: false,
      lines: [expect.objectContaining({ variantId: "45515259445425", quantity: 2, linePrice: 800 })],
      total: 800,
    });
    expect(receiver.received[0].body).not.toHaveProperty("email");

    // Typing: several changes inside the quiet time make one capture.
    signals.email.value = "asha@example.com";
    await vi.advanceTimersByTimeAsync(700);
    signals.phone.value = "098765 43210";
    await vi.advanceTimersByTimeAsync(700);
    signals.shippingAddress.value = { zip: "411001" };
    await settle(idle);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].body).toMatchObject({
      checkoutToken: "c1-checkout-token",
      email: "asha@example.com",
      phone: "098765 43210",
      shippingAddress: { zip: "411001" },
    });
    expect(receiver.received.map((r) => r.headers.authorization)).toEqual(["Bearer session-token-1", "Bearer session-token-2"]);
    expect(receiver.received[1].headers["content-type"]).toBe("application/json");

    // Signals that fire without a real change send nothing.
    signals.shippingAddress.value = { zip: "411001" };
    signals.email.value = "asha@example.com";
    await settle(idle, 60_000);
    expect(receiver.received).toHaveLength(2);
    extension.stop();
  });

  it("puts the checkbox state into whatsappOptIn and remembers it for the next step", async () => {
    receiver = await startReceiver();
    const { signals, extension, idle, storage } = start();
    signals.checkoutToken.value = "c2";
    signals.phone.value = "+91 6000376569";
    await settle(idle);

    const box = checkbox(extension.OptIn)!;
    expect(box).toMatchObject({ label: "Send me order updates and offers on WhatsApp", checked: false });
    expect(receiver.received.at(-1)!.body.whatsappOptIn).toBe(false);

    box.tick(true);
    await settle(idle);
    expect(receiver.received.at(-1)!.body).toMatchObject({ checkoutToken: "c2", phone: "+91 6000376569", whatsappOptIn: true });
    expect(checkbox(extension.OptIn)!.checked).toBe(true);
    expect(storage.get(OPT_IN_STORAGE_KEY)).toBe(true);

    checkbox(extension.OptIn)!.tick(false);
    await settle(idle);
    expect(receiver.received.at(-1)!.body.whatsappOptIn).toBe(false);
    expect(receiver.received).toHaveLength(3);
    extension.stop();
  });

  it("restores a remembered opt-in when the extension renders again on a later step", async () => {
    receiver = await startReceiver();
    const checkout = fakeCheckout();
    await checkout.api.storage.write(OPT_IN_STORAGE_KEY, true);
    checkout.signals.checkoutToken.value = "c3";
    const extension = createCaptureExtension(checkout.api, { endpoint: receiver.endpoint });
    extension.start();
    await vi.advanceTimersByTimeAsync(1500);
    await vi.waitFor(() => expect(receiver!.received).toHaveLength(1), { timeout: 5000 });
    expect(receiver.received[0].body.whatsappOptIn).toBe(true);
    expect(checkbox(extension.OptIn)!.checked).toBe(true);
    extension.stop();
  });

  it("uses the merchant's label, else the buyer's language, and reports no opt-in when the box is hidden", async () => {
    receiver = await startReceiver();
    const hindi = start({ language: "hi" });
    expect(checkbox(hindi.extension.OptIn)!.label).toBe("मुझे WhatsApp पर ऑर्डर अपडेट और ऑफ़र भेजें");
    hindi.signals.settings.value = { opt_in_label: "  WhatsApp pe updates chahiye?  " };
    expect(checkbox(hindi.extension.OptIn)!.label).toBe("WhatsApp pe updates chahiye?");
    hindi.extension.stop();

    const hidden = start();
    hidden.signals.settings.value = { hide_opt_in: true };
    hidden.signals.checkoutToken.value = "c4";
    await settle(hidden.idle);
    expect(checkbox(hidden.extension.OptIn)).toBeNull();
    expect(receiver.received.at(-1)!.body.checkoutToken).toBe("c4");
    expect(receiver.received.at(-1)!.body).not.toHaveProperty("whatsappOptIn");
    hidden.extension.stop();
  });

  it("retries a failed capture without throwing into checkout", async () => {
    receiver = await startReceiver([503, 502]);
    const { signals, extension, idle } = start();
    expect(() => {
      signals.checkoutToken.value = "c5";
      signals.email.value = "asha@example.com";
    }).not.toThrow();
    // Backoff of 1 s then 4 s, each with up to 20 % jitter.
    await settle(idle);
    await settle(idle, 1200);
    expect(receiver.received).toHaveLength(2);
    await settle(idle, 4800);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    await settle(idle, 120_000);
    expect(receiver.received).toHaveLength(3);
    extension.stop();
  });

  it("keeps the checkout working when the app cannot be reached at all", async () => {
    const { signals, extension, idle, reports } = start({}, "http://127.0.0.1:9/api/capture");
    signals.checkoutToken.value = "c6";
    for (const wait of [1500, 1200, 4800, 18_000, 72_000]) await settle(idle, wait);
    expect(reports).toEqual(["capture dropped after 5 attempts: fetch failed"]);
    checkbox(extension.OptIn)!.tick(true);
    expect(checkbox(extension.OptIn)!.checked).toBe(true);
    extension.stop();
  });

  it("renders the checkbox but sends nothing when the build had no app URL", async () => {
    const reports: string[] = [];
    const checkout = fakeCheckout();
    const fetchSpy = vi.fn();
    const extension = createCaptureExtension(checkout.api, { endpoint: undefined, fetch: fetchSpy, report: (m) => reports.push(m) });
    extension.start();
    checkout.signals.checkoutToken.value = "c7";
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetchSpy).not.toHaveBeenCalled();
    expect(checkbox(extension.OptIn)).not.toBeNull();
    expect(reports).toEqual(["CART_RELAY_APP_URL was not set when this extension was built; nothing is captured"]);
  });

  it("is accepted and stored by the app's real /api/capture", async () => {
    const shop = "extension-shop.myshopify.com";
    const checkout = fakeCheckout();
    checkout.api.sessionToken.get = () => checkoutSessionToken(shop);
    const statuses: number[] = [];
    // The browser adds its own user agent; the app refuses bot-like ones.
    const viaApp: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("user-agent", BROWSER_USER_AGENT);
      const response = await captureAction({
        request: new Request(input instanceof Request ? input.url : input, { ...init, headers }),
        params: {},
        context: {},
      });
      statuses.push(response.status);
      return response;
    };
    const extension = createCaptureExtension(checkout.api, { endpoint: "https://cart-relay.test/api/capture", fetch: viaApp });
    extension.start();
    const { signals } = checkout;
    signals.checkoutToken.value = "c8-checkout-token";
    signals.email.value = "Asha@Example.com";
    signals.phone.value = "098765 43210";
    signals.shippingAddress.value = { firstName: "Asha", city: "Pune", zip: "411001", countryCode: "IN" };
    signals.lines.value = [cartLine()];
    signals.total.value = { amount: 800, currencyCode: "INR" };
    signals.attributes.value = [{ key: "utm_source", value: "instagram" }];
    checkbox(extension.OptIn)!.tick(true);
    await vi.advanceTimersByTimeAsync(1500);
    await vi.waitFor(async () => expect(await checkoutOf(shop, "c8-checkout-token")).not.toBeNull(), { timeout: 5000 });
    await vi.waitFor(() => expect(statuses).toEqual([200]), { timeout: 5000 });

    expect(await checkoutOf(shop, "c8-checkout-token")).toMatchObject({
      email: "Asha@Example.com",
      phoneE164: "+919876543210",
      whatsappOptIn: true,
      firstName: "Asha",
      zip: "411001",
      countryCode: "IN",
      currency: "INR",
      sources: "extension",
      trustedSeen: true,
      utm: { utm_source: "instagram" },
    });
    extension.stop();
  });
});
