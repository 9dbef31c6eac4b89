// The local runner's jobs (imports: their upload is on the instance that
// received it) are recorded in the database, so that any instance behind the
// load balancer answers for them, and one whose instance died reads as failed.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { Jobs, type JobsOptions } from '../../src/jobs/jobs.js';
import type { JobInfo } from '../../src/jobs/types.js';
import type { Db } from '../../src/db/sql.js';

async function until(jobs: Jobs, id: string, pred: (i: JobInfo | null) => boolean, ms = 10_000): Promise<JobInfo | null> {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await jobs.get(id);
    if (pred(info)) return info;
    if (Date.now() > deadline) throw new Error(`job ${id} never reached the expected state: ${JSON.stringify(info)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Holds a job until the test opens the gate, or the job is cancelled (its instance closing). */
function gated() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const gate = (signal: AbortSignal) => new Promise<void>((resolve, reject) => {
    void opened.then(resolve);
    signal.addEventListener('abort', () => reject(signal.reason));
  });
  return { open, gate };
}

describe.each(await backends())('local job records on %s', (backend) => {
  let storage: TestStorage;
  const opened: Jobs[] = [];
  beforeAll(async () => {
    storage = await openTestStorage(backend);
  });
  afterEach(async () => {
    for (const jobs of opened.splice(0)) await jobs.close();
  });
  afterAll(async () => storage.close());

  /** One API instance: its own runners, the shared database. */
  const instance = (records: JobsOptions['records'] = {}, db: Db = storage.db) => {
    const jobs = new Jobs({ redisUrl: null, work: true, db, records: { heartbeatMs: 20, ...records } });
    opened.push(jobs);
    return jobs;
  };

  /** A job `owner` holds running until the test lets it go, seen started by `reader`. */
  const heldJob = async (owner: Jobs, reader: Jobs) => {
    const { open, gate } = gated();
    owner.registerLocal('import', async (ctx) => gate(ctx.signal));
    const id = await owner.enqueueLocal('import', {});
    await until(reader, id, (i) => i?.state === 'active');
    return { id, open };
  };

  it('lets another instance read a job\'s state, progress and result', async () => {
    const { open, gate } = gated();
    const a = instance();
    const b = instance();
    a.registerLocal<{ rows: number }, { inserted: number }>('import', async (ctx) => {
      await ctx.progress(0.5, 'half the file read');
      await gate(ctx.signal);
      return { inserted: ctx.data.rows };
    });
    const id = await a.enqueueLocal('import', { rows: 3 });
    // Recorded before the caller gets the id: its first poll may reach any instance.
    expect(await b.get(id)).toMatchObject({ id, type: 'import', state: expect.stringMatching(/waiting|active/) });
    await until(b, id, (i) => i?.state === 'active' && i.progress === 0.5 && i.message === 'half the file read');
    open();
    const done = await until(b, id, (i) => i?.state === 'completed');
    expect(done).toMatchObject({ state: 'completed', progress: 1, result: { inserted: 3 }, error: null, attempts: 1 });
    // The same answer as the instance that ran it gives.
    expect(done).toEqual(await a.get(id));
    expect(await b.waitFor(id)).toEqual(done);
  });

  it('hands out the job id while another transaction holds the database (PGlite\'s only connection)', async () => {
    const a = instance();
    a.registerLocal('import', async () => 'done');
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const held = new Promise<void>((r) => (holding = r));
    const otherImport = storage.db.transaction(async (q) => {
      await q.query('SELECT 1');
      holding();
      await released;
    });
    await held;
    const id = await Promise.race([a.enqueueLocal('import', {}), new Promise<null>((r) => setTimeout(() => r(null), 2000))]);
    release();
    await otherImport;
    expect(id).toMatch(/^local-/);
    await until(instance(), id!, (i) => i?.state === 'completed');
  });

  it('records a failed job with its error code', async () => {
    const a = instance();
    const b = instance();
    a.registerLocal('import', async () => {
      throw Object.assign(new Error('The file has no rows'), { code: 'AR_ERR_IMPORT_EMPTY' });
    });
    const id = await a.enqueueLocal('import', {});
    const failed = await until(b, id, (i) => i?.state === 'failed');
    expect(failed).toMatchObject({ error: { code: 'AR_ERR_IMPORT_EMPTY', message: 'The file has no rows' } });
    expect(failed).toEqual(await a.get(id));
  });

  describe('when a job\'s outcome quotes a NUL or half a character (an import\'s column named so)', () => {
    it('records it, and the jobs after it, with U+FFFD in their place', async () => {
      const a = instance();
      const b = instance();
      a.registerLocal('import', async (ctx) => {
        if ((ctx.data as { bad?: boolean }).bad) throw Object.assign(new Error('column "a\u0000b\ud83d" is unknown'), { code: 'AR_ERR_IMPORT_REJECTED' });
      });
      const bad = await a.enqueueLocal('import', { bad: true });
      await a.waitFor(bad);
      const next = await a.enqueueLocal('import', {});
      // jsonb refuses both: the one statement writing every job of the instance failed at each beat.
      expect(await until(b, bad, (i) => i?.state === 'failed', 3000))
        .toMatchObject({ error: { code: 'AR_ERR_IMPORT_REJECTED', message: 'column "a\ufffdb\ufffd" is unknown' } });
      await until(b, next, (i) => i?.state === 'completed', 3000);
    });
  });

  it('writes progress every heartbeat, not every time a job reports it', async () => {
    let writes = 0;
    const counted: Db = {
      ...storage.db,
      query: (text, params) => {
        if (/UPDATE local_jobs/.test(text)) writes++;
        return storage.db.query(text, params);
      },
    };
    const a = instance({ heartbeatMs: 60_000 }, counted);
    // Progress reported for half a second: one write per report would be a couple of hundred.
    a.registerLocal('import', async (ctx) => {
      for (let batch = 1; batch <= 200; batch++) {
        await new Promise((r) => setTimeout(r, 2));
        await ctx.progress(batch / 200, `${batch * 100} rows read`);
      }
    });
    const id = await a.enqueueLocal('import', {});
    await a.waitFor(id);
    await a.close();
    // Started, then finished.
    expect(writes).toBeLessThanOrEqual(2);
    expect(await instance().get(id)).toMatchObject({ state: 'completed', message: '20000 rows read' });
  });

  describe('when the instance running a job is gone', () => {
    it('reads as failed, naming the instance and when it was last heard from', async () => {
      // Its heartbeat stops after the job started: what a process that died leaves behind.
      const dead = instance({ heartbeatMs: 3_600_000 });
      const b = instance({ lostAfterMs: 300 });
      const { id, open } = await heldJob(dead, b);
      const lost = await until(b, id, (i) => i?.state === 'failed');
      expect(lost!.error).toMatchObject({ code: 'AR_ERR_JOB_LOST', message: expect.stringContaining(dead.records!.instanceId) });
      expect(lost!.finishedAt).not.toBeNull();
      open();
    });

    it('does not read as failed while its instance still beats, however long the job runs', async () => {
      const alive = instance({ heartbeatMs: 20 });
      const b = instance({ lostAfterMs: 300 });
      const { id, open } = await heldJob(alive, b);
      await new Promise((r) => setTimeout(r, 900));
      expect(await b.get(id)).toMatchObject({ state: 'active', error: null });
      open();
      await until(b, id, (i) => i?.state === 'completed');
    });
  });

  describe('when another instance is asked to cancel a job', () => {
    it('has the instance running it cancel it', async () => {
      const a = instance();
      const b = instance();
      const { id } = await heldJob(a, b);
      expect(await b.cancel(id)).toBe(true);
      expect(await until(b, id, (i) => i?.state === 'cancelled')).toMatchObject({ error: { code: 'AR_ERR_JOB_CANCELLED' } });
      expect(await a.get(id)).toMatchObject({ state: 'cancelled' });
    });

    it('answers false for a finished job', async () => {
      const a = instance();
      const b = instance();
      a.registerLocal('import', async () => 'done');
      const id = await a.enqueueLocal('import', {});
      await until(b, id, (i) => i?.state === 'completed');
      expect(await b.cancel(id)).toBe(false);
    });
  });

  it('records the jobs a closing instance cancels, before its database closes', async () => {
    const a = instance({ heartbeatMs: 60_000 });
    const b = instance();
    a.registerLocal('import', async (ctx) => {
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    });
    const id = await a.enqueueLocal('import', {});
    await until(b, id, (i) => i?.state === 'active');
    await a.close();
    expect(await b.get(id)).toMatchObject({ state: 'cancelled', error: { code: 'AR_ERR_JOB_CANCELLED' } });
  });
});
