/** The action's answer to a resend, as its fetchers read it. */
export type ResendAnswer =
  | { ok: true; intent: "resend" | "resendFailed"; resent: number; error: null }
  | { ok: false; intent: "resend" | "resendFailed"; resent: 0; error: string; kind?: string };
