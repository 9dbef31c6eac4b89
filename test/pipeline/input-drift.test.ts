import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { smallWorldDir, importSmallWorld, WORLD_END } from '../helpers/world.js';
import { openRegistry, type RegistryFixture } from '../ml/registry/fixtures/setup.js';
import { paymentDelayDataset } from '../../src/scoring/datasets.js';
import { paymentDelayEntry } from '../../src/ml/registry/entries/payment-delay.js';
import { trainModel } from '../../src/ml/registry/index.js';
import type { PaymentDelayPredictor } from '../../src/ml/payment-delay/index.js';
import { rescore, type ServedModel } from '../../src/scoring/rescore.js';
import type { DriftCheck } from '../../src/ml/monitoring/monitor.js';
import { RESCORE_SOURCE, rescoreWatchingInputs } from '../../src/pipeline/input-drift.js';

const dir = smallWorldDir();
const psiOf = (check: DriftCheck, feature: string) => check.features.find((f) => f.feature === feature)!;

describe.each(await backends())('input drift at rescoring on %s', (backend) => {
  let f: RegistryFixture;
  let served: ServedModel<PaymentDelayPredictor>;
  const rescoreBook = () => rescoreWatchingInputs(f.storage.db, { paymentDelay: served }, f.monitor, { asOf: WORLD_END });
  const lastCheck = async () => (await f.monitor.list('payment-delay', { source: RESCORE_SOURCE }))[0];

  beforeAll(async () => {
    f = await openRegistry(backend, { 'payment-delay': paymentDelayEntry({ world: (window) => paymentDelayDataset(f.storage.db, WORLD_END, window) }) });
    await importSmallWorld(f.storage.db, dir);
    const out = await trainModel({ registry: f.registry }, { model: 'payment-delay', dataset: 'world', report: false });
    const opened = await f.registry.open('payment-delay', out.version);
    served = { predictor: opened.predictor as unknown as PaymentDelayPredictor, version: opened.version.id };
  });
  afterAll(async () => f.close());

  describe('when the book is rescored as it was trained on', () => {
    it('records one check of every open invoice scored, with the served version', async () => {
      const { scoring, inputDrift: [inputDrift] } = await rescoreBook();
      expect(scoring.openInvoices).toBeGreaterThan(0);
      expect(inputDrift).toMatchObject({ model: 'payment-delay', version: served.version.split('@')[1], rows: scoring.openInvoices });
      expect(await lastCheck()).toMatchObject({ source: 'rescore', rows: scoring.openInvoices, maxPsi: inputDrift!.maxPsi });
    });

    it('leaves the invoice amounts unflagged, and the features of the calendar out', async () => {
      const check = await lastCheck();
      expect(psiOf(check, 'logAmountRatio').alert).toBe(false);
      expect(check.features.map((x) => x.feature)).not.toContain('dueMonthCos');
    });
  });

  describe('when the open invoices come in forty times larger', () => {
    it('flags the amounts, their PSI up by more than the threshold', async () => {
      const before = await lastCheck();
      await f.storage.db.query('UPDATE invoices SET amount = amount * 40, open_amount = open_amount * 40 WHERE open_amount > 0 AND settled_date IS NULL');
      const { inputDrift: [inputDrift] } = await rescoreBook();
      expect(inputDrift!.alert).toBe(true);
      expect(inputDrift!.shifted).toContain('logAmountRatio');
      expect(psiOf(await lastCheck(), 'logAmountRatio').psi).toBeGreaterThan(psiOf(before, 'logAmountRatio').psi + f.monitor.threshold);
    });
  });

  describe('when only some customers are rescored', () => {
    it('checks nothing: their invoices are no sample of the book', async () => {
      const before = (await f.monitor.list('payment-delay')).length;
      const [{ id }] = await f.storage.db.query<{ id: number }>('SELECT customer_id AS id FROM invoices WHERE open_amount > 0 LIMIT 1');
      let rows = 0;
      await rescore(f.storage.db, { paymentDelay: served }, { asOf: WORLD_END, customerIds: [id], onDelayInputs: () => rows++ });
      expect(rows).toBe(0);
      expect((await f.monitor.list('payment-delay')).length).toBe(before);
    });
  });
});
