import { Modal, Text } from "@shopify/polaris";
import { useEndpointIntent } from "./use-endpoint-intent";

/** Asks before deleting; the action leaves the page for the endpoint list. */
export function DeleteEndpointModal({ name, open, onClose }: { name: string; open: boolean; onClose: () => void }) {
  const remove = useEndpointIntent();
  return (
    <Modal
      open={open}
      onClose={onClose}
      title={`Delete ${name}?`}
      primaryAction={{ content: "Delete endpoint", destructive: true, loading: remove.busy, onAction: () => remove.run({ intent: "delete" }) }}
      secondaryActions={[{ content: "Cancel", onAction: onClose }]}
    >
      <Modal.Section>
        <Text as="p">Its deliveries and their log go with it. Events already sent are not recalled. This cannot be undone.</Text>
      </Modal.Section>
    </Modal>
  );
}
