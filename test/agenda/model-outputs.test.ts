// The agenda over model outputs other code may have written: a number no
// answer can carry is read as none, on PGlite and PostgreSQL.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, BOUND_COLLECTOR, whenCalm } from './app.js';
import * as f from './factories.js';

const DATE = '2026-10-20';

for (const backend of await backends()) {
  describe(`the agenda over stored model outputs on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => { t = await buildAgendaTestApp(backend); });
    afterAll(async () => t.close());
    beforeEach(async () => f.wipe(t.storage.db));

    const read = async (url: string) => {
      await whenCalm(t.app);
      return t.app.inject({ url, headers: auth('collector') });
    };

    it('reads what is overdue and not contested for an incentive: a disputed flag or a dispute, litigation or credit-note qualification is left out', async () => {
      const db = t.storage.db;
      const collectorId = await f.collector(db, BOUND_COLLECTOR);
      const mixed = await f.customer(db, { externalId: 'C-MIXED', collectorId });
      const contested = await f.customer(db, { externalId: 'C-CONTESTED', collectorId });
      for (const customerId of [mixed, contested]) {
        await f.invoice(db, { customerId, number: `D-${customerId}`, dueDate: '2026-09-20', amount: 1000, disputed: true });
        await f.invoice(db, { customerId, number: `L-${customerId}`, dueDate: '2026-09-20', amount: 300, status: 'litigation' });
        await f.computedField(db, { entityType: 'customer', entityId: customerId, name: 'recommendedLever', value: 'late_penalty', confidence: 0.7 });
      }
      await f.invoice(db, { customerId: mixed, number: 'U-1', dueDate: '2026-09-25', amount: 200 });
      await db.query("UPDATE computed_fields SET computed_at = '2026-10-01T02:00:00Z'");
      const { items } = (await read(`/v1/agenda?date=${DATE}`)).json();
      const incentives = items.filter((i: { kind: string }) => i.kind === 'incentive');
      expect(incentives.map((i: { customer: { externalId: string } }) => i.customer.externalId)).toEqual(['C-MIXED']);
      expect(incentives[0].reason).toMatch(/for 200\.00 USD overdue, not disputed$/);
    });

    describe('when a stored number is not finite (float8 takes NaN and Infinity, JSON does not)', () => {
      it.each([
        ['customer', 'lateProbability', 'NaN'],
        ['customer', 'driftScore', 'NaN'],
        ['customer', 'recommendedLever', null],
        ['invoice', 'lateProbability', 'Infinity'],
        ['inbound', 'inboundType', null],
      ] as const)('reads the %s %s as none and answers the agenda (%s)', async (entity, name, value) => {
        const db = t.storage.db;
        const customerId = await f.customer(db, { collectorId: await f.collector(db, BOUND_COLLECTOR) });
        const dueSoon = await f.invoice(db, { customerId, number: 'F-1', dueDate: '2026-10-23', amount: 20_000 });
        await f.invoice(db, { customerId, number: 'F-2', dueDate: '2026-09-20', amount: 500, status: 'promise_to_pay', promisedDate: '2026-10-10' });
        const email = await f.inbound(db, { customerId, receivedAt: '2026-10-19T09:00:00Z', subject: 'Invoice F-2' });
        await f.computedField(db, { entityType: 'customer', entityId: customerId, name: 'driftAlert', value: true });
        await f.computedField(db, { entityType: 'customer', entityId: customerId, name: 'recommendedLever', value: 'card_payment', confidence: 0.7 });
        await f.computedField(db, { entityType: 'inbound', entityId: email, name: 'inboundType', value: 'dispute', confidence: 0.7 });
        if (name !== 'recommendedLever' && name !== 'inboundType') {
          await f.computedField(db, { entityType: entity, entityId: entity === 'invoice' ? dueSoon : customerId, name, value: 0.9 });
        }
        // The models ran before the agenda's day: their outputs count from then.
        await db.query("UPDATE computed_fields SET computed_at = '2026-10-01T02:00:00Z'");
        // Written by other code than the scorers, which keep numbers finite.
        await db.query(`UPDATE computed_fields SET ${value === null ? 'confidence' : 'value_num'} = $1::float8 WHERE name = $2`, [value ?? 'NaN', name]);

        for (const url of [`/v1/agenda?date=${DATE}`, `/v1/agenda/accounts?date=${DATE}`]) {
          const res = await read(url);
          expect(res.statusCode, url).toBe(200);
        }
        const { items } = (await read(`/v1/agenda?date=${DATE}`)).json();
        // The lever is still suggested, without a confidence, when its confidence is the number no answer carries.
        if (name === 'recommendedLever') expect(items.map((i: { kind: string }) => i.kind)).toContain('incentive');
        for (const item of items) {
          expect(Number.isFinite(item.priority.score), item.kind).toBe(true);
          expect(item.reason, item.kind).not.toMatch(/NaN|Infinity/);
          expect(JSON.stringify(item.reasons), item.kind).not.toMatch(/NaN|Infinity/);
        }
      });
    });
  });
}
