// One process, several SQLite connections (Prisma's, the hot paths', the
// capture store's), one file. better-sqlite3 waits for a lock synchronously,
// so a connection waiting in busy_timeout blocks the very event loop that
// would let this process's other connection finish and release the lock: a
// 5 s stall, then SQLITE_BUSY. Every use of the database in this process
// therefore passes one gate, in order; busy_timeout is left to waits on
// other processes (a separate `npm run worker`), which progress on their own.

const ACQUIRE_TIMEOUT_MS = 15_000;

export class SqliteGateTimeout extends Error {
  override name = "SqliteGateTimeout";
  readonly kind = "database_busy";
}

export class SqliteGate {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  /** Waits for the gate; the returned function opens it again (once). */
  acquire(): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const enter = () => {
        clearTimeout(timer);
        this.#held = true;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.#next();
        });
      };
      const timer = setTimeout(() => {
        const index = this.#waiting.indexOf(enter);
        if (index >= 0) this.#waiting.splice(index, 1);
        // A wait this long means something holds the gate and waits for itself: say so loudly.
        reject(new SqliteGateTimeout(`the SQLite database stayed in use for ${ACQUIRE_TIMEOUT_MS} ms`));
      }, ACQUIRE_TIMEOUT_MS);
      if (!this.#held) enter();
      else this.#waiting.push(enter);
    });
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }

  #next() {
    const enter = this.#waiting.shift();
    if (enter) enter();
    else this.#held = false;
  }
}

declare global {
  // Vite's dev server reloads modules; the gate must stay one per process.
  var cartRelaySqliteGate: SqliteGate | undefined;
}

export const sqliteGate: SqliteGate = (globalThis.cartRelaySqliteGate ??= new SqliteGate());
