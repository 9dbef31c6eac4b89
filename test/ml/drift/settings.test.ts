import { describe, expect, it } from 'vitest';
import { driftModel, DriftPredictor, driftState, DriftSettings } from '../../../src/ml/drift/index.js';
import { checkSettings } from '../../../src/ml/registry/settings.js';
import type { CatalogueEntry } from '../../../src/ml/registry/types.js';
import { simulateCustomer } from './factories.js';

const creeping = simulateCustomer({ seed: 11, invoices: 18, disputeRate: 0, drift: { kind: 'delay_creep', atInvoice: 14 } }).history;
const entry = { settings: { schema: DriftSettings, of: () => ({}) } } as unknown as CatalogueEntry;

async function trained(settings?: Record<string, unknown>) {
  const artifact = await driftModel.train({ examples: [] }, settings ? { settings } : {});
  return { artifact, predictor: new DriftPredictor(driftState(artifact)) };
}

describe('when an analyst sets how material a change must be', () => {
  it('alerts on a customer paying a week later by default, not when only a month later counts', async () => {
    expect((await trained()).predictor.assess(creeping).signals.delay_creep.flag).toBe(true);
    const strict = await trained({ delay: { minEffectDays: 30 } });
    expect(strict.predictor.assess(creeping).signals.delay_creep.flag).toBe(false);
  });

  it('keeps the chosen settings in the artifact and the defaults for the rest', async () => {
    const { artifact } = await trained({ evidenceThreshold: { engagement_drop: 4 } });
    const state = driftState(artifact);
    expect(state.settings).toEqual({ evidenceThreshold: { engagement_drop: 4 } });
    expect(state.config.evidenceThreshold).toMatchObject({ engagement_drop: 4, delay_creep: 3 });
  });
});

describe('when settings are checked before training', () => {
  it('accepts thresholds within their bounds', () => {
    expect(checkSettings('drift', entry, { persistence: { delay_creep: 4 }, dispute: { minIncrease: 0.5 } })).toBeTruthy();
  });

  it('lists every problem: unknown names, values out of bounds, wrong types', () => {
    expect(() => checkSettings('drift', entry, { evidenceThreshold: { delay_creep: 0.1, typo: 2 }, delay: { minEffectDays: 'ten' } }))
      .toThrow(/\/evidenceThreshold\/typo is not a setting; .*\/evidenceThreshold\/delay_creep must be >= 0\.5; .*\/delay\/minEffectDays must be number/);
  });

  it('refuses settings for a model that takes none', () => {
    expect(() => checkSettings('payment-delay', {} as CatalogueEntry, {})).toThrow(/takes no settings/);
  });
});
