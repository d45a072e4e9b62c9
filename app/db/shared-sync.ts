/**
 * fsyncs of one file, shared: a caller waits for the first fsync that starts
 * after its call (so it covers every write made before it), and at most one
 * runs at a time, so commits made during one share the next.
 */
export function sharedSync(sync: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let queued: Promise<void> | null = null;
  const start = (): Promise<void> => {
    const current: Promise<void> = sync().finally(() => {
      if (running === current) running = null;
    });
    running = current;
    return current;
  };
  return () => {
    if (!running) return start();
    const settled = running.then(
      () => {},
      () => {},
    );
    queued ??= settled.then(() => {
      queued = null;
      return start();
    });
    return queued;
  };
}
