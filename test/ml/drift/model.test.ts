import { describe, expect, it } from 'vitest';
import { driftModel, driftState } from '../../../src/ml/drift/index.js';
import type { DriftExample } from '../../../src/ml/drift/index.js';
import { noisyStableCustomer, simulateCustomer } from './factories.js';

function portfolio(): DriftExample[] {
  const examples: DriftExample[] = [];
  for (let i = 0; i < 40; i++) {
    const late = i % 2 === 0;
    const c = simulateCustomer({ seed: 100 + i, segment: late ? 'late' : 'early', daysLate: late ? 20 : -3 });
    examples.push({ history: c.history, drifts: [] });
  }
  for (let i = 0; i < 6; i++) examples.push({ history: noisyStableCustomer(200 + i, { segment: 'early' }).history, drifts: [] });
  examples.push({ history: simulateCustomer({ seed: 300, segment: 'tiny' }).history, drifts: [] });
  for (const [i, kind] of (['delay_creep', 'method_shift', 'engagement_drop', 'dispute_spike'] as const).entries()) {
    const drift = { kind, atInvoice: 13, delayShiftDays: 12 };
    const c = simulateCustomer({ seed: 400 + i, segment: 'early', daysLate: -3, disputeRate: 0.05, drift });
    examples.push({ history: c.history, drifts: [kind] });
  }
  return examples;
}

describe('when training on a portfolio', () => {
  const examples = portfolio();
  const artifact = driftModel.trainSync({ examples });
  const state = driftState(artifact);

  it('fits one prior per segment large enough, from the histories alone', () => {
    expect(Object.keys(state.priors.segments).sort()).toEqual(['early']);
    expect(state.priors.segments.early.daysLate.median).toBeLessThan(state.priors.global.daysLate.median);
    expect(state.priors.segments.early.paymentMethodShares.cheque).toBeGreaterThan(0.5);
  });

  it('records how often the thresholds alert on it', () => {
    expect(state.portfolio.customers).toBe(examples.length);
    expect(state.portfolio.alertRate).toBeGreaterThan(0);
    expect(state.portfolio.alertRate).toBeLessThan(0.2);
  });

  it('is deterministic: the same portfolio gives the same artifact', () => {
    expect(JSON.stringify(driftModel.trainSync({ examples: portfolio() }))).toBe(JSON.stringify(artifact));
  });

  it('round-trips through JSON and predicts the same', async () => {
    const copy = JSON.parse(JSON.stringify(artifact));
    const [a, b] = await Promise.all([driftModel.load(artifact), driftModel.load(copy)]);
    for (const e of examples.slice(-6)) expect(b.predict(e.history)).toEqual(a.predict(e.history));
    expect(driftState(copy).id).toBe(state.id);
  });

  it('changes its id when a threshold changes', () => {
    const other = driftModel.trainSync({ examples, config: { delay: { minEffectDays: 8 } } });
    expect(driftState(other).id).not.toBe(state.id);
    expect(driftState(other).config.delay.minEffectDays).toBe(8);
    expect(driftState(other).config.delay.minDaysLate).toBe(state.config.delay.minDaysLate);
  });

  it('loads an artifact saved before a setting existed with that setting at its default', async () => {
    const old = JSON.parse(JSON.stringify(artifact));
    delete old.state.config.dispute.breaks;
    delete old.state.config.delay.levelWeight;
    expect(driftState(old).config.dispute.breaks).toBe(state.config.dispute.breaks);
    expect(driftState(old).config.delay.levelWeight).toBe(state.config.delay.levelWeight);
    const [a, b] = await Promise.all([driftModel.load(artifact), driftModel.load(old)]);
    for (const e of examples.slice(-6)) expect(b.predict(e.history)).toEqual(a.predict(e.history));
  });

  it('refuses an artifact of another model', async () => {
    await expect(driftModel.load({ state: { model: 'payment-delay' } })).rejects.toThrow(/not a drift model artifact/);
  });

  it('evaluates precision and recall per kind on labelled histories', async () => {
    const m = await driftModel.evaluate(artifact, { examples });
    for (const k of ['delay_creep', 'method_shift', 'engagement_drop', 'dispute_spike']) {
      expect(m[`recall_${k}`], k).toBe(1);
      expect(m[`precision_${k}`], k).toBe(1);
    }
    expect(m.auc).toBeGreaterThan(0.9);
  });
});

describe('when predicting through the model interface', () => {
  it('gives the assessment, a confidence and the alerting reason first', async () => {
    const predictor = await driftModel.load(driftModel.trainSync({ examples: [] }));
    const c = simulateCustomer({ seed: 500, drift: { kind: 'delay_creep', atInvoice: 13 } });
    const p = predictor.predict(c.history);
    expect(p.value.alert).toBe(true);
    expect(p.reasons).toHaveLength(4);
    expect(p.reasons[0]).toMatchObject({ factor: 'delay_creep', value: true });
    expect(p.reasons[0].text).toMatch(/^Paying later: usually pays/);
    expect(p.confidence).toBeGreaterThan(0.5);
    expect(p.confidence).toBeLessThanOrEqual(1);
  });
});
