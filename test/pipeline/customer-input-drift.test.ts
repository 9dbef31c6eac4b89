// The customer-level models (drift, send time, incentives) are checked at each
// rescoring as payment delay is: what each scores, summed up per customer,
// against the serving reference its version kept at training.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { smallWorldDir, importSmallWorld, WORLD_END } from '../helpers/world.js';
import { ModelRegistry, servingReference, trainModel } from '../../src/ml/registry/index.js';
import { MemoryMonitor } from '../../src/ml/monitoring/memory-monitor.js';
import type { FeatureHistogram } from '../../src/ml/monitoring/histogram.js';
import { ModelMonitor, type DriftCheck } from '../../src/ml/monitoring/monitor.js';
import { serviceCatalogue } from '../../src/scoring/catalogue.js';
import type { RescoreModels, ServedModel } from '../../src/scoring/rescore.js';
import { RESCORE_SOURCE, rescoreWatchingInputs } from '../../src/pipeline/input-drift.js';

const dir = smallWorldDir();
const MODELS = { drift: 'drift', sendTime: 'send-time', incentives: 'incentives' } as const;
type Key = keyof typeof MODELS;

// Each model, the input a shift moves and the SQL that moves it for every customer.
const SHIFTS: Record<Key, { feature: string; sql: string }> = {
  drift: { feature: 'mainPaymentMethod', sql: "UPDATE payments SET method = 'cheque-by-post'" },
  sendTime: { feature: 'timezone', sql: "UPDATE customers SET timezone = 'Pacific/Chatham'" },
  incentives: { feature: 'riskScore', sql: 'UPDATE customers SET risk_score = 100' },
};

describe.each(await backends())('input drift of the customer-level models at rescoring on %s', (backend) => {
  let storage: TestStorage;
  let modelsDir: string;
  let registry: ModelRegistry;
  let monitor: ModelMonitor;
  const models: RescoreModels = {};
  const rescoreBook = () => rescoreWatchingInputs(storage.db, models, monitor, { asOf: WORLD_END });
  const lastCheck = async (key: Key) => (await monitor.list(MODELS[key], { source: RESCORE_SOURCE }))[0];
  const psiOf = (check: DriftCheck, feature: string) => check.features.find((f) => f.feature === feature)!;

  beforeAll(async () => {
    storage = await openTestStorage(backend);
    modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-models-'));
    registry = new ModelRegistry({ db: storage.db, modelsDir, catalogue: serviceCatalogue(storage.db, () => WORLD_END) });
    monitor = new ModelMonitor({ db: storage.db, registry });
    await importSmallWorld(storage.db, dir);
    for (const key of Object.keys(MODELS) as Key[]) {
      const out = await trainModel({ registry }, { model: MODELS[key], dataset: 'db', report: false });
      const opened = await registry.open(MODELS[key], out.version);
      (models as Record<Key, ServedModel<unknown>>)[key] = { predictor: opened.predictor, version: opened.version.id };
    }
  }, 120_000);
  afterAll(async () => {
    await storage.close();
    fs.rmSync(modelsDir, { recursive: true, force: true });
  });

  describe('when the book is rescored as it was trained on', () => {
    it('records one check a model, of every customer scored, with the served version', async () => {
      const { scoring, inputDrift } = await rescoreBook();
      expect(inputDrift.map((d) => d.model).sort()).toEqual(['drift', 'incentives', 'send-time']);
      for (const key of Object.keys(MODELS) as Key[]) {
        const check = await lastCheck(key);
        expect(check).toMatchObject({ rows: scoring.customers, version: models[key]!.version.split('@')[1] });
        expect(inputDrift.find((d) => d.model === MODELS[key])).toMatchObject({ rows: scoring.customers, maxPsi: check.maxPsi });
      }
    });

    it.each(Object.keys(MODELS) as Key[])('flags no input of %s, the one a shift will move included', async (key) => {
      const check = await lastCheck(key);
      expect(check.alert).toBe(false);
      expect(psiOf(check, SHIFTS[key].feature).alert).toBe(false);
    });
  });

  describe('when the references are built from the training data and held in memory, as the rescore bench does', () => {
    it('checks every model as the recorded checks of the same book did, and records nothing', async () => {
      const catalogue = serviceCatalogue(storage.db, () => WORLD_END);
      const references: Record<string, FeatureHistogram[] | null> = {};
      for (const model of Object.values(MODELS)) {
        const opened = await registry.open(model, (await registry.active(model))!.version);
        opened.predictor.dispose?.();
        const split = await catalogue[model].datasets.db({ from: null, to: null });
        references[model] = servingReference(catalogue[model], opened.artifact, split.holdout);
      }
      const count = async () => (await storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM model_drift_checks'))[0].n;
      const recorded = await count();
      const { scoring, inputDrift } = await rescoreWatchingInputs(storage.db, models, new MemoryMonitor(references), { asOf: WORLD_END });
      expect(inputDrift.map((d) => d.model).sort()).toEqual(['drift', 'incentives', 'send-time']);
      for (const key of Object.keys(MODELS) as Key[]) {
        const check = await lastCheck(key);
        const inMemory = inputDrift.find((d) => d.model === MODELS[key])!;
        expect(inMemory).toMatchObject({ rows: scoring.customers, version: check.version, alert: check.alert });
        expect(inMemory.maxPsi).toBeCloseTo(check.maxPsi, 12);
      }
      expect(await count()).toBe(recorded);
    });
  });

  describe('when every customer pays by another method, sits in another time zone, and is rated riskiest', () => {
    let before: Record<Key, DriftCheck>;
    beforeAll(async () => {
      before = { drift: await lastCheck('drift'), sendTime: await lastCheck('sendTime'), incentives: await lastCheck('incentives') };
      for (const { sql } of Object.values(SHIFTS)) await storage.db.query(sql);
      await rescoreBook();
    });

    it.each(Object.keys(MODELS) as Key[])('flags the input of %s that moved, its PSI up by more than the threshold', async (key) => {
      const { feature } = SHIFTS[key];
      const after = await lastCheck(key);
      expect(after.alert).toBe(true);
      expect(psiOf(after, feature).alert).toBe(true);
      expect(psiOf(after, feature).psi).toBeGreaterThan(psiOf(before[key], feature).psi + monitor.threshold);
    });
  });
});
