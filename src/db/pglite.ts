import type { PGlite, Transaction } from '@electric-sql/pglite';
import { turnGiver } from '../util/turns.js';
import { OID, parseNumber, keepText, copySql, type Db, type Queryable } from './sql.js';

const parsers = { [OID.INT8]: parseNumber, [OID.NUMERIC]: parseNumber, [OID.DATE]: keepText };

// PGlite answers in this thread: before a query, the loop gets a turn if it has not had one for a while.
const giveTheLoopATurn = turnGiver();

function queryable(client: PGlite | Transaction): Queryable {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      await giveTheLoopATurn();
      const res = await client.query<T>(text, params, { parsers });
      return res.rows;
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
    async close() {
      if (!client.closed) await client.close();
    },
  };
}
