// A suggestion closed while an import deletes its customer (after the
// suggestion was planned, before it was stored): the close answers that the
// suggestion no longer stands (404), rather than failing on the missing row.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agendaPolicy, closeSuggestion, plannedLive } from '../../src/agenda/index.js';
import type { Db } from '../../src/db/sql.js';
import * as f from './factories.js';
import { beforeFirstQuery } from '../helpers/query-hook.js';

const policy = agendaPolicy();
const DATE = '2026-10-20';


for (const backend of await backends()) {
  describe(`closing a suggestion whose customer an import deletes meanwhile on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => f.wipe(s.db));

    it('answers that the suggestion no longer stands, and stores nothing', async () => {
      const customerId = await f.customer(s.db, { collectorId: await f.collector(s.db) });
      await f.invoice(s.db, {
        customerId, dueDate: '2026-09-01', issueDate: '2026-08-01', amount: 900, openAmount: 900,
        status: 'promise_to_pay', statusDate: '2026-09-20', promisedDate: '2026-10-01',
      });
      const { tasks } = await plannedLive(s.db, { date: DATE, policy, collectorId: null, customerIds: [customerId] });
      const promise = tasks.find((t) => t.kind === 'promise_broken');
      expect(promise?.dedupeKey).toBeDefined();

      const db = beforeFirstQuery(s.db, (text) => text.includes('INSERT INTO actions'),
        () => s.db.query('DELETE FROM customers WHERE id = $1', [customerId]));
      await expect(closeSuggestion(db, promise!.dedupeKey!, 'done', { date: DATE, policy }))
        .rejects.toMatchObject({ statusCode: 404, code: 'AR_ERR_NOT_FOUND' });
      expect(await s.db.query('SELECT id FROM actions')).toEqual([]);
    });
  });
}
