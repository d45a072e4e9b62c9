import { useMemo } from "react";
import { useFetcher } from "@remix-run/react";
import { postJson } from "../../admin/json-submit";
import { useDoneToast } from "../../admin/use-done-toast";
import { useDraft } from "../../admin/use-draft";
import type { SaveAnswer, SettingsDraft, SettingsForm, SettingsPage } from "./settings-form";

/** The page's edit over the stored settings, and its one Save. */
export function useSettingsDraft(page: SettingsPage) {
  const saver = useFetcher<SaveAnswer>();
  const [form, setForm] = useDraft<SettingsForm>(page.form);
  const dirty = useMemo(() => JSON.stringify(form) !== JSON.stringify(page.form), [form, page.form]);
  useDoneToast(saver, "Settings saved");
  const answer = saver.data;
  const draft: SettingsDraft = {
    form,
    errors: answer && !answer.ok ? answer.errors : {},
    limits: page.limits,
    set: (name, value) => setForm({ ...form, [name]: value }),
  };
  return {
    draft,
    dirty,
    saving: saver.state !== "idle",
    refusal: answer && !answer.ok ? answer.error : null,
    save: () => postJson(saver, { intent: "save", values: form }),
    reset: () => setForm(page.form),
  };
}
