// /health/ready when a server it checks stops answering (a partition, a host
// frozen): the TCP connection stays open and nothing comes back. A probe
// waited for it for ever, so a load balancer or a monitor read a timeout, or
// nothing, instead of the 503 naming what is down.
import { describe, it, expect, afterEach } from 'vitest';
import pg from 'pg';
import { buildTestApp, type TestApp } from '../helpers/app.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';
import { redisReachable } from '../helpers/redis.js';
import { openTestStorage, postgresReachable, type TestStorage } from '../helpers/storage.js';
import { openStorage } from '../../src/db/open.js';
import { Jobs } from '../../src/jobs/jobs.js';
import { within } from '../../src/util/deadline.js';
import { PING_SQL } from '../../src/db/sql.js';
import { eventually } from '../helpers/eventually.js';

const redisUp = await redisReachable();
const pgUp = await postgresReachable();

/** The answer, or null when none came within `ms`. */
async function readyWithin(t: TestApp, ms: number) {
  const timer = new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref());
  const res = await Promise.race([t.app.inject('/health/ready'), timer]);
  return res && { statusCode: res.statusCode, body: res.json() };
}

describe('when a server /health/ready checks stops answering', () => {
  let proxy: RedisProxy | undefined;
  let t: TestApp | undefined;
  let base: TestStorage | undefined;
  afterEach(async () => {
    // Dropping the connections ends the queries they hold.
    proxy?.down();
    await t?.close();
    await proxy?.close();
    await base?.close();
    proxy = t = base = undefined;
  });

  it.skipIf(!redisUp)('answers 503 within seconds naming Redis', async () => {
    proxy = await startRedisProxy();
    // Jobs in-process: only the readiness probe goes through the proxy.
    t = await buildTestApp('pglite', { REDIS_URL: proxy.url }, undefined, { jobs: new Jobs({ redisUrl: null, work: true }) });
    expect((await readyWithin(t, 30_000))?.statusCode).toBe(200);
    proxy.stall();
    // 5 s and what a loaded machine adds; before, no answer ever came.
    const res = await readyWithin(t, 20_000);
    expect(res?.statusCode).toBe(503);
    expect(res?.body.checks).toMatchObject({ database: { ok: true }, redis: { ok: false, detail: 'no answer within 5 s' } });
  }, 180_000);

  it.skipIf(!pgUp)('answers 503 within seconds naming the database', async () => {
    base = await openTestStorage('postgres');
    proxy = await startRedisProxy(base.url!);
    const storage = await openStorage({ databaseUrl: proxy.url, pgliteDir: 'unused', poolSize: 4 });
    t = await buildTestApp('postgres', {}, Object.assign(storage, { backend: 'postgres' as const, url: proxy.url }));
    expect((await readyWithin(t, 30_000))?.statusCode).toBe(200);
    proxy.stall();
    // 5 s and what a loaded machine adds; before, no answer ever came.
    const res = await readyWithin(t, 20_000);
    expect(res?.statusCode).toBe(503);
    expect(res?.body.checks).toMatchObject({ database: { ok: false, detail: 'no answer within 5 s' } });
  }, 180_000);
});

// A check the database itself holds (a table locked by another process's
// migration, a VACUUM FULL, an administrator's LOCK TABLE): answered 503 at
// 5 s, its query went on waiting on its pooled connection for as long as the
// lock lasted, so a few probes took the whole pool from the API.
describe('when the database holds the readiness check behind a lock', () => {
  let t: TestApp | undefined;
  let locker: pg.Client | undefined;
  afterEach(async () => {
    // Ending the lock's session first lets anything still waiting on it end.
    await locker?.end();
    await t?.close();
    t = locker = undefined;
  });

  it.skipIf(!pgUp)('answers 503 and gives the connections back while the lock is held', async () => {
    t = await buildTestApp('postgres');
    locker = new pg.Client({ connectionString: t.storage.url! });
    await locker.connect();
    await locker.query('BEGIN; LOCK TABLE service_state IN ACCESS EXCLUSIVE MODE');
    // More probes at once than the pool has connections (4).
    const answers = await Promise.all(Array.from({ length: 5 }, () => readyWithin(t!, 30_000)));
    expect(answers.map((a) => a?.statusCode)).toEqual([503, 503, 503, 503, 503]);
    expect(answers[0]?.body.checks.database).toMatchObject({ ok: false });

    // The lock is still held: the pool serves other queries, and none of the checks waits on it any more.
    await expect(within(t.storage.db.query('SELECT 1 AS one'), 30_000, 'the pool is held by checks given up on')).resolves.toEqual([{ one: 1 }]);
    // The checks' own sessions: the service's other reads of the table (a refresh request's) wait on the lock as they should.
    const waitingOnLocks = async () => (await locker!.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'
         AND strpos(query, $1) > 0`, [PING_SQL],
    )).rows[0].n as number;
    await eventually(async () => expect(await waitingOnLocks()).toBe(0), 20_000);

    await locker.query('ROLLBACK');
    expect((await readyWithin(t, 30_000))?.statusCode).toBe(200);
  }, 180_000);
});

describe('while the event loop lags past MAX_EVENT_LOOP_DELAY_MS', () => {
  // Overload is a reason to send traffic elsewhere (readiness, 503 on the API), not
  // to restart the process: a liveness probe that read 503 killed it mid-work.
  it('answers 503 on the API but 200 on /health/live', async () => {
    const t = await buildTestApp('pglite', { MAX_EVENT_LOOP_DELAY_MS: '1' });
    try {
      // Busy for 2.5 s, yielding now and then: the delay under-pressure samples each second is far past 1 ms.
      for (const until = Date.now() + 2500; Date.now() < until;) {
        for (const end = Date.now() + 150; Date.now() < end;);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const api = await t.app.inject({ url: '/v1/customers', headers: { authorization: 'Bearer k-admin' } });
      const live = await t.app.inject('/health/live');
      expect(api.json().code).toBe('AR_ERR_OVERLOADED');
      expect({ statusCode: live.statusCode, body: live.json() }).toEqual({ statusCode: 200, body: { status: 'ok' } });
    } finally {
      await t.close();
    }
  }, 180_000);
});
