import { describe, expect, it } from "vitest";
import { sharedSync } from "./shared-sync";

/** A sync whose runs the test finishes by hand. */
function manualSync() {
  const runs: { finish: () => void; fail: (error: Error) => void }[] = [];
  let active = 0;
  let mostActive = 0;
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      active++;
      mostActive = Math.max(mostActive, active);
      const settle = (then: () => void) => () => {
        active--;
        then();
      };
      runs.push({ finish: settle(resolve), fail: (error) => settle(() => reject(error))() });
    });
  return { sync, runs, mostActive: () => mostActive };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("sharedSync", () => {
  it("makes a caller that arrives during a sync wait for the next one, and shares that one", async () => {
    const manual = manualSync();
    const durable = sharedSync(manual.sync);
    const settled: string[] = [];
    const first = durable().then(() => settled.push("first"));
    const second = durable().then(() => settled.push("second"));
    const third = durable().then(() => settled.push("third"));
    expect(manual.runs).toHaveLength(1);
    manual.runs[0].finish();
    await flush();
    // The first sync may have started before the later writes: it does not answer them.
    expect(settled).toEqual(["first"]);
    expect(manual.runs).toHaveLength(2);
    manual.runs[1].finish();
    await Promise.all([first, second, third]);
    expect(settled).toEqual(["first", "second", "third"]);
    expect(manual.runs).toHaveLength(2);
    expect(manual.mostActive()).toBe(1);
  });

  it("fails the callers of a failed sync only, and syncs afresh for the next caller", async () => {
    const manual = manualSync();
    const durable = sharedSync(manual.sync);
    const failed = durable();
    const waiting = durable();
    manual.runs[0].fail(new Error("EIO"));
    await expect(failed).rejects.toThrow("EIO");
    await flush();
    manual.runs[1].finish();
    await expect(waiting).resolves.toBeUndefined();
    const later = durable();
    expect(manual.runs).toHaveLength(3);
    manual.runs[2].finish();
    await expect(later).resolves.toBeUndefined();
  });
});
