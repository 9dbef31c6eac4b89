// GET /v1/inbound/messages: imported emails as the triage read them, for the
// platform to auto-reply or to record the qualification they ask for, on both backends.
import { Readable } from 'node:stream';
import { describe, it, expect, beforeAll, afterAll, beforeEach, vi } from 'vitest';
import { AR_ERR } from '../../src/errors.js';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, bearer, BOUND_COLLECTOR_KEY, type TestApp } from '../helpers/app.js';
import { triageNewMessages } from '../../src/inbound/triage.js';
import { UNTRIAGED_COUNT_CAP } from '../../src/inbound/messages.js';
import type { InboundTriage } from '../../src/ml/inbound/index.js';
import type { Db, Queryable } from '../../src/db/sql.js';
import { readMigrations } from '../../src/db/migrate.js';
import * as f from '../agenda/factories.js';
import { ndjson } from '../ingest/factories.js';
import { importRecords } from '../../src/ingest/load.js';
import { findEntity } from '../../src/ingest/entities.js';
import { parseRecords } from '../../src/ingest/parse.js';

const NO_ENTITIES = { invoiceNumbers: [], amounts: [], dates: [], promisedDate: null, poNumbers: [], emails: [], phones: [] };

// What the triage reads in each test email, by subject: what is stored and given back is under test, not the model.
const READS: Record<string, Partial<InboundTriage>> = {
  'copy please': { type: 'invoice_copy', autoReply: { eligible: true, template: 'invoice_copy', reasons: [{ factor: 'type', text: 'invoice copy' }] } },
  'we will pay': { type: 'promise_to_pay', entities: { ...NO_ENTITIES, promisedDate: '2026-12-15', invoiceNumbers: ['F-100'] } },
  'wrong price': { type: 'dispute', secondaryTypes: ['invoice_copy'], entities: { ...NO_ENTITIES, invoiceNumbers: ['F-404'] } },
  'see attached': { type: 'dispute', entities: { ...NO_ENTITIES, invoiceNumbers: ['F-100 ', ' ', ' F-101'], poNumbers: ['PO 7 '] } },
  'paying soon': { type: 'promise_to_pay', entities: { ...NO_ENTITIES, promisedDate: 'next week', invoiceNumbers: ['F-100'] } },
  'paying one day': { type: 'promise_to_pay', entities: { ...NO_ENTITIES, promisedDate: '9999-12-31', invoiceNumbers: ['F-100'] } },
};

const triage = {
  version: 'stub-1',
  predictor: {
    predict: (input: { subject: string }) => ({
      value: {
        type: 'other', typeConfidence: 0.8, secondaryTypes: [], priority: { score: 0.4, level: 'normal', reasons: [] },
        autoReply: { eligible: false, template: null, reasons: [] }, sentiment: { score: 0.1, reasons: [] }, entities: NO_ENTITIES,
        ...READS[input.subject],
      },
      confidence: 0.8,
      reasons: [],
    }),
  },
} as never;

for (const backend of await backends()) {
  describe(`triaged emails read back on ${backend}`, () => {
    let t: TestApp;
    let customer: number;
    beforeAll(async () => { t = await buildTestApp(backend); });
    afterAll(async () => t.close());
    beforeEach(async () => {
      await f.wipe(t.storage.db);
      customer = await f.customer(t.storage.db, { externalId: 'C-1' });
    });

    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auth('platform') });
    const email = async (subject: string, receivedAt = '2026-12-01T09:00:00Z') => {
      const id = await f.inbound(t.storage.db, { customerId: customer, receivedAt, subject });
      return (await t.storage.db.query<{ external_id: string }>('SELECT external_id FROM inbound_messages WHERE id = $1', [id]))[0].external_id;
    };

    it('lists an email only once triaged, with the reply template and what it said', async () => {
      const copy = await email('copy please');
      expect((await get('/v1/inbound/messages')).json().items).toEqual([]);
      const pending = (await get(`/v1/inbound/messages/${copy}`)).json();
      expect(pending).toMatchObject({ triage: null, cursor: null });

      await triageNewMessages(t.storage.db, triage);
      const res = await get('/v1/inbound/messages');
      expect(res.statusCode).toBe(200);
      const [item] = res.json().items;
      expect(item).toMatchObject({
        externalId: copy, customerExternalId: 'C-1', receivedAt: '2026-12-01T09:00:00.000Z', subject: 'copy please',
        triage: { type: 'invoice_copy', autoReply: { eligible: true, template: 'invoice_copy' }, priority: { score: 0.4 }, modelVersion: 'stub-1' },
        suggestedQualification: null,
      });
      expect(item.triage.autoReply.reasons).toEqual([{ factor: 'type', text: 'invoice copy' }]);
    });

    it("gives a collector's key the emails of its own customers only, as its agenda", async () => {
      const db = t.storage.db;
      await db.query('UPDATE customers SET collector_id = $1 WHERE id = $2', [await f.collector(db, 'col-1'), customer]);
      const theirs = await f.customer(db, { externalId: 'C-2', collectorId: await f.collector(db, 'col-2') });
      const mine = await email('copy please');
      const other = await f.inbound(db, { customerId: theirs, receivedAt: '2026-12-01T10:00:00Z', subject: 'wrong price' });
      const [{ external_id: otherId }] = await db.query<{ external_id: string }>('SELECT external_id FROM inbound_messages WHERE id = $1', [other]);
      await triageNewMessages(db, triage);
      const as = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

      expect((await get('/v1/inbound/messages')).json().items).toHaveLength(2);
      const list = await as('/v1/inbound/messages', bearer(BOUND_COLLECTOR_KEY));
      expect(list.statusCode).toBe(200);
      expect(list.json().items.map((i: { externalId: string }) => i.externalId)).toEqual([mine]);
      expect((await as(`/v1/inbound/messages/${mine}`, bearer(BOUND_COLLECTOR_KEY))).statusCode).toBe(200);
      const another = await as(`/v1/inbound/messages/${otherId}`, bearer(BOUND_COLLECTOR_KEY));
      expect(another.statusCode).toBe(403);
      expect(another.json().code).toBe('AR_ERR_FORBIDDEN');
      // A collector key bound to no collector reads no one's, as for the agenda.
      expect((await as('/v1/inbound/messages', auth('collector'))).statusCode).toBe(403);
    });

    it('asks the platform to record a promise on the invoice the email named', async () => {
      await f.invoice(t.storage.db, { customerId: customer, externalId: 'I-100', number: 'F-100', dueDate: '2026-11-20', amount: 500 });
      await f.invoice(t.storage.db, { customerId: customer, externalId: 'I-101', number: 'F-101', dueDate: '2026-11-25', amount: 70 });
      const promise = await email('we will pay');
      await triageNewMessages(t.storage.db, triage);
      const item = (await get(`/v1/inbound/messages/${promise}`)).json();
      expect(item.triage.entities).toEqual({ promisedDate: '2026-12-15', invoiceNumbers: ['F-100'], poNumbers: [] });
      expect(item.suggestedQualification).toEqual({
        status: 'promise_to_pay',
        promisedDate: '2026-12-15',
        invoices: [{ externalId: 'I-100', number: 'F-100', dueDate: '2026-11-20', openAmount: 500, currency: 'USD', currentStatus: null }],
        reason: 'the email of 2026-12-01 promises to pay invoice F-100 by 2026-12-15',
      });

      // Once the platform has recorded it, there is nothing left to ask.
      await t.storage.db.query("UPDATE invoices SET status = 'promise_to_pay', promised_date = '2026-12-15' WHERE external_id = 'I-100'");
      expect((await get(`/v1/inbound/messages/${promise}`)).json().suggestedQualification).toBeNull();
    });

    it('filters by type, automatic reply and receipt, and pages in import order', async () => {
      const first = await email('copy please', '2026-11-01T08:00:00Z');
      const second = await email('wrong price', '2026-11-15T08:00:00Z');
      const third = await email('we will pay', '2026-12-01T08:00:00Z');
      await triageNewMessages(t.storage.db, triage);
      const ids = async (query: string) => (await get(`/v1/inbound/messages?${query}`)).json().items.map((i: { externalId: string }) => i.externalId);
      expect(await ids('autoReply=true')).toEqual([first]);
      expect(await ids('autoReply=false')).toEqual([second, third]);
      expect(await ids('type=dispute')).toEqual([second]);
      expect(await ids('receivedFrom=2026-11-10T00:00:00Z')).toEqual([second, third]);
      expect(await ids('customerExternalId=C-2')).toEqual([]);

      const page1 = (await get('/v1/inbound/messages?limit=2')).json();
      expect(page1.items.map((i: { externalId: string }) => i.externalId)).toEqual([first, second]);
      expect(await ids(`limit=2&after=${page1.nextCursor}`)).toEqual([third]);
    });

    it('imports emails untriaged while no inbound model is served, says so in the answer, and lists them once triaged', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/import/inbound-messages', headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' },
        payload: ndjson([{ externalId: 'E-1', customerExternalId: 'C-1', receivedAt: '2026-12-01T09:00:00Z', subject: 'copy please', body: 'Hello' }]),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ inserted: 1, triage: { triaged: 0, deferred: expect.stringContaining('no inbound-triage model is served') } });
      // The list leaves it out, and says so and why, as the import's answer did.
      expect((await get('/v1/inbound/messages')).json()).toEqual({
        items: [], nextCursor: null,
        untriaged: { count: 1, countCapped: false, reason: 'no_model_served', detail: expect.stringContaining('Model "inbound-triage" has no active version yet: train it first') },
      });
      // So does the email itself.
      expect((await get('/v1/inbound/messages/E-1')).json()).toMatchObject({
        triage: null, cursor: null,
        untriaged: { reason: 'no_model_served', detail: expect.stringContaining('Model "inbound-triage" has no active version yet: train it first') },
      });
      await triageNewMessages(t.storage.db, triage);
      const listed = (await get('/v1/inbound/messages')).json();
      expect(listed.items.map((i: { externalId: string }) => i.externalId)).toEqual(['E-1']);
      expect(listed.untriaged).toEqual({ count: 0, countCapped: false, reason: null, detail: null });
      expect((await get('/v1/inbound/messages/E-1')).json().untriaged).toBeNull();
    });

    it("counts the emails left out in the list's scope: a collector's customers, the customer and the day asked, whatever type", async () => {
      const db = t.storage.db;
      await db.query('UPDATE customers SET collector_id = $1 WHERE id = $2', [await f.collector(db, 'col-1'), customer]);
      const theirs = await f.customer(db, { externalId: 'C-2', collectorId: await f.collector(db, 'col-2') });
      await email('copy please', '2026-11-01T09:00:00Z');
      await email('wrong price', '2026-12-01T09:00:00Z');
      await f.inbound(db, { customerId: theirs, receivedAt: '2026-12-01T10:00:00Z', subject: 'wrong price' });
      const waiting = async (url: string, headers = auth('platform')) => {
        const res = await t.app.inject({ method: 'GET', url, headers });
        expect(res.statusCode).toBe(200);
        return res.json().untriaged.count;
      };
      expect(await waiting('/v1/inbound/messages')).toBe(3);
      expect(await waiting('/v1/inbound/messages', bearer(BOUND_COLLECTOR_KEY))).toBe(2);
      expect(await waiting('/v1/inbound/messages?customerExternalId=C-2')).toBe(1);
      expect(await waiting('/v1/inbound/messages?receivedFrom=2026-11-15T00:00:00Z')).toBe(2);
      expect(await waiting('/v1/inbound/messages?type=invoice_copy&autoReply=true')).toBe(3);
      // An email changed since its triage is listed (stale), so not counted.
      await triageNewMessages(db, triage);
      await db.query("UPDATE inbound_messages SET revision = revision + 1, subject = 'copy please' WHERE subject = 'wrong price'");
      expect(await waiting('/v1/inbound/messages')).toBe(0);
    });

    it('stops counting the emails left out at 10,000, and says more wait', async () => {
      const db = t.storage.db;
      // A portfolio's history imported before any model was trained: one past the cap waits.
      await db.query(
        `INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
         SELECT 'E-' || n, $1, '2026-12-01T09:00:00Z', 'copy please', 'Hello' FROM generate_series(1, $2::int) n`,
        [customer, UNTRIAGED_COUNT_CAP + 1],
      );
      const untriaged = async () => (await get('/v1/inbound/messages?limit=1')).json().untriaged;
      expect(await untriaged()).toMatchObject({ count: UNTRIAGED_COUNT_CAP, countCapped: true, reason: 'no_model_served' });
      // At the cap exactly the count is whole.
      await db.query("DELETE FROM inbound_messages WHERE external_id = 'E-1'");
      expect(await untriaged()).toMatchObject({ count: UNTRIAGED_COUNT_CAP, countCapped: false });
    });

    it('says the emails left out wait for the triage when a model is served, and why none is when the active one failed to load', async () => {
      await email('copy please');
      const server = t.services.models.server;
      const get1 = async () => (await get('/v1/inbound/messages')).json().untriaged;
      const loadFailed = vi.spyOn(server, 'get').mockImplementation(() => {
        throw AR_ERR.MODEL_LOAD_FAILED(['inbound-triage', 'v3', 'artifact missing']);
      });
      try {
        expect(await get1()).toEqual({ count: 1, countCapped: false, reason: 'no_model_served', detail: expect.stringContaining('its active version v3 failed to load (artifact missing)') });
        loadFailed.mockImplementation(() => triage);
        expect(await get1()).toEqual({ count: 1, countCapped: false, reason: 'triage_pending', detail: expect.stringContaining('the refresh it set off triages them') });
      } finally {
        loadFailed.mockRestore();
      }
    });

    it('counts an email the list leaves out even when the triage publishes it between the list and the count', async () => {
      await email('copy please');
      const storage = t.services.storage as { db: Db };
      const real = storage.db;
      // The triage commits right after the list's read, before the count's: from any other connection, as a refresh would.
      let listed!: () => void;
      const afterList = new Promise<void>((resolve) => { listed = resolve; });
      const triaged = afterList.then(() => triageNewMessages(real, triage));
      const intercept = (q: Queryable): Queryable => ({
        ...q,
        query: async (sql, params) => {
          if (/count\(\*\)/.test(sql)) await Promise.race([triaged, new Promise((resolve) => setTimeout(resolve, 500))]);
          const rows = await q.query(sql, params);
          if (/ORDER BY m\.triage_seq LIMIT/.test(sql)) listed();
          return rows as never;
        },
      });
      storage.db = { ...real, ...intercept(real), transaction: (fn) => real.transaction((tx) => fn(intercept(tx))) } as Db;
      try {
        const body = (await get('/v1/inbound/messages')).json();
        // Listed or counted, never neither nor both: one read of the table.
        expect(body.items.length + body.untriaged.count).toBe(1);
      } finally {
        storage.db = real;
        await triaged;
      }
      expect((await get('/v1/inbound/messages')).json()).toMatchObject({ items: [expect.anything()], untriaged: { count: 0 } });
    });

    it('offers no automatic reply to an email an import changed, until the refresh triages it again', async () => {
      const changed = await email('copy please');
      await triageNewMessages(t.storage.db, triage);
      expect((await get(`/v1/inbound/messages/${changed}`)).json().triage.autoReply).toMatchObject({ eligible: true, template: 'invoice_copy' });
      const resend = { externalId: changed, customerExternalId: 'C-1', receivedAt: '2026-12-01T09:00:00Z', body: 'Hello', subject: 'wrong price' };
      await importRecords(t.storage.db, findEntity('inbound-messages')!, parseRecords(Readable.from([ndjson([resend])]), 'ndjson'));
      // The copy the old text asked for may not be what the new one asks: a platform auto-replying from the feed sends nothing.
      const between = (await get(`/v1/inbound/messages/${changed}`)).json().triage;
      expect(between).toMatchObject({ type: 'invoice_copy', stale: true, autoReply: { eligible: false, template: null } });
      expect(between.autoReply.reasons[0]).toMatchObject({ factor: 'stale' });
      expect((await get('/v1/inbound/messages?autoReply=true')).json().items).toEqual([]);
      expect((await get('/v1/inbound/messages?autoReply=false')).json().items.map((i: { externalId: string }) => i.externalId)).toEqual([changed]);
    });

    it('shows an email an import changed with its previous triage, marked stale, until the refresh triages it again', async () => {
      await f.invoice(t.storage.db, { customerId: customer, externalId: 'I-404', number: 'F-404', dueDate: '2026-11-20', amount: 500 });
      const changed = await email('wrong price');
      const other = await email('copy please');
      await triageNewMessages(t.storage.db, triage);
      const before = (await get(`/v1/inbound/messages/${changed}`)).json();
      expect(before.triage).toMatchObject({ type: 'dispute', stale: false });
      expect(before.suggestedQualification).toMatchObject({ status: 'dispute' });

      const resend = { externalId: changed, customerExternalId: 'C-1', receivedAt: '2026-12-01T09:00:00Z', body: 'Hello' };
      const imported = await importRecords(t.storage.db, findEntity('inbound-messages')!,
        parseRecords(Readable.from([ndjson([{ ...resend, subject: 'we will pay' }])]), 'ndjson'));
      expect(imported.updated).toBe(1);
      const between = (await get(`/v1/inbound/messages/${changed}`)).json();
      // Shown, not acted on: the platform records no status the email's present text may not ask for.
      expect(between).toMatchObject({ cursor: before.cursor, triage: { type: 'dispute', stale: true }, suggestedQualification: null });
      const disputes = (await get('/v1/inbound/messages?type=dispute')).json().items;
      expect(disputes.map((i: { externalId: string; triage: { stale: boolean } }) => [i.externalId, i.triage.stale])).toEqual([[changed, true]]);
      expect((await get(`/v1/inbound/messages/${other}`)).json().triage.stale).toBe(false);

      await triageNewMessages(t.storage.db, triage);
      const after = (await get(`/v1/inbound/messages/${changed}`)).json();
      expect(after.triage).toMatchObject({ type: 'promise_to_pay', stale: false });
      expect(after.cursor).toBeGreaterThan(before.cursor);
      expect((await get('/v1/inbound/messages?type=dispute')).json().items).toEqual([]);
    });

    /**
     * One email of an import whose id is taken now, at insert, and which
     * commits only when asked: on PostgreSQL a transaction held open beside the
     * test's other connections. PGlite has one session, where no transaction
     * stays open beside another: the id reserved now and the row written on
     * commit is the state such an import leaves behind.
     */
    const openImport = async (subject: string) => {
      const externalId = 'MSG-SLOW';
      const insert = (db: Queryable, id: number | null) => db.query(
        `INSERT INTO inbound_messages (id, external_id, customer_id, received_at, subject, body)
         VALUES (COALESCE($1::int, nextval('inbound_messages_id_seq')::int), $2, $3, '2026-12-01T09:00:00Z', $4, 'Hello')`,
        [id, externalId, customer, subject],
      );
      if (t.storage.db.kind === 'pglite') {
        const [{ id }] = await t.storage.db.query<{ id: number }>("SELECT nextval('inbound_messages_id_seq')::int AS id");
        return { externalId, commit: async () => { await insert(t.storage.db, id); } };
      }
      let inserted!: () => void;
      let release!: () => void;
      const ready = new Promise<void>((resolve) => { inserted = resolve; });
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const done = t.storage.db.transaction(async (tx) => {
        await insert(tx, null);
        inserted();
        await gate;
      });
      await ready;
      return { externalId, commit: async () => { release(); await done; } };
    };

    const externalIds = (page: { items: { externalId: string }[] }) => page.items.map((i) => i.externalId);

    it('gives every email once to a client following nextCursor while an import that took its ids first commits last', async () => {
      const slow = await openImport('copy please');
      const fast = [await email('wrong price'), await email('we will pay')];
      await triageNewMessages(t.storage.db, triage);
      const first = (await get('/v1/inbound/messages?limit=1')).json();
      expect(externalIds(first)).toEqual([fast[0]]);

      await slow.commit();
      await triageNewMessages(t.storage.db, triage);
      const seen = externalIds(first);
      for (let cursor = first.nextCursor; cursor !== null;) {
        const page = (await get(`/v1/inbound/messages?limit=1&after=${cursor}`)).json();
        seen.push(...externalIds(page));
        cursor = page.nextCursor;
      }
      expect(seen).toEqual([...fast, slow.externalId]);
    });

    it('lets a client that read to the end poll later after the last email it read, reading none twice', async () => {
      const read = [await email('copy please'), await email('wrong price')];
      await triageNewMessages(t.storage.db, triage);
      const end = (await get('/v1/inbound/messages')).json();
      expect(externalIds(end)).toEqual(read);
      expect(end.nextCursor).toBeNull();

      const later = await email('we will pay');
      await triageNewMessages(t.storage.db, triage);
      const resumed = (await get(`/v1/inbound/messages?after=${end.items.at(-1).cursor}`)).json();
      expect(externalIds(resumed)).toEqual([later]);
    });

    it('leaves the planner knowing the emails it published, so a page reads its rows by index instead of sorting them all', async () => {
      await t.storage.db.query(
        `INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
         SELECT 'BULK-' || g, $1, '2026-12-01T09:00:00Z', 'copy please', 'Hello' FROM generate_series(1, 300) g`,
        [customer],
      );
      // As an import of that size leaves it: analysed before the triage.
      await t.storage.db.query('ANALYZE inbound_messages');
      await triageNewMessages(t.storage.db, triage);
      const [plan] = await t.storage.db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
        'EXPLAIN (FORMAT JSON) SELECT id FROM inbound_messages WHERE triage_seq IS NOT NULL',
      );
      expect(plan['QUERY PLAN'][0].Plan['Plan Rows']).toBeGreaterThan(200);
    });

    it('lists an email the triage stored but never published (a process stopped in between) at the next triage', async () => {
      const stored = await email('copy please');
      const [{ id }] = await t.storage.db.query<{ id: number }>('SELECT id FROM inbound_messages WHERE external_id = $1', [stored]);
      await f.computedField(t.storage.db, { entityType: 'inbound', entityId: id, name: 'inboundType', value: 'invoice_copy' });
      expect(externalIds((await get('/v1/inbound/messages')).json())).toEqual([]);
      await triageNewMessages(t.storage.db, triage);
      expect(externalIds((await get('/v1/inbound/messages')).json())).toEqual([stored]);
    });

    it('keeps a cursor handed out before the triage order (a row id) meaning after that email', async () => {
      const before = [await email('copy please'), await email('wrong price'), await email('we will pay')];
      await triageNewMessages(t.storage.db, triage);
      const [{ id }] = await t.storage.db.query<{ id: number }>('SELECT id FROM inbound_messages WHERE external_id = $1', [before[0]]);
      // The database as the upgrade finds it: emails triaged, no triage order yet.
      const [upgrade] = (await readMigrations()).filter((m) => m.name.endsWith('_inbound_triage_seq'));
      await t.storage.db.exec('ALTER TABLE inbound_messages DROP COLUMN triage_seq; DROP SEQUENCE inbound_messages_triage_seq');
      await t.storage.db.exec(upgrade.sql);

      expect(externalIds((await get(`/v1/inbound/messages?after=${id}`)).json())).toEqual(before.slice(1));
      const after = await email('see attached');
      await triageNewMessages(t.storage.db, triage);
      expect(externalIds((await get(`/v1/inbound/messages?after=${id}`)).json())).toEqual([...before.slice(1), after]);
    });

    it('reads a promised date that is no calendar day as none, instead of failing the whole list', async () => {
      await f.invoice(t.storage.db, { customerId: customer, externalId: 'I-100', number: 'F-100', dueDate: '2026-11-20', amount: 500 });
      const vague = await email('paying soon');
      await email('copy please');
      await triageNewMessages(t.storage.db, triage);
      const list = await get('/v1/inbound/messages');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toHaveLength(2);
      const item = (await get(`/v1/inbound/messages/${vague}`)).json();
      expect(item.triage.entities.promisedDate).toBeNull();
      // As the agenda reads it: a promise with no date names no day to hold the platform to.
      expect(item.suggestedQualification).toBeNull();
    });

    it('reads a promised date past the days the service keeps as none: the platform\'s import would refuse that qualification', async () => {
      await f.invoice(t.storage.db, { customerId: customer, externalId: 'I-100', number: 'F-100', dueDate: '2026-11-20', amount: 500 });
      const far = await email('paying one day');
      await triageNewMessages(t.storage.db, triage);
      const item = (await get(`/v1/inbound/messages/${far}`)).json();
      expect(item.triage.entities.promisedDate).toBeNull();
      expect(item.suggestedQualification).toBeNull();
    });

    it('gives the invoice and order numbers without the spaces around them, and no blank one', async () => {
      const spaced = await email('see attached');
      await triageNewMessages(t.storage.db, triage);
      const { entities } = (await get(`/v1/inbound/messages/${spaced}`)).json().triage;
      expect(entities).toMatchObject({ invoiceNumbers: ['F-100', 'F-101'], poNumbers: ['PO 7'] });
    });

    it('gives a stored score that is not finite as none, instead of failing the whole list', async () => {
      await email('copy please');
      await triageNewMessages(t.storage.db, triage);
      await t.storage.db.query("UPDATE computed_fields SET confidence = 'NaN', value_num = 'Infinity' WHERE entity_type = 'inbound' AND name IN ('inboundType', 'inboundPriority')");
      const res = await get('/v1/inbound/messages');
      expect(res.statusCode).toBe(200);
      expect(res.json().items[0].triage).toMatchObject({ typeConfidence: null, priority: { score: null } });
    });

    it('gives at most 50 reasons a list, whatever other code stored', async () => {
      await email('copy please');
      await triageNewMessages(t.storage.db, triage);
      const many = Array.from({ length: 5000 }, (_, i) => ({ factor: `f${i}`, text: 'x'.repeat(100) }));
      await t.storage.db.query("UPDATE computed_fields SET reasons = $1::jsonb WHERE entity_type = 'inbound' AND name = 'inboundPriority'", [JSON.stringify(many)]);
      const [item] = (await get('/v1/inbound/messages')).json().items;
      expect(item.triage.priority.reasons).toEqual(many.slice(0, 50));
    });

    it('does not suggest a dispute on an invoice the customer does not have', async () => {
      await f.invoice(t.storage.db, { customerId: customer, number: 'F-1', dueDate: '2026-11-20', amount: 10 });
      const dispute = await email('wrong price');
      await triageNewMessages(t.storage.db, triage);
      const item = (await get(`/v1/inbound/messages/${dispute}`)).json();
      expect(item.triage).toMatchObject({ type: 'dispute', secondaryTypes: ['invoice_copy'] });
      expect(item.suggestedQualification).toBeNull();
    });

    it('answers an unknown email with a 404 and a bad filter with a 400 problem', async () => {
      const missing = await get('/v1/inbound/messages/nope');
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/problem\+json/);
      for (const query of ['type=complaint', 'autoReply=maybe', 'receivedFrom=yesterday', 'limit=0', 'colour=red']) {
        const res = await get(`/v1/inbound/messages?${query}`);
        expect(res.statusCode, query).toBe(400);
        expect(res.json().code).toBe('AR_ERR_VALIDATION');
      }
    });
  });
}
