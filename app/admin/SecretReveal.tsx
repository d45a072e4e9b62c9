import { useCallback, useState } from "react";
import { Banner, BlockStack, Button, Text, TextField } from "@shopify/polaris";
import { showToast } from "./toast";

/** A secret shown this once, with a copy button; the text stays selectable where the clipboard is refused. */
export function SecretReveal({ secret, label = "Signing secret" }: { secret: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = useCallback(async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
      showToast("Secret copied");
    } catch {
      setCopied(false);
      showToast("Copy was blocked: select the secret and copy it by hand", { isError: true });
    }
  }, [secret]);
  return (
    <Banner tone="warning" title="Copy this secret now: it will not be shown again">
      <BlockStack gap="200">
        <TextField
          label={label}
          value={secret}
          readOnly
          autoComplete="off"
          monospaced
          selectTextOnFocus
          connectedRight={<Button onClick={() => void copy()}>{copied ? "Copied" : "Copy"}</Button>}
        />
        <Text as="p" variant="bodySm" tone="subdued">
          Paste it into your BSP's webhook settings. It verifies the x-webhook-signature header on every event.
        </Text>
      </BlockStack>
    </Banner>
  );
}
