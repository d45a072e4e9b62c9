import { lazy, Suspense } from "react";
import { Box, SkeletonBodyText } from "@shopify/polaris";
import { useIsClient } from "../../admin/use-draft";

const DailyChart = lazy(() => import("../../admin/DailyChart.client"));

/** The daily chart, drawn in the browser only (Polaris Viz measures the page); a skeleton until then. */
export function ChartOnClient({ points }: { points: Parameters<typeof DailyChart>[0]["points"] }) {
  const mounted = useIsClient();
  const placeholder = (
    <Box minHeight="280px">
      <SkeletonBodyText lines={8} />
    </Box>
  );
  if (!mounted) return placeholder;
  return (
    <Suspense fallback={placeholder}>
      <DailyChart points={points} />
    </Suspense>
  );
}
