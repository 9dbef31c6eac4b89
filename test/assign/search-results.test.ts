// The list behind a saved search over HTTP: every customer it selects now,
// with the fields its criteria read, in JSON pages, as CSV and as a workbook.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import readXlsxFile from 'read-excel-file/node';
import { auth } from '../helpers/app.js';
import { backends } from '../helpers/storage.js';
import { buildAssignTestApp, type AssignTestApp } from './app.js';
import { addCustomer, addOpenInvoice, seedReferences, setModelField } from './factories.js';
import { CUSTOMER_FIELDS } from '../../src/fields/registry.js';

const FIELDS = ['externalId', 'name', 'segment', 'collector', 'balanceCurrency', 'openAmount', 'overdueAmount'];

describe.each(await backends())('when a credit manager reads the customers a saved search selects on %s', (backend) => {
  let t: AssignTestApp;
  let url: string;
  const get = (path: string, role: 'analyst' | 'collector' = 'analyst') => t.app.inject({ url: path, headers: auth(role) });

  beforeAll(async () => {
    t = await buildAssignTestApp(backend);
    const db = t.storage.db;
    await seedReferences(db);
    for (let i = 1; i <= 6; i++) {
      const id = await addCustomer(db, `C${i}`, { segment: i <= 3 ? 'key' : 'small' });
      await setModelField(db, id, 'driftScore', i / 10 + 0.25);
      await addOpenInvoice(db, id, 1000 * i, 10 * i);
    }
    const search = await t.app.inject({
      method: 'POST', url: '/v1/searches', headers: auth('analyst'),
      payload: { name: 'Behaviour changed', criteria: { '>': [{ var: 'driftScore' }, 0.5] } },
    });
    url = `/v1/searches/${search.json().id}/customers`;
  });
  afterAll(async () => t?.close());

  it('pages through every match in customer order, the fields the criteria read after who and what they owe, the count on every page', async () => {
    const first = (await get(`${url}?limit=3`)).json();
    expect(first).toMatchObject({ search: { name: 'Behaviour changed' }, count: 4, fields: [...FIELDS, 'driftScore'] });
    expect(first.items.map((c: { externalId: string }) => c.externalId)).toEqual(['C3', 'C4', 'C5']);
    expect(first.items[0]).toEqual({
      externalId: 'C3', name: 'Customer C3', segment: 'key', collector: null, balanceCurrency: 'USD', openAmount: 3000, overdueAmount: 3000, driftScore: 0.55,
    });
    const second = (await get(`${url}?limit=3&after=${first.nextCursor}`)).json();
    expect(second.items.map((c: { externalId: string }) => c.externalId)).toEqual(['C6']);
    expect(second).toMatchObject({ count: 4, nextCursor: null });
  });

  it('lists what the rules would see now: a model output that changed moves a customer in', async () => {
    const [{ id }] = await t.storage.db.query<{ id: number }>("SELECT id FROM customers WHERE external_id = 'C1'");
    await setModelField(t.storage.db, id, 'driftScore', 0.9);
    const body = (await get(url, 'collector')).json();
    expect(body.items.map((c: { externalId: string }) => c.externalId)).toEqual(['C1', 'C3', 'C4', 'C5', 'C6']);
    await setModelField(t.storage.db, id, 'driftScore', 0.35);
  });

  it('exports every match as CSV, one header and one line per customer, whatever the limit', async () => {
    const res = await get(`${url}?format=csv&limit=1`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/"search-\d+-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe([...FIELDS, 'driftScore'].join(','));
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['C3', 'C4', 'C5', 'C6']);
    expect(lines[1]).toBe('C3,Customer C3,key,,USD,3000,3000,0.55');
  });

  it('exports the same rows as a workbook, amounts as numbers', async () => {
    const res = await t.app.inject({ url, headers: { ...auth('analyst'), accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } });
    expect(res.headers['content-disposition']).toMatch(/\.xlsx"/);
    const [sheet] = await readXlsxFile(res.rawPayload);
    expect(sheet.sheet).toBe('customers');
    expect(sheet.data.slice(1).map((r) => [r[0], r[5], r[7]])).toEqual([['C3', 3000, 0.55], ['C4', 4000, 0.65], ['C5', 5000, 0.75], ['C6', 6000, 0.85]]);
  });

  it('lists a search that reads every field of the registry, each one a column', async () => {
    const every = [...CUSTOMER_FIELDS.keys()];
    const search = await t.app.inject({
      method: 'POST', url: '/v1/searches', headers: auth('analyst'),
      payload: { name: 'Reads every field', criteria: { or: every.map((f) => ({ '!=': [{ var: f }, null] })) } },
    });
    expect(search.statusCode).toBe(201);
    const res = await get(`/v1/searches/${search.json().id}/customers?limit=1`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.count).toBe(6);
    expect(new Set(body.fields)).toEqual(new Set(every));
    expect(Object.keys(body.items[0]).sort()).toEqual([...every].sort());
    await t.app.inject({ method: 'DELETE', url: `/v1/searches/${search.json().id}`, headers: auth('analyst') });
  });

  it('answers 404 for a search that does not exist and 400 for a bad page, a format it does not make or a parameter it does not know', async () => {
    expect((await get('/v1/searches/999999/customers')).statusCode).toBe(404);
    for (const bad of ['limit=0', 'limit=501', 'after=-1', 'format=pdf', 'sample=3']) {
      const res = await get(`${url}?${bad}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });
});
