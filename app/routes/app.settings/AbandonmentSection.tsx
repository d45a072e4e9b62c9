import { FormLayout } from "@shopify/polaris";
import { scaledMinutes } from "../../admin/time-scale";
import { SettingField } from "./SettingField";
import { SettingsCard } from "./SettingsCard";
import type { SettingsSection, SettingsSectionProps } from "./settings-form";

const LABELS = { abandonAfterMinutes: "Abandon after", dedupeWindowHours: "Dedupe window" } as const;

function AbandonmentSection({ draft, page }: SettingsSectionProps) {
  const scaled = scaledMinutes(Number(draft.form.abandonAfterMinutes), page.policyMinuteMs);
  return (
    <SettingsCard
      title="Abandonment"
      description="A checkout with a phone or email and no order is abandoned after this much inactivity. Changing it reschedules every open checkout."
    >
      <FormLayout>
        <SettingField
          draft={draft}
          name="abandonAfterMinutes"
          label={LABELS.abandonAfterMinutes}
          helpText={(range) => (scaled ? `${range}; ${scaled}` : range)}
        />
        <SettingField
          draft={draft}
          name="dedupeWindowHours"
          label={LABELS.dedupeWindowHours}
          helpText={(range) => `A buyer who leaves again within this window is not messaged twice (${range}).`}
        />
      </FormLayout>
    </SettingsCard>
  );
}

export const abandonmentSection: SettingsSection = { id: "abandonment", labels: LABELS, Component: AbandonmentSection };
