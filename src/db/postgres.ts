import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFromStream } from 'pg-copy-streams';
import { OID, parseNumber, keepText, copySql, PING_SQL, type Db, type Queryable } from './sql.js';

// Per-query parsers, so the Prisma adapter sharing this pool keeps its own.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === OID.INT8 || oid === OID.NUMERIC) return parseNumber;
    if (oid === OID.DATE) return keepText;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<T>(text: string, params: unknown[] = []) {
      const res = await client.query({ text, values: params, types } as pg.QueryConfig);
      return res.rows as T[];
    },
    async exec(script: string) {
      await client.query(script);
    },
    async copyFrom(table, columns, data) {
      // COPY needs one connection for its whole stream.
      const conn = client instanceof pg.Pool ? await client.connect() : client;
      try {
        await pipeline(Readable.from(typeof data === 'string' ? [data] : data), conn.query(copyFromStream(copySql(table, columns, 'STDIN'))));
      } finally {
        if (conn !== client) (conn as pg.PoolClient).release();
      }
    },
  };
}

export function postgresDb(pool: pg.Pool): Db {
  // An idle connection that drops (a restart, a dropped database) must not
  // crash the process: the pool replaces it on the next query.
  pool.on('error', () => undefined);
  const base = queryable(pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    copyFrom: base.copyFrom,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async session(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn(queryable(client));
      } catch (err) {
        broken = err as Error;
        throw err;
      } finally {
        // A session that ended in an error may still hold its locks (an unlock that failed): closed, not pooled.
        client.release(broken);
      }
    },
    async ping(limitMs) {
      // One query string runs as one implicit transaction: SET LOCAL bounds this
      // read alone, and the connection goes back to the pool with no timeout.
      await base.exec(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(limitMs))}; ${PING_SQL}`);
    },
    async close() {
      await pool.end();
    },
  };
}
