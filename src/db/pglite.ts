import type { PGlite, Transaction } from '@electric-sql/pglite';
import { turnGiver } from '../util/turns.js';
import { OID, parseNumber, keepText, copySql, PING_SQL, type Db, type Queryable } from './sql.js';

const parsers = { [OID.INT8]: parseNumber, [OID.NUMERIC]: parseNumber, [OID.DATE]: keepText };

// PGlite answers in this thread: before a query, the loop gets a turn if it has not had one for a while.
const giveTheLoopATurn = turnGiver();

function queryable(client: PGlite | Transaction): Queryable {
  // Queries sent together (Promise.all) would all pass the turn check at once,
  // then run back to back in PGlite's own lock: queued here, each one checks
  // after the one before it has ended.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    query<T>(text: string, params: unknown[] = []) {
      const run = queue.then(async () => {
        await giveTheLoopATurn();
        return (await client.query<T>(text, params, { parsers })).rows;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async exec(script: string) {
      await client.exec(script);
    },
    async copyFrom(table, columns, data) {
      await client.query(copySql(table, columns, "'/dev/blob'"), [], { blob: new Blob(typeof data === 'string' ? [data] : [...data]) });
    },
  };
}

export function pgliteDb(client: PGlite): Db {
  const base = queryable(client);
  return {
    kind: 'pglite',
    query: base.query,
    exec: base.exec,
    copyFrom: base.copyFrom,
    transaction: (fn) => client.transaction((tx) => fn(queryable(tx))),
    session: (fn) => fn(base),
    // In this process, on its one connection: no pooled connection to give back.
    ping: async () => {
      await base.query(PING_SQL);
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
