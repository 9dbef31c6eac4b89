// A job told to stop while it waits on one long SQL statement heard it only
// once the statement returned: a closing worker could not hand it back, and a
// cancel waited. The statement in flight is now cancelled on the server.
import crypto from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import { ModelServer } from '../../src/ml/registry/server.js';
import type { ModelRegistry } from '../../src/ml/registry/registry.js';
import { openTestStorage, postgresReachable, type TestStorage } from '../helpers/storage.js';
import { deleteQueueKeys, redisReachable, REDIS_URL } from '../helpers/redis.js';
import { eventually } from '../helpers/eventually.js';

const pgUp = await postgresReachable();
const redisUp = await redisReachable();
const queues: string[] = [];
afterAll(async () => {
  if (redisUp) await deleteQueueKeys(queues);
});

// Longer than each test gives the job to stop: without the cancel, the job waits for it to return.
const LONG_STATEMENT = 'SELECT pg_sleep(20)';

describe.skipIf(!pgUp)('when a job waiting on one long SQL statement is told to stop', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage('postgres');
  });
  afterAll(async () => storage.close());

  const sleeping = async () => (await storage.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [LONG_STATEMENT]))[0].n;

  it('cancels the statement where it runs, and the job is cancelled without waiting for it', async () => {
    const jobs = new Jobs({ redisUrl: null, work: true, db: storage.db });
    jobs.register('long', async () => storage.db.query(LONG_STATEMENT));
    try {
      const id = await jobs.enqueue('long', {});
      await eventually(async () => expect(await sleeping()).toBe(1));
      const asked = Date.now();
      await jobs.cancel(id);
      // Stopped by the cancel, and saying so, not by the server's error.
      expect(await jobs.waitFor(id, 10_000)).toMatchObject({ state: 'cancelled', error: { code: 'AR_ERR_JOB_CANCELLED' } });
      expect(Date.now() - asked).toBeLessThan(5000);
      expect(await sleeping()).toBe(0);
      // The connection the cancel was sent to is closed, not pooled: the statements after it run as usual.
      expect(await storage.db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await jobs.close();
    }
  }, 30_000);

  it("leaves a model load the job set off to finish: the process serves it, not a load failure for the next 5 minutes", async () => {
    // A registry whose versions load through one long statement, as a version read from the database's files does.
    const LOAD = 'SELECT pg_sleep(1.5)';
    const registry = {
      onActivated: () => () => undefined,
      activeVersions: async () => new Map([['m', 'v2']]),
      models: () => ['m'],
      entry: () => undefined,
      open: async (_model: string, version: string) => {
        await storage.db.query(LOAD);
        return { version: { id: `m@${version}` }, predictor: { predict: () => ({ value: 1, confidence: 1, reasons: [] }) } };
      },
    } as unknown as ModelRegistry;
    const server = new ModelServer({ registry, pollMs: 0 });
    const jobs = new Jobs({ redisUrl: null, work: true, db: storage.db });
    // The refresh brings the served models up to date as it starts (src/pipeline/refresh.ts).
    jobs.register('refreshing', async () => server.refresh());
    try {
      const id = await jobs.enqueue('refreshing', {});
      await eventually(async () => expect((await storage.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query = $1 AND state = 'active'`, [LOAD]))[0].n).toBe(1));
      await jobs.cancel(id);
      await jobs.waitFor(id, 10_000);
      await eventually(async () => expect(server.get('m').version).toBe('m@v2'), 10_000);
    } finally {
      await jobs.close();
      await server.close();
    }
  }, 30_000);

  it.skipIf(!redisUp)('is handed back by a closing worker without waiting for the statement to return', async () => {
    const queueName = `t-${crypto.randomUUID()}`;
    queues.push(queueName);
    const worker = new Jobs({ redisUrl: REDIS_URL, work: true, queueName, handBackAfterMs: 100 });
    worker.register('long', async () => storage.db.query(LONG_STATEMENT));
    await worker.start();
    const id = await worker.enqueue('long', {});
    await eventually(async () => expect(await sleeping()).toBe(1), 10_000);
    const closing = Date.now();
    await worker.close();
    expect(Date.now() - closing).toBeLessThan(5000);
    // The close hands the job back without waiting for the cancel to land (it is sent from a connection
    // of its own): the statement stops within moments, not the 20 s it would sleep.
    await eventually(async () => expect(await sleeping()).toBe(0), 5000);
    const reader = new Jobs({ redisUrl: REDIS_URL, work: false, queueName });
    try {
      expect(await reader.shared.get(id)).toMatchObject({ state: 'waiting', attempts: 0 });
    } finally {
      await reader.close();
    }
  }, 30_000);
});
