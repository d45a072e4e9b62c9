import { SettingField } from "./SettingField";
import { SettingsCard } from "./SettingsCard";
import type { SettingsSection, SettingsSectionProps } from "./settings-form";

const LABELS = { attributionWindowDays: "Attribution window" } as const;

function AttributionSection({ draft }: SettingsSectionProps) {
  return (
    <SettingsCard
      title="Attribution"
      description="An order counts as recovered when it arrives after the cart message reached a BSP: matched by checkout, by our link, or by the buyer's phone or email within this window."
    >
      <SettingField draft={draft} name="attributionWindowDays" label={LABELS.attributionWindowDays} />
    </SettingsCard>
  );
}

export const attributionSection: SettingsSection = { id: "attribution", labels: LABELS, Component: AttributionSection };
