import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { InProcessRunner } from '../../../src/jobs/in-process.js';
import { TRAIN_JOB, latestWindow, makeTrainHandler, scheduleRetraining, type TrainJobData, type TrainOutcome } from '../../../src/ml/registry/index.js';
import { MODEL, lateEntry } from './fixtures/logistic.js';
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
      { schedule: async (id, cron, type, data) => void scheduled.push({ id, cron, type, data: data as TrainJobData }) },
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
