// Test storage on both backends: the embedded PGlite (always) and a fresh
// PostgreSQL database per call when the server is reachable. Each PostgreSQL
// database is created for one test file and dropped after it.
import crypto from 'node:crypto';
import pg from 'pg';
import { openStorage, type Storage } from '../../src/db/open.js';
import { migratedPgliteSnapshot } from './pglite-snapshot.js';

export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

let pgReachable: Promise<boolean> | undefined;

export function postgresReachable(): Promise<boolean> {
  pgReachable ??= (async () => {
    if (process.env.TEST_NO_POSTGRES === '1') return false;
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgReachable;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestStorage extends Storage {
  backend: 'pglite' | 'postgres';
  url: string | null;
}

export async function openTestStorage(backend: 'pglite' | 'postgres'): Promise<TestStorage> {
  if (backend === 'pglite') {
    const s = await openStorage({ databaseUrl: null, pgliteDir: 'memory://', pgliteSnapshot: migratedPgliteSnapshot() });
    return Object.assign(s, { backend, url: null });
  }
  const name = `ar_test_${crypto.randomBytes(5).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const s = await openStorage({ databaseUrl: url.toString(), pgliteDir: 'unused', poolSize: 4 });
  const close = s.close;
  return Object.assign(s, {
    backend,
    url: url.toString(),
    async close() {
      await close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  });
}

/** Backends to run a suite on: PGlite always, PostgreSQL when it answers. */
export async function backends(): Promise<('pglite' | 'postgres')[]> {
  if (await postgresReachable()) return ['pglite', 'postgres'];
  console.warn('PostgreSQL is not reachable: database tests run on the embedded PGlite only');
  return ['pglite'];
}
