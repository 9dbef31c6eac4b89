import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../../helpers/storage.js';
import { buildTestApp, auth, bearer, fingerprint, KEYS, SECOND_ANALYST_KEY, type TestApp } from '../../helpers/app.js';
import type { ModelLifecycle } from '../../../src/ml/registry/index.js';
import { damageVersion } from './fixtures/damage.js';
import { MODEL, testCatalogue } from './fixtures/logistic.js';

describe.each(await backends())('model routes on %s', (backend) => {
  let t: TestApp;
  let lifecycle: ModelLifecycle;
  // Training runs inside this process here (no Redis): on a loaded machine the app may answer
  // 503 AR_ERR_OVERLOADED for a moment, which tells clients to retry, and so do we.
  const inject = async (method: 'GET' | 'POST', url: string, role: 'analyst' | 'collector' | 'platform' | { key: string } = 'analyst', payload?: object) => {
    const deadline = Date.now() + 30_000;
    const headers = typeof role === 'string' ? auth(role) : bearer(role.key);
    for (;;) {
      const res = await t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
      if (res.statusCode !== 503 || res.json().code !== 'AR_ERR_OVERLOADED' || Date.now() > deadline) return res;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const trainAndWait = async (payload: object) => {
    const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', payload);
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ jobId: res.json().jobId, status: 'queued', location: `/v1/jobs/${res.json().jobId}` });
    const info = await t.services.jobs.waitFor(res.json().jobId);
    expect(info.state).toBe('completed');
    return info.result as { version: string; status: string };
  };

  beforeAll(async () => {
    t = await buildTestApp(backend, {}, undefined, { catalogue: testCatalogue() });
    lifecycle = t.services.models;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('when a collector tries to train', () => {
    it('is forbidden', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'collector', {});
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_FORBIDDEN' });
    });
  });

  describe('when an analyst trains', () => {
    it('answers 202 with a job that ends with a recorded, active version', async () => {
      const result = await trainAndWait({ dataset: 'synthetic', from: '2026-01-01', to: '2026-06-01' });
      expect(result.status).toBe('active');
      const res = await inject('GET', `/v1/models/${MODEL}/versions/${result.version}`, 'collector');
      expect(res.statusCode).toBe(200);
      expect(res.json().version).toMatchObject({ status: 'active', window: { from: '2026-01-01', to: '2026-06-01' }, dataset: 'synthetic', hasReport: true });
      expect(res.json().events.map((e: { action: string }) => e.action)).toEqual(['promoted', 'registered']);
    });

    it('lists the model with its active version', async () => {
      const res = await inject('GET', '/v1/models', 'collector');
      const item = res.json().items.find((m: { name: string }) => m.name === MODEL);
      expect(item).toMatchObject({ primaryMetric: 'auc', datasets: ['synthetic', 'scrambled', 'hollow', 'drifted'], versions: 1 });
      expect(item.settings).toMatchObject({ type: 'object', properties: { iterations: { type: 'integer', minimum: 1 } } });
      expect(item.active).toMatch(new RegExp(`^${MODEL}@`));
    });

    it('serves the report as HTML with SVG plots', async () => {
      const [v] = (await inject('GET', `/v1/models/${MODEL}/versions`)).json().items;
      const res = await inject('GET', `/v1/models/${MODEL}/versions/${v.version}/report`, 'collector');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body.match(/<svg /g)?.length).toBe(7);
    });
  });

  describe('when the input is bad', () => {
    it('answers problem+json for an empty window', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { from: '2026-05-01', to: '2026-01-01' });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });

    it('answers 400 for a window that starts after today, before queueing a training bound to fail', async () => {
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { from: tomorrow });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/starts after today/);
    });

    // Before, the job trained on the whole ledger and recorded a version whose window ran to a day not yet
    // come, its holdout (the days before `to`) empty: rejected as not measurable, after the whole training.
    it('answers 400 for a window that ends after tomorrow, and queues no training', async () => {
      const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
      const before = (await inject('GET', `/v1/models/${MODEL}/versions`)).json().items.length;
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { dataset: 'synthetic', to: day(3) });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(new RegExp(`ends after tomorrow: to ${day(3)} .*leave \`to\` out to train up to today`));
      expect((await inject('GET', `/v1/models/${MODEL}/versions`)).json().items).toHaveLength(before);
      // A day east of UTC may already be tomorrow: a window ending the day after is still taken.
      const taken = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { dataset: 'synthetic', to: day(2), promote: false });
      expect(taken.statusCode).toBe(202);
      await t.services.jobs.waitFor(taken.json().jobId);
    });

    it('answers 400 for a seed past 32 bits, which the generator would take for another', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { seed: 2 ** 32 });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });

    it('answers 400 for a date that is not a date', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { from: 'last tuesday' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });

    it('answers 400 naming the datasets for an unknown one', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { dataset: 'mars' });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_MODEL_DATASET_UNKNOWN' });
      expect(res.json().detail).toMatch(/synthetic, scrambled, hollow, drifted/);
    });

    it('answers 404 for an unknown model and an unknown version', async () => {
      expect((await inject('GET', '/v1/models/nope/versions')).json().code).toBe('AR_ERR_MODEL_UNKNOWN');
      const res = await inject('GET', `/v1/models/${MODEL}/versions/20990101-000000-abcdef`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('AR_ERR_MODEL_VERSION_NOT_FOUND');
    });
  });

  describe('when a worse version is activated', () => {
    it('is refused without force, then activated with force', async () => {
      const worse = await trainAndWait({ dataset: 'scrambled' });
      expect(worse.status).toBe('rejected');
      const url = `/v1/models/${MODEL}/versions/${worse.version}/activate`;
      const refused = await inject('POST', url, 'analyst', {});
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('AR_ERR_MODEL_WORSE');
      const forced = await inject('POST', url, { key: SECOND_ANALYST_KEY }, { force: true, reason: 'demo' });
      expect(forced.statusCode).toBe(200);
      expect(forced.json()).toMatchObject({ status: 'active', statusReason: expect.stringMatching(/^forced by api:analyst#[0-9a-f]{8}: demo/) });
    });

    it('names the key that forced it in the version\'s events, by its fingerprint, never the key itself', async () => {
      const [forced] = (await inject('GET', `/v1/models/${MODEL}/versions`)).json().items.filter((v: { status: string }) => v.status === 'active');
      const res = await inject('GET', `/v1/models/${MODEL}/versions/${forced.version}`, 'collector');
      const activation = res.json().events.find((e: { action: string }) => e.action === 'activated');
      const actor = `api:analyst#${fingerprint(SECOND_ANALYST_KEY)}`;
      expect(activation).toMatchObject({ forced: true, actor, reason: expect.stringContaining(`forced by ${actor}: demo`) });
      // Two analysts' keys are told apart: the other one did not do it.
      expect(fingerprint(SECOND_ANALYST_KEY)).not.toBe(fingerprint(KEYS.analyst));
      expect(res.body).not.toContain(SECOND_ANALYST_KEY);
    });

    it('can be rolled back', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/rollback`, 'analyst');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'active', dataset: 'synthetic' });
    });

    it('does not let a collector roll back', async () => {
      expect((await inject('POST', `/v1/models/${MODEL}/rollback`, 'collector')).statusCode).toBe(403);
    });
  });

  describe('when a version\'s files are corrupted', () => {
    it('cannot be activated, even forced', async () => {
      const candidate = await trainAndWait({ dataset: 'synthetic', promote: false });
      await damageVersion(t.storage.db, t.services.config.modelsDir, MODEL, candidate.version, 'state.json', '{}');
      const res = await inject('POST', `/v1/models/${MODEL}/versions/${candidate.version}/activate`, 'analyst', { force: true });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('AR_ERR_MODEL_ARTIFACT_CORRUPT');
    });

    it('says a report deleted since it was written is damage, not a report the version never had', async () => {
      const candidate = await trainAndWait({ dataset: 'synthetic', promote: false });
      await damageVersion(t.storage.db, t.services.config.modelsDir, MODEL, candidate.version, 'report.html', null);
      const res = await inject('GET', `/v1/models/${MODEL}/versions/${candidate.version}/report`);
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_MODEL_ARTIFACT_CORRUPT', detail: expect.stringContaining('report.html is missing') });
    });
  });

  describe('when inputs drift', () => {
    it('shows the alert in the monitoring route', async () => {
      await trainAndWait({ dataset: 'drifted' });
      const res = await inject('GET', `/v1/models/${MODEL}/monitoring?alertsOnly=true`, 'collector');
      expect(res.statusCode).toBe(200);
      const [check] = res.json().items;
      expect(res.json().threshold).toBe(0.2);
      expect(check).toMatchObject({ alert: true, source: 'retrain' });
      expect(check.features[0].feature).toBe('pastDaysLate');
    });

    it('lists the checks of one source when asked, and refuses a source that records none', async () => {
      const [reference] = await t.services.models.monitor.list(MODEL, { source: 'retrain' });
      await t.services.models.monitor.checkFeatures(MODEL, reference.version, { pastDaysLate: [1, 2, 3] }, 'rescore',
        [{ feature: 'pastDaysLate', type: 'numeric', edges: [2], counts: [5, 5], missing: 0, total: 10 }]);
      const rescorings = (await inject('GET', `/v1/models/${MODEL}/monitoring?source=rescore`)).json().items;
      expect(rescorings.map((c: { source: string }) => c.source)).toEqual(['rescore']);
      expect((await inject('GET', `/v1/models/${MODEL}/monitoring?source=retrain`)).json().items.every((c: { source: string }) => c.source === 'retrain')).toBe(true);
      expect((await inject('GET', `/v1/models/${MODEL}/monitoring?source=nightly`)).statusCode).toBe(400);
    });
  });

  describe('when an analyst chooses the model\'s settings', () => {
    const versions = async () => (await inject('GET', `/v1/models/${MODEL}/versions`)).json().items.length as number;

    it('trains with them, and a later training without settings keeps them', async () => {
      const chosen = await trainAndWait({ dataset: 'synthetic', settings: { iterations: 40 } });
      expect(chosen).toMatchObject({ settings: { iterations: 40 } });
      const next = await trainAndWait({ dataset: 'synthetic', promote: false });
      expect(next).toMatchObject({ settings: { iterations: 40 } });
    });

    it('refuses settings outside the schema with one 400 listing each problem, and trains nothing', async () => {
      const before = await versions();
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { settings: { iterations: 0, learningRate: 2 } });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('AR_ERR_MODEL_SETTINGS');
      expect(res.json().detail).toMatch(/\/iterations/);
      expect(res.json().detail).toMatch(/learningRate/);
      expect(await versions()).toBe(before);
    });

    it('refuses settings that are not an object', async () => {
      const res = await inject('POST', `/v1/models/${MODEL}/train`, 'analyst', { settings: [40] });
      expect(res.statusCode).toBe(400);
    });
  });
});
