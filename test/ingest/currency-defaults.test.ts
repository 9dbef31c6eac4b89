// What currency rows sent without one are in: a customer in the reporting
// currency, an invoice or a payment in its customer's. Rows already stored
// keep theirs when a later file leaves the column out.
import { Readable } from 'node:stream';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { findEntity } from '../../src/ingest/entities.js';
import { importRecords } from '../../src/ingest/load.js';
import { parseRecords } from '../../src/ingest/parse.js';
import { recordReportingCurrency } from '../../src/fields/reporting-currency.js';
import { csv, customer, invoice, ndjson } from './factories.js';

describe.each(await backends())('currencies left out of an import on %s', (backend) => {
  let s: TestStorage;
  const load = (entity: string, body: string, format: 'ndjson' | 'csv' = 'ndjson') =>
    importRecords(s.db, findEntity(entity)!, parseRecords(Readable.from([body]), format));
  const currencyOf = async (table: string, externalId: string) =>
    (await s.db.query<{ currency: string }>(`SELECT currency FROM ${table} WHERE external_id = $1`, [externalId]))[0].currency;

  beforeAll(async () => {
    s = await openTestStorage(backend);
    await recordReportingCurrency(s.db, 'EUR');
  });
  afterAll(async () => s.close());

  it('puts a customer in the reporting currency, and its invoices and payments in the customer\'s', async () => {
    await load('customers', ndjson([customer(1), customer(2, { currency: 'GBP' })]));
    expect(await currencyOf('customers', 'C1')).toBe('EUR');
    expect(await currencyOf('customers', 'C2')).toBe('GBP');
    await load('invoices', ndjson([invoice(1, 1), invoice(2, 2), invoice(3, 2, { currency: 'USD' })]));
    expect([await currencyOf('invoices', 'INV1'), await currencyOf('invoices', 'INV2'), await currencyOf('invoices', 'INV3')]).toEqual(['EUR', 'GBP', 'USD']);
    await load('payments', ndjson([{ externalId: 'P1', customerExternalId: 'C2', paymentDate: '2026-10-02', amount: 50, method: 'transfer' }]));
    expect(await currencyOf('payments', 'P1')).toBe('GBP');
  });

  it("fills an empty cell with the customer's currency too", async () => {
    await load('invoices', csv([invoice(4, 2, { currency: '' }), invoice(5, 1, { currency: 'USD' })]), 'csv');
    expect(await currencyOf('invoices', 'INV4')).toBe('GBP');
  });

  it('leaves a stored row\'s currency as it is when a later file has no such column', async () => {
    await load('invoices', ndjson([invoice(3, 2, { amount: 999 })]));
    expect(await currencyOf('invoices', 'INV3')).toBe('USD');
    await load('customers', ndjson([customer(2, { name: 'Renamed' })]));
    expect(await currencyOf('customers', 'C2')).toBe('GBP');
  });
});
