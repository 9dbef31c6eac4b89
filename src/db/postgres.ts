import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFromStream } from 'pg-copy-streams';
import { OID, parseNumber, keepText, copySql, PING_SQL, type Db, type Queryable } from './sql.js';
import { statementSignal } from './statement-signal.js';

// Per-query parsers, so the Prisma adapter sharing this pool keeps its own.
const types = {
  getTypeParser(oid: number, format?: string) {
    if (oid === OID.INT8 || oid === OID.NUMERIC) return parseNumber;
    if (oid === OID.DATE) return keepText;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Connections a statement was cancelled on: closed when released, not pooled.
 * The server takes the cancel as a signal to the connection's process, not to
 * a statement: one that lands just after the statement returned would stop
 * whichever query the connection ran next, for whoever the pool gave it to.
 */
const cancelled = new WeakSet<pg.PoolClient>();

/**
 * Runs a statement on `client`; when the job issuing it is told to stop
 * meanwhile (statement-signal.ts), the server is asked to cancel it, from a
 * connection of its own (the pool may have none free), and the statement
 * fails with 57014 (query_canceled). Statements issued once the signal has
 * fired run as any other: a job's clean-up (ROLLBACK, an unlock, recording a
 * run as failed) must still reach the database.
 */
async function cancellable<T>(pool: pg.Pool, client: pg.PoolClient, statement: () => Promise<T>): Promise<T> {
  const signal = statementSignal();
  if (!signal || signal.aborted) return statement();
  const cancel = () => {
    cancelled.add(client);
    const other = new pg.Client(pool.options);
    void other.connect()
      .then(() => other.query('SELECT pg_cancel_backend($1)', [(client as unknown as { processID: number }).processID]))
      .catch(() => undefined)
      .finally(() => void other.end().catch(() => undefined));
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return await statement();
  } catch (err) {
    // What stopped the job, not the server's "canceling statement due to user request": a run records it as its error.
    if (cancelled.has(client) && (err as { code?: string }).code === '57014') {
      const reason: unknown = signal.reason;
      throw reason instanceof Error ? reason : new Error(String(reason), { cause: err });
    }
    throw err;
  } finally {
    signal.removeEventListener('abort', cancel);
  }
}

function queryable(client: pg.Pool | pg.PoolClient, pool: pg.Pool): Queryable {
  const run = async <T>(statement: (c: pg.Pool | pg.PoolClient) => Promise<T>): Promise<T> => {
    if (client !== pool) return cancellable(pool, client as pg.PoolClient, () => statement(client));
    if (!statementSignal()) return statement(pool);
    // A job's pooled statement runs on a connection held for it, so that the server can be told which to cancel.
    const held = await pool.connect();
    try {
      return await cancellable(pool, held, () => statement(held));
    } finally {
      held.release(cancelled.has(held));
    }
  };
  return {
    async query<T>(text: string, params: unknown[] = []) {
      const res = await run((c) => c.query({ text, values: params, types } as pg.QueryConfig));
      return res.rows as T[];
    },
    async exec(script: string) {
      await run((c) => c.query(script));
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
  const base = queryable(pool, pool);
  return {
    kind: 'postgres',
    query: base.query,
    exec: base.exec,
    copyFrom: base.copyFrom,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(queryable(client, pool));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release(cancelled.has(client));
      }
    },
    async session(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        return await fn(queryable(client, pool));
      } catch (err) {
        broken = err as Error;
        throw err;
      } finally {
        // A session that ended in an error may still hold its locks (an unlock that failed): closed, not pooled.
        client.release(broken ?? cancelled.has(client));
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
