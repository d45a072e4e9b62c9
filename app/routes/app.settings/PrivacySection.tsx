import { SettingField } from "./SettingField";
import { SettingsCard } from "./SettingsCard";
import type { SettingsSection, SettingsSectionProps } from "./settings-form";

const LABELS = { retentionDays: "Retention" } as const;

function PrivacySection({ draft }: SettingsSectionProps) {
  return (
    <SettingsCard title="Privacy" description="Captured checkouts are deleted after this many days.">
      <SettingField draft={draft} name="retentionDays" label={LABELS.retentionDays} />
    </SettingsCard>
  );
}

export const privacySection: SettingsSection = { id: "privacy", labels: LABELS, Component: PrivacySection };
