import { Banner } from "@shopify/polaris";
import { timeScaleNotice } from "../../admin/time-scale";

/** Says so when policy minutes are shortened (the demo); nothing in a real run. */
export function TimeScaleBanner({ policyMinuteMs }: { policyMinuteMs: number }) {
  const notice = timeScaleNotice(policyMinuteMs);
  if (!notice) return null;
  return (
    <Banner tone="info" title="Policy minutes are shortened">
      <p>{notice}</p>
    </Banner>
  );
}
