import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import pg from 'pg';
import { backends } from '../helpers/storage.js';
import { eventually } from '../helpers/eventually.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { csv, ndjson, customer, event, invoice } from './factories.js';

const NDJSON = { 'content-type': 'application/x-ndjson' };
const CSV = { 'content-type': 'text/csv' };

describe.each(await backends())('import on %s', (backend) => {
  let t: TestApp;
  const post = (entity: string, payload: string, headers: Record<string, string> = NDJSON, role: 'platform' | 'collector' = 'platform') =>
    t.app.inject({ method: 'POST', url: `/v1/import/${entity}`, headers: { ...auth(role), ...headers }, payload });
  // A fingerprint of everything importable: any write shows up here.
  const snapshot = async () => t.storage.db.query(
    `SELECT (SELECT json_agg(c ORDER BY id) FROM customers c)::text AS c,
            (SELECT json_agg(i ORDER BY id) FROM invoices i)::text AS i`,
  );

  beforeAll(async () => {
    t = await buildTestApp(backend);
    await post('collectors', ndjson([{ externalId: 'col-1', name: 'Alice Martin' }]));
    await post('customer-groups', ndjson([{ externalId: 'grp-1', name: 'Watch list' }]));
  });
  afterAll(async () => t.close());

  describe('when a CSV of customers is sent', () => {
    it('inserts every row and says so', async () => {
      const res = await post('customers', csv([1, 2, 3].map((i) => customer(i))), CSV);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ rows: 3, inserted: 3, updated: 0, unchanged: 0 });
    });

    it('changes nothing when the same file is sent again', async () => {
      const before = await snapshot();
      const res = await post('customers', csv([1, 2, 3].map((i) => customer(i))), CSV);
      expect(res.json()).toMatchObject({ rows: 3, inserted: 0, updated: 0, unchanged: 3 });
      expect(await snapshot()).toEqual(before);
    });

    it('updates only the rows that differ', async () => {
      const res = await post('customers', csv([customer(1, { riskScore: 90 }), customer(2)]), CSV);
      expect(res.json()).toMatchObject({ inserted: 0, updated: 1, unchanged: 1 });
    });

    it('inserts the new rows and updates the changed ones of one file', async () => {
      const res = await post('customers', csv([customer(2, { riskScore: 12 }), customer(3), customer(5)]), CSV);
      expect(res.json()).toMatchObject({ rows: 3, inserted: 1, updated: 1, unchanged: 1 });
      const rows = await t.storage.db.query<{ external_id: string; risk_score: number }>(
        "SELECT external_id, risk_score FROM customers WHERE external_id IN ('C2', 'C5') ORDER BY external_id",
      );
      expect(rows.map((r) => r.external_id)).toEqual(['C2', 'C5']);
      expect(rows[0].risk_score).toBe(12);
    });
  });

  describe('when an optional column is absent from the file', () => {
    it('keeps the value a rule or a person set (the collector is not reset)', async () => {
      await post('customers', ndjson([customer(4, { collectorExternalId: 'col-1' })]));
      await post('customers', ndjson([customer(4, { riskScore: 55 })]));
      const [row] = await t.storage.db.query<{ collector_id: number | null; risk_score: number }>(
        "SELECT collector_id, risk_score FROM customers WHERE external_id = 'C4'",
      );
      expect(row.collector_id).not.toBeNull();
      expect(row.risk_score).toBe(55);
    });
  });

  // Stored as sent before: europe/paris and Europe/Paris were two zones, and sending either again changed the row.
  describe('when a time zone is spelt otherwise than Intl names it', () => {
    it('stores the name Intl gives it, and a file spelling it either way changes nothing', async () => {
      const first = await post('customers', csv([customer(80, { timezone: 'europe/paris', riskScore: 5 }), customer(81, { timezone: 'US/Eastern', riskScore: 5 })]), CSV);
      expect(first.json()).toMatchObject({ inserted: 2 });
      expect(await t.storage.db.query("SELECT timezone FROM customers WHERE external_id IN ('C80', 'C81') ORDER BY external_id"))
        .toEqual([{ timezone: 'Europe/Paris' }, { timezone: 'America/New_York' }]);
      expect((await post('customers', ndjson([customer(80, { timezone: 'Europe/Paris', riskScore: 5 }), customer(81, { timezone: 'America/New_York', riskScore: 5 })]))).json())
        .toMatchObject({ unchanged: 2 });
    });
  });

  describe('when NDJSON invoices are sent', () => {
    it('resolves customers by externalId and derives the open amount', async () => {
      const res = await post('invoices', ndjson([invoice(1, 1), invoice(2, 2, { settledDate: '2026-10-05' })]));
      expect(res.statusCode).toBe(200);
      const rows = await t.storage.db.query<{ external_id: string; open_amount: number; due_date: string }>(
        'SELECT external_id, open_amount, due_date FROM invoices ORDER BY external_id',
      );
      expect(rows).toEqual([
        { external_id: 'INV1', open_amount: 101, due_date: '2026-10-01' },
        { external_id: 'INV2', open_amount: 0, due_date: '2026-10-01' },
      ]);
    });
  });

  describe('when invoices are sent again without their openAmount column', () => {
    const open = async (id: string) => (await t.storage.db.query<{ open_amount: number }>(
      'SELECT open_amount::float8 AS open_amount FROM invoices WHERE external_id = $1', [id],
    ))[0].open_amount;

    // A sync of statuses left the column out: the invoice was open again for its whole amount.
    it('keeps the open amount of one partly paid', async () => {
      await post('invoices', ndjson([invoice(40, 1, { openAmount: 40 })]));
      expect((await post('invoices', ndjson([invoice(40, 1, { status: 'promise_to_pay' })]))).json()).toMatchObject({ updated: 1 });
      expect(await open('INV40')).toBe(40);
    });

    it('closes it when settled now', async () => {
      await post('invoices', ndjson([invoice(41, 1, { openAmount: 40 })]));
      await post('invoices', ndjson([invoice(41, 1, { settledDate: '2026-10-05' })]));
      expect(await open('INV41')).toBe(0);
    });

    it('follows the amount of one never paid, and of one settled before that is no longer', async () => {
      await post('invoices', ndjson([invoice(42, 1), invoice(43, 1, { settledDate: '2026-10-05' })]));
      await post('invoices', ndjson([invoice(42, 1, { amount: 500 }), invoice(43, 1, { settledDate: null })]));
      expect([await open('INV42'), await open('INV43')]).toEqual([500, 143]);
    });
  });

  describe('when amounts are in a currency with three decimals', () => {
    it('keeps the thousandths, in the table and in the balances saved searches read', async () => {
      const kwd = { currency: 'KWD', issueDate: '2026-09-01', dueDate: '2026-10-01' };
      const res = await post('invoices', ndjson([
        invoice(31, 3, { ...kwd, amount: 1.234 }),
        invoice(32, 3, { ...kwd, amount: 0.004 }),
        invoice(33, 3, { ...kwd, amount: 2.5, openAmount: 0.001 }),
      ]));
      expect(res.statusCode).toBe(200);
      const rows = await t.storage.db.query<{ amount: number; open_amount: number }>(
        "SELECT amount::float8 AS amount, open_amount::float8 AS open_amount FROM invoices WHERE external_id IN ('INV31', 'INV32', 'INV33') ORDER BY external_id",
      );
      expect(rows).toEqual([{ amount: 1.234, open_amount: 1.234 }, { amount: 0.004, open_amount: 0.004 }, { amount: 2.5, open_amount: 0.001 }]);
      const count = await t.app.inject({
        method: 'POST', url: '/v1/searches/count', headers: auth('analyst'),
        payload: { criteria: { '==': [{ var: 'openInvoices' }, 3] } },
      });
      expect(count.json()).toMatchObject({ count: 1 });
    });
  });

  describe('when exchange rates are sent', () => {
    const rates = async () => t.storage.db.query(
      'SELECT currency, quote_currency AS quote, rate_date::text AS day, rate::float8 AS rate FROM exchange_rates ORDER BY 1, 2, 3',
    );
    const rate = (currency: string, quoteCurrency: string, rateDate: string, value: number) => ({ currency, quoteCurrency, rateDate, rate: value });

    it('keeps one rate per currency pair and day, updated when sent again', async () => {
      expect((await post('exchange-rates', ndjson([rate('EUR', 'USD', '2026-11-02', 1.0712), rate('JPY', 'USD', '2026-11-02', 0.006543)]))).json())
        .toMatchObject({ inserted: 2, updated: 0 });
      expect((await post('exchange-rates', ndjson([rate('EUR', 'USD', '2026-11-02', 1.0815), rate('EUR', 'USD', '2026-11-03', 1.08)]))).json())
        .toMatchObject({ inserted: 1, updated: 1 });
      expect(await rates()).toEqual([
        { currency: 'EUR', quote: 'USD', day: '2026-11-02', rate: 1.0815 },
        { currency: 'EUR', quote: 'USD', day: '2026-11-03', rate: 1.08 },
        { currency: 'JPY', quote: 'USD', day: '2026-11-02', rate: 0.006543 },
      ]);
    });

    it.each([
      ['a currency quoted in itself', rate('USD', 'USD', '2026-11-04', 1), /quoteCurrency is the currency itself/],
      ['a code that is no currency', rate('EURO', 'USD', '2026-11-04', 1.1), /currency must be an ISO 4217 currency code/],
      ['a rate of zero', rate('GBP', 'USD', '2026-11-04', 0), /rate must be/],
      // The column keeps fourteen digits and ten decimals: the first failed the load with a 500, the second was stored as 0.
      ['a rate too large for its column', rate('GBP', 'USD', '2026-11-04', 1e300), /rate must not be above 10000000000000/],
      ['a rate too small for its column', rate('GBP', 'USD', '2026-11-04', 1e-12), /rate 1e-12 is below 1e-10/],
      // The stored rate first, a new one of the same pair and day after it: the second was taken, 200.
      ['a pair and day sent twice, first with the stored rate', [rate('EUR', 'USD', '2026-11-02', 1.0815), rate('EUR', 'USD', '2026-11-02', 1.09)],
        /repeats the key of line 2/],
    ])('refuses a file with %s and keeps the rates it had', async (_name, row, reason) => {
      const before = await rates();
      const res = await post('exchange-rates', ndjson([rate('CHF', 'USD', '2026-11-04', 1.13), ...[row].flat()]));
      expect(res.statusCode).toBe(422);
      expect(res.json().errors.map((e: { field?: string; reason: string }) => `${e.field ?? ''} ${e.reason}`).join('\n')).toMatch(reason);
      expect(await rates()).toEqual(before);
    });
  });

  describe('when a file has a bad row', () => {
    const cases: [string, string, string, Record<string, string>, RegExp][] = [
      ['a missing field', 'invoices', ndjson([invoice(10, 1), { ...invoice(11, 1), number: undefined }]), NDJSON, /number.*required/],
      ['a bad date', 'invoices', ndjson([invoice(10, 1), invoice(11, 1, { dueDate: '2026-02-30' })]), NDJSON, /dueDate.*date/],
      ['an unknown customer', 'invoices', ndjson([invoice(10, 1), invoice(11, 99)]), NDJSON, /unknown customers "C99"/],
      ['a negative amount', 'invoices', ndjson([invoice(10, 1), invoice(11, 1, { amount: -3 })]), NDJSON, /negative/],
      ['malformed CSV', 'customers', 'externalId,name\nC9,"Open quote\n', CSV, /malformed CSV/],
      // Each row was refused for an unknown column "externalId;name" and each required field missing, or for a column "".
      ['CSV separated by semicolons', 'customers', 'externalId;name\nC9;Acme\n', CSV, /^ the header is one column, "externalId;name": columns are separated by commas, not semicolons$/],
      ['a CSV header ending in a comma', 'customers', 'externalId,name,\nC9,Acme,\n', CSV, /^ the header's column 3 has no name \(a comma at the end of the line\?\)$/],
      ['the header repeated as a row (files joined together)', 'customers', 'externalId,name\nC9,Acme\nexternalId,name\n', CSV, /repeats the header row/],
      ['an unknown field', 'customers', ndjson([{ ...customer(9), riskScroe: 3 }]), NDJSON, /riskScroe.*not a field/],
      ['an unknown field of a long name', 'customers', ndjson([{ ...customer(9), ['y'.repeat(1000)]: 3 }]), NDJSON, /^y{60}… \(1000 characters\) is not a field/m],
      ['an unknown customer of a long id', 'invoices', ndjson([invoice(11, 1, { customerExternalId: `C${'9'.repeat(100)}` })]), NDJSON,
        /unknown customers "C9{59}…" \(101 characters\)/],
      ['invalid JSON', 'customers', '{"externalId":"C9","name":"x"}\n{oops\n', NDJSON, /not valid JSON/],
      ['a repeated key', 'customers', ndjson([customer(9), customer(9)]), NDJSON, /repeats the key of line 1/],
      ['a NUL character in NDJSON', 'collectors', ndjson([{ externalId: 'col-9', name: 'Bob\u0000' }]), NDJSON, /name must not contain the NUL character/],
      ['a NUL character in CSV', 'collectors', csv([{ externalId: 'col-9', name: 'Bob\u0000' }]), CSV, /name must not contain the NUL character/],
      // Half an emoji, as a sender that cuts text by UTF-16 units writes it: jsonb failed the load with a 500, text stored U+FFFD.
      ['a lone surrogate in NDJSON text', 'collectors', ndjson([{ externalId: 'col-9', name: 'Bob \ud83d' }]), NDJSON, /name must be Unicode text: it holds a lone surrogate/],
      ['a lone surrogate in an NDJSON list', 'communications',
        ndjson([{ externalId: 'R9', customerExternalId: 'C1', channel: 'email', sentAt: '2026-10-01T09:00:00Z', invoiceExternalIds: ['INV1\udc00'] }]), NDJSON,
        /invoiceExternalIds must be Unicode text: it holds a lone surrogate/],
      ['a lone surrogate in an NDJSON JSON value', 'dunning-scenarios',
        ndjson([{ externalId: 'S9', name: 'Soft', steps: [{ dayOffset: 3, channel: 'email', level: 1, template: 'reminder \ud83d' }] }]), NDJSON,
        /steps must be Unicode text: it holds a lone surrogate/],
      ['a customer name of a megabyte in NDJSON', 'customers', ndjson([customer(9, { name: 'x'.repeat(1 << 20) })]), NDJSON, /name must be at most 500 characters long, got 1048576/],
      ['a customer name of a megabyte in CSV', 'customers', csv([customer(9, { name: 'x'.repeat(1 << 20) })]), CSV, /name must be at most 500 characters long, got 1048576/],
      ['an event payload of a megabyte in NDJSON', 'external-events', ndjson([event(9, { payload: { note: 'x'.repeat(1 << 20) } })]), NDJSON,
        /payload must be at most 64 KiB as JSON, got 1048587 bytes/],
      ['an event payload of a megabyte in CSV', 'external-events', csv([event(9, { payload: JSON.stringify({ note: 'x'.repeat(1 << 20) }) })]), CSV,
        /payload must be at most 64 KiB as JSON, got 1048587 bytes/],
      // A CSV cell took any JSON, stored as a jsonb 5, where NDJSON refused it.
      ['an event payload that is a number in CSV', 'external-events', csv([event(9, { payload: '5' })]), CSV, /payload must be a JSON object, got a number/],
      ['an offer\'s terms that are an array in NDJSON', 'incentive-offers',
        ndjson([{ externalId: 'O9', customerExternalId: 'C1', lever: 'discount', offeredAt: '2026-10-01T09:00:00Z', terms: [2, 10] }]), NDJSON,
        /terms must be a JSON object, got an array/],
      // JSON.parse rounds the one and reads the other as Infinity, which JSON writes null: both were stored so, 200.
      ['an event payload holding an id beyond 2^53 in NDJSON', 'external-events', ndjson([event(9)]).replace('"value":40', '"value":40,"payload":{"dunsId":12345678901234567891}'), NDJSON,
        /payload must hold whole numbers below 2\^53 \(\/dunsId\): send such an id in quotes/],
      ['an offer\'s terms holding a number past 1e308 in CSV', 'incentive-offers',
        csv([{ externalId: 'O9', customerExternalId: 'C1', lever: 'discount', offeredAt: '2026-10-01T09:00:00Z', terms: '{"rates":[2,1e400]}' }]), CSV,
        /terms must hold numbers below 1\.8e308 \(\/rates\/1\)/],
      // JSON.parse reads it as 1000: the id would be stored as "1000", not as sent.
      ['an NDJSON id written 1e3', 'customers', `${JSON.stringify(customer(9))}\n{"externalId":1e3,"name":"Acme"}\n`, NDJSON, /externalId must be text: .* got 1e3; send it in quotes/],
      ['an NDJSON id written with leading zeros (JSON has no such number)', 'customers', '{"externalId":00123,"name":"Acme"}\n', NDJSON, /not valid JSON/],
      ['an amount too large for its column', 'invoices', ndjson([invoice(10, 1), invoice(11, 1, { amount: 1e300 })]), NDJSON, /amount must be an amount below 10\^13/],
      ['an implausible date', 'invoices', ndjson([invoice(10, 1), invoice(11, 1, { issueDate: '0001-01-01' })]), NDJSON, /issueDate must be from 1900-01-01/],
      ['a repeated key of a row already there', 'customers', ndjson([customer(8), customer(1, { riskScore: 11 }), customer(1, { riskScore: 12 })]), NDJSON,
        /repeats the key of line 2/],
      // Sent first as stored, the row changed nothing and its key went unnoticed when met again: the second won, 200.
      ['a repeated key of a row already there, sent first as stored', 'customers', ndjson([customer(3), customer(3, { riskScore: 12 })]), NDJSON,
        /repeats the key of line 1/],
      ['a field named twice in one NDJSON row', 'customers', `${JSON.stringify(customer(9))}\n{"externalId":"C10","name":"Acme","riskScore":10, "riskScore" :90}\n`, NDJSON,
        /names the field "riskScore" twice/],
      ['a repeated pair key', 'group-members',
        ndjson([{ groupExternalId: 'grp-1', customerExternalId: 'C1' }, { groupExternalId: 'grp-1', customerExternalId: 'C1' }]), NDJSON,
        /repeats the key of line 1/],
    ];
    it.each(cases)('rejects the whole file with %s and writes nothing', async (_name, entity, payload, headers, reason) => {
      const before = await snapshot();
      const res = await post(entity, payload, headers);
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      const body = res.json();
      expect(body.code).toBe('AR_ERR_IMPORT_REJECTED');
      expect(body.errors.length).toBeGreaterThan(0);
      expect(body.errors[0].line).toBeGreaterThan(0);
      expect(body.errors.map((e: { field?: string; reason: string }) => `${e.field ?? ''} ${e.reason}`).join('\n')).toMatch(reason);
      expect(await snapshot()).toEqual(before);
    });

    // A million ids in one row was taken: each id was capped, their number was not.
    it.each([
      ['communications', (i: number, ids: string[]) => ({ externalId: `R${i}`, customerExternalId: 'C1', channel: 'email', sentAt: '2026-10-01T09:00:00Z', invoiceExternalIds: ids })],
      ['incentive-offers', (i: number, ids: string[]) => ({ externalId: `O${i}`, customerExternalId: 'C1', lever: 'discount', offeredAt: '2026-10-01T09:00:00Z', invoiceExternalIds: ids })],
    ])('rejects %s naming more than 1000 invoices in one row, naming the row and the field, and writes nothing', async (entity, row) => {
      const stored = () => t.storage.db.query(
        `SELECT (SELECT count(*) FROM communications)::int AS communications, (SELECT count(*) FROM incentive_offers)::int AS offers`,
      );
      const before = await stored();
      const res = await post(entity, ndjson([row(1, ['INV1']), row(2, Array.from({ length: 100_000 }, (_, i) => `INV${i}`))]));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toMatchObject({
        code: 'AR_ERR_IMPORT_REJECTED',
        errors: [{ line: 2, field: 'invoiceExternalIds', reason: 'must hold at most 1000 items, got 100000' }],
      });
      expect(res.json().detail).toMatch(/line 2 \(invoiceExternalIds\)/);
      expect(await stored()).toEqual(before);
    });

    it('lists bad cells, unknown references and repeated keys in the same rejection', async () => {
      const body = ndjson([invoice(30, 1, { issueDate: 'yesterday' }), invoice(31, 99), invoice(32, 1), invoice(32, 1)]);
      const res = await post('invoices', body);
      expect(res.statusCode).toBe(422);
      expect(res.json().errors.map((e: { line: number; reason: string }) => [e.line, e.reason])).toEqual([
        [1, expect.stringMatching(/date/)],
        [2, expect.stringMatching(/unknown customers "C99"/)],
        [4, 'repeats the key of line 3'],
      ]);
      expect(res.json().errorCount).toBe(3);
    });

    it('lists the line of every bad row', async () => {
      const rows = [invoice(20, 1), invoice(21, 1, { amount: 'ten' }), invoice(22, 1), invoice(23, 1, { issueDate: 'yesterday' })];
      const body = (await post('invoices', ndjson(rows))).json();
      expect(body.errors.map((e: { line: number }) => e.line)).toEqual([2, 4]);
      expect(body.errorCount).toBe(2);
    });
  });

  describe('when the import job cannot be recorded', () => {
    it('answers a problem and leaves no upload behind', async () => {
      const uploads = path.join(t.services.config.dataDir, 'uploads');
      const before = fs.readdirSync(uploads);
      const spy = vi.spyOn(t.services.jobs, 'enqueueLocal').mockRejectedValueOnce(new Error('the database went away'));
      try {
        const res = await post('collectors', ndjson([{ externalId: 'col-up', name: 'Uma' }]));
        expect(res.statusCode).toBe(500);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_INTERNAL' });
      } finally {
        spy.mockRestore();
      }
      expect(fs.readdirSync(uploads)).toEqual(before);
    });
  });

  describe('when the request itself is wrong', () => {
    it('answers 415 for a content type it cannot read', async () => {
      const res = await post('customers', '<xml/>', { 'content-type': 'application/xml' });
      expect(res.statusCode).toBe(415);
      expect(res.json().code).toBe('AR_ERR_UNSUPPORTED_MEDIA_TYPE');
    });
    it('answers 415 saying how to send NDJSON when it comes as application/json', async () => {
      const res = await post('customers', ndjson([customer(50), customer(51)]), { 'content-type': 'application/json' });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_UNSUPPORTED_MEDIA_TYPE', detail: expect.stringContaining('application/x-ndjson') });
    });
    it('answers 415 saying what to send for a form upload', async () => {
      const res = await post('customers', 'a=1', { 'content-type': 'application/x-www-form-urlencoded' });
      expect(res.statusCode).toBe(415);
      expect(res.json().detail).toContain('text/csv');
    });
    it.each([
      [{ 'content-type': 'text/csv; charset=iso-8859-1' }, /UTF-8 text: charset=iso-8859-1 is not read/],
      [{ 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, /uncompressed: Content-Encoding gzip is not read/],
    ])('answers 415 for a body it would misread (%j) and writes nothing', async (headers, detail) => {
      const before = await snapshot();
      const res = await post('customers', headers['content-type'].startsWith('text/csv') ? csv([customer(60)]) : ndjson([customer(60)]), headers);
      expect(res.statusCode).toBe(415);
      expect(res.json().detail).toMatch(detail);
      expect(await snapshot()).toEqual(before);
    });
    it('accepts charset=utf-8 spelt either way', async () => {
      const res = await post('customers', csv([customer(61)]), { 'content-type': 'text/csv; charset="UTF-8"' });
      expect(res.statusCode).toBe(200);
    });
    it.each([
      ['ndjson', NDJSON, (rows: string) => rows],
      ['csv', CSV, (rows: string) => rows],
    ])('rejects a %s file with bytes that are not UTF-8, naming the line, and writes nothing', async (format, headers) => {
      const before = await snapshot();
      const text = format === 'csv' ? csv([customer(62), customer(63, { name: 'Caf\u00e9 Durand' })]) : ndjson([customer(62), customer(63, { name: 'Caf\u00e9 Durand' })]);
      // The same name in Latin-1: é is the single byte 0xE9, not UTF-8.
      const latin1 = Buffer.from(text, 'latin1');
      const res = await t.app.inject({ method: 'POST', url: '/v1/import/customers', headers: { ...auth('platform'), ...headers }, payload: latin1 });
      expect(res.statusCode).toBe(422);
      expect(res.json().errors[0]).toMatchObject({ line: format === 'csv' ? 3 : 2, reason: expect.stringMatching(/is not UTF-8 text/) });
      expect(await snapshot()).toEqual(before);
    });
    it('rejects a row nested past 64 levels as a row error, not a failed job', async () => {
      const deep = '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000);
      const res = await post('customers', `${JSON.stringify(customer(64))}\n${JSON.stringify(customer(65)).slice(0, -1)},"custom":${deep}}\n`);
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([expect.objectContaining({ line: 2, reason: expect.stringMatching(/nests deeper than 64 levels/) })]);
    });
    it('answers 404 for an unknown entity', async () => {
      const res = await post('widgets', ndjson([{}]));
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('AR_ERR_IMPORT_UNKNOWN_ENTITY');
    });
    it('answers 422 for an empty file', async () => {
      expect((await post('customers', '', CSV)).json().code).toBe('AR_ERR_IMPORT_EMPTY');
    });
    it('refuses a collector key', async () => {
      const res = await post('customers', ndjson([customer(30)]), NDJSON, 'collector');
      expect(res.statusCode).toBe(403);
    });
  });

  describe('when allocations would allocate more than a payment or an invoice holds', () => {
    const pay = (i: number, amount: number) => ({ externalId: `P${i}`, customerExternalId: 'C50', paymentDate: '2026-10-05', amount, method: 'transfer' });
    const alloc = (i: number, payment: number, inv: number, amount: number) => ({ externalId: `A${i}`, paymentExternalId: `P${payment}`, invoiceExternalId: `INV${inv}`, amount });
    beforeAll(async () => {
      await post('customers', ndjson([customer(50)]));
      await post('invoices', ndjson([invoice(50, 50, { amount: 100 }), invoice(51, 50, { amount: 300 })]));
      await post('payments', ndjson([pay(1, 150), pay(2, 500)]));
      expect((await post('payment-allocations', ndjson([alloc(1, 1, 50, 100)]))).statusCode).toBe(200);
    });

    it('refuses the file, counting what is stored already, and stores none of it', async () => {
      // P1 has 100 of its 150 allocated: 60 more is 160.
      const res = await post('payment-allocations', ndjson([alloc(2, 1, 51, 60), alloc(3, 2, 51, 250), alloc(4, 2, 51, 100)]));
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([
        { line: 1, reason: 'allocates 160.00 to payment "P1" in all, more than its amount 150.00' },
        { line: 1, reason: 'allocates 410.00 to invoice "INV51" in all, more than its amount 300.00' },
      ]);
      const [{ n }] = await t.storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment_allocations');
      expect(n).toBe(1);
    });

    it('accepts a file that replaces a stored allocation by a smaller one', async () => {
      const res = await post('payment-allocations', ndjson([alloc(1, 1, 50, 40), alloc(2, 1, 51, 110)]));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ inserted: 1, updated: 1 });
    });
  });

  // Only allocation imports summed them: an invoice of 200 with 150 allocated could be sent again for 120, 200.
  describe('when invoices or payments would be lowered under what is allocated to them', () => {
    const pay = (i: number, amount: number) => ({ externalId: `P${i}`, customerExternalId: 'C52', paymentDate: '2026-10-05', amount, method: 'transfer' });
    const alloc = (i: number, payment: number, inv: number, amount: number) => ({ externalId: `A${i}`, paymentExternalId: `P${payment}`, invoiceExternalId: `INV${inv}`, amount });
    const amounts = async () => t.storage.db.query(
      `SELECT external_id, amount::float8 AS amount FROM invoices WHERE external_id IN ('INV52', 'INV53', 'INV54')
       UNION ALL SELECT external_id, amount::float8 FROM payments WHERE external_id IN ('P52', 'P53') ORDER BY 1`,
    );
    beforeAll(async () => {
      await post('customers', ndjson([customer(52)]));
      await post('invoices', ndjson([invoice(52, 52, { amount: 200 }), invoice(53, 52, { amount: 100 }), invoice(54, 52, { amount: 100 })]));
      await post('payments', ndjson([pay(52, 300), pay(53, 100)]));
      expect((await post('payment-allocations', ndjson([alloc(52, 52, 52, 150)]))).statusCode).toBe(200);
    });

    it.each([
      ['invoices', [invoice(53, 52, { amount: 90 }), invoice(52, 52, { amount: 120 })], NDJSON,
        'amount 120.00 is below the 150.00 already allocated to invoice "INV52" (payment-allocations)'],
      ['invoices', [invoice(53, 52, { amount: 90 }), invoice(52, 52, { amount: 149.99 })], CSV,
        'amount 149.99 is below the 150.00 already allocated to invoice "INV52" (payment-allocations)'],
      ['payments', [pay(53, 90), pay(52, 100.5)], NDJSON,
        'amount 100.50 is below the 150.00 already allocated to payment "P52" (payment-allocations)'],
    ])('refuses a file of %s lowering one, naming the row, and writes nothing', async (entity, rows, headers, reason) => {
      const before = await amounts();
      const res = await post(entity, headers === CSV ? csv(rows) : ndjson(rows), headers);
      expect(res.statusCode).toBe(422);
      expect(res.json().errors).toEqual([{ line: headers === CSV ? 3 : 2, reason }]);
      expect(await amounts()).toEqual(before);
    });

    it('accepts an amount lowered to what is allocated, and one sent again as stored', async () => {
      expect((await post('invoices', ndjson([invoice(52, 52, { amount: 150 })]))).json()).toMatchObject({ updated: 1 });
      expect((await post('payments', ndjson([pay(52, 300)]))).json()).toMatchObject({ unchanged: 1 });
    });

    const waitingForLocks = async () => (await t.storage.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    ))[0].n;
    /** What `answer` gets once `waiters` sessions wait for a lock (or it has answered), then `gate` commits. */
    const pastGate = async <T>(gate: pg.Client, answer: Promise<T>, waiters = 1) => {
      let settled = false;
      void answer.then(() => { settled = true; });
      await eventually(async () => {
        if (!settled && (await waitingForLocks()) < waiters) throw new Error('not waiting yet');
      });
      await gate.query('COMMIT');
      return answer;
    };

    // An allocation import in flight (checked, not committed): the invoices import read no allocation and lowered the invoice under it, 200.
    it.runIf(backend === 'postgres')('refuses an invoice lowered while an allocation to it is being imported', async () => {
      const gate = new pg.Client({ connectionString: t.storage.url! });
      await gate.connect();
      try {
        await gate.query('BEGIN');
        await gate.query(`SELECT pg_advisory_xact_lock(hashtext('ar-import:payment_allocations'))`);
        await gate.query(`INSERT INTO payment_allocations (external_id, payment_id, invoice_id, amount)
          SELECT 'A53', p.id, i.id, 80 FROM payments p, invoices i WHERE p.external_id = 'P53' AND i.external_id = 'INV53'`);
        const res = await pastGate(gate, post('invoices', ndjson([invoice(53, 52, { amount: 50 })])));
        expect(res.statusCode).toBe(422);
        expect(res.json().errors).toEqual([{ line: 1, reason: 'amount 50.00 is below the 80.00 already allocated to invoice "INV53" (payment-allocations)' }]);
        expect(await amounts()).toContainEqual({ external_id: 'INV53', amount: 100 });
      } finally {
        await gate.end();
      }
    });

    // An invoices import in flight (lowered INV54, waiting for INV52's row): the allocation import read the amount it had before, 200.
    it.runIf(backend === 'postgres')('refuses an allocation to an invoice being lowered', async () => {
      const gate = new pg.Client({ connectionString: t.storage.url! });
      await gate.connect();
      try {
        await gate.query('BEGIN');
        await gate.query("SELECT 1 FROM invoices WHERE external_id = 'INV52' FOR UPDATE");
        const lowering = post('invoices', ndjson([invoice(54, 52, { amount: 50 }), invoice(52, 52, { amount: 160 })]));
        await eventually(async () => {
          if ((await waitingForLocks()) < 1) throw new Error('not waiting yet');
        });
        const res = await pastGate(gate, post('payment-allocations', ndjson([alloc(54, 52, 54, 80)])), 2);
        expect((await lowering).statusCode).toBe(200);
        expect(res.statusCode).toBe(422);
        expect(res.json().errors).toEqual([{ line: 1, reason: 'allocates 80.00 to invoice "INV54" in all, more than its amount 50.00' }]);
        expect(await t.storage.db.query("SELECT 1 FROM payment_allocations WHERE external_id = 'A54'")).toEqual([]);
      } finally {
        await gate.end();
      }
    });
  });

  describe('when the caller asks for an asynchronous import', () => {
    it('returns a job whose progress ends completed with the counts', async () => {
      const res = await post('customers', ndjson([customer(40), customer(41)]), { ...NDJSON, prefer: 'respond-async' });
      expect(res.statusCode).toBe(202);
      const { jobId, status, location } = res.json();
      expect({ status, location }).toEqual({ status: 'queued', location: `/v1/jobs/${jobId}` });
      const info = await t.services.jobs.waitFor(jobId);
      expect(info.state).toBe('completed');
      const polled = await t.app.inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: auth('platform') });
      expect(polled.json()).toMatchObject({ state: 'completed', progress: 1, result: { inserted: 2 } });
    });
  });

  describe('when an import the caller waits for is cancelled', () => {
    /** Cancels an import of `rows` while another session holds what `hold` takes, then lets it go. */
    const cancelledWhileHeld = async (hold: string, rows: object[]) => {
      const other = new pg.Client({ connectionString: t.storage.url! });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(hold);
        const answer = post('customers', ndjson(rows));
        // Cancelled once it waits for what the other session holds, not before.
        const [{ id }] = await eventually(async () => {
          const rows = await t.storage.db.query<{ id: string }>(
            `SELECT id FROM local_jobs WHERE type = 'import' AND state = 'active'
               AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock')`,
          );
          if (rows.length !== 1) throw new Error('not waiting yet');
          return rows;
        });
        expect((await t.app.inject({ method: 'DELETE', url: `/v1/jobs/${id}`, headers: auth('platform') })).json()).toEqual({ cancelled: true });
        await other.query('COMMIT');
        const res = await answer;
        return { res, id };
      } finally {
        await other.end();
      }
    };

    // Held at the import's lock: the waiting caller got a 500.
    it.runIf(backend === 'postgres')('answers 409 and writes nothing', async () => {
      const { res, id } = await cancelledWhileHeld(`SELECT pg_advisory_xact_lock(hashtext('ar-import:customers'))`, [customer(70)]);
      expect(res.statusCode).toBe(409);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ jobId: id, detail: expect.stringMatching(/cancelled/) });
      expect(await t.storage.db.query("SELECT 1 FROM customers WHERE external_id = 'C70'")).toEqual([]);
    });

    // Held past its rows' staging, at the lock of a customer it changes: the cancel said cancelled, the import committed.
    it.runIf(backend === 'postgres')('writes nothing when cancelled after its rows were read', async () => {
      const { res } = await cancelledWhileHeld("SELECT 1 FROM customers WHERE external_id = 'C2' FOR UPDATE", [customer(2, { name: 'Renamed' }), customer(71)]);
      expect(res.statusCode).toBe(409);
      expect(await t.storage.db.query("SELECT name FROM customers WHERE external_id IN ('C2', 'C71')")).toEqual([{ name: 'Customer 2' }]);
    });
  });
});
