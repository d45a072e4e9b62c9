/**
 * A memo for a pure computation keyed by text, holding at most `limit`
 * entries (the oldest goes first): for values a hot path would otherwise
 * compute again for every event (a URL check, an opened secret).
 */
export function boundedMemo<V>(limit: number): (key: string, compute: () => V) => V {
  const entries = new Map<string, V>();
  return (key, compute) => {
    let value = entries.get(key);
    if (value === undefined) {
      if (entries.size >= limit) entries.delete(entries.keys().next().value!);
      entries.set(key, (value = compute()));
    }
    return value;
  };
}
