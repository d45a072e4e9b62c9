import { LineChart, PolarisVizProvider } from "@shopify/polaris-viz";
import { formatDay } from "./format";

export interface DailyChartPoint {
  day: string;
  captured: number;
  abandoned: number;
  recovered: number;
}

// Browser only (.client): polaris-viz measures the DOM and its CommonJS build cannot load d3 on the server.
export default function DailyChart({ points }: { points: DailyChartPoint[] }) {
  const series = (name: string, key: "captured" | "abandoned" | "recovered") => ({
    name,
    data: points.map((point) => ({ key: formatDay(point.day), value: point[key] })),
  });
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }}>
        <LineChart
          theme="Light"
          isAnimated={false}
          data={[series("Captured", "captured"), series("Abandoned", "abandoned"), series("Recovered", "recovered")]}
          yAxisOptions={{ integersOnly: true }}
          emptyStateText="No checkouts captured in this range"
        />
      </div>
    </PolarisVizProvider>
  );
}
