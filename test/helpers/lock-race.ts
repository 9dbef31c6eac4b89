// Two writers of the same rows at once, on PostgreSQL (PGlite has one
// connection: nothing there runs at once). A third session, the gate, holds
// one row, so that each writer is caught holding some rows and waiting for
// more; where the rows lie in the table decides what a writer's scan meets
// first, so each test has a database of its own, not the rows the test before
// left.
import pg from 'pg';
import { afterEach, beforeEach } from 'vitest';
import { openTestStorage, type TestStorage } from './storage.js';
import type { Db } from '../../src/db/sql.js';

export interface LockRace {
  /** The writers' connections. */
  readonly db: Db;
  readonly gate: pg.Client;
  /** Sessions waiting for a lock, asked outside the gate's transaction, which keeps the one view of pg_stat_activity it first read. */
  waitingForLocks(): Promise<number>;
}

/** Registers, in the enclosing describe, a fresh PostgreSQL database and a gate session for each test. */
export function lockRace(): LockRace {
  let storage: TestStorage;
  let gate: pg.Client;
  beforeEach(async () => {
    storage = await openTestStorage('postgres');
    gate = new pg.Client({ connectionString: storage.url! });
    await gate.connect();
  });
  afterEach(async () => {
    await gate.end();
    await storage.close();
  });
  return {
    get db() { return storage.db; },
    get gate() { return gate; },
    async waitingForLocks() {
      return (await storage.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      ))[0].n;
    },
  };
}
