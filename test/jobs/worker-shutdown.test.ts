// A worker process told to stop (SIGTERM, npm run worker) while it runs a job:
// BullMQ's close waits for the job, which must still find the models served.
// Closed first, they were gone for a refresh still running (or one the worker
// took meanwhile): it scored with no model and completed as if it had.
import crypto from 'node:crypto';
import { describe, it, expect, afterAll, vi } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import { buildTestApp } from '../helpers/app.js';
import { deleteQueueKeys, redisReachable, REDIS_URL } from '../helpers/redis.js';

const redisUp = await redisReachable();
const queueName = `t-${crypto.randomUUID()}`;
afterAll(async () => {
  if (redisUp) await deleteQueueKeys([queueName]);
});

describe.skipIf(!redisUp)('when a worker process closes while it runs a job', () => {
  it('lets the job finish before it closes the models the job scores with', async () => {
    const jobs = new Jobs({ redisUrl: REDIS_URL, work: true, queueName });
    const t = await buildTestApp('pglite', {}, undefined, { jobs });
    const order: string[] = [];
    const closeModels = t.services.models.close;
    vi.spyOn(t.services.models, 'close').mockImplementation(async () => {
      order.push('models closed');
      await closeModels();
    });
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    jobs.register('probe', async () => {
      started();
      await gate;
      order.push('job finished');
      return 'done';
    });
    const id = await jobs.enqueue('probe', {});
    await running;

    const closing = t.close();
    // The shutdown under way, the job still running: what it does now must find what it needs.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await closing;

    expect(order).toEqual(['job finished', 'models closed']);
    const reader = new Jobs({ redisUrl: REDIS_URL, work: false, queueName });
    try {
      expect(await reader.shared.get(id)).toMatchObject({ state: 'completed', result: 'done' });
    } finally {
      await reader.close();
    }
  }, 30_000);
});
