// The schedules each process sets at start (nightly refresh, retraining) live
// in Redis. A Redis restarted without its data forgot them, and nothing ran
// nightly again until some process restarted.
import crypto from 'node:crypto';
import { describe, it, expect, afterAll, afterEach } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import type { BullmqRunner } from '../../src/jobs/bullmq.js';
import { deleteQueueKeys, redisReachable, REDIS_URL } from '../helpers/redis.js';
import { eventually } from '../helpers/eventually.js';
import { capturedLog } from '../helpers/log.js';

const redisUp = await redisReachable();
const queues: string[] = [];
afterAll(async () => {
  if (redisUp) await deleteQueueKeys(queues);
});

describe.skipIf(!redisUp)('the schedules of processes sharing a queue', () => {
  const opened: Jobs[] = [];
  const instance = (queueName: string, log = capturedLog().log) => {
    const jobs = new Jobs({ redisUrl: REDIS_URL, work: false, queueName, scheduleCheckMs: 50, log });
    jobs.register('refresh', async () => 'done');
    opened.push(jobs);
    return jobs;
  };
  const newQueue = () => {
    const name = `t-${crypto.randomUUID()}`;
    queues.push(name);
    return name;
  };
  const schedulers = async (jobs: Jobs) => (await (jobs.shared as BullmqRunner).queue.getJobSchedulers()).map((s) => s.key);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((j) => j.close()));
  });

  it('are set again once Redis has lost its data, and the loss is logged', async () => {
    const queueName = newQueue();
    const { log, lines } = capturedLog();
    const jobs = instance(queueName, log);
    await jobs.schedule('t-nightly', '0 2 * * *', 'refresh', { trigger: 'nightly' });
    await jobs.start();
    // What a Redis restarted without its data holds of the queue: nothing.
    await deleteQueueKeys([queueName]);
    expect(await schedulers(jobs)).toEqual([]);
    await eventually(async () => expect(await schedulers(jobs)).toEqual(['t-nightly']));
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, schedules: ['t-nightly'] }));
  });

  it('retry a failed firing as instances without Redis do: 3 attempts, 5 then 10 minutes apart', async () => {
    const jobs = instance(newQueue());
    await jobs.schedule('t-nightly', '0 2 * * *', 'refresh', { trigger: 'nightly' });
    const scheduler = await (jobs.shared as BullmqRunner).queue.getJobScheduler('t-nightly');
    expect(scheduler?.template?.opts).toMatchObject({ attempts: 3, backoff: { type: 'exponential', delay: 5 * 60_000 } });
  });

  it('stay removed when another process removed one (a start with the schedule turned off)', async () => {
    const queueName = newQueue();
    const earlier = instance(queueName);
    await earlier.schedule('t-nightly', '0 2 * * *', 'refresh', { trigger: 'nightly' });
    await earlier.start();
    const later = instance(queueName);
    await later.unschedule('t-nightly');
    expect(await earlier.restoreSchedules()).toEqual([]);
    expect(await schedulers(earlier)).toEqual([]);
  });
});
