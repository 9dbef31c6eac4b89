// Behind a load balancer, a poll of an import's job reaches any API instance,
// not only the one that received the upload and runs the import.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { Jobs } from '../../src/jobs/jobs.js';
import { InProcessRunner } from '../../src/jobs/in-process.js';
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
    for (const deadline = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 10))) {
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

  // Where an operator looks for the night's refresh that failed on one instance: which attempt, why, and when it is tried again.
  it('lists the firings claimed in the database with their state, attempts and error', async () => {
    const failing = new Jobs({ redisUrl: null, work: true, db: t.storage.db, scheduledRuns: { retryAfterMs: 3600_000 } });
    failing.register('tick', async () => {
      throw new Error('the database went away');
    });
    try {
      await failing.schedule('t-listed', '0 0 1 1 *', 'tick', {});
      const scheduledAt = new Date(Math.floor(Date.now() / 1000) * 1000);
      const jobId = `t-listed-${scheduledAt.toISOString()}`;
      await (failing.shared as InProcessRunner).refire({ schedulerId: 't-listed', scheduledAt, jobId });
      await failing.waitFor(jobId);
      const res = await t.app.inject({ url: '/v1/jobs/scheduled-runs?limit=5', headers: auth('analyst') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ claimed: true });
      expect(res.json().runs.find((r: { jobId: string }) => r.jobId === jobId)).toMatchObject({
        schedulerId: 't-listed', scheduledAt: scheduledAt.toISOString(), state: 'failed', attempts: 1, attemptJobIds: [jobId],
        error: { code: 'AR_ERR_JOB_FAILED', message: 'the database went away' }, retryAt: expect.any(String), finishedAt: expect.any(String),
      });
      const scraped = (await t.app.inject({ url: '/metrics' })).body;
      expect(scraped).toMatch(/^scheduled_run_attempts\{scheduler="t-listed",state="failed"\} 1$/m);
      expect(scraped).toMatch(/^scheduled_run_given_up\{scheduler="t-listed"\} 0$/m);
    } finally {
      await failing.close();
    }
  });

  // The gauges read the 50 newest firings of all schedules: an hourly RETRAIN_CRON of five models (120 a day) pushed
  // the nightly refresh out of them within ten hours, and its given-up gauge went missing while it was still the latest.
  it('gauges the latest firing of every schedule, however many newer firings other schedules have', async () => {
    const hour = 3600_000;
    const base = Math.floor(Date.now() / hour) * hour - 200 * hour;
    await t.storage.db.query(
      `INSERT INTO scheduled_runs (scheduler_id, scheduled_at, instance_id, job_id, state, attempts, lease_until, finished_at)
       VALUES ('t-nightly-buried', $1, 'a', 'nightly', 'failed', 3, $1, $1)`,
      [new Date(base).toISOString()],
    );
    await t.storage.db.query(
      `INSERT INTO scheduled_runs (scheduler_id, scheduled_at, instance_id, job_id, state, lease_until, finished_at)
       SELECT 't-hourly', $1::timestamptz + n * interval '1 hour', 'a', 'hourly-' || n, 'completed', now(), now() FROM generate_series(1, 60) n`,
      [new Date(base).toISOString()],
    );
    const scraped = (await t.app.inject({ url: '/metrics' })).body;
    expect(scraped).toMatch(/^scheduled_run_given_up\{scheduler="t-nightly-buried"\} 1$/m);
    expect(scraped).toMatch(/^scheduled_run_attempts\{scheduler="t-hourly",state="completed"\} 1$/m);
  });

  it('refuses a limit out of range with a problem', async () => {
    const res = await t.app.inject({ url: '/v1/jobs/scheduled-runs?limit=0', headers: auth('analyst') });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', detail: 'The request is not valid: querystring/limit must be >= 1' });
  });
});
