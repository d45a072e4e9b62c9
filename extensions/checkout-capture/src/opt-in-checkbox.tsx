/** @jsxImportSource preact */
import type {} from "@shopify/ui-extensions/purchase.checkout.block.render";

export interface OptInCheckboxProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

/** The one optional, unticked-by-default WhatsApp opt-in. */
export function OptInCheckbox({ label, checked, onChange }: OptInCheckboxProps) {
  return (
    <s-checkbox
      label={label}
      checked={checked}
      onChange={(event: Event) => onChange((event.currentTarget as unknown as { checked: boolean }).checked)}
    />
  );
}
