import { useNavigation, useSubmit } from "@remix-run/react";
import { Box, Button, Card, InlineStack, Select, Text, TextField } from "@shopify/polaris";
import { useDraft } from "../../admin/use-draft";
import { RANGE_PRESETS } from "../../metrics/date-range";
import type { DashboardPage } from "./queries.server";

/** The date range and endpoint the dashboard counts, kept in the address. */
export function RangeFilters({ filters, endpoints, timeZone }: Pick<DashboardPage, "filters" | "endpoints"> & { timeZone: string }) {
  const submit = useSubmit();
  const navigation = useNavigation();
  const [custom, setCustom] = useDraft({ from: filters.from, to: filters.to });
  const apply = (next: Partial<typeof filters>) => {
    const merged = { ...filters, ...next };
    const query: Record<string, string> = { range: merged.range };
    if (merged.range === "custom") Object.assign(query, { from: merged.from, to: merged.to });
    if (merged.endpoint) query.endpoint = merged.endpoint;
    submit(query, { method: "get", replace: true });
  };
  return (
    <Card>
      <InlineStack gap="400" blockAlign="end" wrap>
        <Box minWidth="200px">
          <Select
            label="Date range"
            options={Object.entries(RANGE_PRESETS).map(([value, preset]) => ({ label: preset.label, value }))}
            value={filters.range}
            onChange={(range) => apply({ range, from: custom.from, to: custom.to })}
          />
        </Box>
        {filters.range === "custom" ? (
          <>
            <TextField label="From" type="date" value={custom.from} onChange={(from) => setCustom({ ...custom, from })} autoComplete="off" />
            <TextField label="To" type="date" value={custom.to} onChange={(to) => setCustom({ ...custom, to })} autoComplete="off" />
            <Button onClick={() => apply({ from: custom.from, to: custom.to })}>Apply</Button>
          </>
        ) : null}
        <Box minWidth="220px">
          <Select
            label="Endpoint"
            options={[{ label: "All endpoints", value: "" }, ...endpoints.map((endpoint) => ({ label: endpoint.name, value: endpoint.id }))]}
            value={filters.endpoint}
            onChange={(endpoint) => apply({ endpoint })}
          />
        </Box>
        <Text as="span" tone="subdued" variant="bodySm">
          {navigation.state === "loading" ? "Updating…" : `${filters.from} to ${filters.to} (${timeZone})`}
        </Text>
      </InlineStack>
    </Card>
  );
}
