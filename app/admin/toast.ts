/** App Bridge's toast when the admin provides it (it always does when embedded). */
export function showToast(message: string, options: { isError?: boolean } = {}) {
  if (typeof window !== "undefined" && typeof window.shopify?.toast?.show === "function") {
    window.shopify.toast.show(message, { isError: options.isError });
  }
}
