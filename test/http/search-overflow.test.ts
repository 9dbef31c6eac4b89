// Regression, found by fuzzing: a saved search whose arithmetic overflowed
// float8 answered 500 on save yet was stored, and from then on every assign
// preview and run failed. Now absurd literals are refused with a coded 400,
// arithmetic that still overflows has no value (counted, never an error), and
// a search whose count fails is not stored.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auth } from '../helpers/app.js';
import { backends } from '../helpers/storage.js';
import { buildAssignTestApp, type AssignTestApp } from '../assign/app.js';
import { addCustomer, addOpenInvoice, seedReferences } from '../assign/factories.js';

/** Lets a test make the live count fail, as any database error after the insert would. */
const countFailure = vi.hoisted(() => ({ on: false }));
vi.mock('../../src/searches/store.js', async (importOriginal) => {
  const store = await importOriginal<typeof import('../../src/searches/store.js')>();
  return {
    ...store,
    matchSearch: (...args: Parameters<typeof store.matchSearch>) =>
      countFailure.on ? Promise.reject(new Error('the count failed')) : store.matchSearch(...args),
  };
});

const overBy1e308 = { '>': [{ '*': [{ var: 'openAmount' }, 1e308] }, 0] };
/** Every literal is plausible, yet the product passes float8's range: 1e15^21. */
const overByNesting = { '>': [{ '*': [{ var: 'openAmount' }, ...Array.from({ length: 21 }, () => 1e15)] }, 0] };

describe.each(await backends())('when a saved search overflows float8 on %s', (backend) => {
  let t: AssignTestApp;
  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: auth('analyst'), ...(payload ? { payload } : {}) });
  const names = async (): Promise<string[]> => (await call('GET', '/v1/searches')).json().items.map((s: { name: string }) => s.name);
  const previewStatus = async (): Promise<number> => (await call('POST', '/v1/assign/preview', { limit: 10 })).statusCode;

  beforeAll(async () => {
    t = await buildAssignTestApp(backend);
    await seedReferences(t.storage.db);
    for (let i = 1; i <= 3; i++) await addOpenInvoice(t.storage.db, await addCustomer(t.storage.db, `C${i}`), 1000 * i, 10 * i);
  });
  afterEach(() => {
    countFailure.on = false;
  });
  afterAll(async () => t?.close());

  it('refuses a literal such as 1e308 with a coded 400 pointing at it, and stores nothing', async () => {
    const res = await call('POST', '/v1/searches', { name: 'Typo', criteria: overBy1e308 });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'AR_ERR_CRITERIA_VALUE', path: '/>/0/*/1' });
    expect(await names()).not.toContain('Typo');
    expect(await previewStatus()).toBe(200);
  });

  it('counts arithmetic that overflows from plausible literals as no value', async () => {
    const res = await call('POST', '/v1/searches', { name: 'Nested', criteria: overByNesting });
    expect(res.statusCode).toBe(201);
    expect(res.json().matches.count).toBe(0);
    const negated = await call('POST', '/v1/searches/count', { criteria: { '!': overByNesting } });
    expect(negated.json().count).toBe(3);
    const rule = await call('POST', '/v1/rules', { name: 'Nested → vip', searchId: res.json().id, priority: 1, actions: [{ type: 'addToGroup', group: 'vip' }] });
    expect(rule.statusCode).toBe(201);
    expect(await previewStatus()).toBe(200);
  });

  it('still runs a search stored before literals were bounded', async () => {
    const [{ id }] = await t.storage.db.query<{ id: number }>(
      `INSERT INTO saved_searches (name, description, criteria, fields) VALUES ('Legacy', NULL, $1::jsonb, '{openAmount}') RETURNING id`,
      [JSON.stringify(overBy1e308)],
    );
    const rule = await call('POST', '/v1/rules', { name: 'Legacy → watch', searchId: id, priority: 2, actions: [{ type: 'addToGroup', group: 'watch' }] });
    expect(rule.statusCode).toBe(201);
    expect(await previewStatus()).toBe(200);
    // Reading it with a count asks for it to be saved again, rather than failing.
    expect((await call('GET', `/v1/searches/${id}?matches=true`)).json()).toMatchObject({ code: 'AR_ERR_CRITERIA_VALUE' });
  });

  it('stores nothing when the count after the insert fails', async () => {
    countFailure.on = true;
    const res = await call('POST', '/v1/searches', { name: 'Half saved', criteria: { '>': [{ var: 'openAmount' }, 0] } });
    expect(res.statusCode).toBe(500);
    countFailure.on = false;
    expect(await names()).not.toContain('Half saved');
  });

  it('keeps the old criteria when the count after an update fails', async () => {
    const before = { '>': [{ var: 'openAmount' }, 1500] };
    const created = (await call('POST', '/v1/searches', { name: 'Kept', criteria: before })).json();
    countFailure.on = true;
    const res = await call('PUT', `/v1/searches/${created.id}`, { name: 'Kept', criteria: { '>': [{ var: 'openAmount' }, 0] } });
    expect(res.statusCode).toBe(500);
    countFailure.on = false;
    expect((await call('GET', `/v1/searches/${created.id}`)).json()).toMatchObject({ criteria: before, version: created.version });
  });
});
