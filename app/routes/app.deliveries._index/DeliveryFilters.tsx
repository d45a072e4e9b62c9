import { Card, InlineGrid, Select, TextField } from "@shopify/polaris";
import { TOPIC_LABELS } from "../../admin/format";
import { DELIVERY_STATUSES } from "../../delivery/delivery-statuses";
import { deliveryStatusBadge } from "../../admin/StatusBadge";

const STATUS_OPTIONS = DELIVERY_STATUSES.map((status) => ({ value: status, label: deliveryStatusBadge(status, status === "pending" ? 1 : 0).label }));

export interface DeliveryFilterValues {
  endpointId: string;
  topic: string;
  status: string;
  from: string;
  to: string;
}

/** The log's filters; every change reloads the list from its first page. */
export function DeliveryFilters({
  filters,
  endpoints,
  apply,
}: {
  filters: DeliveryFilterValues;
  endpoints: { id: string; name: string }[];
  apply: (next: Partial<DeliveryFilterValues>) => void;
}) {
  return (
    <Card>
      <InlineGrid columns={{ xs: 1, sm: 3, lg: 5 }} gap="300">
        <Select
          label="Endpoint"
          options={[{ label: "All endpoints", value: "" }, ...endpoints.map((endpoint) => ({ label: endpoint.name, value: endpoint.id }))]}
          value={filters.endpointId}
          onChange={(endpointId) => apply({ endpointId })}
        />
        <Select
          label="Topic"
          options={[{ label: "All topics", value: "" }, ...Object.entries(TOPIC_LABELS).map(([value, label]) => ({ value, label }))]}
          value={filters.topic}
          onChange={(topic) => apply({ topic })}
        />
        <Select
          label="Status"
          options={[{ label: "All statuses", value: "" }, ...STATUS_OPTIONS]}
          value={filters.status}
          onChange={(status) => apply({ status })}
        />
        <TextField label="From" type="date" value={filters.from} onChange={(from) => apply({ from })} autoComplete="off" />
        <TextField label="To" type="date" value={filters.to} onChange={(to) => apply({ to })} autoComplete="off" />
      </InlineGrid>
    </Card>
  );
}
