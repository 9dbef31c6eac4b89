// The customer summaries of triaged emails (openDisputes, sentimentTrend), on both backends.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { triageNewMessages } from '../../src/inbound/triage.js';
import * as f from '../agenda/factories.js';

// A triage that reads every email as a dispute: what is counted, not how well, is under test.
const disputes = {
  version: 'stub-1',
  predictor: {
    predict: () => ({
      value: {
        type: 'dispute', typeConfidence: 0.9, secondaryTypes: [], priority: { score: 0.5, reasons: [] },
        autoReply: { eligible: false, reasons: [] }, sentiment: { score: -0.5, reasons: [] },
        entities: { invoiceNumbers: [], amounts: [], dates: [], promisedDate: null, poNumbers: [], emails: [], phones: [] },
      },
      confidence: 0.9,
      reasons: [],
    }),
  },
} as never;

const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

for (const backend of await backends()) {
  describe(`dispute emails counted per customer on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => f.wipe(s.db));

    const openDisputes = async (customerId: number) => (await s.db.query<{ v: number }>(
      "SELECT value_num AS v FROM computed_fields WHERE entity_type = 'customer' AND name = 'openDisputes' AND entity_id = $1", [customerId],
    ))[0]?.v;

    it('drop out of the 90-day count as they age, with no new email from that customer', async () => {
      const a = await f.customer(s.db);
      const b = await f.customer(s.db);
      await f.inbound(s.db, { customerId: a, receivedAt: ago(80), subject: 'Wrong amount' });
      await triageNewMessages(s.db, disputes);
      expect(await openDisputes(a)).toBe(1);
      // Twenty days pass: the email is 100 days old. Another customer writes.
      await s.db.query("UPDATE inbound_messages SET received_at = received_at - interval '20 days'");
      await f.inbound(s.db, { customerId: b, receivedAt: ago(1), subject: 'Hello' });
      await triageNewMessages(s.db, disputes);
      expect(await openDisputes(a)).toBe(0);
      expect(await openDisputes(b)).toBe(1);
    });
  });
}
