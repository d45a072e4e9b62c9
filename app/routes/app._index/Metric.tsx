import type { ReactNode } from "react";
import { BlockStack, Card, InlineStack, ProgressBar, Text } from "@shopify/polaris";
import { formatNumber, formatPercent } from "../../admin/format";
import type { Rate } from "../../metrics/dashboard";

export function rateText(value: Rate, noun: string): string {
  return value.of === 0 ? `No ${noun} yet` : `${formatNumber(value.count)} of ${formatNumber(value.of)} ${noun}`;
}

export function Metric({ title, value, detail }: { title: string; value: string; detail: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h3" variant="headingSm" tone="subdued">
          {title}
        </Text>
        <Text as="p" variant="heading2xl">
          {value}
        </Text>
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      </BlockStack>
    </Card>
  );
}

/** A count under its label, as the dashboard's cards list them. */
export function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <BlockStack gap="050">
      <Text as="span" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="headingLg">
        {children}
      </Text>
    </BlockStack>
  );
}

export function RateRow({ label, value, noun }: { label: string; value: Rate; noun: string }) {
  return (
    <BlockStack gap="100">
      <InlineStack align="space-between">
        <Text as="span" variant="bodyMd">
          {label}
        </Text>
        <Text as="span" variant="bodyMd" fontWeight="semibold">
          {formatPercent(value.rate)}
        </Text>
      </InlineStack>
      <ProgressBar progress={(value.rate ?? 0) * 100} size="small" tone="highlight" />
      <Text as="span" variant="bodySm" tone="subdued">
        {rateText(value, noun)}
      </Text>
    </BlockStack>
  );
}
