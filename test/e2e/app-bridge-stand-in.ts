// Plays Shopify's admin around the embedded app in the browser. The real App
// Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js) cannot load
// here (no internet), so the test serves this script in its place. It does
// what App Bridge does for the app's own code:
// - defines the `shopify` global, whose idToken() returns a session token
//   freshly signed by the test (HS256 with the app secret, as Shopify signs);
// - adds `Authorization: Bearer <idToken>` to the app's same-origin fetches,
//   which is how Remix's data requests and form posts authenticate;
// - defines the ui-nav-menu, ui-title-bar and ui-save-bar elements (the
//   admin renders those outside the iframe, so they stay hidden here) and
//   shows toasts as Shopify's admin does, recording them for assertions.
// The token itself comes from Node through page.exposeFunction, so the app
// secret never enters the page.

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
export const ID_TOKEN_BINDING = "cartRelayTestIdToken";

export const APP_BRIDGE_STAND_IN = `(() => {
  const script = document.currentScript;
  const params = new URLSearchParams(location.search);
  const toasts = [];
  window.__cartRelayToasts = toasts;

  function showToast(message, options) {
    toasts.push({ message, isError: Boolean(options && options.isError) });
    const node = document.createElement("div");
    node.setAttribute("role", "status");
    node.dataset.toast = "";
    node.textContent = message;
    Object.assign(node.style, {
      position: "fixed", left: "50%", bottom: "24px", transform: "translateX(-50%)", zIndex: "1000",
      background: options && options.isError ? "#8e1f0b" : "#303030", color: "#fff", padding: "10px 16px",
      borderRadius: "10px", font: "500 13px Inter, sans-serif", boxShadow: "0 4px 12px rgba(0,0,0,.25)",
    });
    document.body.appendChild(node);
    setTimeout(() => node.remove(), (options && options.duration) || 5000);
  }

  window.shopify = {
    config: { apiKey: script && script.dataset.apiKey, shop: params.get("shop"), host: params.get("host"), locale: "en" },
    idToken: () => window.${ID_TOKEN_BINDING}(),
    toast: { show: showToast, hide() {} },
    loading() {},
  };

  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return nativeFetch(input, init);
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + (await window.shopify.idToken()));
    return nativeFetch(input, { ...(init || {}), headers });
  };

  class AdminChrome extends HTMLElement {
    connectedCallback() { this.style.display = "none"; }
  }
  class SaveBar extends AdminChrome {
    show() { this.dataset.open = "true"; this.dispatchEvent(new Event("show")); }
    hide() { delete this.dataset.open; this.dispatchEvent(new Event("hide")); }
    toggle() { this.dataset.open ? this.hide() : this.show(); }
  }
  customElements.define("ui-nav-menu", class extends AdminChrome {});
  customElements.define("ui-title-bar", class extends AdminChrome {});
  customElements.define("ui-save-bar", SaveBar);
})();`;
