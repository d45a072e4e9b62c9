import { Box } from "@shopify/polaris";

/** Text sent or received, as it was: monospaced and wrapped. */
export function Code({ children }: { children: string }) {
  return (
    <Box background="bg-surface-secondary" padding="300" borderRadius="200" overflowX="scroll">
      <pre style={{ margin: 0, fontSize: 12, lineHeight: 1.5, whiteSpace: "pre-wrap", wordBreak: "break-all" }}>{children}</pre>
    </Box>
  );
}
