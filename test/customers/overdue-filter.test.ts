// GET /v1/customers?overdueOnly=true: every customer with an invoice past due,
// whichever currency it is in, not only those overdue in their balance currency.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, auth, importRows, type TestApp } from '../helpers/app.js';
import { invoice } from '../ingest/factories.js';

describe('the overdue filter of the customer list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite');
    await importRows(t, 'customers', [
      { externalId: 'C1', name: 'Owes dollars late, euros not yet due', currency: 'EUR' },
      { externalId: 'C2', name: 'Owes euros late', currency: 'EUR' },
      { externalId: 'C3', name: 'Owes nothing late', currency: 'EUR' },
    ]);
    await importRows(t, 'invoices', [
      invoice(1, 1, { currency: 'EUR', dueDate: '2199-01-01' }),
      invoice(2, 1, { currency: 'USD', issueDate: '2025-12-01', dueDate: '2026-01-01' }),
      invoice(3, 2, { currency: 'EUR', issueDate: '2025-12-01', dueDate: '2026-01-01' }),
      invoice(4, 3, { currency: 'EUR', dueDate: '2199-01-01' }),
    ]);
  });
  afterAll(async () => t.close());

  const list = async (url: string) => (await t.app.inject({ url, headers: auth('platform') })).json().items;

  it('keeps a customer whose overdue invoice is in another currency than its balance', async () => {
    const c1 = (await list('/v1/customers')).find((c: { externalId: string }) => c.externalId === 'C1');
    // Its balance is in euros, none overdue, while its dollar invoice is: the list says so.
    expect(c1).toMatchObject({ balanceCurrency: 'EUR', overdueAmount: 0, otherCurrencyOpenInvoices: 1 });
    expect(c1.maxDaysOverdue).toBeGreaterThan(0);
    expect((await list('/v1/customers?overdueOnly=true')).map((c: { externalId: string }) => c.externalId)).toEqual(['C1', 'C2']);
  });
});
