import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { InProcessRunner } from '../../../src/jobs/in-process.js';
import { TRAIN_JOB, latestWindow, makeTrainHandler, scheduleRetraining, type TrainJobData, type TrainOutcome } from '../../../src/ml/registry/index.js';
import { MODEL, lateEntry } from './fixtures/logistic.js';
import { checkWindow } from '../../../src/ml/registry/evaluation.js';
import { serviceCatalogue } from '../../../src/scoring/catalogue.js';
import type { Db } from '../../../src/db/sql.js';
import { openRegistry, type RegistryFixture } from './fixtures/setup.js';

describe('scheduled retraining (PGlite)', () => {
  let f: RegistryFixture;
  let runner: InProcessRunner;
  const scheduled: { id: string; cron: string; type: string; data: TrainJobData }[] = [];

  beforeAll(async () => {
    const entry = { ...lateEntry(), latestWindow: (today: string) => ({ from: '2026-01-01', to: today }) };
    f = await openRegistry('pglite', { [MODEL]: entry, 'no-data-yet': { ...lateEntry(), datasets: {} } });
    runner = new InProcessRunner();
    runner.register(TRAIN_JOB, makeTrainHandler({ registry: f.registry, monitor: f.monitor }));
    await scheduleRetraining(
      { schedule: async (id, cron, type, data) => void scheduled.push({ id, cron, type, data: data as TrainJobData }), unschedule: async () => undefined },
      f.registry.catalogue,
      '0 3 * * 0',
    );
  });
  afterAll(async () => {
    await runner.close();
    await f.close();
  });

  it('schedules each model that has a dataset, on the given cron', () => {
    expect(scheduled.map(({ id, cron, type }) => ({ id, cron, type }))).toEqual([{ id: `retrain-${MODEL}`, cron: '0 3 * * 0', type: TRAIN_JOB }]);
    expect(scheduled[0].data).toMatchObject({ window: 'latest', promote: true, actor: 'scheduler' });
  });

  it('removes the schedule of each model that has a dataset when retraining is off, so one stored by an earlier start stops', async () => {
    const removed: string[] = [];
    const added: string[] = [];
    const models = await scheduleRetraining(
      { schedule: async (id) => void added.push(id), unschedule: async (id) => void removed.push(id) },
      f.registry.catalogue,
      null,
    );
    expect({ models, added, removed }).toEqual({ models: [], added: [], removed: [`retrain-${MODEL}`] });
  });

  describe('when the scheduled job runs', () => {
    const run = async () => {
      const id = await runner.enqueue(TRAIN_JOB, scheduled[0].data);
      const info = (await runner.wait(id))!;
      expect(info.error).toBeNull();
      return info.result as TrainOutcome;
    };

    it('trains on the latest window and promotes the first version', async () => {
      const out = await run();
      expect(out.window).toEqual(latestWindow(f.registry.entry(MODEL)));
      expect(out.status).toBe('active');
    });

    it('compares the next one with the champion on the same holdout before promoting it', async () => {
      const champion = (await f.registry.active(MODEL))!;
      const out = await run();
      expect(out.promotion!.comparison).toMatchObject({ champion: champion.version, metric: 'auc' });
      expect(out.championMetrics!.auc).toBeCloseTo(champion.metrics.auc, 10);
    });
  });
});

describe('the latest window of a model whose datasets do not honour a window end', () => {
  it('leaves that end out, so the scheduled training is not refused', () => {
    const fixedCorpus = { ...lateEntry(), window: { from: false, to: false } };
    const allHistory = { ...lateEntry(), window: { from: false, to: true }, latestWindow: (today: string) => ({ from: '2024-01-01', to: today }) };
    expect(latestWindow(fixedCorpus, '2026-12-06')).toEqual({ from: null, to: null });
    expect(latestWindow(allHistory, '2026-12-06')).toEqual({ from: null, to: '2026-12-06' });
    expect(latestWindow(lateEntry(), '2026-12-06')).toEqual({ from: null, to: '2026-12-06' });
  });

  it('is accepted for every model the service retrains on a schedule', () => {
    // The loaders are not called: the catalogue only keeps the database for when they are.
    const catalogue = serviceCatalogue({} as Db);
    for (const [model, entry] of Object.entries(catalogue)) {
      expect(() => checkWindow(model, entry, latestWindow(entry, '2026-12-06'))).not.toThrow();
    }
    expect(Object.keys(catalogue)).toContain('inbound-triage');
  });
});

describe('the latest window of payment-delay (two years)', () => {
  // The database refuses 2026-02-29 as a date: the scheduled training failed when it wrote its version, after the whole training.
  it('starts on a calendar day when today is 29 February', () => {
    const entry = serviceCatalogue({} as Db)['payment-delay'];
    expect(latestWindow(entry, '2028-02-29')).toEqual({ from: '2026-02-28', to: '2028-02-29' });
    expect(latestWindow(entry, '2026-12-06')).toEqual({ from: '2024-12-06', to: '2026-12-06' });
  });
});
