import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../../helpers/storage.js';
import { buildHistograms, FeatureTally } from '../../../src/ml/monitoring/histogram.js';
import { featurePsi, featurePsiOfCounts, psiOfCounts } from '../../../src/ml/monitoring/psi.js';
import { trainModel } from '../../../src/ml/registry/index.js';
import { MODEL, generate } from './fixtures/logistic.js';
import { openRegistry, type RegistryFixture } from './fixtures/setup.js';

const columnsOf = (rows: { x: number[]; segment: string }[]) => ({
  pastDaysLate: rows.map((r) => r.x[0]),
  logAmount: rows.map((r) => r.x[1]),
  segment: rows.map((r) => r.segment),
});

describe('population stability index', () => {
  const reference = buildHistograms(columnsOf(generate(2000, 1)));

  it('is zero for identical histograms', () => {
    expect(psiOfCounts([10, 20, 30], [10, 20, 30])).toBeCloseTo(0, 10);
  });

  it('stays under the threshold for a fresh sample of the same population', () => {
    const psi = featurePsi(reference, columnsOf(generate(1000, 2)));
    expect(psi.every((f) => !f.alert)).toBe(true);
    expect(Math.max(...psi.map((f) => f.psi))).toBeLessThan(0.1);
  });

  it('flags the shifted feature and not the stable ones', () => {
    const psi = featurePsi(reference, columnsOf(generate(1000, 3, { shift: 1 })));
    const byName = Object.fromEntries(psi.map((f) => [f.feature, f]));
    expect(byName.pastDaysLate.alert).toBe(true);
    expect(byName.logAmount.alert).toBe(false);
    expect(byName.segment.alert).toBe(false);
  });

  it('flags a category that appears only in recent inputs', () => {
    const recent = { segment: [...Array(700).fill('standard'), ...Array(300).fill('insolvent')] };
    const [segment] = featurePsi(reference.filter((h) => h.feature === 'segment'), recent);
    expect(segment.alert).toBe(true);
  });

  it('gives the same PSI from rows tallied one at a time as from whole columns, a feature no column names left out', () => {
    const columns = columnsOf(generate(1000, 3, { shift: 1 }));
    const names = ['segment', 'pastDaysLate'];
    const tally = new FeatureTally(reference, names);
    for (let i = 0; i < columns.segment.length; i++) tally.add([columns.segment[i], columns.pastDaysLate[i]]);
    const { logAmount: _left, ...named } = columns;
    expect(tally.rows).toBe(1000);
    expect(featurePsiOfCounts(reference, tally.counts())).toEqual(featurePsi(reference, named));
  });

  it('gives a 0/1 feature one bin per value', () => {
    const [h] = buildHistograms({ paperless: [0, 1, 1, 0, 1] });
    expect(h).toMatchObject({ type: 'numeric', edges: [0, 1], counts: [2, 3, 0] });
  });
});

describe.each(await backends())('input drift monitoring on %s', (backend) => {
  let f: RegistryFixture;

  beforeAll(async () => {
    f = await openRegistry(backend);
    await trainModel({ registry: f.registry }, { model: MODEL, dataset: 'synthetic', report: false });
  });
  afterAll(async () => f.close());

  describe('when retraining on data whose inputs moved', () => {
    it('records an alert naming the shifted feature', async () => {
      const out = await trainModel({ registry: f.registry, monitor: f.monitor }, { model: MODEL, dataset: 'drifted', report: false });
      expect(out.drift).toMatchObject({ alert: true, source: 'retrain' });
      const shifted = out.drift!.features.filter((x) => x.alert).map((x) => x.feature);
      expect(shifted).toEqual(['pastDaysLate']);
    });
  });

  describe('when scoring inputs are checked', () => {
    it('records a check without alert for inputs like the training data', async () => {
      const inputs = generate(500, 11).map((r) => r.x);
      const check = await f.monitor.checkInputs(MODEL, inputs);
      expect(check).toMatchObject({ alert: false, rows: 500, source: 'scoring' });
    });

    it('lists alerts only when asked to', async () => {
      const all = await f.monitor.list(MODEL);
      const alerts = await f.monitor.list(MODEL, { alertsOnly: true });
      expect(all.length).toBe(2);
      expect(alerts.map((c) => c.source)).toEqual(['retrain']);
    });
  });
});
