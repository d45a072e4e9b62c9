import { FLOW_TRIGGERS, isReferenceField, type FlowTrigger } from "./flow-triggers";

// extensions/flow-<handle>/shopify.extension.toml, generated from FLOW_TRIGGERS so the
// fields Flow shows and the payload the sender builds cannot drift apart
// (test/flow-triggers.test.ts compares them; regenerate with `npx tsx scripts/flow-extensions.ts`).

const quoted = (text: string) => JSON.stringify(text);

export function flowExtensionToml(trigger: FlowTrigger): string {
  const fields = trigger.fields.map((field) =>
    isReferenceField(field)
      ? `[[settings.fields]]\ntype = ${quoted(field.type)}\n`
      : `[[settings.fields]]\ntype = ${quoted(field.type)}\nkey = ${quoted(field.key)}\ndescription = ${quoted(field.description)}\n`,
  );
  return [
    "# Generated from app/flow/flow-triggers.ts (npx tsx scripts/flow-extensions.ts); do not edit by hand.",
    "[[extensions]]",
    `name = ${quoted(trigger.name)}`,
    'type = "flow_trigger"',
    `handle = ${quoted(trigger.handle)}`,
    `description = ${quoted(trigger.description)}`,
    "",
    "[settings]",
    "",
    fields.join("\n"),
  ].join("\n");
}

/** Every Flow trigger extension file, by path from the repository root. */
export function flowExtensionFiles(): Map<string, string> {
  return new Map(Object.values(FLOW_TRIGGERS).map((trigger) => [`extensions/flow-${trigger.handle}/shopify.extension.toml`, flowExtensionToml(trigger)]));
}
