import { consentSyncSection } from "./ConsentSyncSection";
import { abandonmentSection } from "./AbandonmentSection";
import { attributionSection } from "./AttributionSection";
import { optInSection } from "./OptInSection";
import { pixelSection } from "./PixelSection";
import { privacySection } from "./PrivacySection";
import type { SettingsSection } from "./settings-form";

/** The Settings page's sections, in page order. A new section is a component file beside this one and a line here. */
export const SETTINGS_SECTIONS: readonly SettingsSection[] = [
  abandonmentSection,
  attributionSection,
  privacySection,
  optInSection,
  consentSyncSection,
  pixelSection,
];

/** Every section's field labels, for the action's error messages. */
export const SETTING_LABELS: Record<string, string> = Object.fromEntries(SETTINGS_SECTIONS.flatMap((section) => Object.entries(section.labels)));
