// The training datasets the service reads from its own database: each holdout
// must hold something to judge a challenger on, and nothing training saw.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { smallWorldDir, importSmallWorld, WORLD_END } from '../helpers/world.js';
import { incentiveDataset } from '../../src/scoring/datasets.js';
import { incentiveModel, IncentivePredictor, incentiveState } from '../../src/ml/incentives/index.js';
import { incentiveEvaluation } from '../../src/ml/incentives/model.js';
import { customerDecisions } from '../../src/ml/incentives/decisions.js';

const dir = smallWorldDir();

describe.each(await backends())('incentive dataset on %s', (backend) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage(backend);
    await importSmallWorld(storage.db, dir);
  });
  afterAll(async () => storage.close());

  it('links each logged offer to its invoice, so training learns from the levers used', async () => {
    const data = await incentiveDataset(storage.db, WORLD_END);
    const state = incentiveState(await incentiveModel.train(data.train, { window: data.window }));
    // Offers whose outcome was known by the cutoff, with a week to spare for the decision day.
    const settledBy = (c: { asOf: string }) => Date.parse(c.asOf) - (state.config.outcomeCapDays + 7) * 86_400_000;
    const offered = new Set(data.train.customers.flatMap((c) => (c.offers ?? []).filter((o) => Date.parse(o.offeredAt) <= settledBy(c)).map((o) => o.lever)));
    const learnt = new Set(data.train.customers.flatMap((c) => customerDecisions(c, state.points, state.config).map((d) => d.action)));
    expect(offered.size).toBeGreaterThan(2);
    for (const lever of offered) expect(learnt, lever).toContain(lever);
  });

  it('values the trained policy on decisions whose outcome is known, made after every decision training saw', async () => {
    const data = await incentiveDataset(storage.db, WORLD_END);
    const artifact = await incentiveModel.train(data.train, { window: data.window });
    const state = incentiveState(artifact);
    const { metrics, terms } = incentiveEvaluation(new IncentivePredictor(state), data.holdout);
    expect(metrics.decisions).toBeGreaterThan(0);
    expect(Number.isFinite(metrics.policyGainDays)).toBe(true);
    const lastTrained = Math.max(...data.train.customers.flatMap((c) => customerDecisions(c, state.points, state.config).map((d) => d.day)));
    expect(Math.min(...terms.map((t) => t.decision.day))).toBeGreaterThan(lastTrained);
  });
});
