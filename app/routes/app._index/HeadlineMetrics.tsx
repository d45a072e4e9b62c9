import { InlineGrid } from "@shopify/polaris";
import { formatMoney, formatNumber, formatPercent } from "../../admin/format";
import { Metric, rateText } from "./Metric";
import type { DashboardPage } from "./queries.server";

/** The four numbers a merchant looks at first. */
export function HeadlineMetrics({ metrics, endpointName }: { metrics: DashboardPage["metrics"]; endpointName: string | undefined }) {
  const { checkouts, deliveries, recovery } = metrics;
  const otherCurrencies = recovery.otherCurrencies.map((c) => formatMoney(c.amount, c.currency)).join(", ");
  return (
    <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
      <Metric
        title="Recovered revenue"
        value={formatMoney(recovery.revenue.amount, recovery.revenue.currency)}
        detail={`${recovery.revenue.orders} recovered ${recovery.revenue.orders === 1 ? "order" : "orders"}${
          recovery.otherCurrencies.length > 0 ? `; plus ${otherCurrencies} in other currencies` : ""
        }`}
      />
      <Metric
        title="Recovery rate"
        value={formatPercent(recovery.rate.rate)}
        detail={rateText(recovery.rate, endpointName ? `abandoned checkouts sent to ${endpointName}` : "abandoned checkouts")}
      />
      <Metric
        title="Abandoned checkouts"
        value={formatNumber(checkouts.abandoned)}
        detail={
          checkouts.captured === 0
            ? "No checkouts captured yet"
            : `${formatPercent(checkouts.abandonmentRate.rate)} of ${formatNumber(checkouts.captured)} captured`
        }
      />
      <Metric title="Delivery success" value={formatPercent(deliveries.successRate.rate)} detail={rateText(deliveries.successRate, "finished deliveries")} />
    </InlineGrid>
  );
}
