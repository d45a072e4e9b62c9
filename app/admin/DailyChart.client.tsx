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

// Browser only (.client): polaris-viz measures the DOM and its CommonJS build cannot load d3 on the server.
export default function DailyChart({ points }: { points: DailyChartPoint[] }) {
  const series = (name: string, key: "captured" | "abandoned" | "recovered") => ({
    name,
    data: points.map((point) => ({ key: formatDay(point.day), value: point[key] })),
  });
  const data = [series("Captured", "captured"), series("Abandoned", "abandoned"), series("Recovered", "recovered")];
  return (
    <PolarisVizProvider>
      <div style={{ height: 280 }} data-chart="daily">
        {points.length <= MAX_BAR_DAYS ? (
          <BarChart theme="Light" isAnimated={false} data={data} yAxisOptions={{ integersOnly: true }} />
        ) : (
          <LineChart theme="Light" isAnimated={false} data={data} yAxisOptions={{ integersOnly: true }} />
        )}
      </div>
    </PolarisVizProvider>
  );
}
