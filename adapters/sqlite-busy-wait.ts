import type { Database } from 'better-sqlite3';

/**
 * SQLite's busy_timeout, done here instead of inside SQLite so the time a statement waits for the file lock can be
 * measured: SQLite's own wait just makes a statement slower, and nothing tells the lock apart from the work. The
 * connection's PRAGMA busy_timeout is set to 0; a statement that finds the lock taken sleeps and runs again with the
 * delays of SQLite's default busy handler, until the profile's busy_timeout has been spent waiting.
 */

/** SQLite's default busy handler's delays (sqliteDefaultBusyCallback), ms; the last one repeats. */
const DELAYS_MS = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

/** Called after every wait that ended, retried or not, with the time it took. One per thread: each loads this module anew. */
let onWait: ((ms: number) => void) | undefined;

/** Sets what every finished wait is reported to on this thread, or nothing. */
export function reportSqliteLockWaits(listener: ((ms: number) => void) | undefined): void {
  onWait = listener;
}

/** The busy_timeout a connection's statements wait for, ms, since PRAGMA busy_timeout now reads 0. */
const busyTimeouts = new WeakMap<Database, number>();

/** The busy_timeout in force on a connection: the harness's when it times the waits, else SQLite's. */
export function busyTimeoutOf(db: Database): number {
  return busyTimeouts.get(db) ?? Number(db.pragma('busy_timeout', { simple: true }));
}

const sleeper = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
const COMMIT = /^\s*(COMMIT|END)\b/i;
const BEGIN = /^\s*BEGIN\b/i;
const codeOf = (err: unknown) => (err as { code?: unknown } | null)?.code;

/** Makes every statement of `db` wait up to `timeoutMs` for a locked database file, timing each wait. */
export function timeLockWaits(db: Database, timeoutMs: number): void {
  db.pragma('busy_timeout = 0');
  busyTimeouts.set(db, timeoutMs);
  if (timeoutMs === 0) return;
  // SQLite calls its busy handler only while the connection holds no lock of the transaction yet (autocommit, the first
  // statement after a deferred BEGIN) or when COMMIT waits for the exclusive lock; a reader that wants to write gets
  // SQLITE_BUSY at once, since waiting could deadlock. `untouched` is true until a transaction's first statement ran.
  let untouched = true;
  const waiting = <T>(sql: string, run: () => T): T => {
    const mayWait = !db.inTransaction || untouched || COMMIT.test(sql);
    let waited = 0;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const result = run();
          untouched = !db.inTransaction || BEGIN.test(sql);
          return result;
        } catch (err) {
          // SQLITE_BUSY only: its extended codes (SQLITE_BUSY_SNAPSHOT…) cannot clear by waiting, nor can SQLITE_LOCKED.
          if (!mayWait || codeOf(err) !== 'SQLITE_BUSY' || waited >= timeoutMs) throw err;
          const delay = Math.min(DELAYS_MS[Math.min(attempt, DELAYS_MS.length - 1)]!, timeoutMs - waited);
          const started = performance.now();
          Atomics.wait(sleeper, 0, 0, delay);
          waited += performance.now() - started;
        }
      }
    } finally {
      if (waited > 0) onWait?.(waited);
    }
  };
  const prepare = db.prepare.bind(db);
  const exec = db.exec.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    for (const method of ['run', 'get', 'all'] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => waiting(sql, () => original(...args));
    }
    return statement;
  }) as Database['prepare'];
  db.exec = ((sql: string) => waiting(sql, () => exec(sql))) as Database['exec'];
}
