// An email the platform sends again (same externalId) with another text or
// customer is triaged again by the next refresh, and both customers' summaries
// follow it; one sent again unchanged is not triaged again. On both backends.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { Readable } from 'node:stream';
import { DUE_SQL, triageEmails, triageNewMessages } from '../../src/inbound/triage.js';
import { importRecords } from '../../src/ingest/load.js';
import { findEntity } from '../../src/ingest/entities.js';
import { parseRecords } from '../../src/ingest/parse.js';
import { ndjson } from '../ingest/factories.js';
import * as f from '../agenda/factories.js';
import { readingTriage, sendEmail } from './stub-triage.js';
import { loadCustomerFacts } from '../../src/fields/facts.js';
import { loadPlanningFacts } from '../../src/agenda/facts.js';
import { DEFAULT_AGENDA_POLICY } from '../../src/agenda/policy.js';

const read: string[] = [];
const triage = readingTriage(read);

for (const backend of await backends()) {
  describe(`an email sent again on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => {
      await f.wipe(s.db);
      read.length = 0;
    });

    const send = (customer: string, body: string) => sendEmail(s.db, customer, body);
    const customerField = async (customerId: number, name: string) => (await s.db.query<{ v: number }>(
      "SELECT value_num AS v FROM computed_fields WHERE entity_type = 'customer' AND name = $2 AND entity_id = $1", [customerId, name],
    ))[0]?.v;
    const stored = async () => (await s.db.query<{ type: string; seq: number | null }>(
      `SELECT t.value_text AS type, m.triage_seq AS seq FROM inbound_messages m
       LEFT JOIN computed_fields t ON t.entity_type = 'inbound' AND t.entity_id = m.id AND t.name = 'inboundType' WHERE m.external_id = 'M1'`,
    ))[0];

    it('is triaged again when its text changed, not when sent as it was, and listed again after the emails triaged before', async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      await send('A', 'The amount is wrong');
      await triageNewMessages(s.db, triage);
      const first = await stored();
      expect(first.type).toBe('dispute');
      expect(await customerField(a, 'openDisputes')).toBe(1);
      expect((await send('A', 'The amount is wrong')).unchanged).toBe(1); // a daily sync
      await triageNewMessages(s.db, triage);
      expect(await stored()).toEqual(first);
      await send('A', 'Paid today, thanks');
      await triageNewMessages(s.db, triage);
      expect(read).toEqual(['The amount is wrong', 'Paid today, thanks']);
      const again = await stored();
      expect(again.type).toBe('other');
      expect(again.seq).toBeGreaterThan(first.seq!);
      expect(await customerField(a, 'openDisputes')).toBe(0);
      expect(await customerField(a, 'sentimentTrend')).toBe(0.5);
    });

    it('is triaged again and counted under its new customer only when it moved', async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      const b = await f.customer(s.db, { externalId: 'B' });
      await send('A', 'The amount is wrong');
      await triageNewMessages(s.db, triage);
      expect(await customerField(a, 'openDisputes')).toBe(1);
      await send('B', 'The amount is wrong');
      await triageNewMessages(s.db, triage);
      expect(read).toHaveLength(2);
      expect(await customerField(a, 'openDisputes')).toBe(0);
      expect(await customerField(b, 'openDisputes')).toBe(1);
      expect(await customerField(a, 'sentimentTrend')).toBeUndefined(); // no email of A's left to read a trend in
      expect(await customerField(b, 'sentimentTrend')).toBe(-0.5);
    });

    // What rules and saved searches read: the customer facts.
    const promised = async () => Object.fromEntries((await loadCustomerFacts(s.db)).map((c) => [c.externalId, c.emailPromisedDate]));
    // Whom the agenda follows a promise by email for (the invoices it holds reminders on, the call once broken), over the portfolio and for `ids` alone.
    const planningFacts = (ids?: number[]) => loadPlanningFacts(s.db, {
      asOf: new Date().toISOString().slice(0, 10), policy: DEFAULT_AGENDA_POLICY, scope: ids ? { kind: 'customers', customerIds: ids } : { kind: 'portfolio' },
    });
    const followed = async (ids?: number[]) => [...new Set((await planningFacts(ids)).emailPromises.map((p) => `${p.customerId} ${p.promisedDate}`))];
    // Whom the agenda asks to answer an email (answer_email), and from which day.
    const answering = async (ids?: number[]) => (await planningFacts(ids)).inbound.map((m) => `${m.customerId} ${m.receivedOn}`);
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    const openInvoice = (customerId: number) => f.invoice(s.db, { customerId, dueDate: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10), amount: 100 });

    it("keeps a moved email's promise with the customer its triage read until it is triaged again", async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      const b = await f.customer(s.db, { externalId: 'B' });
      await openInvoice(a);
      await openInvoice(b);
      await send('A', 'We will pay by 2026-12-20');
      await triageNewMessages(s.db, triage);
      expect(await promised()).toEqual({ A: '2026-12-20', B: null });
      await send('B', 'We will pay by 2026-12-20');
      expect(await promised()).toEqual({ A: '2026-12-20', B: null });
      // Read for one customer, as the triage's priority and a rule run on a few customers read it.
      expect((await loadCustomerFacts(s.db, [a])).map((c) => c.emailPromisedDate)).toEqual(['2026-12-20']);
      expect((await loadCustomerFacts(s.db, [b])).map((c) => c.emailPromisedDate)).toEqual([null]);
      expect(await followed()).toEqual([`${a} 2026-12-20`]);
      expect(await followed([b])).toEqual([]);
      expect(await followed([a])).toEqual([`${a} 2026-12-20`]);
      await triageNewMessages(s.db, triage);
      expect(await promised()).toEqual({ A: null, B: '2026-12-20' });
      expect((await loadCustomerFacts(s.db, [b])).map((c) => c.emailPromisedDate)).toEqual(['2026-12-20']);
      expect(await followed()).toEqual([`${b} 2026-12-20`]);
      expect(await followed([b])).toEqual([`${b} 2026-12-20`]);
    });

    it("keeps a promise on the day its triage read when the email is given another receivedAt, until it is triaged again", async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      await openInvoice(a);
      await send('A', 'We will pay by 2026-12-20');
      await triageNewMessages(s.db, triage);
      // Received 200 days ago, it is past the 90 days a promise by email stands for.
      await sendEmail(s.db, 'A', 'We will pay by 2026-12-20', {}, new Date(Date.now() - 200 * 86_400_000).toISOString());
      expect(await promised()).toEqual({ A: '2026-12-20' });
      expect(await followed()).toEqual([`${a} 2026-12-20`]);
      await triageNewMessages(s.db, triage);
      expect(await promised()).toEqual({ A: null });
      expect(await followed()).toEqual([]);
    });

    it("asks to answer a moved email for the customer and day its triage read until it is triaged again, as its promise", async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      const b = await f.customer(s.db, { externalId: 'B' });
      await send('A', 'The amount is wrong');
      await triageNewMessages(s.db, triage);
      expect(await answering()).toEqual([`${a} ${day(1)}`]);
      // Moved, and given a day two days later, by a large import: left to the refresh.
      await sendEmail(s.db, 'B', 'The amount is wrong', {}, new Date(Date.now() + 86_400_000).toISOString());
      expect(await answering()).toEqual([`${a} ${day(1)}`]);
      expect(await answering([a])).toEqual([`${a} ${day(1)}`]);
      expect(await answering([b])).toEqual([]);
      await triageNewMessages(s.db, triage);
      // Received tomorrow: nothing to answer today yet, for anyone.
      expect(await answering()).toEqual([]);
      await sendEmail(s.db, 'B', 'The amount is wrong');
      await triageNewMessages(s.db, triage);
      expect(await answering([b])).toEqual([`${b} ${day(1)}`]);
      expect(await answering([a])).toEqual([]);
    });

    it('asks to answer an email moved before it was ever triaged for its new customer', async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      const b = await f.customer(s.db, { externalId: 'B' });
      await send('A', 'The amount is wrong'); // no model served yet
      await send('B', 'The amount is wrong');
      expect(await answering()).toEqual([`${b} ${day(1)}`]);
      expect(await answering([b])).toEqual([`${b} ${day(1)}`]);
      expect(await answering([a])).toEqual([]);
    });

    it("keeps a moved email's dispute in the count of the customer its triage read when that customer is recounted before it is triaged again", async () => {
      const a = await f.customer(s.db, { externalId: 'A' });
      const b = await f.customer(s.db, { externalId: 'B' });
      await send('A', 'The amount is wrong');
      await triageNewMessages(s.db, triage);
      expect(await customerField(a, 'openDisputes')).toBe(1);
      await send('B', 'The amount is wrong'); // a large import: left to the refresh
      // Another email of A's, triaged by its own small import, recounts A.
      await importRecords(s.db, findEntity('inbound-messages')!, parseRecords(Readable.from([ndjson([
        { externalId: 'M2', customerExternalId: 'A', receivedAt: new Date(Date.now() - 2 * 86_400_000).toISOString(), subject: 'Thanks', body: 'Thanks' },
      ])]), 'ndjson'), {});
      const [{ id }] = await s.db.query<{ id: number }>("SELECT id FROM inbound_messages WHERE external_id = 'M2'");
      await triageEmails(s.db, triage, [id]);
      // Still A's until triaged again, as its promise would be: not in no one's count.
      expect(await customerField(a, 'openDisputes')).toBe(1);
      expect(await customerField(a, 'sentimentTrend')).toBe(0);
      await triageNewMessages(s.db, triage);
      expect(await customerField(a, 'openDisputes')).toBe(0);
      expect(await customerField(b, 'openDisputes')).toBe(1);
      expect(await customerField(a, 'sentimentTrend')).toBe(0.5);
    });
  });
}

describe.each(await backends())('when the triage looks for the emails an import changed, on %s', (backend) => {
  let s: TestStorage;
  beforeAll(async () => { s = await openTestStorage(backend); });
  afterAll(async () => s.close());

  it('finds them through the index of stale emails, not by reading every email', async () => {
    await f.wipe(s.db);
    await s.db.query(`INSERT INTO inbound_messages (external_id, received_at, subject, body, triage_seq)
      SELECT 'M-' || g, now(), 'Invoice', 'Paid today', g FROM generate_series(1, 5000) g`);
    await s.db.query(`INSERT INTO computed_fields (entity_type, entity_id, name, value_text, reasons, model_version)
      SELECT 'inbound', id, 'inboundType', 'other', '[]', 'stub-1' FROM inbound_messages`);
    await s.db.query("UPDATE inbound_messages SET revision = 1 WHERE external_id = 'M-7'");
    await s.db.query('ANALYZE inbound_messages');
    await s.db.query('ANALYZE computed_fields');
    const [plan] = await s.db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${DUE_SQL}`, [2000]);
    // Without it, an index scan of every email in id order, filtered (as a read of the table, or worse).
    expect(JSON.stringify(plan['QUERY PLAN'])).toContain('inbound_messages_stale_idx');
    expect((await s.db.query<{ id: number }>(DUE_SQL, [2000])).length).toBe(1);
  });
});
