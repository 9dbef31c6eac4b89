// Runs their job left unfinished for good are swept (marked failed, saying
// why); a run in progress, or one its job will still take over, never is.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { buildTestApp } from '../helpers/app.js';
import { createRun, executeRun, getRun, setRunJob } from '../../src/assign/runs.js';
import { sweepAbandonedRuns } from '../../src/assign/sweep.js';
import type { JobState } from '../../src/jobs/types.js';
import { addCustomer, addRule, seedReferences } from './factories.js';

const RESET = `TRUNCATE customers, assignment_rules, saved_searches, assignment_runs, assignment_changes,
  assignment_rule_members, assignment_member_changes, collectors, dunning_scenarios, customer_groups RESTART IDENTITY CASCADE`;
const HOUR = 3600_000;

describe.each(await backends())('the sweep of abandoned assignment runs on %s', (backend) => {
  let s: TestStorage;
  /** What the job runner answers: a job's state, or nothing for a job it does not know. */
  const states = new Map<string, JobState>();
  const jobs = { get: async (id: string) => (states.has(id) ? { state: states.get(id)! } : null) };
  const sweep = () => sweepAbandonedRuns(s.db, jobs, { staleAfterMs: HOUR });

  /** A run its job's attempt left `status`, started (or queued) `ago` ms ago. */
  async function leftRun(jobId: string | null, status: 'queued' | 'running', ago = 0, db = s.db): Promise<number> {
    const id = await createRun(db, { trigger: 'nightly' });
    if (jobId) await setRunJob(db, id, jobId);
    await db.query(
      `UPDATE assignment_runs SET status = $2, created_at = now() - make_interval(secs => $3::float8 / 1000),
         started_at = CASE WHEN $2 = 'running' THEN now() - make_interval(secs => $3::float8 / 1000) END WHERE id = $1`,
      [id, status, ago],
    );
    return id;
  }

  beforeAll(async () => {
    s = await openTestStorage(backend);
  });
  afterAll(async () => s?.close());
  beforeEach(async () => {
    states.clear();
    await s.db.query(RESET);
    await seedReferences(s.db);
  });

  describe('when the job runner gave the job up for good', () => {
    it.each(['failed', 'cancelled', 'completed'] as const)('marks the run its %s job left running failed, saying why', async (state) => {
      const id = await leftRun('job-1', 'running');
      states.set('job-1', state);
      expect(await sweep()).toEqual([{ id, jobId: 'job-1', reason: `its job job-1 is ${state} and will not finish it` }]);
      const run = await getRun(s.db, id);
      expect(run).toMatchObject({ status: 'failed', error: { code: 'AR_ERR_RUN_ABANDONED' } });
      expect(run.error!.message).toContain(`its job job-1 is ${state} and will not finish it`);
      expect(run.finishedAt).not.toBeNull();
    });
  });

  describe('when its job is active or waiting for a retry', () => {
    it('leaves the run for the job to take over, however long ago it started', async () => {
      const running = await leftRun('job-active', 'running', 48 * HOUR);
      const queued = await leftRun('job-waiting', 'queued', 48 * HOUR);
      states.set('job-active', 'active').set('job-waiting', 'waiting');
      expect(await sweep()).toEqual([]);
      expect((await getRun(s.db, running)).status).toBe('running');
      expect((await getRun(s.db, queued)).status).toBe('queued');
    });
  });

  describe('when the job runner does not know its job', () => {
    it('leaves a run that moved within the limit (the job of another process, a job being queued)', async () => {
      const id = await leftRun('job-elsewhere', 'running', HOUR / 2);
      const unqueued = await leftRun(null, 'queued', HOUR / 2);
      expect(await sweep()).toEqual([]);
      expect((await getRun(s.db, id)).status).toBe('running');
      expect((await getRun(s.db, unqueued)).status).toBe('queued');
    });

    it('marks failed a run that has not moved for longer than the limit', async () => {
      const id = await leftRun('job-forgotten', 'running', 2 * HOUR);
      const unqueued = await leftRun(null, 'queued', 3 * HOUR);
      expect(await sweep()).toEqual([
        { id, jobId: 'job-forgotten', reason: 'the job runner does not know its job job-forgotten and the run has not moved for 120 minutes' },
        { id: unqueued, jobId: null, reason: 'no job was queued for it and it has waited 180 minutes' },
      ]);
      expect((await getRun(s.db, id)).status).toBe('failed');
      expect((await getRun(s.db, unqueued)).status).toBe('failed');
    });

    it('leaves a run an attempt started while the sweep was asking about its job', async () => {
      const id = await leftRun('job-elsewhere', 'queued', 2 * HOUR);
      const startedMeanwhile = {
        get: async () => {
          // Another process's in-process job begins executing the run (executeRun's first step).
          await s.db.query(`UPDATE assignment_runs SET status = 'running', started_at = now() WHERE id = $1`, [id]);
          return null;
        },
      };
      expect(await sweepAbandonedRuns(s.db, startedMeanwhile, { staleAfterMs: HOUR })).toEqual([]);
      expect((await getRun(s.db, id)).status).toBe('running');
    });
  });

  describe('when an attempt is executing the run that its job runner gave up (a worker that stalled too often, still at work)', () => {
    it('leaves it, and the attempt applies it', async () => {
      await addCustomer(s.db, 'K', { segment: 'key' });
      await addRule(s.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setCollector', collector: 'col-a' }]);
      const id = await leftRun('job-stalled', 'queued');
      states.set('job-stalled', 'failed');
      let swept: Promise<unknown> | null = null;
      await executeRun(s.db, id, {
        progress: async () => {
          swept ??= sweep();
          // PostgreSQL sweeps beside the open transaction; PGlite's one connection makes the sweep wait for it.
          if (backend === 'postgres') await swept;
        },
      });
      expect(await swept).toEqual([]);
      expect(await getRun(s.db, id)).toMatchObject({ status: 'applied', error: null });
    });
  });

  describe('when the service starts', () => {
    it('sweeps the runs a process that died left running', async () => {
      // Storage of its own: the app closes it.
      const storage = await openTestStorage(backend);
      const id = await leftRun('job-of-a-dead-process', 'running', 2 * HOUR, storage.db);
      const app = await buildTestApp(backend, {}, storage);
      try {
        const deadline = Date.now() + 10_000;
        while ((await getRun(storage.db, id)).status === 'running' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        expect(await getRun(storage.db, id)).toMatchObject({ status: 'failed', error: { code: 'AR_ERR_RUN_ABANDONED' } });
      } finally {
        await app.close();
      }
    });
  });
});
