// A Redis outage seen through the HTTP API: a request that queues a job or
// reads one answers a 503 AR_ERR_JOBS_UNAVAILABLE problem at once instead of
// hanging, and changes nothing; when Redis is lost after it saved its change,
// it says what it saved. Once Redis is back the same requests work again.
import crypto from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach, vi } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { Jobs } from '../../src/jobs/jobs.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { deleteQueueKeys, redisReachable } from '../helpers/redis.js';
import { eventually } from '../helpers/eventually.js';
import { startRedisProxy, type RedisProxy } from '../helpers/redis-proxy.js';
import { ndjson, customer } from '../ingest/factories.js';
import { addCustomer, seedReferences } from '../assign/factories.js';
import { MODEL, testCatalogue } from '../ml/registry/fixtures/logistic.js';

const redisUp = await redisReachable();

/** `saved`: the request's change stands, so nothing invites sending it again. */
function expectUnavailable(res: LightMyRequestResponse, saved = false) {
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['retry-after']).toBe(saved ? undefined : '5');
  const body = res.json();
  expect(body).toMatchObject({ type: 'urn:ar:problem:ar-err-jobs-unavailable', status: 503, code: 'AR_ERR_JOBS_UNAVAILABLE' });
  return body;
}

describe.skipIf(!redisUp)('the HTTP API when the job queue (Redis) is unreachable', () => {
  const queueName = `t-${crypto.randomUUID()}`;
  let proxy: RedisProxy;
  let t: TestApp;
  let searchId: number;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, role: Parameters<typeof auth>[0], payload?: object | string, headers: Record<string, string> = {}) =>
    t.app.inject({ method, url, headers: { ...auth(role), ...headers }, ...(payload === undefined ? {} : { payload }) });
  const importRows = (entity: string, rows: object[], headers: Record<string, string> = {}) =>
    call('POST', `/v1/import/${entity}`, 'platform', ndjson(rows), { 'content-type': 'application/x-ndjson', ...headers });
  const rule = (name: string, search = searchId) => ({ name, searchId: search, priority: 10, actions: [{ type: 'setCollector', collector: 'col-a' }] });
  const runCount = async () => (await call('GET', '/v1/assign/runs?limit=200', 'analyst')).json().items.length;

  beforeAll(async () => {
    proxy = await startRedisProxy();
    // No worker: a queued job stays as the request left it.
    const jobs = new Jobs({ redisUrl: proxy.url, work: false, queueName, callTimeoutMs: 300 });
    t = await buildTestApp('pglite', { REDIS_URL: proxy.url }, undefined, { catalogue: testCatalogue(), jobs });
    await seedReferences(t.storage.db);
    await addCustomer(t.storage.db, 'C1');
    searchId = (await call('POST', '/v1/searches', 'analyst', { name: 'Everyone', criteria: true })).json().id;
    expect((await call('PUT', '/v1/assign/settings', 'analyst', { runOnRuleChange: true })).statusCode).toBe(200);
  });
  // Each test starts with Redis back, and the queue's connection made again.
  beforeEach(async () => {
    proxy.up();
    await eventually(async () => expect((await call('GET', '/v1/jobs/none', 'analyst')).statusCode).toBe(404));
  });
  afterEach(() => vi.restoreAllMocks());
  afterAll(async () => {
    proxy?.up();
    await t?.close();
    await proxy?.close();
    await deleteQueueKeys([queueName]);
  });

  describe('when Redis is down', () => {
    it('refuses a rule change that sets off a run at once, and saves nothing', async () => {
      proxy.down();
      const runs = await runCount();
      const started = Date.now();
      const body = expectUnavailable(await call('POST', '/v1/rules', 'analyst', rule('All to col-a')));
      expect(Date.now() - started).toBeLessThan(1000);
      expect(body.detail).toMatch(/^The job queue \(Redis\) cannot be reached: .*; try again in a moment$/);
      expect((await call('GET', '/v1/rules', 'analyst')).json().items).toEqual([]);
      expect(await runCount()).toBe(runs);
    });

    it('refuses to change a search rules use, and keeps its criteria', async () => {
      const used = (await call('POST', '/v1/searches', 'analyst', { name: 'Retail', criteria: { '==': [{ var: 'sector' }, 'retail'] } })).json();
      expect((await call('POST', '/v1/rules', 'analyst', rule('Retail to col-a', used.id))).statusCode).toBe(201);
      proxy.down();
      expectUnavailable(await call('PUT', `/v1/searches/${used.id}`, 'analyst', { name: 'Retail', criteria: false }));
      expect((await call('GET', `/v1/searches/${used.id}`, 'analyst')).json().criteria).toEqual({ '==': [{ var: 'sector' }, 'retail'] });
    });

    it('refuses an assignment run, and records none', async () => {
      proxy.down();
      const runs = await runCount();
      expectUnavailable(await call('POST', '/v1/assign/runs', 'analyst', {}));
      expect(await runCount()).toBe(runs);
    });

    it('refuses to plan the agenda or to train a model', async () => {
      proxy.down();
      expectUnavailable(await call('POST', '/v1/agenda/plan', 'platform', {}));
      expectUnavailable(await call('POST', `/v1/models/${MODEL}/train`, 'analyst', {}));
    });

    it('refuses an import that sets off a refresh, and writes nothing; one that sets off none is taken', async () => {
      proxy.down();
      expectUnavailable(await importRows('customers', [customer(9)]));
      expect((await call('GET', '/v1/customers/C9', 'analyst')).statusCode).toBe(404);
      const collectors = await importRows('collectors', [{ externalId: 'col-z', name: 'Zoe' }]);
      expect(collectors.statusCode).toBe(200);
      expect(collectors.json()).toMatchObject({ inserted: 1, refreshJobId: null });
    });

    it('answers the state of a queued job with a 503, and the state of an import with its own', async () => {
      const { jobId } = (await call('POST', '/v1/assign/runs', 'analyst', {})).json();
      const local = (await importRows('collectors', [{ externalId: 'col-y', name: 'Yann' }], { prefer: 'respond-async' })).json();
      proxy.down();
      expectUnavailable(await call('GET', `/v1/jobs/${jobId}`, 'analyst'));
      expectUnavailable(await call('DELETE', `/v1/jobs/${jobId}`, 'analyst'));
      expect((await call('GET', `/v1/jobs/${local.jobId}`, 'platform')).statusCode).toBe(200);
    });

    it('shows a queued run from the database, its progress unknown', async () => {
      const { runId } = (await call('POST', '/v1/assign/runs', 'analyst', {})).json();
      proxy.down();
      const res = await call('GET', `/v1/assign/runs/${runId}`, 'analyst');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: runId, status: 'queued', progress: 0, message: 'progress unknown: the job queue (Redis) cannot be reached' });
    });
  });

  describe('when a rule comes to use a search while a change to the search is under way', () => {
    // What another request does between the read before the transaction (no rule runs on this search) and the save.
    async function ruleEnabledMeanwhile(ruleId: number) {
      const db = t.storage.db;
      const transaction = db.transaction.bind(db);
      vi.spyOn(db, 'transaction').mockImplementationOnce(async (fn) => {
        await db.query('UPDATE assignment_rules SET enabled = true WHERE id = $1', [ruleId]);
        return transaction(fn);
      });
    }
    let used: { id: number };
    let ruleId: number | undefined;
    // After the outer beforeEach: Redis is back to create them.
    beforeEach(async () => {
      if (ruleId === undefined) {
        used = (await call('POST', '/v1/searches', 'analyst', { name: 'Wholesale', criteria: { '==': [{ var: 'sector' }, 'wholesale'] } })).json();
        ruleId = (await call('POST', '/v1/rules', 'analyst', { ...rule('Wholesale to col-a', used.id), enabled: false })).json().rule.id;
      }
      await t.storage.db.query('UPDATE assignment_rules SET enabled = false WHERE id = $1', [ruleId]);
    });

    it('refuses the change while Redis is down, as when the rule used it before, and records no run', async () => {
      proxy.down();
      const runs = await runCount();
      await ruleEnabledMeanwhile(ruleId!);
      expectUnavailable(await call('PUT', `/v1/searches/${used.id}`, 'analyst', { name: 'Wholesale', criteria: false }));
      expect((await call('GET', `/v1/searches/${used.id}`, 'analyst')).json().criteria).toEqual({ '==': [{ var: 'sector' }, 'wholesale'] });
      expect(await runCount()).toBe(runs);
    });

    it('saves the change and sets off the run while Redis answers', async () => {
      const runs = await runCount();
      await ruleEnabledMeanwhile(ruleId!);
      const res = await call('PUT', `/v1/searches/${used.id}`, 'analyst', { name: 'Wholesale', criteria: { '==': [{ var: 'sector' }, 'retail'] } });
      expect(res.statusCode).toBe(200);
      expect(res.json().criteria).toEqual({ '==': [{ var: 'sector' }, 'retail'] });
      expect(await runCount()).toBe(runs + 1);
    });
  });

  describe('when Redis is lost after the change was saved', () => {
    const cutTheAdd = () => proxy.cutOn(['eval', 'evalsha'], 1);

    it('keeps the rule, records its run as failed and says so', async () => {
      cutTheAdd();
      const body = expectUnavailable(await call('POST', '/v1/rules', 'analyst', rule('Cut short')), true);
      expect(body.detail).toMatch(/^Rule \d+ was saved, but the assignment run it sets off \(run \d+, recorded as failed\) could not be queued: .*POST \/v1\/assign\/runs/);
      const saved = (await call('GET', '/v1/rules', 'analyst')).json().items.find((r: { name: string }) => r.name === 'Cut short');
      expect(body.detail).toContain(`Rule ${saved.id} was saved`);
      const run = (await call('GET', `/v1/assign/runs/${body.runId}`, 'analyst')).json();
      expect(run).toMatchObject({ status: 'failed', jobId: null, error: { code: 'AR_ERR_JOBS_UNAVAILABLE' } });
    });

    it('keeps the imported file, and says its refresh was not queued and how to ask for one', async () => {
      cutTheAdd();
      const res = await importRows('customers', [customer(7)]);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        entity: 'customers', rows: 1, inserted: 1, updated: 0, refreshJobId: null,
        refreshError: { code: 'AR_ERR_REFRESH_NOT_QUEUED', message: expect.stringContaining('POST /v1/refresh') },
      });
      expect((await call('GET', '/v1/customers/C7', 'analyst')).statusCode).toBe(200);
    });
  });

  describe('when Redis is lost while a request waits for its job', () => {
    it('says the job was queued, and where to read its outcome', async () => {
      const enqueue = t.services.jobs.enqueue.bind(t.services.jobs);
      const queued = new Promise<string>((resolve) => {
        vi.spyOn(t.services.jobs, 'enqueue').mockImplementationOnce(async (...args) => {
          const id = await enqueue(...args);
          resolve(id);
          return id;
        });
      });
      const answer = call('POST', '/v1/agenda/plan', 'platform', {});
      const jobId = await queued;
      proxy.down();
      const body = expectUnavailable(await answer, true);
      expect(body).toMatchObject({ jobId, detail: `Job "${jobId}" was queued, but its state cannot be read: the job queue (Redis) cannot be reached; poll GET /v1/jobs/${jobId} once it is back` });
    });
  });

  describe('when Redis is back', () => {
    it('queues a run again, without a restart', async () => {
      proxy.down();
      expectUnavailable(await call('POST', '/v1/assign/runs', 'analyst', {}));
      proxy.up();
      const res = await eventually(async () => {
        const r = await call('POST', '/v1/assign/runs', 'analyst', {});
        if (r.statusCode !== 202) throw new Error(`${r.statusCode}: ${r.body}`);
        return r;
      });
      expect((await call('GET', `/v1/jobs/${res.json().jobId}`, 'analyst')).json()).toMatchObject({ state: 'waiting', type: 'assign.run' });
    });
  });
});
