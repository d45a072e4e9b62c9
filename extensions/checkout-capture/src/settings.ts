// Merchant settings from shopify.extension.toml ([extensions.settings]).
export type ExtensionSettings = Record<string, string | number | boolean | undefined>;

export const OPT_IN_LABEL_SETTING = "opt_in_label";
export const HIDE_OPT_IN_SETTING = "hide_opt_in";
export const OPT_IN_STORAGE_KEY = "cart-relay:whatsapp-opt-in";

/** The merchant's label when set, otherwise the translation for the buyer's language. */
export function optInLabel(settings: ExtensionSettings, translated: string): string {
  const custom = settings[OPT_IN_LABEL_SETTING];
  return typeof custom === "string" && custom.trim() !== "" ? custom.trim() : translated;
}

export function optInShown(settings: ExtensionSettings): boolean {
  return settings[HIDE_OPT_IN_SETTING] !== true;
}
