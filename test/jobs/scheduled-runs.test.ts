// Instances sharing one PostgreSQL database without Redis each run their jobs
// in-process, and each one's timers fire every schedule: the nightly refresh
// ran once per instance on the same data. Each firing is now claimed in the
// database when its job starts (scheduled_runs), and run by one instance.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import { openTestStorage, postgresReachable, type TestStorage } from '../helpers/storage.js';
import { eventually } from '../helpers/eventually.js';
import { capturedLog } from '../helpers/log.js';
import { groupBy } from '../../src/util/collections.js';

const pgUp = await postgresReachable();

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
});
