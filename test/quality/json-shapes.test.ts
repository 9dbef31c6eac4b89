// JSON values stored before imports checked their field's shape: the migration
// 20261213000000_json_field_shapes makes an empty array the empty object, and
// GET /v1/data-quality/json-shapes lists what no migration can reshape, on both backends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Db } from '../../src/db/sql.js';
import { migrate } from '../../src/db/migrate.js';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';

const MIGRATION = '20261213000000_json_field_shapes';

// Written straight to the tables, as a CSV import stored them before.
async function oldRows(db: Db): Promise<void> {
  const [c] = await db.query<{ id: number }>(`INSERT INTO customers (external_id, name, country, segment) VALUES ('C-1', 'Acme', 'FR', 'standard') RETURNING id`);
  const offers = { 'OF-1': '5', 'OF-2': '"net 30"', 'OF-3': '[2, 10]', 'OF-4': '[]', 'OF-5': '{"discountPct": 2}', 'OF-6': '7' };
  for (const [ext, terms] of Object.entries(offers)) {
    await db.query(`INSERT INTO incentive_offers (external_id, customer_id, lever, offered_at, terms) VALUES ($1, $2, 'discount', '2026-10-01T09:00:00Z', $3::jsonb)`, [ext, c.id, terms]);
  }
  const events = { 'EV-1': 'true', 'EV-2': '[]', 'EV-3': '{"previous": 40}' };
  for (const [ext, payload] of Object.entries(events)) {
    await db.query(`INSERT INTO external_events (external_id, customer_id, kind, occurred_at, payload) VALUES ($1, $2, 'risk_score_change', '2026-10-01T09:00:00Z', $3::jsonb)`, [ext, c.id, payload]);
  }
}

for (const backend of await backends()) {
  describe(`JSON values stored off their field's shape on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
      await oldRows(t.storage.db);
      // The database as it was before the migration, old rows in it: the migration runs on them.
      await t.storage.db.query('DELETE FROM "_prisma_migrations" WHERE migration_name = $1', [MIGRATION]);
      expect((await migrate(t.storage.db)).applied).toEqual([MIGRATION]);
    });
    afterAll(async () => t.close());

    const stored = async (sql: string) => Object.fromEntries((await t.storage.db.query<{ ext: string; v: unknown }>(sql)).map((r) => [r.ext, r.v]));

    it('makes an empty array the empty object, and keeps every other value as stored', async () => {
      expect(await stored('SELECT external_id AS ext, terms AS v FROM incentive_offers ORDER BY id')).toEqual({
        'OF-1': 5, 'OF-2': 'net 30', 'OF-3': [2, 10], 'OF-4': {}, 'OF-5': { discountPct: 2 }, 'OF-6': 7,
      });
      expect(await stored('SELECT external_id AS ext, payload AS v FROM external_events ORDER BY id')).toEqual({
        'EV-1': true, 'EV-2': {}, 'EV-3': { previous: 40 },
      });
    });

    it('lists what stays off its shape, by entity, field and kind', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/v1/data-quality/json-shapes', headers: auth('platform') });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        items: [
          { entity: 'external-events', field: 'payload', shape: 'object', got: 'boolean', count: 1, externalIds: ['EV-1'] },
          { entity: 'incentive-offers', field: 'terms', shape: 'object', got: 'array', count: 1, externalIds: ['OF-3'] },
          { entity: 'incentive-offers', field: 'terms', shape: 'object', got: 'number', count: 2, externalIds: ['OF-1', 'OF-6'] },
          { entity: 'incentive-offers', field: 'terms', shape: 'object', got: 'string', count: 1, externalIds: ['OF-2'] },
        ],
      });
    });

    it('refuses a collector key and a query parameter it does not take', async () => {
      expect((await t.app.inject({ method: 'GET', url: '/v1/data-quality/json-shapes', headers: auth('collector') })).statusCode).toBe(403);
      expect((await t.app.inject({ method: 'GET', url: '/v1/data-quality/json-shapes?limit=5', headers: auth('analyst') })).statusCode).toBe(400);
    });
  });
}
