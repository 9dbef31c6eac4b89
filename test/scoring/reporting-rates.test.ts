// The rates the incentive guardrails value overdue amounts with: the agenda's
// rule, read from the database once per rescoring.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { reportingRates } from '../../src/scoring/rescore.js';

describe.each(await backends())('when rescoring values amounts on %s', (backend) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage(backend);
    await storage.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES
      ('USD', 'JPY', '2026-10-01', 150), ('USD', 'JPY', '2026-11-01', 100), ('EUR', 'USD', '2026-10-01', 1.1), ('GBP', 'CHF', '2026-10-01', 1.1)`);
  });
  afterAll(async () => storage.close());

  it('reads each currency at its latest rate of the day into the reporting currency, null where none prices it', async () => {
    const rates = await reportingRates(storage.db, '2026-10-30');
    expect(rates.get('USD')).toBe(1);
    expect(rates.get('JPY')).toBeCloseTo(1 / 150, 10);
    expect(rates.get('EUR')).toBeCloseTo(1.1, 10);
    expect(rates.get('GBP')).toBeNull();
  });
});
