// Behind a load balancer, a poll of an import's job reaches any API instance,
// not only the one that received the upload and runs the import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { Jobs } from '../../src/jobs/jobs.js';
import { makeImportHandler, type ImportJobData } from '../../src/ingest/import-job.js';
import { ndjson, customer } from '../ingest/factories.js';

describe.each(await backends())('job status through another instance on %s', (backend) => {
  let t: TestApp;
  /** The instance that received the upload: its own runners, the same database. */
  let other: Jobs;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    other = new Jobs({ redisUrl: null, work: true, db: t.storage.db });
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  const poll = async (id: string, until: (body: { state?: string }) => boolean) => {
    for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 10))) {
      const res = await t.app.inject({ url: `/v1/jobs/${id}`, headers: auth('platform') });
      if (until(res.json()) || Date.now() > deadline) return res;
    }
  };

  it('answers for an import another instance ran, as that instance does', async () => {
    other.registerLocal('import', async (ctx) => {
      await ctx.progress(0.5, '2 rows read');
      return { entity: 'customers', rows: 2, inserted: 2, updated: 0, unchanged: 0, refreshJobId: null };
    });
    const id = await other.enqueueLocal('import', {});
    const done = await other.waitFor(id);
    const res = await poll(id, (body) => body.state === 'completed');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(done);
  });

  it('answers for an import whose refresh could not be queued, with the reason, so the caller can ask for one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jobs-http-'));
    const file = path.join(dir, 'customers.ndjson');
    fs.writeFileSync(file, ndjson([customer(1), customer(2)]));
    const receiving = new Jobs({ redisUrl: null, work: true, db: t.storage.db });
    receiving.registerLocal('import', makeImportHandler(t.storage.db, async () => {
      throw new Error('Connection is closed.');
    }));
    try {
      const id = await receiving.enqueueLocal<ImportJobData>('import', { entity: 'customers', format: 'ndjson', file, bytes: fs.statSync(file).size });
      const res = await poll(id, (body) => body.state === 'completed');
      expect(res.json()).toMatchObject({
        state: 'completed',
        result: { inserted: 2, refreshJobId: null, refreshError: { code: 'AR_ERR_REFRESH_NOT_QUEUED' } },
      });
    } finally {
      await receiving.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
