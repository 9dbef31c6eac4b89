// A process that starts while Redis is down: its start-up steps that need the
// queue (schedules, workers) wait for Redis in the background instead of
// holding the start, and run once it is back.
import crypto from 'node:crypto';
import { describe, it, expect, afterAll, afterEach, beforeEach } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import type { JobInfo } from '../../src/jobs/types.js';
import { deleteQueueKeys, redisReachable } from '../helpers/redis.js';
import { eventually } from '../helpers/eventually.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';
import { capturedLog } from '../helpers/log.js';

const redisUp = await redisReachable();
const queues: string[] = [];

afterAll(async () => {
  if (redisUp) await deleteQueueKeys(queues);
});

describe.skipIf(!redisUp)('the job front started while Redis is down', () => {
  let proxy: RedisProxy;
  let jobs: Jobs;
  beforeEach(async () => {
    proxy = await startRedisProxy();
  });
  afterEach(async () => {
    proxy.up();
    await jobs.close();
    await proxy.close();
  });

  it('starts at once, and schedules and works once Redis is back', async () => {
    const queueName = `t-${crypto.randomUUID()}`;
    queues.push(queueName);
    const { log, lines } = capturedLog();
    proxy.down();
    jobs = new Jobs({ redisUrl: proxy.url, work: true, queueName, callTimeoutMs: 300, log });
    jobs.register('echo', async (ctx) => ctx.data);
    const started = Date.now();
    await jobs.schedule('t-nightly', '0 2 * * *', 'echo', { nightly: true });
    await jobs.start();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(lines.filter((l) => l.msg === 'the job queue (Redis) cannot be reached: done once it is back').map((l) => l.step))
      .toEqual(['schedule t-nightly', 'start the job workers']);
    await expect(jobs.enqueue('echo', {})).rejects.toMatchObject({ code: 'AR_ERR_JOBS_UNAVAILABLE' });

    proxy.up();
    const id = await eventually(() => jobs.enqueue('echo', { back: true }), 10_000);
    const done = await eventually(async () => {
      const info = (await jobs.get(id)) as JobInfo;
      if (info.state !== 'completed') throw new Error(info.state);
      return info;
    }, 15_000);
    expect(done.result).toEqual({ back: true });
    const shared = jobs.shared as unknown as { queue: { getJobSchedulers(): Promise<{ key: string }[]> } };
    await eventually(async () => {
      if (!(await shared.queue.getJobSchedulers()).some((s) => s.key === 't-nightly')) throw new Error('not scheduled yet');
    }, 10_000);
  });
});
