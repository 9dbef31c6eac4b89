// A throwaway customers table in real PostgreSQL (own schema, dropped after)
// or in an in-memory PGlite, filled with the given rows, answering
// "which ids match this WHERE fragment".

import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { TABLE_COLUMNS, type CustomerRow } from './factories.js';

export const POSTGRES_URL = process.env.CRITERIA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface MatchingDb {
  /** Ids of rows where `where` holds, ascending; `params` are the fragment's. */
  matchingIds(where: string, params: unknown[], paramOffset: number): Promise<number[]>;
  close(): Promise<void>;
}

type Query = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

const COLUMNS: (keyof CustomerRow)[] = [
  'id', 'invoiced', 'paid', 'days_late', 'late_probability', 'credit_limit',
  'segment', 'name', 'strategic', 'due_date', 'last_payment_date', 'groups',
];

async function fill(query: Query, table: string, rows: CustomerRow[]): Promise<void> {
  await query(`CREATE TABLE ${table} (${TABLE_COLUMNS})`);
  const params: unknown[] = [];
  const tuples = rows.map((row) => `(${COLUMNS.map((c) => `$${params.push(row[c])}`).join(', ')})`);
  await query(`INSERT INTO ${table} (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
}

/**
 * The fragment is placed after one parameter of our own ($1 = smallest id),
 * so a wrong paramOffset in the compiler breaks the query.
 */
function matcher(query: Query, table: string): MatchingDb['matchingIds'] {
  return async (where, params, paramOffset) => {
    if (paramOffset !== 1) throw new Error('the harness reserves exactly one parameter');
    const { rows } = await query(`SELECT id FROM ${table} c WHERE c.id >= $1 AND (${where}) ORDER BY id`, [0, ...params]);
    return rows.map((r) => Number(r.id));
  };
}

export async function openPostgres(rows: CustomerRow[]): Promise<MatchingDb> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  const schema = `criteria_test_${process.pid}_${Date.now()}`;
  const query: Query = (sql, params) => client.query(sql, params);
  try {
    await query(`CREATE SCHEMA ${schema}`);
    await fill(query, `${schema}.customers`, rows);
  } catch (e) {
    await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
    throw e;
  }
  return {
    matchingIds: matcher(query, `${schema}.customers`),
    close: async () => {
      await query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

export async function openPglite(rows: CustomerRow[]): Promise<MatchingDb> {
  const db = new PGlite();
  const query: Query = (sql, params) => db.query(sql, params) as ReturnType<Query>;
  await fill(query, 'customers', rows);
  return { matchingIds: matcher(query, 'customers'), close: () => db.close() };
}
