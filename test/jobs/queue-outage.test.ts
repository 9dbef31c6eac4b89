// A Redis outage under the BullMQ runner: the queue's side (what HTTP requests
// call) fails at once with AR_ERR_JOBS_UNAVAILABLE instead of waiting for
// Redis, workers wait it out, and both work again once Redis is back.
import crypto from 'node:crypto';
import { describe, it, expect, afterAll, afterEach, beforeEach } from 'vitest';
import { BullmqRunner } from '../../src/jobs/bullmq.js';
import type { JobInfo } from '../../src/jobs/types.js';
import { deleteQueueKeys, redisReachable } from '../helpers/redis.js';
import { eventually } from '../helpers/eventually.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';
import { capturedLog } from '../helpers/log.js';

const redisUp = await redisReachable();
const queues: string[] = [];

// Each runner's queue is t-<uuid>: its keys go when the file is done.
afterAll(async () => {
  if (redisUp) await deleteQueueKeys(queues);
});

async function finished(runner: BullmqRunner, id: string): Promise<JobInfo> {
  return eventually(async () => {
    const info = await runner.get(id);
    if (!info || !['completed', 'failed', 'cancelled'].includes(info.state)) throw new Error(`job ${id}: ${info?.state}`);
    return info;
  }, 10_000);
}

/** How long a promise took to settle, and its error. */
async function timed(p: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  try {
    await p;
    return { ms: Date.now() - started, error: null };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
}

/**
 * Refused because Redis is down, not given up on at the call timeout: the runner's timeout is long
 * (AT_ONCE_TIMEOUT_MS) so that a loaded machine's slow event loop cannot pass one for the other.
 */
const AT_ONCE_TIMEOUT_MS = 5000;
function refusedAtOnce({ ms, error }: { ms: number; error: unknown }): void {
  expect(error).toMatchObject({ code: 'AR_ERR_JOBS_UNAVAILABLE', statusCode: 503 });
  expect((error as Error).message).not.toMatch(/within \d+ ms/);
  expect(ms).toBeLessThan(AT_ONCE_TIMEOUT_MS / 2);
}

describe.skipIf(!redisUp)('the bullmq runner when Redis becomes unreachable', () => {
  let proxy: RedisProxy;
  const runners: BullmqRunner[] = [];
  const runner = (work: boolean, log = capturedLog().log, callTimeoutMs = 300) => {
    const queueName = `t-${crypto.randomUUID()}`;
    queues.push(queueName);
    const r = new BullmqRunner({ redisUrl: proxy.url, work, queueName, callTimeoutMs, log });
    r.register('echo', async (ctx) => ctx.data);
    runners.push(r);
    return r;
  };
  beforeEach(async () => {
    proxy = await startRedisProxy();
  });
  afterEach(async () => {
    proxy.up();
    // Closed with Redis back: a worker closes its blocking connection by a command.
    await Promise.all(runners.splice(0).map((r) => r.close()));
    await proxy.close();
  });

  describe('when it goes down after the queue started', () => {
    it('refuses to enqueue at once with AR_ERR_JOBS_UNAVAILABLE', async () => {
      const r = runner(false, undefined, AT_ONCE_TIMEOUT_MS);
      await r.enqueue('echo', { n: 1 });
      proxy.down();
      refusedAtOnce(await timed(r.enqueue('echo', { n: 2 })));
    });

    it('refuses to read or cancel a job at once', async () => {
      const r = runner(false, undefined, AT_ONCE_TIMEOUT_MS);
      const id = await r.enqueue('echo', {});
      proxy.down();
      for (const call of [r.get(id), r.cancel(id)]) refusedAtOnce(await timed(call));
    });

    it('logs the queue\'s failed reconnections as warnings, with the queue\'s name', async () => {
      const { log, lines } = capturedLog();
      const r = runner(false, log);
      await r.enqueue('echo', {});
      proxy.down();
      const line = await eventually(async () => {
        const found = lines.find((l) => l.msg === 'job queue connection error');
        if (!found) throw new Error('no warning yet');
        return found;
      });
      expect(line).toMatchObject({ level: 40, queue: r.queue.name, err: { message: expect.any(String) } });
    });

    it('enqueues again once Redis is back, and a worker that lived through the outage runs the job', async () => {
      const r = runner(true);
      await r.start();
      proxy.down();
      await expect(r.enqueue('echo', {})).rejects.toMatchObject({ code: 'AR_ERR_JOBS_UNAVAILABLE' });
      proxy.up();
      const id = await eventually(() => r.enqueue('echo', { back: true }));
      expect(await finished(r, id)).toMatchObject({ state: 'completed', result: { back: true } });
    });
  });

  describe('when it stops answering', () => {
    it('gives up on the call after the call timeout', async () => {
      const r = runner(false);
      await r.enqueue('echo', {});
      proxy.stall();
      const { ms, error } = await timed(r.enqueue('echo', {}));
      expect(error).toMatchObject({ code: 'AR_ERR_JOBS_UNAVAILABLE', message: expect.stringMatching(/within 300 ms/) });
      expect(ms).toBeGreaterThanOrEqual(290);
      expect(ms).toBeLessThan(1000);
    });
  });

  describe('when it was never reachable', () => {
    it('refuses to enqueue at once instead of waiting for the first connection', async () => {
      proxy.down();
      const r = runner(false, undefined, AT_ONCE_TIMEOUT_MS);
      refusedAtOnce(await timed(r.enqueue('echo', {})));
    });
  });

  describe('when the connection is lost as the queue starts', () => {
    // The first INFO is ioredis's ready check; the second, BullMQ's version check, fails the queue's start-up.
    it('replaces the queue once Redis is back instead of failing every call', async () => {
      proxy.cutOn(['info'], 2);
      const r = runner(false);
      const id = await eventually(() => r.enqueue('echo', { n: 3 }));
      expect(await r.get(id)).toMatchObject({ state: 'waiting', type: 'echo' });
    });
  });
});
