// The import job's edges: what it leaves behind, when it hands over to the
// refresh (and what it says when it cannot), and when it pays for fresh
// planner statistics.
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { makeImportHandler, type ImportJobData } from '../../src/ingest/import-job.js';
import type { Db } from '../../src/db/sql.js';
import { ndjson, customer } from './factories.js';

describe.each(await backends())('the import job on %s', (backend) => {
  let storage: TestStorage;
  let dir: string;
  let spooled = 0;
  beforeAll(async () => {
    storage = await openTestStorage(backend);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-job-'));
  });
  afterAll(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function importCustomers(from: number, count: number, onImported?: (file: string) => Promise<void>, db: Db = storage.db) {
    const file = path.join(dir, `upload-${spooled++}.ndjson`);
    fs.writeFileSync(file, ndjson(Array.from({ length: count }, (_, i) => customer(from + i, { riskScore: 50 }))));
    const data: ImportJobData = { entity: 'customers', format: 'ndjson', file, bytes: fs.statSync(file).size };
    const ctx = { id: `job-${spooled}`, type: 'import', data, progress: async () => undefined, signal: new AbortController().signal };
    return { result: await makeImportHandler(db, onImported && (async () => (await onImported(file), null)))(ctx) };
  }

  const analysedRows = async () =>
    (await storage.db.query<{ n: number }>(`SELECT reltuples::int AS n FROM pg_class WHERE oid = 'customers'::regclass`))[0].n;

  const countersFlushed = async (rows: number) => {
    const liveRows = async () =>
      (await storage.db.query<{ n: number }>(`SELECT n_live_tup::int AS n FROM pg_stat_user_tables WHERE relname = 'customers'`))[0].n;
    for (let waited = 0; waited < 12_000 && (await liveRows()) < rows; waited += 200) await sleep(200);
  };

  it('removes the upload before handing over to the refresh, so nothing it awaits waits on the refresh', async () => {
    let fileWhenHandedOver: boolean | null = null;
    await importCustomers(1, 3, async (file) => {
      fileWhenHandedOver = fs.existsSync(file);
    });
    expect(fileWhenHandedOver).toBe(false);
  });

  it('analyses a table after a load that changes much of it, not after a handful of rows', async () => {
    await importCustomers(100, 400);
    expect(await analysedRows()).toBe(403);
    // PostgreSQL flushes a backend's row counters some time after its commit,
    // up to ten seconds when idle: the next import must not count the load that
    // was already analysed once they land.
    await countersFlushed(403);
    await importCustomers(600, 5);
    expect(await analysedRows()).toBe(403);
    await importCustomers(700, 200);
    expect(await analysedRows()).toBe(608);
  });

  it('reports a committed import as done, and hands over, when the ANALYZE after it fails', async () => {
    const db = storage.db;
    // The database lost just after the commit: only the statistics are missed.
    const failing: Db = new Proxy(db, {
      get: (target, key) => key === 'query'
        ? (sql: string, params?: unknown[]) => (sql.startsWith('ANALYZE') ? Promise.reject(new Error('connection lost')) : target.query(sql, params))
        : Reflect.get(target, key),
    });
    let handedOver = false;
    const { result } = await importCustomers(20_000, 800, async () => { handedOver = true; }, failing);
    expect(result).toMatchObject({ inserted: 800 });
    expect(handedOver).toBe(true);
  });

  it('analyses it after a quick burst of small imports that together change much of it', async () => {
    const before = await analysedRows();
    for (let i = 0; i < 8; i++) await importCustomers(1000 + 40 * i, 40);
    expect(await analysedRows()).toBeGreaterThan(before);
  });

  it('completes with the refresh it could not queue said in its outcome: the data is in', async () => {
    const { result } = await importCustomers(5000, 2, async () => {
      throw new Error('Connection is closed.');
    });
    expect(result).toMatchObject({
      inserted: 2,
      refreshJobId: null,
      refreshError: { code: 'AR_ERR_REFRESH_NOT_QUEUED', message: expect.stringContaining('Connection is closed.') },
    });
    const [{ n }] = await storage.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM customers WHERE external_id IN ('C5000', 'C5001')`);
    expect(n).toBe(2);
  });
});
