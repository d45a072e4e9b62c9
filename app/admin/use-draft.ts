import { useState, useSyncExternalStore } from "react";

/**
 * A form's edit in progress over stored values: starts from `saved` and starts
 * over only when the stored values change. A refused save revalidates the
 * loader with the same values and must not wipe what the merchant is typing.
 * Reset during render, React's pattern for state that follows a prop, rather
 * than in an effect (one render less, no flash of the old draft).
 */
export function useDraft<T>(saved: T): [T, (next: T) => void] {
  const savedKey = JSON.stringify(saved);
  const [draft, setDraft] = useState(saved);
  const [draftOf, setDraftOf] = useState(savedKey);
  if (draftOf !== savedKey) {
    setDraftOf(savedKey);
    setDraft(saved);
  }
  return [draftOf === savedKey ? draft : saved, setDraft];
}

const subscribeToNothing = () => () => {};

/** False while server-rendering and hydrating, true in the browser afterwards. */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  );
}
