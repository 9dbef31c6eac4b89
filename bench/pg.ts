// A fresh PostgreSQL database for one bench run, dropped afterwards.
import crypto from 'node:crypto';
import pg from 'pg';
import { openStorage, type Storage } from '../src/db/open.js';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function freshDatabase(prefix: string): Promise<{ storage: Storage; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const storage = await openStorage({ databaseUrl: url.toString(), pgliteDir: 'unused', poolSize: 4 });
  return {
    storage,
    url: url.toString(),
    async drop() {
      await storage.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Peak resident memory seen by a sampler, in MiB. */
/**
 * The peak of the process's resident set (or of its JS heap in use, `heapUsed`:
 * what one step allocates, when an earlier step left the resident set high), in MB.
 */
export function rssSampler(metric: 'rss' | 'heapUsed' = 'rss') {
  const now = () => process.memoryUsage()[metric];
  let peak = now();
  const t = setInterval(() => {
    peak = Math.max(peak, now());
  }, 50);
  t.unref();
  return {
    stop() {
      clearInterval(t);
      peak = Math.max(peak, now());
      return Math.round(peak / 1024 / 1024);
    },
  };
}
