// A run the service set off (here a rule change's, on the job runners the
// service uses) that stops because a person locked a field while it applied is
// planned again and applied at once, the lock holding; a conflict that comes
// back on every attempt ends the run failed after the last, nothing written.
import crypto from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { postgresReachable } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { deleteQueueKeys, redisReachable, REDIS_URL } from '../helpers/redis.js';
import { Jobs } from '../../src/jobs/jobs.js';
import { ASSIGN_RUN_JOB, makeAssignRunHandler, runAfterChange } from '../../src/assign/jobs.js';
import { createRun, executeRun, getRun, listRuns } from '../../src/assign/runs.js';
import { saveSettings } from '../../src/assign/settings.js';
import { setLocks } from '../../src/assign/locks.js';
import { addCustomer, addRule, seedReferences } from './factories.js';

const queues: string[] = [];
afterAll(async () => {
  if (queues.length > 0) await deleteQueueKeys(queues);
});
const runners: [string, () => Jobs, boolean][] = [
  ['in-process', () => new Jobs({ redisUrl: null, work: true }), true],
  ['BullMQ', () => {
    const queueName = `t-${crypto.randomUUID()}`;
    queues.push(queueName);
    return new Jobs({ redisUrl: REDIS_URL, work: true, queueName });
  }, await redisReachable()],
];

describe.skipIf(!(await postgresReachable()))('when a run the service set off stops on a lock saved while it applied, on PostgreSQL', () => {
  const locks = lockRace();

  describe.each(runners)('on the %s runner', (_name, make, available) => {
    let jobs: Jobs | undefined;
    beforeEach(async () => {
      if (!available) return;
      jobs = make();
      // A short wait between attempts: long enough for the gate to take A back before the next one plans.
      jobs.register(ASSIGN_RUN_JOB, makeAssignRunHandler(locks.db, { attempts: 3, backoffMs: 500 }));
      await jobs.start();
    });
    afterEach(async () => {
      await jobs?.close();
      jobs = undefined;
    });

    const salesReps = async () => Object.fromEntries((await locks.db.query<{ external_id: string; sales_rep: string | null }>(
      'SELECT external_id, sales_rep FROM customers ORDER BY external_id',
    )).map((r) => [r.external_id, r.sales_rep]));
    const audited = () => locks.db.query<{ run_id: number; external_id: string }>(
      'SELECT ch.run_id, c.external_id FROM assignment_changes ch JOIN customers c ON c.id = ch.customer_id ORDER BY ch.id',
    );
    const runs = async () => (await listRuns(locks.db, 10)).reverse().map((r) => ({
      id: r.id, status: r.status, attempt: r.attempt, retryOfRunId: r.retryOfRunId, retriedByRunId: r.retriedByRunId, error: r.error?.code ?? null,
    }));

    /** While an attempt waits for A (held by the gate), having planned: a person locks the sales rep of `externalId`; then A goes. */
    async function lockWhileApplying(externalId: string): Promise<void> {
      await eventually(async () => expect(await locks.waitingForLocks()).toBe(1));
      await setLocks(locks.db, externalId, ['salesRep'], [], { actor: 'collector@COL-01#test' });
      await locks.gate.query('COMMIT');
    }
    const holdA = async () => {
      await locks.gate.query('BEGIN');
      await locks.gate.query("SELECT 1 FROM customers WHERE external_id = 'A' FOR NO KEY UPDATE");
    };

    it.skipIf(!available)('retries at once: the retry applies, the field locked meanwhile untouched, both attempts recorded', async () => {
      await seedReferences(locks.db);
      await addCustomer(locks.db, 'A', { segment: 'key' });
      await addCustomer(locks.db, 'B', { segment: 'key' });
      await addRule(locks.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Rep 1' }]);

      await holdA();
      const { runId, jobId } = await runAfterChange(locks.db, jobs!, 'Rule 1 was saved', { trigger: 'rule_change', requestedBy: 'analyst#test' });
      await lockWhileApplying('B');

      const job = await jobs!.waitFor(jobId, 20_000);
      expect(job).toMatchObject({ state: 'completed', result: { runId: runId + 1, changes: 1 } });
      expect(await runs()).toEqual([
        { id: runId, status: 'failed', attempt: 1, retryOfRunId: null, retriedByRunId: runId + 1, error: 'AR_ERR_CONFLICT' },
        { id: runId + 1, status: 'applied', attempt: 2, retryOfRunId: runId, retriedByRunId: null, error: null },
      ]);
      expect(await salesReps()).toEqual({ A: 'Rep 1', B: null });
      expect(await audited()).toEqual([{ run_id: runId + 1, external_id: 'A' }]);
      const [retry] = await listRuns(locks.db, 1);
      expect(retry).toMatchObject({ trigger: 'rule_change', requestedBy: 'analyst#test', jobId, summary: { changes: 1 } });
    });

    it.skipIf(!available)('judges the retry by the hysteresis a run would: a customer the loosened criteria keep stays in its rule', async () => {
      await seedReferences(locks.db);
      await saveSettings(locks.db, { hysteresis: { riskScore: 10 } });
      await addCustomer(locks.db, 'A', { segment: 'key' });
      await addCustomer(locks.db, 'B', { segment: 'key' });
      const h = await addCustomer(locks.db, 'H', { riskScore: 60 });
      const { rule: risky } = await addRule(locks.db, { '>': [{ var: 'riskScore' }, 50] }, [{ type: 'setInternalActor', actor: 'adv', value: 'Paul' }]);
      await executeRun(locks.db, await createRun(locks.db, { trigger: 'nightly' }));
      // Below 50, above 50 - 10: a run keeps H inside the rule; the strict criteria would take it out.
      await locks.db.query("UPDATE customers SET risk_score = 45 WHERE external_id = 'H'");
      await addRule(locks.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Rep 1' }]);

      await holdA();
      const { runId, jobId } = await runAfterChange(locks.db, jobs!, 'Rule 2 was saved', { trigger: 'rule_change' });
      await lockWhileApplying('B');

      expect(await jobs!.waitFor(jobId, 20_000)).toMatchObject({ state: 'completed', result: { runId: runId + 1, changes: 1 } });
      const [{ ruleIds }] = await locks.db.query<{ ruleIds: number[] }>('SELECT rule_ids AS "ruleIds" FROM assignment_rule_members WHERE customer_id = $1', [h]);
      expect(ruleIds).toContain(risky.id);
      expect(await locks.db.query('SELECT run_id FROM assignment_member_changes WHERE customer_id = $1 AND run_id >= $2', [h, runId])).toEqual([]);
      expect(await audited()).toEqual([{ run_id: runId - 1, external_id: 'H' }, { run_id: runId + 1, external_id: 'A' }]);
    });

    it.skipIf(!available)('ends failed after the last attempt when every attempt meets a new lock, nothing written', async () => {
      await seedReferences(locks.db);
      for (const id of ['A', 'B', 'C', 'D']) await addCustomer(locks.db, id, { segment: 'key' });
      await addRule(locks.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Rep 1' }]);

      await holdA();
      const { runId, jobId } = await runAfterChange(locks.db, jobs!, 'Rule 1 was saved', { trigger: 'rule_change' });
      for (const [i, lockedMeanwhile] of ['B', 'C', 'D'].entries()) {
        // Once the attempt before has stopped (and let A go), before the next one plans: taken earlier,
        // A could go to the gate ahead of the attempt still waiting for it, which would then plan no more.
        if (i > 0) {
          await eventually(async () => expect((await getRun(locks.db, runId + i - 1)).status).toBe('failed'));
          await holdA();
        }
        await lockWhileApplying(lockedMeanwhile);
      }

      const job = await jobs!.waitFor(jobId, 20_000);
      expect(job).toMatchObject({ state: 'failed', error: { code: 'AR_ERR_CONFLICT' } });
      expect(await runs()).toEqual([
        { id: runId, status: 'failed', attempt: 1, retryOfRunId: null, retriedByRunId: runId + 1, error: 'AR_ERR_CONFLICT' },
        { id: runId + 1, status: 'failed', attempt: 2, retryOfRunId: runId, retriedByRunId: runId + 2, error: 'AR_ERR_CONFLICT' },
        { id: runId + 2, status: 'failed', attempt: 3, retryOfRunId: runId + 1, retriedByRunId: null, error: 'AR_ERR_CONFLICT' },
      ]);
      expect(await salesReps()).toEqual({ A: null, B: null, C: null, D: null });
      expect(await audited()).toEqual([]);
    });
  });
});
