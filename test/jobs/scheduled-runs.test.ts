// Instances sharing one PostgreSQL database without Redis each run their jobs
// in-process, and each one's timers fire every schedule: the nightly refresh
// ran once per instance on the same data. Each firing is now claimed in the
// database when its job starts (scheduled_runs), and run by one instance; one
// that failed, or whose instance died, is claimed again, up to three attempts.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import { InProcessRunner } from '../../src/jobs/in-process.js';
import { ScheduledRunClaims } from '../../src/jobs/firing-claims.js';
import { claimableScheduledRuns, claimScheduledRun, finishScheduledRun, type ScheduledFiring } from '../../src/jobs/scheduled-runs.js';
import { backends, openTestStorage, postgresReachable, type TestStorage } from '../helpers/storage.js';
import { eventually } from '../helpers/eventually.js';
import { capturedLog } from '../helpers/log.js';
import { groupBy } from '../../src/util/collections.js';

const pgUp = await postgresReachable();

// Short enough for a test: a lease of 600 ms renewed every 200 ms, 200 ms then 400 ms between attempts, swept every 100 ms.
const POLICY = { maxAttempts: 3, leaseMs: 600, retryAfterMs: 200 };
/** Yearly, so that its timer never fires during a test: firings are queued as a timer queues them, through `refire`. */
const NEVER = '0 0 1 1 *';

/** A firing due this second, named as a timer names it. */
const firingOf = (schedulerId: string): ScheduledFiring => {
  const scheduledAt = new Date(Math.floor(Date.now() / 1000) * 1000);
  return { schedulerId, scheduledAt, jobId: `${schedulerId}-${scheduledAt.toISOString()}` };
};

interface Run {
  instance: string;
  jobId: string;
  /** The second the run started in: both instances' timers fire within it. */
  second: number;
}

describe.skipIf(!pgUp)('when several instances without Redis share one PostgreSQL database', () => {
  let storage: TestStorage;
  const opened: Jobs[] = [];
  beforeAll(async () => {
    storage = await openTestStorage('postgres');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((j) => j.close()));
  });
  afterAll(async () => storage.close());

  const instance = (name: string, runs: Run[], handler: (run: Run, signal: AbortSignal) => Promise<unknown> = async () => 'done') => {
    const { log, lines } = capturedLog();
    const jobs = new Jobs({ redisUrl: null, work: true, db: storage.db, log });
    jobs.register('tick', async (ctx) => {
      const run = { instance: name, jobId: ctx.id, second: Math.floor(Date.now() / 1000) };
      runs.push(run);
      return handler(run, ctx.signal);
    });
    opened.push(jobs);
    return { jobs, lines };
  };

  it('runs each firing of a schedule on one instance, and the other logs that it was taken', async () => {
    const runs: Run[] = [];
    const a = instance('a', runs);
    const b = instance('b', runs);
    await a.jobs.schedule('t-every-second', '* * * * * *', 'tick', {});
    await b.jobs.schedule('t-every-second', '* * * * * *', 'tick', {});
    await eventually(async () => expect(runs.length).toBeGreaterThanOrEqual(4), 15_000);
    await Promise.all(opened.splice(0).map((j) => j.close()));
    const perSecond = groupBy(runs, (r) => String(r.second));
    expect([...perSecond.values()].filter((same) => same.length > 1)).toEqual([]);
    expect(new Set(runs.map((r) => r.jobId)).size).toBe(runs.length);
    const taken = [...a.lines, ...b.lines].filter((l) => l.msg === 'a scheduled run another instance took: not run here');
    expect(taken.length).toBeGreaterThan(0);
    expect(taken[0]).toMatchObject({ level: 30, scheduler: 't-every-second' });
  });

  it('runs the next firing while the instance that took the last one is stuck in it', async () => {
    const runs: Run[] = [];
    // The first run on a never ends (a process hung in it, or dead): its later firings wait behind it.
    const a = instance('a', runs, (run, signal) =>
      runs.filter((r) => r.instance === 'a').length === 1 ? new Promise((resolve) => signal.addEventListener('abort', resolve)) : Promise.resolve('done'));
    await a.jobs.schedule('t-every-second', '* * * * * *', 'tick', {});
    await eventually(async () => expect(runs.map((r) => r.instance)).toContain('a'), 15_000);
    const stuckIn = runs.find((r) => r.instance === 'a')!.second;
    instance('b', runs);
    await opened[1].schedule('t-every-second', '* * * * * *', 'tick', {});
    await eventually(async () => expect(runs.filter((r) => r.instance === 'b' && r.second > stuckIn).length).toBeGreaterThanOrEqual(2), 15_000);
  });

  // A claimed firing used to be run once whatever became of it: when the
  // instance that took it failed, or died mid-run, no other ran it that night.
  describe('when a claimed firing fails or loses its instance', () => {
    /** A run of a firing, by instance. */
    type Ran = Pick<Run, 'instance' | 'jobId'>;

    const claimingInstance = async (
      name: string, runs: Ran[], schedulerId: string, handler: (attempt: number, signal: AbortSignal) => Promise<unknown>, policy = POLICY,
    ) => {
      const { log, lines } = capturedLog();
      const jobs = new Jobs({ redisUrl: null, work: true, db: storage.db, log, scheduledRuns: { ...policy, sweepMs: 100 } });
      let attempts = 0;
      jobs.register('tick', async (ctx) => {
        runs.push({ instance: name, jobId: ctx.id });
        return handler(++attempts, ctx.signal);
      });
      await jobs.schedule(schedulerId, NEVER, 'tick', {});
      opened.push(jobs);
      return { jobs, lines, runner: jobs.shared as InProcessRunner };
    };

    const row = async (firing: ScheduledFiring) => {
      const [r] = await storage.db.query<{ state: string; attempts: number; instanceId: string; error: { message: string } | null; retryAt: Date | null }>(
        `SELECT state, attempts, instance_id AS "instanceId", error, retry_at AS "retryAt" FROM scheduled_runs WHERE scheduler_id = $1 AND scheduled_at = $2`,
        [firing.schedulerId, firing.scheduledAt.toISOString()],
      );
      return r;
    };

    const fail = async () => {
      throw new Error('the database went away');
    };

    it('records a failed firing as failed, and another instance runs it again after the back-off', async () => {
      const runs: Ran[] = [];
      // A second before a failed firing may be claimed again: a leaves before its own sweep could.
      const a = await claimingInstance('a', runs, 't-fails-once', fail, { ...POLICY, retryAfterMs: 1000 });
      const firing = firingOf('t-fails-once');
      await a.runner.refire(firing);
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'failed', attempts: 1, error: { message: 'the database went away' } }));
      expect((await row(firing)).retryAt).not.toBeNull();
      // a goes away; b, which fired the same schedule, finds the failed firing.
      await opened.shift()!.close();
      const b = await claimingInstance('b', runs, 't-fails-once', async () => 'done');
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 2 }));
      // Each attempt its own job: the failed first one's record is not overwritten by the second's.
      expect(runs).toEqual([{ instance: 'a', jobId: firing.jobId }, { instance: 'b', jobId: `${firing.jobId}-attempt-2` }]);
      // The failure stays on the row for whoever asks why it ran twice.
      expect((await row(firing)).error).toMatchObject({ message: 'the database went away' });
      expect(a.lines.find((l) => l.msg === 'a scheduled run failed: tried again by any instance from retryAt'))
        .toMatchObject({ level: 40, scheduler: 't-fails-once', attempt: 1, of: 3 });
      expect(b.lines.find((l) => l.msg === 'a scheduled run that failed or lost its instance: run again here'))
        .toMatchObject({ level: 40, attempt: 2 });
    });

    it('never runs again a firing that completed, whoever fires it', async () => {
      const runs: Ran[] = [];
      const a = await claimingInstance('a', runs, 't-succeeds', async () => 'done');
      const b = await claimingInstance('b', runs, 't-succeeds', async () => 'done');
      const firing = firingOf('t-succeeds');
      await a.runner.refire(firing);
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 1 }));
      await b.runner.refire(firing);
      expect(await b.jobs.waitFor(firing.jobId)).toMatchObject({ state: 'completed', result: { takenBy: expect.any(String), state: 'completed' } });
      // Several sweeps of both, and a lease's time.
      await new Promise((r) => setTimeout(r, 1000));
      expect(runs).toEqual([{ instance: 'a', jobId: firing.jobId }]);
      expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 1 });
    });

    it('takes over a firing whose holder stopped renewing its lease, once the lease has lapsed', async () => {
      const runs: Ran[] = [];
      const firing = firingOf('t-holder-died');
      // Claimed by an instance that died at once: it renews nothing.
      const claimedAt = Date.now();
      expect(await claimScheduledRun(storage.db, firing, 'dead/1', POLICY)).toEqual({ attempt: 1 });
      const b = await claimingInstance('b', runs, 't-holder-died', async () => 'done');
      await b.runner.refire(firing);
      expect(await b.jobs.waitFor(firing.jobId)).toMatchObject({ result: { takenBy: 'dead/1', state: 'running' } });
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 2 }));
      expect(Date.now() - claimedAt).toBeGreaterThanOrEqual(POLICY.leaseMs);
      expect(runs).toEqual([{ instance: 'b', jobId: `${firing.jobId}-attempt-2` }]);
    });

    it('leaves a live holder its firing for as long as its job runs, however long past the first lease', async () => {
      const runs: Ran[] = [];
      let release!: () => void;
      const a = await claimingInstance('a', runs, 't-long-run', () => new Promise((resolve) => (release = () => resolve('done'))));
      const b = await claimingInstance('b', runs, 't-long-run', async () => 'done');
      const firing = firingOf('t-long-run');
      await a.runner.refire(firing);
      await eventually(async () => expect(runs).toHaveLength(1));
      await new Promise((r) => setTimeout(r, 4 * POLICY.leaseMs));
      release();
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 1 }));
      expect(runs.map((r) => r.instance)).toEqual(['a']);
      expect(b.lines.filter((l) => l.msg === 'a scheduled run that failed or lost its instance: run again here')).toEqual([]);
    });

    it('stops after three attempts, on whichever instances, and says so at error', async () => {
      const runs: Ran[] = [];
      const a = await claimingInstance('a', runs, 't-always-fails', fail);
      const b = await claimingInstance('b', runs, 't-always-fails', fail);
      const firing = firingOf('t-always-fails');
      await a.runner.refire(firing);
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'failed', attempts: 3, retryAt: null }));
      // Time for seven more sweeps of each, and for more than the longest back-off.
      await new Promise((r) => setTimeout(r, 800));
      expect(runs).toHaveLength(3);
      expect(await row(firing)).toMatchObject({ state: 'failed', attempts: 3 });
      const lastWords = [...a.lines, ...b.lines].filter((l) => l.msg === 'a scheduled run failed at its last attempt: not run again');
      expect(lastWords).toEqual([expect.objectContaining({ level: 50, attempt: 3, of: 3, error: expect.objectContaining({ message: 'the database went away' }) })]);
    });

    it('leaves a failed firing alone once a later firing of its schedule was claimed: that one does its work on newer data', async () => {
      const runs: Ran[] = [];
      const today = firingOf('t-superseded');
      const yesterday = { ...today, scheduledAt: new Date(today.scheduledAt.getTime() - 86_400_000), jobId: `${today.jobId}-yesterday` };
      // Yesterday's failed where it ran, with an attempt left, claimable at once; today's completed elsewhere.
      expect(await claimScheduledRun(storage.db, yesterday, 'gone/1', POLICY)).toEqual({ attempt: 1 });
      const failed = { state: 'failed' as const, error: { code: 'E', message: 'the database went away' }, handedBack: false };
      expect(await finishScheduledRun(storage.db, yesterday, 'gone/1', 1, failed, 0)).not.toBeNull();
      expect(await claimScheduledRun(storage.db, today, 'other/1', POLICY)).toEqual({ attempt: 1 });
      expect(await finishScheduledRun(storage.db, today, 'other/1', 1, { state: 'completed', error: null, handedBack: false }, null)).not.toBeNull();
      await claimingInstance('b', runs, 't-superseded', async () => 'done');
      // Several sweeps.
      await new Promise((r) => setTimeout(r, 800));
      expect(runs).toEqual([]);
      expect(await row(yesterday)).toMatchObject({ state: 'failed', attempts: 1, instanceId: 'gone/1' });
    });

    it('records a completed firing through a blip of the database, so that no instance runs it again', async () => {
      const firing = firingOf('t-record-blip');
      let blips = 1;
      // The database, but the first statement recording an outcome fails as a dropped connection does.
      const flaky = Object.create(storage.db, {
        query: {
          value: (sql: string, params?: unknown[]) => {
            if (sql.includes('UPDATE scheduled_runs SET state') && blips-- > 0) return Promise.reject(new Error('Connection terminated unexpectedly'));
            return storage.db.query(sql, params);
          },
        },
      }) as typeof storage.db;
      const { log, lines } = capturedLog();
      const claims = new ScheduledRunClaims(flaky, 'blip/1', POLICY, log);
      expect(await claims.claim(firing)).toEqual({ attempt: 1 });
      await claims.finished(firing, { state: 'completed', error: null, handedBack: false });
      claims.close();
      expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 1 });
      expect(lines.map((l) => l.msg)).toContain('could not record how a scheduled run ended; trying again');
    });

    // No instance takes over a firing at its last attempt: one whose holder died there was listed as running, and gauged not given up, until the next firing.
    it('tells a firing whose holder stopped renewing at its last attempt as given up, and one with attempts left as not', async () => {
      const lastDied = firingOf('t-died-last');
      const firstDied = { ...lastDied, schedulerId: 't-died-first', jobId: `t-died-first-${lastDied.scheduledAt.toISOString()}` };
      const short = { ...POLICY, leaseMs: 100 };
      const lapse = () => new Promise((r) => setTimeout(r, 150));
      for (const [i, holder] of ['dead/1', 'dead/2', 'dead/3'].entries()) {
        await claimScheduledRun(storage.db, { ...lastDied, attempt: i + 1 }, holder, short);
        await lapse();
      }
      expect(await claimScheduledRun(storage.db, firstDied, 'dead/4', short)).toEqual({ attempt: 1 });
      await lapse();
      // No schedule set: this instance sweeps nothing, and only lists.
      const lister = new Jobs({ redisUrl: null, work: true, db: storage.db, scheduledRuns: POLICY });
      opened.push(lister);
      const runs = await lister.scheduledRuns(10);
      expect(runs!.find((r) => r.jobId === lastDied.jobId)).toMatchObject({ state: 'running', attempts: 3, givenUp: true });
      expect(runs!.find((r) => r.jobId === firstDied.jobId)).toMatchObject({ state: 'running', attempts: 1, givenUp: false });
    });

    // Every process migrates at its start, so during a rolling deploy instances of the previous version claim
    // firings in the migrated table, with their insert of four columns and nothing after it: renewing no lease and
    // recording no outcome, their claim read as running with its lease lapsed, and the next instance to sweep ran it again.
    it('leaves to an instance of the previous version the firing it claimed after the migration', async () => {
      const runs: Ran[] = [];
      const firing = firingOf('t-previous-version');
      await storage.db.query(
        `INSERT INTO scheduled_runs (scheduler_id, scheduled_at, instance_id, job_id) VALUES ($1, $2, $3, $4)
         ON CONFLICT (scheduler_id, scheduled_at) DO NOTHING RETURNING instance_id`,
        [firing.schedulerId, firing.scheduledAt.toISOString(), 'previous/1', firing.jobId],
      );
      expect(await claimableScheduledRuns(storage.db, [firing.schedulerId], POLICY.maxAttempts)).toEqual([]);
      const b = await claimingInstance('b', runs, 't-previous-version', async () => 'done');
      await b.runner.refire(firing);
      expect(await b.jobs.waitFor(firing.jobId)).toMatchObject({ result: { takenBy: 'previous/1', state: 'completed' } });
      // Sweeps of b, past any lease.
      await new Promise((r) => setTimeout(r, 2 * POLICY.leaseMs));
      expect(runs).toEqual([]);
      expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 1, instanceId: 'previous/1' });
    });

    it('hands the firing to another instance at once when its holder shuts down mid-run', async () => {
      const runs: Ran[] = [];
      const a = await claimingInstance('a', runs, 't-shutdown', (_attempt, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))));
      const firing = firingOf('t-shutdown');
      await a.runner.refire(firing);
      await eventually(async () => expect(runs).toHaveLength(1));
      await opened.shift()!.close();
      // Handed back with no back-off, claimable at once, and no attempt used.
      expect(await row(firing)).toMatchObject({ state: 'failed', attempts: 0, error: { code: 'AR_ERR_JOB_CANCELLED' } });
      expect((await row(firing)).retryAt!.getTime()).toBeLessThanOrEqual(Date.now());
      await claimingInstance('b', runs, 't-shutdown', async () => 'done');
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 1 }), 2000);
      expect(runs.map((r) => r.instance)).toEqual(['a', 'b']);
    });

    it('hands back a firing at its last attempt too: a shutdown is no failure of the job', async () => {
      const runs: Ran[] = [];
      const firing = firingOf('t-shutdown-last');
      // Two attempts failed on an instance now gone; the third, a's, is stopped by a's shutdown.
      await storage.db.query(
        `INSERT INTO scheduled_runs (scheduler_id, scheduled_at, instance_id, job_id, state, attempts, lease_until, retry_at)
         VALUES ($1, $2, 'gone/1', $3, 'failed', 2, now(), now())`,
        [firing.schedulerId, firing.scheduledAt.toISOString(), firing.jobId],
      );
      const a = await claimingInstance('a', runs, 't-shutdown-last', (_attempt, signal) =>
        new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error))));
      await a.runner.refire(firing);
      await eventually(async () => expect(runs).toHaveLength(1));
      await opened.shift()!.close();
      expect(await row(firing)).toMatchObject({ state: 'failed', attempts: 2, error: { code: 'AR_ERR_JOB_CANCELLED' } });
      await claimingInstance('b', runs, 't-shutdown-last', async () => 'done');
      await eventually(async () => expect(await row(firing)).toMatchObject({ state: 'completed', attempts: 3 }), 2000);
      expect(runs.map((r) => r.instance)).toEqual(['a', 'b']);
    });
  });
});

// On the embedded PGlite nothing was claimed (one process), so a nightly refresh that failed on a
// single embedded instance waited for the next night; and a retry reused the firing's job id, so the
// record of the attempt that failed was overwritten by the next.
describe.each(await backends())('a single instance without Redis on %s', (backend) => {
  let storage: TestStorage;
  const opened: Jobs[] = [];
  beforeAll(async () => {
    storage = await openTestStorage(backend);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((j) => j.close()));
  });
  afterAll(async () => storage.close());

  /** The database as an instance whose lease renewals wait until `release` (and `slow` delays other statements) sees it. */
  const renewalsHeld = (slow: (sql: string) => Promise<unknown> | null = () => null) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const db = Object.create(storage.db, {
      query: {
        value: async (sql: string, params?: unknown[]) => {
          if (sql.includes('SET lease_until = now()') && sql.includes('RETURNING 1')) await held;
          await slow(sql);
          return storage.db.query(sql, params);
        },
      },
    }) as typeof storage.db;
    return { db, release };
  };

  it('runs its own failed firing again after the back-off, each attempt a job of its own', async () => {
    const jobs = new Jobs({ redisUrl: null, work: true, db: storage.db, scheduledRuns: { ...POLICY, sweepMs: 100 } });
    opened.push(jobs);
    const ran: string[] = [];
    jobs.register('tick', async (ctx) => {
      ran.push(ctx.id);
      if (ran.length === 1) throw new Error('the database went away');
      return 'done';
    });
    await jobs.schedule('t-embedded', NEVER, 'tick', {});
    const firing = firingOf('t-embedded');
    await (jobs.shared as InProcessRunner).refire(firing);
    // Generous: the back-off is 200 ms, the sweep every 100 ms, and the machine may be loaded.
    await eventually(async () => expect(ran).toHaveLength(2), 15_000);
    const second = `${firing.jobId}-attempt-2`;
    expect(ran).toEqual([firing.jobId, second]);
    expect(await jobs.waitFor(second)).toMatchObject({ state: 'completed', result: 'done', attempts: 2 });
    // The first attempt's job still answers, as it ended.
    expect(await jobs.get(firing.jobId)).toMatchObject({ state: 'failed', attempts: 1, error: { message: 'the database went away' } });
    await eventually(async () => expect((await jobs.scheduledRuns(10))!.find((r) => r.jobId === firing.jobId))
      .toMatchObject({ state: 'completed', attempts: 2, attemptJobIds: [firing.jobId, second], error: { message: 'the database went away' } }));
    expect(await jobs.latestScheduledRuns()).toEqual([expect.objectContaining({ schedulerId: 't-embedded', state: 'completed', attempts: 2 })]);
  });

  it('takes over, once restarted, the firing its killed process held, when the lease has lapsed', async () => {
    const firing = firingOf('t-killed');
    // Claimed by the process before it was killed (no hand-back): it renews nothing.
    expect(await claimScheduledRun(storage.db, firing, 'killed/1', POLICY)).toEqual({ attempt: 1 });
    const jobs = new Jobs({ redisUrl: null, work: true, db: storage.db, scheduledRuns: { ...POLICY, sweepMs: 100 } });
    opened.push(jobs);
    const ran: string[] = [];
    jobs.register('tick', async (ctx) => void ran.push(ctx.id));
    await jobs.schedule('t-killed', NEVER, 'tick', {});
    await eventually(async () => expect((await jobs.latestScheduledRuns())!.find((r) => r.schedulerId === 't-killed'))
      .toMatchObject({ state: 'completed', attempts: 2, attemptJobIds: [firing.jobId, `${firing.jobId}-attempt-2`] }), 15_000);
    expect(ran).toEqual([`${firing.jobId}-attempt-2`]);
  });

  // Its renewals wait while the job holds the database (PGlite's one connection in a transaction, a pool all
  // taken): its lease lapses, and its own sweep took the firing over and ran it beside itself; or, once the
  // job ended, while its outcome was being recorded (the write slow, or tried again after a blip).
  it('does not take over from itself a firing it runs or is recording whose lease lapsed while its renewals waited', async () => {
    // Five sweeps while the outcome is written.
    const { db, release } = renewalsHeld((sql) => sql.includes('UPDATE scheduled_runs SET state') ? new Promise((r) => setTimeout(r, 500)) : null);
    const jobs = new Jobs({ redisUrl: null, work: true, db, concurrency: 2, scheduledRuns: { ...POLICY, sweepMs: 100 } });
    opened.push(jobs);
    const ran: string[] = [];
    jobs.register('tick', async (ctx) => {
      ran.push(ctx.id);
      await new Promise((r) => setTimeout(r, 4 * POLICY.leaseMs));
      return 'done';
    });
    await jobs.schedule('t-self', NEVER, 'tick', {});
    const firing = firingOf('t-self');
    await (jobs.shared as InProcessRunner).refire(firing);
    expect(await jobs.waitFor(firing.jobId)).toMatchObject({ state: 'completed', attempts: 1 });
    release();
    // Sweeps past the end of the run.
    await new Promise((r) => setTimeout(r, 500));
    expect(ran).toEqual([firing.jobId]);
    expect((await jobs.scheduledRuns(10))!.find((r) => r.jobId === firing.jobId)).toMatchObject({ state: 'completed', attempts: 1 });
  });

  // An attempt another instance took over goes on running here (both run it), and with concurrency 2 the
  // instance may meanwhile claim a later attempt of the same firing: the end of the first attempt was
  // recorded as the later one's outcome (its last, so the firing read given up while that one ran).
  it('records the end of an attempt taken over by another as nothing, not as the later attempt it holds now', async () => {
    const { db, release: resume } = renewalsHeld();
    const jobs = new Jobs({ redisUrl: null, work: true, db, concurrency: 2, scheduledRuns: { ...POLICY, sweepMs: 100 } });
    opened.push(jobs);
    const ran: string[] = [];
    let endFirst!: () => void;
    const firstEnds = new Promise<void>((resolve) => (endFirst = resolve));
    let endThird!: () => void;
    const thirdEnds = new Promise<void>((resolve) => (endThird = resolve));
    // Stopped by the instance's close too, should an expectation fail first.
    const until = (ends: Promise<void>, signal: AbortSignal) => new Promise<void>((resolve, reject) => {
      void ends.then(resolve);
      signal.addEventListener('abort', () => reject(signal.reason as Error));
    });
    jobs.register('tick', async (ctx) => {
      ran.push(ctx.id);
      if (ran.length === 1) {
        await until(firstEnds, ctx.signal);
        throw new Error('the first attempt failed late');
      }
      await until(thirdEnds, ctx.signal);
      return 'done';
    });
    await jobs.schedule('t-overlap', NEVER, 'tick', {});
    const firing = firingOf('t-overlap');
    await (jobs.shared as InProcessRunner).refire(firing);
    await eventually(async () => expect(ran).toHaveLength(1));
    // Its lease lapses (renewals held), another instance takes attempt 2 over and fails it at once.
    await new Promise((r) => setTimeout(r, POLICY.leaseMs + 100));
    expect(await claimScheduledRun(storage.db, { ...firing, attempt: 2 }, 'other/1', POLICY)).toEqual({ attempt: 2 });
    await finishScheduledRun(storage.db, firing, 'other/1', 2, { state: 'failed', error: { code: 'E', message: 'down' }, handedBack: false }, 0);
    // The first attempt's renewals find it taken over; this instance's sweep then claims attempt 3.
    resume();
    const third = `${firing.jobId}-attempt-3`;
    await eventually(async () => expect(ran).toEqual([firing.jobId, third]), 15_000);
    endFirst();
    expect(await jobs.waitFor(firing.jobId)).toMatchObject({ state: 'failed' });
    // Renewals of attempt 3 go on: its lease does not lapse while it runs.
    await new Promise((r) => setTimeout(r, 2 * POLICY.leaseMs));
    expect((await jobs.scheduledRuns(10))!.find((r) => r.jobId === firing.jobId)).toMatchObject({ state: 'running', attempts: 3, givenUp: false });
    endThird();
    expect(await jobs.waitFor(third)).toMatchObject({ state: 'completed', attempts: 3 });
    expect((await jobs.scheduledRuns(10))!.find((r) => r.jobId === firing.jobId)).toMatchObject({ state: 'completed', attempts: 3 });
  });

  it('leaves a firing to the job of its next attempt when the attempt its job was queued for was made meanwhile', async () => {
    const firing = firingOf('t-stale-attempt');
    const failed = { state: 'failed' as const, error: { code: 'E', message: 'down' }, handedBack: false };
    expect(await claimScheduledRun(storage.db, firing, 'x/1', POLICY)).toEqual({ attempt: 1 });
    await finishScheduledRun(storage.db, firing, 'x/1', 1, failed, 0);
    expect(await claimableScheduledRuns(storage.db, [firing.schedulerId], POLICY.maxAttempts)).toEqual([{ ...firing, attempt: 2 }]);
    expect(await claimScheduledRun(storage.db, { ...firing, attempt: 2 }, 'y/1', POLICY)).toEqual({ attempt: 2 });
    await finishScheduledRun(storage.db, firing, 'y/1', 2, failed, 0);
    // A job queued for attempt 2 (its id <jobId>-attempt-2) that starts only now: attempt 3 would run under attempt 2's name.
    expect(await claimScheduledRun(storage.db, { ...firing, attempt: 2 }, 'z/1', POLICY)).toEqual({ takenBy: 'y/1', state: 'failed', attempts: 2 });
    expect(await claimScheduledRun(storage.db, { ...firing, attempt: 3 }, 'z/1', POLICY)).toEqual({ attempt: 3 });
  });
});
