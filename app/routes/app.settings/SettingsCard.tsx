import type { ReactNode } from "react";
import { Card, Layout } from "@shopify/polaris";

/** A section of the Settings page: what it decides on the left, its fields in a card on the right. */
export function SettingsCard({ title, description, children }: { title: string; description: string; children: ReactNode }) {
  return (
    <Layout.AnnotatedSection title={title} description={description}>
      <Card>{children}</Card>
    </Layout.AnnotatedSection>
  );
}
