import crypto from 'node:crypto';
import { describe, it, expect, afterAll, afterEach, vi } from 'vitest';
import { InProcessRunner } from '../../src/jobs/in-process.js';
import { BullmqRunner } from '../../src/jobs/bullmq.js';
import type { JobHandler, JobInfo, JobRunner } from '../../src/jobs/types.js';
import { AR_ERR } from '../../src/errors.js';
import { deleteQueueKeys, redisReachable, REDIS_URL } from '../helpers/redis.js';
import { capturedLog } from '../helpers/log.js';
import type { Worker } from 'bullmq';

async function until(runner: JobRunner, id: string, pred: (i: JobInfo) => boolean, ms = 20_000): Promise<JobInfo> {
  const deadline = Date.now() + ms;
  for (;;) {
    const info = await runner.get(id);
    if (info && pred(info)) return info;
    if (Date.now() > deadline) throw new Error(`job ${id} never reached the expected state: ${JSON.stringify(info)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const finished = (i: JobInfo) => ['completed', 'failed', 'cancelled'].includes(i.state);

// Every queue of this file is named here, and its keys go when the file is
// done: only its own, as files run in parallel use t-<uuid> queues too.
const queues: string[] = [];
const queueName = (): string => {
  const name = `t-${crypto.randomUUID()}`;
  queues.push(name);
  return name;
};
afterAll(async () => {
  if (await redisReachable()) await deleteQueueKeys(queues);
});

const makers: [string, () => Promise<JobRunner & { start?: () => Promise<void> }>, boolean][] = [
  ['in-process', async () => new InProcessRunner(), true],
  ['bullmq', async () => new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: queueName() }), await redisReachable()],
];

describe.each(makers)('%s runner', (_name, make, available) => {
  let runner: (JobRunner & { start?: () => Promise<void> }) | undefined;
  afterEach(async () => {
    await runner?.close();
    runner = undefined;
  });
  const setup = async (register: (r: JobRunner) => void) => {
    runner = await make();
    register(runner);
    await runner.start?.();
    return runner;
  };

  it.skipIf(!available)('runs a job and keeps its progress and result', async () => {
    const r = await setup((r) => r.register<{ n: number }, number>('double', async (ctx) => {
      await ctx.progress(0.5, 'half way');
      return ctx.data.n * 2;
    }));
    const id = await r.enqueue('double', { n: 21 });
    const info = await until(r, id, finished);
    expect(info).toMatchObject({ state: 'completed', progress: 1, result: 42, type: 'double' });
  });

  it.skipIf(!available)('keeps the AR_ERR code of a failed job and does not retry bad input', async () => {
    let calls = 0;
    const r = await setup((r) => r.register('bad', async () => {
      calls++;
      throw AR_ERR.VALIDATION(['no such thing']);
    }));
    const info = await until(r, await r.enqueue('bad', {}), finished);
    expect(info.state).toBe('failed');
    expect(info.error?.code).toBe('AR_ERR_VALIDATION');
    expect(calls).toBe(1);
  });

  it.skipIf(!available)('reports a database error of a job as AR_ERR_JOB_FAILED, never as its SQLSTATE', async () => {
    const r = await setup((r) => r.register('db', async () => {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' });
    }));
    const info = await until(r, await r.enqueue('db', {}, { attempts: 1 }), finished);
    expect(info.state).toBe('failed');
    expect(info.error?.code).toBe('AR_ERR_JOB_FAILED');
  });

  it.skipIf(!available)('cancels a running job through its signal', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const r = await setup((r) => r.register('long', async (ctx) => {
      started();
      for (let i = 0; i < 400; i++) {
        await new Promise((res) => setTimeout(res, 25));
        await ctx.progress(i / 400);
      }
      return 'finished anyway';
    }));
    const id = await r.enqueue('long', {});
    await running;
    expect(await r.cancel(id)).toBe(true);
    const info = await until(r, id, finished);
    expect(info.state).toBe('cancelled');
  });

  it.skipIf(!available)('runs a job enqueued twice with the same id once', async () => {
    let calls = 0;
    const r = await setup((r) => r.register('once', async () => ++calls));
    const a = await r.enqueue('once', {}, { jobId: 'same-id' });
    const b = await r.enqueue('once', {}, { jobId: 'same-id' });
    expect(a).toBe(b);
    await until(r, a, finished);
    expect(calls).toBe(1);
  });

  it.skipIf(!available)('refuses a job type nobody handles', async () => {
    const r = await setup(() => undefined);
    await expect(r.enqueue('nobody', {})).rejects.toMatchObject({ code: 'AR_ERR_UNKNOWN_JOB_TYPE' });
  });
});

const redisUp = await redisReachable();

describe('bullmq runner across processes', () => {
  it.skipIf(!redisUp)('lets one process enqueue and another work, retrying a transient failure', async () => {
    const name = queueName();
    const producer = new BullmqRunner({ redisUrl: REDIS_URL, work: false, queueName: name });
    const worker = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: name });
    let attempts = 0;
    const flaky = async () => {
      attempts++;
      if (attempts === 1) throw new Error('database hiccup');
      return 'ok';
    };
    producer.register('flaky', flaky);
    worker.register('flaky', flaky);
    await worker.start();
    try {
      const id = await producer.enqueue('flaky', {}, { attempts: 2 });
      const info = await until(producer, id, finished, 30_000);
      expect(info).toMatchObject({ state: 'completed', result: 'ok', attempts: 2 });
    } finally {
      await worker.close();
      await producer.close();
    }
  });
});

describe('a bullmq job id that names one of the queue\'s own keys', () => {
  it.skipIf(!redisUp)('is no job: neither read nor cancelled, rather than failing on the key\'s type', async () => {
    const runner = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: queueName() });
    runner.register('noop', async () => 'ok');
    await runner.start();
    try {
      // A job run: the queue now has its events stream, its id counter and its completed set.
      await until(runner, await runner.enqueue('noop', {}), finished);
      for (const id of ['events', 'id', 'completed']) {
        expect(await runner.get(id)).toBeNull();
        expect(await runner.cancel(id)).toBe(false);
      }
    } finally {
      await runner.queue.obliterate({ force: true });
      await runner.close();
    }
  });
});

/** An API process (no worker) and a worker process on one queue, both knowing `long`; `running` resolves once the job started. */
function apiAndWorker(handler: JobHandler) {
  const name = queueName();
  const api = new BullmqRunner({ redisUrl: REDIS_URL, work: false, queueName: name });
  const worker = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: name });
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const long: JobHandler = (ctx) => {
    started();
    return handler(ctx);
  };
  api.register('long', long);
  worker.register('long', long);
  return { api, worker, running };
}

// DELETE /v1/jobs/:id read the job waiting, then a worker took it before its removal, which BullMQ
// refuses for a job a worker holds: the request answered 500 and the job ran on.
describe('a bullmq job a worker takes while it is being cancelled', () => {
  it.skipIf(!redisUp)('is cancelled where it runs, as a running job is', async () => {
    // Ends the job whatever the outcome: the worker's close waits for it.
    const ended = new AbortController();
    const { api, worker, running } = apiAndWorker(async (ctx) => {
      const signal = AbortSignal.any([ctx.signal, ended.signal]);
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      if (ctx.signal.aborted) throw ctx.signal.reason;
      return 'not cancelled';
    });
    try {
      const id = await api.enqueue('long', {});
      const getJob = api.queue.getJob.bind(api.queue);
      // Between the cancel's read of the state (waiting) and its removal, the worker takes the job.
      vi.spyOn(api.queue, 'getJob').mockImplementationOnce(async (jobId) => {
        await worker.start();
        await running;
        return getJob(jobId);
      });
      expect(await api.cancel(id)).toBe(true);
      expect(await until(api, id, finished)).toMatchObject({ state: 'cancelled', error: { code: 'AR_ERR_JOB_CANCELLED' } });
    } finally {
      ended.abort();
      await worker.close();
      await api.close();
    }
  });
});

// The cancel reaches a running job's worker by pub/sub, which keeps no message: one published
// while the worker's subscriber reconnects (a Redis blip) was lost, the cancel answered true, and
// the job ran to its end.
describe('a cancel the worker running the job did not hear', () => {
  it.skipIf(!redisUp)('is seen by the job at its next progress', async () => {
    const { api, worker, running } = apiAndWorker(async (ctx) => {
      for (let i = 0; i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await ctx.progress(i / 200);
      }
      return 'finished anyway';
    });
    await worker.start();
    try {
      const id = await api.enqueue('long', {});
      await running;
      await (worker as unknown as { subscriber: { unsubscribe(): Promise<unknown> } }).subscriber.unsubscribe();
      expect(await api.cancel(id)).toBe(true);
      expect(await until(api, id, finished)).toMatchObject({ state: 'cancelled', error: { code: 'AR_ERR_JOB_CANCELLED' } });
    } finally {
      await worker.close();
      await api.close();
    }
  });
});

// Stopped (a deploy, a scale-in), a worker waited for its job, and was ended past close-with-grace's
// delay with the job still running: BullMQ gave it to another worker only once its lock had lapsed,
// and failed it for good when that happened to it twice.
describe('a bullmq worker that stops while its job runs on past the hand-back time', () => {
  it.skipIf(!redisUp)('hands the job back to the queue, where another worker runs it', async () => {
    const name = queueName();
    const stopping = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: name, handBackAfterMs: 100 });
    const other = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: name });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let attempts = 0;
    const long: JobHandler = async (ctx) => {
      if (++attempts > 1) return 'done';
      started();
      for (let i = 0; i < 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        await ctx.progress(i / 200);
      }
      return 'finished by the worker that was stopping';
    };
    stopping.register('long', long);
    other.register('long', long);
    await stopping.start();
    try {
      const id = await stopping.enqueue('long', {});
      await running;
      const closing = Date.now();
      await stopping.close();
      expect(Date.now() - closing).toBeLessThan(2500);
      await other.start();
      expect(await until(other, id, finished)).toMatchObject({ state: 'completed', result: 'done' });
    } finally {
      await other.close();
    }
  });
});

describe('a bullmq job that failed once, then completed', () => {
  it.skipIf(!redisUp)('reports no error: the first attempt\'s reason is not the outcome', async () => {
    const runner = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: queueName() });
    let attempts = 0;
    runner.register('flaky', async () => {
      if (++attempts === 1) throw new Error('database hiccup');
      return 'ok';
    });
    await runner.start();
    try {
      const id = await runner.enqueue('flaky', {}, { attempts: 2 });
      const info = await until(runner, id, finished, 30_000);
      expect(info).toMatchObject({ state: 'completed', attempts: 2, error: null });
    } finally {
      await runner.queue.obliterate({ force: true });
      await runner.close();
    }
  });
});

describe('a bullmq worker that could not renew a job\'s lock', () => {
  it.skipIf(!redisUp)('logs it as an error: another worker may be running the job too', async () => {
    const { log, lines } = capturedLog();
    const runner = new BullmqRunner({ redisUrl: REDIS_URL, work: true, queueName: queueName(), log });
    await runner.start();
    try {
      // What BullMQ's lock manager emits when a renewal fails.
      (runner as unknown as { worker: Worker }).worker.emit('error', new Error('could not renew lock for job 7'));
      expect(lines).toMatchObject([{ level: 50, msg: 'job worker error', err: { message: 'could not renew lock for job 7' } }]);
    } finally {
      await runner.queue.obliterate({ force: true });
      await runner.close();
    }
  });
});

describe('a long job on the in-process runner', () => {
  it('gives the event loop a turn when it reports progress, even when its awaits never wait', async () => {
    const runner = new InProcessRunner();
    runner.register('busy', async (ctx) => {
      for (let i = 0; i < 40; i++) {
        const until = performance.now() + 10;
        while (performance.now() < until); // work on this thread, as rescoring on PGlite is
        await Promise.resolve();
        await ctx.progress((i + 1) / 40);
      }
    });
    const id = await runner.enqueue('busy', {});
    // An HTTP answer or a health check is a callback of the event loop like this one.
    const seen = await new Promise<JobInfo | null>((resolve) => setTimeout(() => resolve(runner.get(id)), 0));
    expect(seen).toMatchObject({ state: 'active' });
    expect(seen!.progress).toBeLessThan(1);
    expect((await runner.wait(id))!.state).toBe('completed');
    await runner.close();
  });

  it('cancels a job enqueued once it is closed, instead of running it', async () => {
    const runner = new InProcessRunner();
    let ran = false;
    runner.register('late', async () => {
      ran = true;
    });
    await runner.close();
    const id = await runner.enqueue('late', {});
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(false);
    expect(await runner.get(id)).toMatchObject({ state: 'cancelled', error: { code: 'AR_ERR_JOB_CANCELLED' } });
  });

  it('lets the code that enqueued a job finish its turn before the job starts', async () => {
    const runner = new InProcessRunner();
    runner.register('noop', async () => 1);
    const id = await runner.enqueue('noop', {});
    await Promise.resolve();
    expect((await runner.get(id))!.state).toBe('waiting');
    expect((await runner.wait(id))!.state).toBe('completed');
    await runner.close();
  });
});

describe('a monthly schedule without Redis', () => {
  afterEach(() => vi.useRealTimers());

  it('runs on the first of each month, not every 24.8 days (the longest a timer waits)', async () => {
    vi.useFakeTimers({ now: new Date(2027, 0, 2), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const runner = new InProcessRunner();
    const ran: string[] = [];
    runner.register('monthly', async () => {
      ran.push(new Date().toISOString());
    });
    await runner.schedule('monthly', '0 0 1 * *', 'monthly', {});
    await vi.advanceTimersByTimeAsync(100 * 86_400_000);
    await runner.close();
    // Cron reads the machine's local time.
    expect(ran).toEqual([1, 2, 3].map((month) => new Date(2027, month, 1).toISOString()));
  });

  it('stops once unscheduled, and a schedule set again under the same id replaces the first', async () => {
    vi.useFakeTimers({ now: new Date(2027, 0, 2), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const runner = new InProcessRunner();
    let ran = 0;
    runner.register('monthly', async () => void ran++);
    await runner.schedule('monthly', '0 0 1 * *', 'monthly', {});
    await runner.schedule('monthly', '0 0 1 * *', 'monthly', {});
    await vi.advanceTimersByTimeAsync(31 * 86_400_000);
    expect(ran).toBe(1);
    await runner.unschedule('monthly');
    await vi.advanceTimersByTimeAsync(100 * 86_400_000);
    await runner.close();
    expect(ran).toBe(1);
  });
});
