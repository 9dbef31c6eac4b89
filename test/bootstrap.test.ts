import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import { buildTestApp, auth, type TestApp } from './helpers/app.js';
import { bootstrap } from '../src/bootstrap.js';

describe('when the service starts on an empty embedded database', () => {
  let t: TestApp;
  const log = pino({ level: 'silent' });
  beforeAll(async () => {
    t = await buildTestApp('pglite', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '60' });
    await bootstrap(t.services, log);
  }, 300_000);
  afterAll(async () => t.close());

  it('imports the demo world through the import path', async () => {
    const [{ n }] = await t.storage.db.query<{ n: number }>('SELECT count(*) AS n FROM customers');
    expect(n).toBe(60);
  });

  it('trains and activates every demo model', async () => {
    const res = await t.app.inject({ url: '/v1/models', headers: auth('analyst') });
    const active = res.json().items.filter((m: { active: string | null }) => m.active !== null);
    expect(active.map((m: { name: string }) => m.name).sort()).toEqual(['drift', 'payment-delay']);
  });

  it('writes computed fields a customer page shows, with the model version', async () => {
    const [c] = await t.storage.db.query<{ external_id: string }>('SELECT external_id FROM customers ORDER BY id LIMIT 1');
    const res = await t.app.inject({ url: `/v1/customers/${c.external_id}`, headers: auth('collector') });
    const fields = res.json().computedFields as { name: string; modelVersion: string }[];
    const drift = fields.find((f) => f.name === 'driftScore');
    expect(drift?.modelVersion).toMatch(/^drift@/);
  });

  it('leaves the data alone on the next start', async () => {
    const before = await t.storage.db.query('SELECT count(*) AS n FROM invoices');
    await bootstrap(t.services, log);
    expect(await t.storage.db.query('SELECT count(*) AS n FROM invoices')).toEqual(before);
  });
});
