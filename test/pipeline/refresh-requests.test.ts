// Every import that changes data gets a refresh that reads it: one already
// running when the data lands does not count, one started after it does.
import crypto from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach, vi } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { databaseMoment, markRefreshWanted, pendingRefresh, recordCompletedRefresh, recordQueuedRefresh, refreshCovering } from '../../src/pipeline/refresh-requests.js';
import { sweepPendingRefresh } from '../../src/pipeline/refresh-sweep.js';
import { ndjson, customer, invoice } from '../ingest/factories.js';
import { smallWorldDir, importSmallWorld, WORLD_END } from '../helpers/world.js';
import { paymentDelayDataset, driftDataset } from '../../src/scoring/datasets.js';
import { paymentDelayModel } from '../../src/ml/payment-delay/index.js';
import { driftModel } from '../../src/ml/drift/index.js';
import { DEFAULT_AGENDA_POLICY } from '../../src/agenda/index.js';
import type { ModelServer } from '../../src/ml/registry/index.js';
import type { JobContext, JobInfo } from '../../src/jobs/types.js';
import { AR_ERR } from '../../src/errors.js';
import { BullmqRunner } from '../../src/jobs/bullmq.js';
import { makeRefreshHandler, NIGHTLY_REFRESH_SCHEDULER, requestRefresh, scheduleNightlyRefresh, type RefreshJobData } from '../../src/pipeline/refresh.js';
import { capturedLog } from '../helpers/log.js';
import { deleteQueueKeys, redisReachable, REDIS_URL } from '../helpers/redis.js';
import { createRun, setRunJob } from '../../src/assign/runs.js';
import { setLocks } from '../../src/assign/locks.js';
import { addRule } from '../assign/factories.js';
import { eventually } from '../helpers/eventually.js';
import pg from 'pg';

// PGlite's clock counts milliseconds: within one, a request is not known to precede a start, and is refreshed again.
const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

describe.each(await backends())('refresh requests on %s', (backend) => {
  describe('whether a refresh answers a request', () => {
    let storage: TestStorage;
    beforeAll(async () => {
      storage = await openTestStorage(backend);
    });
    afterAll(async () => storage.close());

    it('is answered by a refresh that started after it and completed, not by one that started before or never completed', async () => {
      const earlier = await databaseMoment(storage.db);
      await tick();
      const asked = (await databaseMoment(storage.db)).at;
      await recordCompletedRefresh(storage.db, earlier);
      expect(await refreshCovering(storage.db, asked)).toBeNull();
      await tick();
      // This one starts after the request, then fails: nothing is recorded, the request still needs a refresh.
      await databaseMoment(storage.db);
      expect(await refreshCovering(storage.db, asked)).toBeNull();
      await tick();
      const started = await databaseMoment(storage.db);
      await recordCompletedRefresh(storage.db, started);
      expect(await refreshCovering(storage.db, asked)).toBe(started.at);
      // A slower refresh that started earlier and completes last does not move the mark back.
      await recordCompletedRefresh(storage.db, earlier);
      expect(await refreshCovering(storage.db, asked)).toBe(started.at);
    });
  });

  describe('when two refreshes run at once', () => {
    let storage: TestStorage;
    let server: ModelServer;
    beforeAll(async () => {
      storage = await openTestStorage(backend);
      await importSmallWorld(storage.db, smallWorldDir(40, 14, 5));
      const pd = await paymentDelayDataset(storage.db, WORLD_END);
      const dd = await driftDataset(storage.db, WORLD_END);
      const served = new Map<string, { predictor: unknown; version: string }>([
        ['payment-delay', { predictor: await paymentDelayModel.load(await paymentDelayModel.train(pd.train)), version: 'payment-delay@test' }],
        ['drift', { predictor: await driftModel.load(await driftModel.train(dd.train)), version: 'drift@test' }],
      ]);
      // The two models rescoring writes most of its rows with; the others are not served.
      server = {
        refresh: async () => undefined,
        get: (model: string) => {
          const s = served.get(model);
          if (!s) throw AR_ERR.MODEL_NOT_READY([model]);
          return s;
        },
      } as unknown as ModelServer;
    }, 120_000);
    afterAll(async () => storage.close());

    const job = (id: string): JobContext<RefreshJobData> => ({
      id, type: 'pipeline.refresh', data: { trigger: 'manual', asOf: WORLD_END },
      progress: async () => undefined, signal: new AbortController().signal,
    });
    const fields = () => storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM computed_fields');

    it('runs the second after the first, both complete, and the fields are those of one refresh', async () => {
      const refresh = makeRefreshHandler(storage.db, server, DEFAULT_AGENDA_POLICY);
      const first = await refresh(job('alone'));
      const [{ n: once }] = await fields();
      const both = await Promise.all([refresh(job('a')), refresh(job('b'))]);
      for (const r of [first, ...both]) expect(r).toMatchObject({ scoring: { models: ['payment-delay@test', 'drift@test'] } });
      expect((await fields())[0].n).toBe(once);
    }, 120_000);

    // Two instances, each asked for a refresh (an import each) before either refresh started: one runs, the other reads that it ran.
    it('runs once for two requests made before either refresh started', async () => {
      const refresh = makeRefreshHandler(storage.db, server, DEFAULT_AGENDA_POLICY);
      const asked = [(await databaseMoment(storage.db)).at, (await databaseMoment(storage.db)).at];
      await tick();
      const results = await Promise.all(asked.map((requestedAt, i) => refresh({ ...job(`asked-${i}`), data: { trigger: 'import', requestedAt } })));
      expect(results.filter((r) => 'scoring' in r)).toHaveLength(1);
      expect(results.filter((r) => 'coveredBy' in r)).toHaveLength(1);
      expect(await storage.db.query(`SELECT job_id AS "jobId" FROM assignment_runs WHERE job_id LIKE 'asked-%'`)).toHaveLength(1);
    }, 120_000);

    it('finishes, on a retry, the assignment run an attempt whose worker died left running', async () => {
      const left = await createRun(storage.db, { trigger: 'manual' });
      await setRunJob(storage.db, left, 'died');
      await storage.db.query(`UPDATE assignment_runs SET status = 'running', started_at = now() WHERE id = $1`, [left]);
      const retry = await makeRefreshHandler(storage.db, server, DEFAULT_AGENDA_POLICY)(job('died'));
      expect(retry).toMatchObject({ assignment: { runId: left } });
      expect(await storage.db.query(`SELECT id FROM assignment_runs WHERE status IN ('queued', 'running')`)).toEqual([]);
    }, 120_000);

    // A gate session holds the first customer the run locks: the run plans, then waits for it while a person locks another.
    it.skipIf(backend !== 'postgres')('retries at once the assignment run that a lock saved while it applied stopped, the lock holding', async () => {
      const [a, b] = (await storage.db.query<{ id: string }>('SELECT external_id AS id FROM customers ORDER BY id LIMIT 2')).map((r) => r.id);
      const salesReps = async () => (await storage.db.query<{ rep: string | null }>(
        'SELECT sales_rep AS rep FROM customers WHERE external_id = ANY($1) ORDER BY id', [[a, b]])).map((r) => r.rep);
      const before = await salesReps();
      await addRule(storage.db, { in: [{ var: 'externalId' }, [a, b]] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Rep R' }]);
      const gate = new pg.Client({ connectionString: storage.url! });
      await gate.connect();
      try {
        await gate.query('BEGIN');
        await gate.query('SELECT 1 FROM customers WHERE external_id = $1 FOR NO KEY UPDATE', [a]);
        const refreshing = makeRefreshHandler(storage.db, server, DEFAULT_AGENDA_POLICY)(job('raced'));
        await eventually(async () => expect((await storage.db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))[0].n).toBe(1), 60_000);
        await setLocks(storage.db, b, ['salesRep'], [], { actor: 'collector@COL-01#test' });
        await gate.query('COMMIT');

        const result = await refreshing;
        const runs = await storage.db.query<{ id: number; status: string; attempt: number; retryOf: number | null }>(
          `SELECT id, status, attempt, retry_of_run_id AS "retryOf" FROM assignment_runs WHERE job_id = 'raced' ORDER BY id`);
        expect(runs).toEqual([
          { id: runs[0].id, status: 'failed', attempt: 1, retryOf: null },
          { id: runs[0].id + 1, status: 'applied', attempt: 2, retryOf: runs[0].id },
        ]);
        expect(result).toMatchObject({ assignment: { runId: runs[1].id, changes: 1 } });
        expect(await salesReps()).toEqual(['Rep R', before[1]]);
      } finally {
        await gate.end();
      }
    }, 120_000);
  });

  describe('after imports', () => {
    let t: TestApp;
    const post = (entity: string, rows: object[]) => t.app.inject({
      method: 'POST', url: `/v1/import/${entity}`, headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' }, payload: ndjson(rows),
    });
    const refreshOf = async (res: Awaited<ReturnType<typeof post>>) => {
      expect(res.statusCode).toBe(200);
      const id = res.json().refreshJobId as string;
      return { id, job: await t.services.jobs.waitFor(id) };
    };
    beforeAll(async () => {
      t = await buildTestApp(backend);
      await post('customers', [customer(1), customer(2)]);
    });
    afterAll(async () => t.close());

    it('runs a refresh for each import after the last one completed', async () => {
      const first = await refreshOf(await post('invoices', [invoice(1, 1)]));
      expect(first.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
      const second = await refreshOf(await post('invoices', [invoice(2, 2)]));
      expect(second.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
      const third = await refreshOf(await post('invoices', [invoice(3, 2)]));
      expect(third.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
    });

    it('runs one after exchange rates too: rules read balances valued with them', async () => {
      const rates = await refreshOf(await post('exchange-rates', [{ currency: 'EUR', quoteCurrency: 'USD', rateDate: '2026-11-02', rate: 1.07 }]));
      expect(rates.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
    });

    const sweep = () => sweepPendingRefresh(t.storage.db, t.services.jobs, { graceMs: 0 });

    it('leaves nothing for the sweep once the import handed its refresh over', async () => {
      await refreshOf(await post('invoices', [invoice(21, 1)]));
      expect(await sweep()).toBeNull();
    });

    it('says so when it cannot queue the refresh, and the sweep queues it once the queue answers', async () => {
      // The shared queue refusing, as BullMQ does while its Redis is down.
      const enqueue = vi.spyOn(t.services.jobs, 'enqueue').mockRejectedValue(new Error('Connection is closed.'));
      try {
        const res = await post('invoices', [invoice(20, 1)]);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({
          inserted: 1, refreshJobId: null,
          refreshError: { code: 'AR_ERR_REFRESH_NOT_QUEUED', message: expect.stringContaining('queued by itself') },
        });
        await expect(sweep()).rejects.toThrow('Connection is closed.');
      } finally {
        enqueue.mockRestore();
      }
      // A mark younger than the grace is left to the import's own hand-over.
      expect(await sweepPendingRefresh(t.storage.db, t.services.jobs, { graceMs: 60_000 })).toBeNull();
      const swept = await sweep();
      expect(swept).toMatchObject({ jobId: expect.any(String) });
      expect(await t.services.jobs.waitFor(swept!.jobId)).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
      expect(await sweep()).toBeNull();
    });

    it('asks for a refresh on POST /v1/refresh', async () => {
      const asked = await t.app.inject({ method: 'POST', url: '/v1/refresh', headers: auth('platform') });
      expect(asked.statusCode).toBe(202);
      const { jobId, location } = asked.json();
      expect(location).toBe(`/v1/jobs/${jobId}`);
      expect(await t.services.jobs.waitFor(jobId)).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
    });

    it('sets off none for reference data or a file that changes nothing', async () => {
      const collectors = await post('collectors', [{ externalId: 'col-9', name: 'Nina' }]);
      expect(collectors.json()).toMatchObject({ inserted: 1, refreshJobId: null });
      const same = await post('invoices', [invoice(1, 1)]);
      expect(same.json()).toMatchObject({ unchanged: 1, refreshJobId: null });
      expect(await sweep()).toBeNull();
    });
  });

  describe('the outbox', () => {
    let storage: TestStorage;
    beforeEach(async () => {
      storage = await openTestStorage(backend);
    });
    afterEach(async () => storage.close());

    it('marks rows wanting a refresh with their commit, or not at all', async () => {
      await expect(storage.db.transaction(async (tx) => {
        await markRefreshWanted(tx);
        throw new Error('the import failed');
      })).rejects.toThrow('the import failed');
      expect(await pendingRefresh(storage.db, 0)).toBeNull();
      await storage.db.transaction((tx) => markRefreshWanted(tx));
      const wanted = await pendingRefresh(storage.db, 0);
      expect(wanted).toEqual({ wantedAt: expect.any(String), queuedJobId: null });
      expect(await pendingRefresh(storage.db, 60_000)).toBeNull();
      // A refresh queued after the mark: the sweep asks the queue about its job.
      await recordQueuedRefresh(storage.db, await databaseMoment(storage.db), 'job-q');
      expect(await pendingRefresh(storage.db, 0)).toEqual({ wantedAt: wanted!.wantedAt, queuedJobId: 'job-q' });
      await tick();
      // One started after the mark and completed has read those rows.
      await recordCompletedRefresh(storage.db, await databaseMoment(storage.db));
      expect(await pendingRefresh(storage.db, 0)).toBeNull();
      await tick();
      await storage.db.transaction((tx) => markRefreshWanted(tx));
      const later = await pendingRefresh(storage.db, 0);
      expect(later).toEqual({ wantedAt: expect.any(String), queuedJobId: null });
      expect(later!.wantedAt).not.toBe(wanted!.wantedAt);
    });

    // An import holds its transaction open while a refresh starts and ends: its mark predates the refresh, its rows do not.
    const importCommittingAfter = async (meanwhile: () => Promise<void>) => {
      let marked!: () => void;
      const markDone = new Promise<void>((resolve) => (marked = resolve));
      let commit!: () => void;
      const committing = new Promise<void>((resolve) => (commit = resolve));
      const importing = storage.db.transaction(async (tx) => {
        await markRefreshWanted(tx);
        marked();
        await committing;
      });
      await markDone;
      await tick();
      await meanwhile();
      commit();
      await importing;
    };

    it.skipIf(backend === 'pglite')('leaves pending the rows of an import that committed after the refresh started', async () => {
      let started!: Awaited<ReturnType<typeof databaseMoment>>;
      await importCommittingAfter(async () => {
        started = await databaseMoment(storage.db);
      });
      await recordCompletedRefresh(storage.db, started);
      expect(await pendingRefresh(storage.db, 0)).toEqual({ wantedAt: expect.any(String), queuedJobId: null });
      await recordCompletedRefresh(storage.db, await databaseMoment(storage.db));
      expect(await pendingRefresh(storage.db, 0)).toBeNull();
    });

    it.skipIf(backend === 'pglite')('does not wait for a refresh queued before the import committed', async () => {
      await importCommittingAfter(async () => {
        await recordQueuedRefresh(storage.db, await databaseMoment(storage.db), 'job-early');
      });
      expect(await pendingRefresh(storage.db, 0)).toEqual({ wantedAt: expect.any(String), queuedJobId: null });
      await recordQueuedRefresh(storage.db, await databaseMoment(storage.db), 'job-late');
      expect(await pendingRefresh(storage.db, 0)).toMatchObject({ queuedJobId: 'job-late' });
    });

    // Written by a version that kept only clocks: compared by clock, so an upgrade neither loses nor repeats refreshes.
    it('reads marks and refreshes recorded without transactions and snapshots by their clocks', async () => {
      const at = (await databaseMoment(storage.db)).at;
      await storage.db.query(`INSERT INTO service_state (key, value) VALUES ('refresh-wanted', jsonb_build_object('at', $1::text))`, [at]);
      expect(await pendingRefresh(storage.db, 0)).toMatchObject({ wantedAt: at });
      await tick();
      await recordCompletedRefresh(storage.db, await databaseMoment(storage.db));
      expect(await pendingRefresh(storage.db, 0)).toBeNull();
    });

    const fakeRunner = (known: (id: string) => boolean = () => true) => {
      const queued: unknown[] = [];
      return {
        queued,
        enqueue: async (type: string, data: unknown) => (queued.push({ type, data }), `job-${queued.length}`),
        get: async (id: string) => (known(id) ? ({ id, state: 'waiting' } as JobInfo) : null),
      };
    };

    it('queues through the job runner, once, what the sweep finds', async () => {
      const jobs = fakeRunner();
      expect(await sweepPendingRefresh(storage.db, jobs, { graceMs: 0 })).toBeNull();
      await storage.db.transaction((tx) => markRefreshWanted(tx));
      expect(await sweepPendingRefresh(storage.db, jobs, { graceMs: 0 })).toMatchObject({ jobId: 'job-1' });
      expect(await sweepPendingRefresh(storage.db, jobs, { graceMs: 0 })).toBeNull();
      expect(jobs.queued).toEqual([{ type: 'pipeline.refresh', data: { trigger: 'import', requestedAt: expect.any(String) } }]);
    });

    // The embedded default's queue is the process: stopped (Ctrl-C) or dead before the refresh ran, it took the refresh with it.
    it('queues it again when the refresh queued since is a job the queue no longer knows, and waits for one it knows', async () => {
      await storage.db.transaction((tx) => markRefreshWanted(tx));
      expect(await requestRefresh(storage.db, fakeRunner(), 'import')).toBe('job-1');
      // Known to the queue (waiting, running, or over): waited for.
      expect(await sweepPendingRefresh(storage.db, fakeRunner(), { graceMs: 0 })).toBeNull();
      const restarted = fakeRunner(() => false);
      expect(await sweepPendingRefresh(storage.db, restarted, { graceMs: 0 })).toMatchObject({ jobId: 'job-1' });
      expect(restarted.queued).toHaveLength(1);
      // A refresh that started after the mark completed: nothing is left, whatever the queue knows.
      await tick();
      await recordCompletedRefresh(storage.db, await databaseMoment(storage.db));
      expect(await sweepPendingRefresh(storage.db, fakeRunner(() => false), { graceMs: 0 })).toBeNull();
    });
  });
});

const redisUp = await redisReachable();

describe('when the nightly refresh is turned off (NIGHTLY_CRON=off)', () => {
  it.skipIf(!redisUp)('removes the schedule an earlier start stored in Redis, and its next run', async () => {
    const queueName = `t-${crypto.randomUUID()}`;
    const earlier = new BullmqRunner({ redisUrl: REDIS_URL, work: false, queueName });
    const now = new BullmqRunner({ redisUrl: REDIS_URL, work: false, queueName });
    try {
      await scheduleNightlyRefresh(earlier, '0 2 * * *');
      expect((await earlier.queue.getJobSchedulers()).map((s) => s.key)).toEqual([NIGHTLY_REFRESH_SCHEDULER]);
      await scheduleNightlyRefresh(now, null);
      expect(await now.queue.getJobSchedulers()).toEqual([]);
      expect(await now.queue.getDelayedCount()).toBe(0);
    } finally {
      await Promise.all([earlier.close(), now.close()]);
      await deleteQueueKeys([queueName]);
    }
  });
});

describe('a refresh queued but not recorded', () => {
  it('stands, and says in the log that the sweep may queue one more', async () => {
    const db = {
      query: async (sql: string) => {
        if (sql.includes('clock_timestamp')) return [{ at: '2026-12-07T00:00:00.000+00:00' }];
        throw new Error('connection lost');
      },
    } as unknown as Parameters<typeof requestRefresh>[0];
    const { log, lines } = capturedLog();
    const jobId = await requestRefresh(db, { enqueue: async () => 'job-7' }, 'manual', log);
    expect(jobId).toBe('job-7');
    expect(lines).toEqual([expect.objectContaining({ jobId: 'job-7', msg: expect.stringContaining('the refresh sweep may queue one more') })]);
  });
});
