import { useState } from "react";
import { BlockStack, Button, DataTable, InlineStack, Text } from "@shopify/polaris";
import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { formatDay } from "./format";

export interface DailyChartPoint {
  day: string;
  captured: number;
  abandoned: number;
  recovered: number;
}

/** Up to two weeks, a day per bar group reads best; longer ranges become lines. */
const MAX_BAR_DAYS = 14;

// Okabe-Ito colours (told apart with every common colour-vision deficiency), and for lines a
// dash pattern each, so the series read without colour too; the numbers are one click away.
const SERIES = [
  { key: "captured", name: "Captured", color: "#0072B2", dash: undefined, pattern: "solid line" },
  { key: "abandoned", name: "Abandoned", color: "#D55E00", dash: "6 4", pattern: "dashed line" },
  { key: "recovered", name: "Recovered", color: "#009E73", dash: "2 3", pattern: "dotted line" },
] as const;

// Browser only (.client): polaris-viz measures the DOM and its CommonJS build cannot load d3 on the server.
export default function DailyChart({ points }: { points: DailyChartPoint[] }) {
  const [showNumbers, setShowNumbers] = useState(false);
  const asLines = points.length > MAX_BAR_DAYS;
  const data = SERIES.map((series) => ({
    name: series.name,
    color: series.color,
    styleOverride: asLines && series.dash ? { line: { strokeDasharray: series.dash } } : undefined,
    data: points.map((point) => ({ key: formatDay(point.day), value: point[series.key] })),
  }));
  const days = points.filter((point) => point.captured + point.abandoned + point.recovered > 0);
  return (
    <BlockStack gap="200">
      <PolarisVizProvider>
        <div style={{ height: 280 }} data-chart="daily">
          {asLines ? (
            <LineChart theme="Light" isAnimated={false} data={data} yAxisOptions={{ integersOnly: true }} />
          ) : (
            <BarChart theme="Light" isAnimated={false} data={data} yAxisOptions={{ integersOnly: true }} />
          )}
        </div>
      </PolarisVizProvider>
      <InlineStack align="space-between" blockAlign="center">
        <Text as="p" variant="bodySm" tone="subdued">
          {asLines
            ? SERIES.map((series) => `${series.name}: ${series.pattern}`).join(" · ")
            : `Bars per day, left to right: ${SERIES.map((series) => series.name).join(", ")}`}
        </Text>
        <Button variant="plain" onClick={() => setShowNumbers((shown) => !shown)} disabled={days.length === 0}>
          {showNumbers ? "Hide the numbers" : "Show the numbers"}
        </Button>
      </InlineStack>
      {showNumbers ? (
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric"]}
          headings={["Day", ...SERIES.map((series) => series.name)]}
          rows={days.map((point) => [formatDay(point.day), point.captured, point.abandoned, point.recovered])}
        />
      ) : null}
    </BlockStack>
  );
}
