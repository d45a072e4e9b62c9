import { SettingField } from "./SettingField";
import { SettingsCard } from "./SettingsCard";
import type { SettingsSection, SettingsSectionProps } from "./settings-form";

const LABELS = { optInText: "Opt-in text" } as const;

function OptInSection({ draft }: SettingsSectionProps) {
  return (
    <SettingsCard title="Checkout opt-in" description="The checkbox the Cart Relay checkout block shows buyers.">
      <SettingField draft={draft} name="optInText" label={LABELS.optInText} maxLength={200} />
    </SettingsCard>
  );
}

export const optInSection: SettingsSection = { id: "opt-in", labels: LABELS, Component: OptInSection };
