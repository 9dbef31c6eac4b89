import type { PGlite, Transaction } from '@electric-sql/pglite';
import { OID, parseNumber, keepText, copySql, type Db, type Queryable } from './sql.js';

const parsers = { [OID.INT8]: parseNumber, [OID.NUMERIC]: parseNumber, [OID.DATE]: keepText };

function queryable(client: PGlite | Transaction): Queryable {
  return {
    async query<T>(text: string, params: unknown[] = []) {
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
