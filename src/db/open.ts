// Opens the storage the configuration names: PostgreSQL when a URL is given,
// the embedded PGlite otherwise. Both hand out the same two faces: a Prisma
// client for ordinary reads and writes, and the small SQL layer for bulk paths.
import path from 'node:path';
import fs from 'node:fs/promises';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { postgresDb } from './postgres.js';
import { pgliteDb } from './pglite.js';
import { migrate } from './migrate.js';
import { lockFolder, type FolderLock } from './lock.js';
import { within } from '../util/deadline.js';
import type { Db } from './sql.js';

export interface Storage {
  db: Db;
  prisma: PrismaClient;
  /** Where the data lives, for logs: a URL without password, or a folder. */
  location: string;
  /** PostgreSQL is shared by every process pointed at it; PGlite belongs to one. */
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface StorageOptions {
  databaseUrl: string | null;
  /** PGlite data folder; 'memory://' keeps it in memory (tests). */
  pgliteDir: string;
  /**
   * A dumped PGlite data folder (`dumpDataDir`) an in-memory database starts
   * from: tests start from one migrated once per run, as a fresh one spends
   * about 2 s in initdb.
   */
  pgliteSnapshot?: Blob;
  poolSize?: number;
  /** How long PostgreSQL has to answer a first query before the start gives up (15 s by default). */
  connectTimeoutMs?: number;
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgresql://(unparsable url)';
  }
}

async function openPostgres(url: string, poolSize: number): Promise<Storage> {
  // Every "today" in SQL (current_date in the customer fields, searches, rules) is the UTC day,
  // as in the reports and the agenda, whatever time zone the server or the database defaults to.
  // No JIT: the customer-facts query is wide (hundreds of expressions), so its estimated cost sets
  // off JIT compiling that takes 5-6 s (EXPLAIN ANALYZE: optimisation 3.2 s, emission 2.2 s) for a
  // query that runs in milliseconds, on every count, preview and email triaged for one customer.
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c TimeZone=UTC -c jit=off' });
  const db = postgresDb(pool);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    db,
    prisma,
    location: redact(url),
    kind: 'postgres',
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
}

async function openPglite(dir: string, snapshot: Blob | undefined): Promise<Storage> {
  if (dir.startsWith('memory://')) return pgliteStorage(await PGlite.create(dir, { loadDataDir: snapshot }), dir, null);
  const folder = path.resolve(dir);
  await fs.mkdir(folder, { recursive: true });
  // Taken before PGlite touches the files: a second process must not even start its recovery over them.
  const lock = await lockFolder(`${folder}.lock`, folder);
  try {
    return pgliteStorage(await PGlite.create(folder), folder, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

function pgliteStorage(client: PGlite, location: string, lock: FolderLock | null): Storage {
  const db = pgliteDb(client);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
  return {
    db,
    prisma,
    location,
    kind: 'pglite',
    async close() {
      try {
        await prisma.$disconnect();
        await db.close();
      } finally {
        await lock?.release();
      }
    },
  };
}

/**
 * Settles once PostgreSQL has answered a first query, or rejects saying where
 * it did not. A host that drops packets, or a port that accepts and never
 * speaks (a proxy with nothing behind it), held the start for minutes, or for
 * good, with nothing in the log. No pool-wide timeout instead: pg applies it to
 * waits for a free connection too, which a busy refresh makes long.
 */
function firstAnswer(storage: Storage, ms: number): Promise<unknown> {
  return within(storage.db.query('SELECT 1'), ms,
    `PostgreSQL at ${storage.location} did not answer within ${ms / 1000} s: check DATABASE_URL, and that the server is up and reachable from here`);
}

/** Opens the storage and brings its schema up to date. */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  const storage = options.databaseUrl
    ? await openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : await openPglite(options.pgliteDir, options.pgliteSnapshot);
  try {
    if (storage.kind === 'postgres') await firstAnswer(storage, options.connectTimeoutMs ?? 15_000);
  } catch (err) {
    // Not awaited: the pool would wait for the connection that never answered.
    void storage.close().catch(() => {});
    throw err;
  }
  try {
    await migrate(storage.db);
  } catch (err) {
    await storage.close();
    throw err;
  }
  return storage;
}
