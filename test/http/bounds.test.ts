// Values past what the database holds (ids past int4, years 0-99, offsets past
// ±15:59) are the client's mistake: a 400 or 422 problem saying what to fix,
// never a 500 from a failed query, and nothing is written.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { ndjson, customer, invoice } from '../ingest/factories.js';

const TOO_BIG = 2 ** 31;

for (const backend of await backends()) {
  describe(`input bounds on ${backend}`, () => {
    let t: TestApp;
    const post = (entity: string, rows: object[]) => t.app.inject({
      method: 'POST', url: `/v1/import/${entity}`,
      headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' }, payload: ndjson(rows),
    });
    const ask = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, role: 'analyst' | 'platform' = 'analyst') =>
      t.app.inject({ method, url, headers: auth(role), ...(payload ? { payload } : {}) });

    beforeAll(async () => {
      t = await buildTestApp(backend);
      await post('customers', [customer(1)]);
      await post('invoices', [invoice(1, 1)]);
    });
    afterAll(async () => t.close());

    function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): { code: string; detail: string; errors?: unknown } }, status: number) {
      expect(res.statusCode).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      return res.json();
    }

    describe('when an id or a cursor is past what a row id can be', () => {
      it.each([
        ['GET', `/v1/searches/${TOO_BIG}`],
        ['POST', `/v1/searches/${TOO_BIG}/count`],
        ['DELETE', `/v1/searches/${TOO_BIG}`],
        ['GET', `/v1/rules/${TOO_BIG}`],
        ['GET', `/v1/assign/runs/${TOO_BIG}`],
        ['POST', `/v1/assign/runs/${TOO_BIG}/undo`],
        ['POST', `/v1/actions/${TOO_BIG}/done`],
        ['GET', `/v1/customers?after=${TOO_BIG}`],
        ['GET', `/v1/assign/runs/1?offset=1${'0'.repeat(300)}`],
      ] as const)('%s %s answers 400', async (method, url) => {
        const body = expectProblem(await ask(method, url, undefined, url.startsWith('/v1/actions') ? 'platform' : 'analyst'), 400);
        expect(body.code).toBe('AR_ERR_VALIDATION');
        expect(body.detail).toMatch(/must be <= 2147483647/);
      });

      it('refuses a rule on a search id past int4 and stores no rule', async () => {
        const res = await ask('POST', '/v1/rules', { name: 'big', searchId: TOO_BIG, priority: 1, actions: [{ target: 'collector', value: 'x' }] });
        expect(res.statusCode).toBe(400);
        expect(res.json().errors.map((e: { path: string }) => e.path)).toContain('body/searchId');
        expect((await ask('GET', '/v1/rules')).json().items).toEqual([]);
      });
    });

    describe('when a number in the URL is Infinity (which coerces to a number passing every range check)', () => {
      it.each([
        '/v1/customers?limit=Infinity',
        '/v1/customers?after=-Infinity',
        '/v1/agenda?limit=Infinity',
        '/v1/searches/Infinity',
        '/v1/rules/Infinity',
        '/v1/assign/runs/Infinity',
        '/v1/reports/dso?windowDays=Infinity',
        '/v1/reports/cash-forecast?weeks=%2BInfinity',
      ])('GET %s answers 400 naming the parameter', async (url) => {
        const body = expectProblem(await ask('GET', url), 400);
        expect(body.code).toBe('AR_ERR_VALIDATION');
        expect(body.detail).toMatch(/(querystring|params)\/\w+ must be (a finite number|integer)/);
      });
    });

    describe('when an integer in the URL is written other than in decimal digits (which Number() would read)', () => {
      it.each([
        ['/v1/customers?limit=0x10', 'querystring/limit'],
        ['/v1/customers?limit=1e2', 'querystring/limit'],
        ['/v1/customers?limit=%2B1', 'querystring/limit'],
        ['/v1/customers?limit=%205', 'querystring/limit'],
        ['/v1/customers?limit=5%20', 'querystring/limit'],
        ['/v1/customers?limit=2.0', 'querystring/limit'],
        ['/v1/customers?limit=0b11', 'querystring/limit'],
        ['/v1/customers?limit=5&limit=0x10', 'querystring/limit'],
        ['/v1/assign/runs/1?offset=1e3', 'querystring/offset'],
        ['/v1/searches/0x1', 'params/id'],
        ['/v1/rules/1e0', 'params/id'],
      ])('GET %s answers 400 naming %s', async (url, path) => {
        const body = expectProblem(await ask('GET', url), 400) as unknown as { code: string; errors: { path: string; message: string }[] };
        expect(body.code).toBe('AR_ERR_VALIDATION');
        expect(body.errors).toEqual([expect.objectContaining({ path, message: 'must be integer, written in decimal digits' })]);
      });

      it('names every parameter at fault at once', async () => {
        const body = expectProblem(await ask('GET', '/v1/customers?limit=0x10&after=x'), 400) as unknown as { errors: { path: string }[] };
        expect(body.errors.map((e) => e.path).sort()).toEqual(['querystring/after', 'querystring/limit']);
      });

      it('takes decimal digits, leading zeros included, and still refuses a negative count by its minimum', async () => {
        const page = await ask('GET', '/v1/customers?limit=01&after=0');
        expect(page.statusCode).toBe(200);
        expect(page.json().items).toHaveLength(1);
        expect(expectProblem(await ask('GET', '/v1/customers?limit=-5'), 400).detail).toMatch(/querystring\/limit must be >= 1/);
      });
    });

    it.each([
      ['/v1/agenda?colector=COL-01', 'querystring has no member named "colector"'],
      ['/v1/customers?limt=5', 'querystring has no member named "limt"'],
      ['/v1/customers/C1?expand=all', 'querystring has no member named "expand"'],
    ])('refuses the unknown query parameter in %s instead of answering for everyone', async (url, detail) => {
      const body = expectProblem(await ask('GET', url), 400);
      expect(body.detail).toContain(detail);
    });

    it('answers 404 for a suggestion whose customer id is past int4', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/agenda/suggestions/done', headers: auth('platform'),
        payload: { dedupeKey: `scenario:c${TOO_BIG * 4}:s1:2:i1` },
      });
      expect(expectProblem(res, 404).code).toBe('AR_ERR_NOT_FOUND');
    });

    describe('when a day is outside 1900-2199', () => {
      it.each([
        '/v1/reports/aging?asOf=0000-01-01',
        '/v1/reports/dso?asOf=0001-01-01',
        '/v1/reports/cei?asOf=2200-01-01',
        '/v1/agenda?date=0001-06-01',
        '/v1/customers/C1/behaviour?asOf=0000-01-01',
      ])('GET %s answers 400 naming the range', async (url) => {
        const body = expectProblem(await ask('GET', url), 400);
        expect(body.detail).toMatch(/must be a calendar day YYYY-MM-DD from 1900-01-01 to 2199-12-31/);
      });

      it('accepts the first and the last day of the range', async () => {
        expect((await ask('GET', '/v1/reports/aging?asOf=1900-01-01&months=1')).statusCode).toBe(200);
        // Within the range, a report's date is then refused for not having come yet, not for its year.
        const body = expectProblem(await ask('GET', '/v1/reports/aging?asOf=2199-12-31&months=1'), 400);
        expect(body.detail).toMatch(/asOf must not be after \d{4}-\d{2}-\d{2}: a report gives the ledger as it stood on a day that has come/);
      });

      it('refuses to plan the agenda more than a month ahead, and plans nothing', async () => {
        const before = await t.storage.db.query('SELECT count(*)::int AS n FROM actions');
        const body = expectProblem(await ask('POST', '/v1/agenda/plan', { date: '2199-12-31' }, 'platform'), 400);
        expect(body.detail).toMatch(/date must be at most 31 days ahead \(\d{4}-\d{2}-\d{2}\), got "2199-12-31"/);
        expect(await t.storage.db.query('SELECT count(*)::int AS n FROM actions')).toEqual(before);
      });

      it('refuses to plan the agenda for year 0 and plans nothing', async () => {
        const body = expectProblem(await ask('POST', '/v1/agenda/plan', { date: '0000-01-01' }, 'platform'), 400);
        expect(body.code).toBe('AR_ERR_VALIDATION');
      });
    });

    describe("when a customer's behaviour is asked about far ahead", () => {
      const behaviour = (asOf: string) => ask('GET', `/v1/customers/C1/behaviour?asOf=${asOf}`);
      const daysAhead = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

      it('refuses an asOf more than a year ahead, naming it, before any model is asked', async () => {
        const body = expectProblem(await behaviour('2199-06-01'), 400);
        expect(body.errors).toEqual([{ path: '/asOf', message: expect.stringMatching(/^is more than a year after today \(\d{4}-\d{2}-\d{2} UTC\): the latest asOf scored is \d{4}-\d{2}-\d{2}$/) }]);
        expect((await behaviour(daysAhead(367))).statusCode).toBe(400);
      });

      it('takes an asOf a few months ahead on to the model (none is served here)', async () => {
        expect((await behaviour(daysAhead(150))).json()).toMatchObject({ status: 503, code: 'AR_ERR_MODEL_NOT_READY' });
      });
    });

    describe('when the AR platform sends invoices to score', () => {
      const scored = (invoices: object[]) => t.app.inject({ method: 'POST', url: '/v1/score/invoices', headers: auth('platform'), payload: { invoices } });
      const inv = (extra: object = {}) => ({ externalId: 'X1', customerExternalId: 'C1', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 100, ...extra });

      it('refuses a date of year 1 and an amount past 10^13 before any model is asked', async () => {
        const body = expectProblem(await scored([inv({ issueDate: '0001-01-01' }), { ...inv({ amount: 1e308 }), externalId: 'X2' }]), 400);
        expect(body.detail).toMatch(/body\/invoices\/0\/issueDate must be a calendar day/);
        expect(body.detail).toMatch(/body\/invoices\/1\/amount must be < 10000000000000/);
      });

      it('refuses a promise dated before the invoice, as an import does', async () => {
        const body = expectProblem(await scored([inv({ promisedDate: '2026-08-15' })]), 400);
        expect(body.detail).toMatch(/\/invoices\/0\/promisedDate is before issueDate/);
      });

      it('refuses payment terms that end after the due date, naming the invoice and the three values', async () => {
        const body = expectProblem(await scored([inv(), inv({ externalId: 'X2', paymentTermsDays: 90 })]), 400);
        expect(body.errors).toEqual([{
          path: '/invoices/1/paymentTermsDays',
          message: 'is 90, but invoice "X2" issued 2026-09-01 is due 2026-10-01, 30 days later: terms of 90 days fall due 2026-11-30 at the earliest',
        }]);
      });

      // 30 days end of month, as French terms often are: due at the end of the month the 30 days end in.
      it.each([['terms they match', 30, '2026-10-01'], ['terms of 30 days end of month', 30, '2026-10-31']])(
        'takes %s on to the model (none is served here)', async (_name, paymentTermsDays, dueDate) => {
          const res = await scored([inv({ paymentTermsDays, dueDate })]);
          expect(res.json()).toMatchObject({ status: 503, code: 'AR_ERR_MODEL_NOT_READY' });
        });

      it('refuses an asOf more than a year ahead, naming it, before any model is asked', async () => {
        const res = await t.app.inject({ method: 'POST', url: '/v1/score/invoices', headers: auth('platform'), payload: { invoices: [inv()], asOf: '2199-06-01' } });
        const body = expectProblem(res, 400);
        expect(body.errors).toEqual([{ path: '/asOf', message: expect.stringMatching(/^is more than a year after today \(\d{4}-\d{2}-\d{2} UTC\): the latest asOf scored is \d{4}-\d{2}-\d{2}$/) }]);
      });

      it('takes an asOf a few months ahead on to the model (a what-if: still unpaid then)', async () => {
        const ahead = new Date(Date.now() + 150 * 86_400_000).toISOString().slice(0, 10);
        const res = await t.app.inject({ method: 'POST', url: '/v1/score/invoices', headers: auth('platform'), payload: { invoices: [inv()], asOf: ahead } });
        expect(res.json()).toMatchObject({ status: 503, code: 'AR_ERR_MODEL_NOT_READY' });
      });

      it('refuses two invoices with one externalId (answers are matched by it)', async () => {
        // Bad input is told apart before the model is asked: 400 here, though no model is served.
        const body = expectProblem(await scored([inv(), inv({ amount: 5 })]), 400);
        expect(body.detail).toMatch(/\/invoices\/1\/externalId repeats invoices\[0\]/);
      });
    });

    it('refuses an inbound email received in year 0', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/inbound/score', headers: auth('platform'),
        payload: { subject: 'hi', body: 'please send a copy of the invoice', receivedAt: '0000-01-01T10:00:00Z' },
      });
      expect(expectProblem(res, 400).detail).toMatch(/receivedAt must be a timestamp from year 1900 to 2199/);
    });

    describe('when a training window names an end the model does not learn from', () => {
      it.each([
        ['drift', { from: '2026-01-01' }, /drift learns from all its history before `to`: `from` cannot be set/],
        ['incentives', { from: '2026-01-01', to: '2026-06-01' }, /`from` cannot be set/],
        ['inbound-triage', { to: '2026-06-01' }, /inbound-triage learns from a fixed corpus: `to` cannot be set/],
      ])('refuses %s %j with a 400 and starts no training', async (model, window, message) => {
        const res = await ask('POST', `/v1/models/${model}/train`, window);
        expect(expectProblem(res, 400).detail).toMatch(message);
        expect((await ask('GET', `/v1/models/${model}/versions`)).json().items).toEqual([]);
      });
    });

    describe('when the URL itself is wrong', () => {
      it('answers a path that does not decode with a 400 problem', async () => {
        const body = expectProblem(await ask('GET', '/v1/customers/%FF'), 400);
        expect(body.code).toBe('AR_ERR_BAD_URL');
      });

      it('answers a path parameter past its length with a 414 problem', async () => {
        const body = expectProblem(await ask('GET', `/v1/customers/${'x'.repeat(500)}`), 414);
        expect(body.code).toBe('AR_ERR_URI_TOO_LONG');
      });
    });

    describe('when an import holds values the database or the planner cannot use', () => {
      const comm = { externalId: 'M1', customerExternalId: 'C1', channel: 'email', sentAt: '2026-09-05T09:00:00Z' };
      const rejected = async (entity: string, rows: object[]) => {
        const res = await post(entity, rows);
        const body = expectProblem(res, 422) as unknown as { code: string; errors: { field?: string; reason: string }[] };
        expect(body.code).toBe('AR_ERR_IMPORT_REJECTED');
        return body.errors;
      };

      it('refuses a send time with a UTC offset past ±15:59 as a row error', async () => {
        const [e] = await rejected('communications', [{ ...comm, sentAt: '2026-09-05T09:00:00+16:00' }]);
        expect(e).toMatchObject({ field: 'sentAt', reason: expect.stringMatching(/UTC offset within ±15:59/) });
      });

      it('refuses an open before the send, comparing instants across offsets', async () => {
        const [e] = await rejected('communications', [{ ...comm, openedAt: '2026-09-04T09:00:00Z' }]);
        expect(e.reason).toBe('openedAt is before sentAt');
        // 10:30 at +02:00 is 08:30 UTC: before the 09:00 UTC send, though its text sorts after it.
        expect((await rejected('communications', [{ ...comm, repliedAt: '2026-09-05T10:30:00+02:00' }]))[0].reason).toBe('repliedAt is before sentAt');
        // 07:30 at -02:00 is 09:30 UTC: after the send, though its text sorts before it.
        expect((await post('communications', [{ ...comm, repliedAt: '2026-09-05T07:30:00-02:00' }])).statusCode).toBe(200);
      });

      it('refuses dunning steps the planner could not place or a collector could not read', async () => {
        const scenario = (steps: unknown) => ({ externalId: 'S1', name: 'Standard', steps });
        const cases: [unknown, RegExp][] = [
          [[{ dayOffset: -1e9, channel: 'email' }], /steps\[0\] dayOffset must be a whole number of days from -365 to 730/],
          [[{ dayOffset: 5, channel: 'pigeon' }], /steps\[0\] channel must be one of email, letter, sms, call/],
          [[{ dayOffset: 5, channel: 'call' }, { dayOffset: 9, channel: 'call', level: -5 }], /steps\[1\] level must be a whole number from 0 to 10/],
          [['call on day 5'], /steps\[0\] must be an object/],
          [[{ dayoffset: 5, channel: 'call' }], /steps\[0\] has unknown keys dayoffset/],
          // Refused for its shape before the steps are read (jsonShape): the field, steps, is named beside the reason.
          [{ dayOffset: 5 }, /must be a JSON array, got an object/],
        ];
        for (const [steps, reason] of cases) expect((await rejected('dunning-scenarios', [scenario(steps)]))[0].reason).toMatch(reason);
        expect((await ask('GET', '/v1/assign/targets')).statusCode).toBeLessThan(500);
      });

      it('refuses unknown codes and time zones on customers, and writes none of the file', async () => {
        const errors = await rejected('customers', [
          customer(2, { country: 'France' }),
          customer(3, { currency: 'euro' }),
          customer(4, { timezone: 'Mars/Olympus_Mons' }),
          customer(5, { timezone: 'Europe/Paris', country: 'FR', currency: 'EUR' }),
        ]);
        expect(errors.map((e) => e.field)).toEqual(['country', 'currency', 'timezone']);
        expect((await ask('GET', '/v1/customers/C5')).statusCode).toBe(404);
      });
    });
  });
}
