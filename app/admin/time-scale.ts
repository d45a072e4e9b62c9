// Policy durations as this app runs them. Outside development a policy minute
// is a minute; the demo shortens it (CART_RELAY_TIME_SCALE, decision 006), and
// the admin says so instead of showing "4 minutes" for four seconds.

export const REAL_MINUTE_MS = 60_000;

function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${value === 1 ? "second" : "seconds"}`;
}

/** "runs as 4 seconds here" for a scaled policy minute, null for real minutes. */
export function scaledMinutes(minutes: number, policyMinuteMs: number): string | null {
  if (policyMinuteMs === REAL_MINUTE_MS || !Number.isFinite(minutes)) return null;
  return `runs as ${seconds(minutes * policyMinuteMs)} here`;
}

/** The banner text for pages with policy minutes, null outside a scaled (demo) run. */
export function timeScaleNotice(policyMinuteMs: number): string | null {
  if (policyMinuteMs === REAL_MINUTE_MS) return null;
  return `This app runs with CART_RELAY_TIME_SCALE=${REAL_MINUTE_MS / policyMinuteMs} (development only, as in the demo): a policy minute lasts ${seconds(policyMinuteMs)}. Abandonment and retry intervals below are in policy minutes; hours and days are not scaled.`;
}
