// Plays Shopify's admin around the embedded app in a browser. The real App
// Bridge (https://cdn.shopify.com/shopifycloud/app-bridge.js) only works inside
// the Shopify admin (and cannot load here, offline), so the e2e test and the
// demo serve this script in its place. It does what App Bridge does for the
// app's own code:
// - defines the `shopify` global, whose idToken() returns a session token:
//   from Node through page.exposeFunction when the test provides one (so the
//   app secret never enters the page), otherwise the demo's admin session, the
//   `id_token` of the URL the demo printed, kept in localStorage until it
//   expires;
// - adds `Authorization: Bearer <idToken>` to the app's same-origin fetches,
//   which is how Remix's data requests and form posts authenticate;
// - on the library's bounce page (`/auth/session-token?shopify-reload=...`)
//   reloads the page with a token, as App Bridge does;
// - defines the ui-nav-menu, ui-title-bar and ui-save-bar elements. The admin
//   renders them outside the app's iframe; `chrome: "hidden"` (the e2e test)
//   hides them, `chrome: "visible"` (the demo) draws the navigation above the
//   page, and the save bar in its place while there are unsaved changes, so a
//   plain browser can click through the app;
// - shows toasts as Shopify's admin does, recording them for assertions.

export const APP_BRIDGE_URL = "https://cdn.shopify.com/shopifycloud/app-bridge.js";
export const ID_TOKEN_BINDING = "cartRelayTestIdToken";

export interface StandInOptions {
  chrome: "hidden" | "visible";
}

export function appBridgeStandIn({ chrome }: StandInOptions): string {
  return `(() => {
  const VISIBLE = ${JSON.stringify(chrome === "visible")};
  const script = document.currentScript;
  const apiKey = script && script.dataset.apiKey;
  const params = new URLSearchParams(location.search);
  const toasts = [];
  window.__cartRelayToasts = toasts;

  // The demo's admin session: the id_token of the printed URL, for as long as it is valid.
  const storageKey = "cartRelayDemoSession:" + apiKey;
  function expiry(token) {
    try {
      return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp * 1000;
    } catch {
      return 0;
    }
  }
  if (params.get("id_token")) localStorage.setItem(storageKey, params.get("id_token"));
  function sessionToken() {
    const token = localStorage.getItem(storageKey);
    return token && expiry(token) > Date.now() ? token : null;
  }
  function notice(text) {
    const show = () => {
      const node = document.createElement("div");
      node.setAttribute("role", "alert");
      node.textContent = text;
      Object.assign(node.style, { margin: "48px auto", maxWidth: "560px", padding: "16px 20px", borderRadius: "12px",
        background: "#fff4f4", color: "#8e1f0b", font: "14px/1.5 Inter, system-ui, sans-serif", border: "1px solid #fbd2d2" });
      document.body.prepend(node);
    };
    document.body ? show() : addEventListener("DOMContentLoaded", show);
  }
  const ENDED = "The demo's admin session has ended. Run npm run demo again and open the URL it prints.";

  async function idToken() {
    if (typeof window.${ID_TOKEN_BINDING} === "function") return window.${ID_TOKEN_BINDING}();
    const token = sessionToken();
    if (!token) {
      notice(ENDED);
      throw new Error(ENDED);
    }
    return token;
  }

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
    config: { apiKey, shop: params.get("shop"), host: params.get("host"), locale: "en" },
    idToken,
    toast: { show: showToast, hide() {} },
    loading() {},
  };

  const nativeFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return nativeFetch(input, init);
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + (await idToken()));
    return nativeFetch(input, { ...(init || {}), headers });
  };

  // The library's bounce page: a document request without a token lands here; reload it with one.
  const reload = params.get("shopify-reload");
  if (reload) {
    const target = new URL(reload, location.href);
    if (target.origin === location.origin) {
      idToken().then((token) => {
        target.searchParams.set("id_token", token);
        location.replace(target.href);
      }, () => {});
    }
  }

  const BAR = "display:flex;align-items:center;gap:4px;padding:8px 16px;background:#1a1a1a;color:#e3e3e3;" +
    "font:500 13px/20px Inter,system-ui,sans-serif;";

  class AdminChrome extends HTMLElement {
    connectedCallback() { if (!VISIBLE) this.style.display = "none"; }
    // Drawn in a shadow root: React hydrates the light DOM and never sees these nodes.
    get frame() { return this.shadowRoot || this.attachShadow({ mode: "open" }); }
  }

  // The open save bar, if any: Shopify's admin shows it in place of its top bar.
  let openSaveBar = null;
  const CHROME_CHANGED = "cart-relay:admin-chrome";

  // Shopify's admin shows the app's menu in its sidebar; here it becomes a bar above the page.
  class NavMenu extends AdminChrome {
    connectedCallback() {
      super.connectedCallback();
      if (!VISIBLE) return;
      Object.assign(this.style, { display: "block", position: "sticky", top: "0", zIndex: "500" });
      const draw = () => this.draw();
      new MutationObserver(draw).observe(this, { childList: true, subtree: true, characterData: true });
      addEventListener("popstate", draw);
      addEventListener(CHROME_CHANGED, draw);
      for (const method of ["pushState", "replaceState"]) {
        const original = history[method].bind(history);
        history[method] = (...args) => { original(...args); draw(); };
      }
      document.readyState === "loading" ? addEventListener("DOMContentLoaded", draw) : draw();
    }
    draw() {
      if (openSaveBar) {
        this.frame.replaceChildren(openSaveBar.region());
        return;
      }
      const nav = document.createElement("nav");
      nav.setAttribute("aria-label", "App navigation");
      nav.style.cssText = BAR;
      const brand = document.createElement("span");
      brand.textContent = "Cart Relay (demo admin)";
      brand.style.cssText = "margin-right:16px;color:#fff;font-weight:650";
      nav.append(brand);
      for (const anchor of this.querySelectorAll("a")) {
        const href = anchor.getAttribute("href");
        const path = new URL(href, location.href).pathname;
        const current = anchor.getAttribute("rel") === "home" ? location.pathname === path : location.pathname.startsWith(path);
        const link = document.createElement("a");
        link.href = href;
        link.textContent = anchor.textContent;
        if (current) link.setAttribute("aria-current", "page");
        link.style.cssText = "text-decoration:none;padding:4px 10px;border-radius:8px;" +
          (current ? "color:#fff;background:#303030" : "color:#c7c7c7");
        link.addEventListener("click", (event) => {
          if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
          event.preventDefault();
          // What App Bridge does when the merchant picks a menu item: the app's AppProvider navigates.
          anchor.dispatchEvent(new CustomEvent("shopify:navigate", { bubbles: true }));
        });
        nav.append(link);
      }
      this.frame.replaceChildren(nav);
    }
  }

  // The contextual save bar, with the app's own Save and Discard buttons, in place of the menu
  // while there are unsaved changes (as in Shopify's admin, leaving the page means choosing one).
  class SaveBar extends AdminChrome {
    show() {
      this.dataset.open = "true";
      if (VISIBLE) {
        openSaveBar = this;
        dispatchEvent(new Event(CHROME_CHANGED));
      }
      this.dispatchEvent(new Event("show"));
    }
    hide() {
      delete this.dataset.open;
      if (VISIBLE && openSaveBar === this) {
        openSaveBar = null;
        dispatchEvent(new Event(CHROME_CHANGED));
      }
      this.dispatchEvent(new Event("hide"));
    }
    toggle() { this.dataset.open ? this.hide() : this.show(); }
    get showing() { return Boolean(this.dataset.open); }
    region() {
      const region = document.createElement("div");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", "Unsaved changes");
      region.style.cssText = BAR + "justify-content:space-between;background:#303030";
      const label = document.createElement("span");
      label.textContent = "Unsaved changes";
      const actions = document.createElement("span");
      actions.style.cssText = "display:flex;gap:8px";
      for (const button of this.querySelectorAll("button")) {
        const primary = button.getAttribute("variant") === "primary";
        const copy = document.createElement("button");
        copy.type = "button";
        copy.textContent = button.textContent || (primary ? "Save" : "Discard");
        copy.style.cssText = "font:inherit;cursor:pointer;padding:4px 12px;border-radius:8px;border:0;" +
          (primary ? "background:#fff;color:#303030" : "background:#4a4a4a;color:#fff");
        copy.addEventListener("click", () => button.click());
        actions.append(copy);
      }
      region.append(label, actions);
      return region;
    }
  }

  customElements.define("ui-nav-menu", NavMenu);
  customElements.define("ui-title-bar", class extends HTMLElement { connectedCallback() { this.style.display = "none"; } });
  customElements.define("ui-save-bar", SaveBar);
})();`;
}

/** The e2e test's stand-in: the admin's chrome stays hidden, tokens come from the test. */
export const APP_BRIDGE_STAND_IN = appBridgeStandIn({ chrome: "hidden" });
