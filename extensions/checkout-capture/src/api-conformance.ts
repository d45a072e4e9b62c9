// Compile-time checks that the narrow types the capture codes against match
// Shopify's real checkout API (2026-07). Nothing imports this file: it is
// typechecked by extensions/checkout-capture/tsconfig.json, and kept out of
// the root typecheck because `@shopify/ui-extensions`' checkout types declare
// a global `shopify` that would shadow App Bridge's in the admin code.
import type { JSX } from "preact";
import type { Api } from "@shopify/ui-extensions/purchase.checkout.block.render";
import type { ExtensionApi } from "./checkout-api";
import type { checkboxProps } from "./opt-in-checkbox";

type Assignable<T extends U, U> = T;

export type RealApiFitsExtensionApi = Assignable<Api, ExtensionApi>;
export type CheckboxPropsFitPolaris = Assignable<ReturnType<typeof checkboxProps>, JSX.IntrinsicElements["s-checkbox"]>;
export type CheckboxPropNamesArePolaris = Assignable<keyof ReturnType<typeof checkboxProps>, keyof JSX.IntrinsicElements["s-checkbox"]>;
