// Work that spans many transactions (a refresh: rescoring slice by slice, then
// the rules, then the agenda) and must not run twice at once, whichever
// process runs it. On PostgreSQL a session-level advisory lock, held on its own
// connection; a waiter polls for it rather than blocking on a pooled
// connection, so waiters never starve the holder's work of connections. PGlite
// has one session, in which an advisory lock is re-entrant and excludes
// nothing; but a PGlite folder belongs to one process (lock.ts), so a queue
// in this process is the whole of the exclusion.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from './sql.js';

export interface LockOptions {
  /** A cancelled job stops waiting (on PGlite, once its turn comes); work already started is the caller's to stop. */
  signal?: AbortSignal;
  pollMs?: number;
}

const queues = new WeakMap<Db, Map<string, Promise<unknown>>>();

async function inProcess<T>(db: Db, key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const byKey = queues.get(db) ?? new Map<string, Promise<unknown>>();
  queues.set(db, byKey);
  const previous = byKey.get(key) ?? Promise.resolve();
  const run = previous.then(() => {
    signal?.throwIfAborted();
    return fn();
  });
  const settled = run.catch(() => undefined);
  byKey.set(key, settled);
  try {
    return await run;
  } finally {
    if (byKey.get(key) === settled) byKey.delete(key);
  }
}

const MISSED = Symbol('missed');

/** Runs `fn` once no other holder of `key` runs; waits for the one that does. */
export async function withAdvisoryLock<T>(db: Db, key: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  if (db.kind === 'pglite') return inProcess(db, key, fn, options.signal);
  for (;;) {
    options.signal?.throwIfAborted();
    const result = await db.session(async (conn) => {
      const [{ ok }] = await conn.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [key]);
      if (!ok) return MISSED;
      try {
        return await fn();
      } finally {
        await conn.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
      }
    });
    if (result !== MISSED) return result as T;
    // A cancel ends the wait early; the loop's first line then throws its reason.
    await sleep(options.pollMs ?? 500, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
