import { h } from "preact";

export interface OptInCheckboxProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

/** Props of Polaris' `<s-checkbox>` (their fit with Shopify's types is checked in api-conformance.ts). */
export function checkboxProps({ label, checked, onChange }: OptInCheckboxProps) {
  return {
    label,
    checked,
    onChange: (event: Event) => onChange((event.currentTarget as unknown as { checked: boolean }).checked),
  };
}

/** The one optional, unticked-by-default WhatsApp opt-in. */
export function OptInCheckbox(props: OptInCheckboxProps) {
  return h("s-checkbox", checkboxProps(props));
}
