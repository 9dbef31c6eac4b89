import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pino from 'pino';
import { buildTestApp, auth, type TestApp } from './helpers/app.js';
import { bootstrap, holdReadiness, readDemoRecord } from '../src/demo/bootstrap.js';
import { capturedLog } from './helpers/log.js';

describe('when the service starts on an empty embedded database', () => {
  let t: TestApp;
  const log = pino({ level: 'silent' });
  const captured = capturedLog();
  let readyDuring: { statusCode: number; body: { checks: Record<string, { ok: boolean; detail?: string }> } };
  let readyAfter: number;
  beforeAll(async () => {
    // Every model of the catalogue, as on a real first start; the inbound corpus is small to keep the test quick.
    t = await buildTestApp('pglite', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '60', INBOUND_CORPUS_SIZE: '400' });
    // As server.ts does: the server listens while the demo is built.
    const startup = holdReadiness(t.services);
    const running = bootstrap(t.services, captured.log, startup);
    const res = await t.app.inject({ url: '/health/ready' });
    readyDuring = { statusCode: res.statusCode, body: res.json() };
    await running;
    readyAfter = (await t.app.inject({ url: '/health/ready' })).statusCode;
  }, 300_000);
  afterAll(async () => t.close());

  it('answers not ready, saying why, until the demo is built, then ready', () => {
    expect(readyDuring.statusCode).toBe(503);
    expect(readyDuring.body.checks.startup).toEqual({ ok: false, detail: expect.stringMatching(/start-up in progress/) });
    expect(readyDuring.body.checks.database.ok).toBe(true);
    expect(readyAfter).toBe(200);
  });

  it('logs a last line saying the demo is ready', () => {
    const last = captured.lines.at(-1)!;
    expect(last.msg).toMatch(/^demo ready: 60 customers, 5 models served, 7 assignment rules, \d+ planned actions$/);
    expect(last.models).toHaveLength(5);
  });

  it('records the demo as completed, with the world it generated', async () => {
    expect(await readDemoRecord(t.storage.db)).toMatchObject({ state: 'completed', customers: 60, months: 24, seed: 42 });
  });

  it("records its refresh's assignment run as a manual one, not a nightly one", async () => {
    const runs = await t.storage.db.query<{ trigger: string }>('SELECT trigger FROM assignment_runs');
    expect(runs).toEqual([{ trigger: 'manual' }]);
  });

  it('imports the demo world through the import path', async () => {
    const [{ n }] = await t.storage.db.query<{ n: number }>('SELECT count(*) AS n FROM customers');
    expect(n).toBe(60);
  });

  it('trains and activates every demo model', async () => {
    const res = await t.app.inject({ url: '/v1/models', headers: auth('analyst') });
    const active = res.json().items.filter((m: { active: string | null }) => m.active !== null);
    expect(active.map((m: { name: string }) => m.name).sort()).toEqual(['drift', 'inbound-triage', 'incentives', 'payment-delay', 'send-time']);
  });

  it('writes computed fields a customer page shows, with the model version', async () => {
    const [c] = await t.storage.db.query<{ external_id: string }>('SELECT external_id FROM customers ORDER BY id LIMIT 1');
    const res = await t.app.inject({ url: `/v1/customers/${c.external_id}`, headers: auth('collector') });
    const fields = res.json().computedFields as { name: string; modelVersion: string }[];
    const version = (name: string) => fields.find((f) => f.name === name)?.modelVersion;
    expect(version('driftScore')).toMatch(/^drift@/);
    expect(version('bestSendHour')).toMatch(/^send-time@/);
    expect(version('recommendedLever')).toMatch(/^incentives@/);
  });

  it('leaves the data alone on the next start', async () => {
    const count = "SELECT (SELECT count(*)::int FROM invoices) AS invoices, (SELECT count(*)::int FROM model_versions) AS versions, (SELECT count(*)::int FROM assignment_runs) AS runs";
    const before = await t.storage.db.query(count);
    await bootstrap(t.services, log);
    expect(await t.storage.db.query(count)).toEqual(before);
  });

  describe('when the platform asks for invoice scores', () => {
    it('scores a new invoice of a known customer against its history, with reasons', async () => {
      const [c] = await t.storage.db.query<{ external_id: string }>(
        'SELECT c.external_id FROM customers c JOIN invoices i ON i.customer_id = c.id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1',
      );
      const res = await t.app.inject({
        method: 'POST', url: '/v1/score/invoices', headers: auth('platform'),
        payload: { invoices: [{ externalId: 'NEW-1', customerExternalId: c.external_id, issueDate: '2026-11-01', dueDate: '2026-12-01', amount: 1200 }], asOf: '2026-11-02' },
      });
      expect(res.statusCode).toBe(200);
      const [item] = res.json().items;
      expect(item.customerKnown).toBe(true);
      expect(item.lateProbability).toBeGreaterThanOrEqual(0);
      expect(item.lateProbability).toBeLessThanOrEqual(1);
      expect(item.paymentDate.p10 <= item.paymentDate.p50 && item.paymentDate.p50 <= item.paymentDate.p90).toBe(true);
      expect(item.reasons.length).toBeGreaterThan(0);
      expect(item.modelVersion).toMatch(/^payment-delay@/);
    });

    const score = async (invoice: object) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/score/invoices', headers: auth('platform'), payload: { invoices: [invoice], asOf: '2026-11-02' } });
      expect(res.statusCode).toBe(200);
      const { lateProbability, paymentDate, reasons, customerKnown } = res.json().items[0];
      return { lateProbability, paymentDate, reasons: (reasons as { text: string }[]).map((r) => r.text), customerKnown };
    };

    it("keeps the customer's stored invoices whatever id a new invoice carries", async () => {
      const [stored] = await t.storage.db.query<{ id: number; customer: string }>(
        `SELECT i.id, c.external_id AS customer FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE i.settled_date < '2026-10-01' ORDER BY i.id LIMIT 1`,
      );
      const invoice = { customerExternalId: stored.customer, issueDate: '2026-11-01', dueDate: '2026-12-01', amount: 1200 };
      // A database id of one of its invoices is no external id of it.
      expect(await score({ ...invoice, externalId: String(stored.id) })).toEqual(await score({ ...invoice, externalId: 'NEW-2' }));
    });

    it('scores a stored customer with no invoice yet from its own segment, risk and terms', async () => {
      await t.storage.db.query(
        "INSERT INTO customers (external_id, name, segment, risk_score, payment_terms_days) VALUES ('NO-INVOICE', 'No Invoice Ltd', 'key_account', 95, 90)",
      );
      const invoice = { externalId: 'NEW-3', issueDate: '2026-11-01', dueDate: '2026-12-01', amount: 1200 };
      const known = await score({ ...invoice, customerExternalId: 'NO-INVOICE' });
      const unknown = await score({ ...invoice, customerExternalId: 'NOT-STORED' });
      expect(known.customerKnown).toBe(true);
      expect(known.reasons.join(' ')).toMatch(/90 days/);
      expect(known.lateProbability).not.toBe(unknown.lateProbability);
      await t.storage.db.query("DELETE FROM customers WHERE external_id = 'NO-INVOICE'");
    });

    it('scores an invoice issued today east of UTC (tomorrow UTC) when no asOf is named, and says which date is too late otherwise', async () => {
      const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const send = (issueDate: string, asOf?: string) => t.app.inject({
        method: 'POST', url: '/v1/score/invoices', headers: auth('platform'),
        payload: { invoices: [{ externalId: 'EAST-1', customerExternalId: 'NOT-STORED', issueDate, dueDate: day(40), amount: 500 }], ...(asOf ? { asOf } : {}) },
      });
      expect((await send(day(1))).statusCode).toBe(200);
      for (const res of [await send(day(3)), await send(day(1), day(0))]) {
        expect(res.statusCode).toBe(400);
        expect(res.json().errors).toEqual([expect.objectContaining({ path: '/invoices/0/issueDate' })]);
      }
    });

    it('stores nothing', async () => {
      const [{ n }] = await t.storage.db.query<{ n: number }>("SELECT count(*) AS n FROM invoices WHERE external_id = 'NEW-1'");
      expect(n).toBe(0);
    });

    it('refuses a due date before the issue date with a 400 problem', async () => {
      const res = await t.app.inject({
        method: 'POST', url: '/v1/score/invoices', headers: auth('platform'),
        payload: { invoices: [{ externalId: 'X', customerExternalId: 'C', issueDate: '2026-11-01', dueDate: '2026-10-01', amount: 1 }] },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });

    it('refuses a collector key', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/score/invoices', headers: auth('collector'), payload: { invoices: [] } });
      expect(res.statusCode).toBe(403);
    });
  });

  describe('when a credit manager asks for the cash expected week by week', () => {
    const openSql = `SELECT count(*)::int AS n, COALESCE(sum(i.open_amount), 0)::float8 AS amount
      FROM invoices i JOIN customers c ON c.id = i.customer_id
      WHERE i.kind = 'invoice' AND i.open_amount > 0 AND i.settled_date IS NULL`;
    type Group = { group: string; openInvoices: number; totalOpen: number; afterHorizon: number; weeks: { weekStart: string; expectedAmount: number; cumulativeShare: number }[] };

    it('spreads every open invoice over the weeks ahead by its predicted payment date', async () => {
      const res = await t.app.inject({ url: '/v1/reports/cash-forecast?weeks=8', headers: auth('analyst') });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const [open] = await t.storage.db.query<{ n: number; amount: number }>(openSql);
      expect(open.n).toBeGreaterThan(0);
      expect(body.modelVersion).toMatch(/^payment-delay@/);
      expect(body.groups).toHaveLength(1);
      const [portfolio] = body.groups as Group[];
      expect(portfolio).toMatchObject({ group: 'portfolio', openInvoices: open.n });
      expect(portfolio.totalOpen).toBeCloseTo(open.amount, 1);
      expect(portfolio.weeks).toHaveLength(8);
      expect(portfolio.weeks[0].weekStart).toBe(new Date().toISOString().slice(0, 10));
      const spread = portfolio.weeks.reduce((a, w) => a + w.expectedAmount, 0) + portfolio.afterHorizon;
      expect(spread).toBeCloseTo(portfolio.totalOpen, 0);
      const shares = portfolio.weeks.map((w) => w.cumulativeShare);
      expect(shares).toEqual([...shares].sort((a, b) => a - b));
      // Overdue invoices are expected soon: the first week carries real cash.
      expect(portfolio.weeks[0].expectedAmount).toBeGreaterThan(0);
    });

    it('splits the same cash by segment, and covers only the segment asked for', async () => {
      const bySegment = (await t.app.inject({ url: '/v1/reports/cash-forecast?weeks=4&groupBy=segment', headers: auth('analyst') })).json();
      const segments = await t.storage.db.query<{ segment: string; n: number; amount: number }>(
        `SELECT COALESCE(c.segment, '(none)') AS segment, count(*)::int AS n, sum(i.open_amount)::float8 AS amount
         FROM invoices i JOIN customers c ON c.id = i.customer_id
         WHERE i.kind = 'invoice' AND i.open_amount > 0 AND i.settled_date IS NULL GROUP BY 1 ORDER BY 1`,
      );
      const groups = bySegment.groups as Group[];
      expect(groups.map((g) => [g.group, g.openInvoices])).toEqual(segments.map((x) => [x.segment, x.n]));
      const smallest = segments.reduce((a, b) => (b.n < a.n ? b : a));
      const one = (await t.app.inject({ url: `/v1/reports/cash-forecast?weeks=4&segment=${smallest.segment}`, headers: auth('analyst') })).json();
      expect(one.filters.segment).toBe(smallest.segment);
      expect(one.groups[0].openInvoices).toBe(smallest.n);
      expect(one.groups[0].weeks).toEqual(groups.find((g) => g.group === smallest.segment)!.weeks);
    });

    it('consolidates the forecast in the reporting currency: in the all-USD world, the same cash', async () => {
      const plain = (await t.app.inject({ url: '/v1/reports/cash-forecast?weeks=4', headers: auth('analyst') })).json();
      const res = await t.app.inject({ url: '/v1/reports/cash-forecast?weeks=4&currency=consolidated', headers: auth('analyst') });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.filters.currency).toBe('consolidated');
      expect(body.consolidation).toMatchObject({ currency: 'USD', currencies: ['USD'], rates: [] });
      expect(body.method).toMatch(/Consolidated in USD/);
      expect(body.groups[0].weeks).toEqual(plain.groups[0].weeks);
    });

    it('exports the weeks as CSV, one row per group and week, then what falls after them', async () => {
      const csv = await t.app.inject({ url: '/v1/reports/cash-forecast?weeks=4&format=csv', headers: auth('analyst') });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('group,week_start,week_end,expected_amount,cumulative_share');
      expect(lines).toHaveLength(6);
      expect(lines[1]).toMatch(/^portfolio,/);
      expect(lines[5]).toMatch(/^portfolio,\d{4}-\d{2}-\d{2},,[\d.]+,1$/);
    });

    it('refuses a horizon beyond a year with a 400 problem', async () => {
      const res = await t.app.inject({ url: '/v1/reports/cash-forecast?weeks=53', headers: auth('analyst') });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });
  });

  describe("when a customer's behaviour is read", () => {
    it('gives the drift signals with their baseline and reasons', async () => {
      const [c] = await t.storage.db.query<{ external_id: string }>('SELECT external_id FROM customers ORDER BY id LIMIT 1');
      const res = await t.app.inject({ url: `/v1/customers/${c.external_id}/behaviour`, headers: auth('collector') });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(Object.keys(body.signals).sort()).toEqual(['delay_creep', 'dispute_spike', 'engagement_drop', 'method_shift']);
      expect(body.reasons).toHaveLength(4);
      expect(body.modelVersion).toMatch(/^drift@/);
      expect(body.nextStep === null).toBe(!body.reasons.some((r: { value: unknown }) => r.value === true));
    });

    it('says who has the next conversation for a customer whose behaviour changed', async () => {
      const alerted = await t.storage.db.query<{ external_id: string }>(
        `SELECT c.external_id FROM customers c JOIN computed_fields f ON f.entity_type = 'customer' AND f.entity_id = c.id
         WHERE f.name = 'driftAlert' AND f.value_bool ORDER BY c.id LIMIT 5`,
      );
      expect(alerted.length).toBeGreaterThan(0);
      const steps = await Promise.all(alerted.map(async (c) =>
        (await t.app.inject({ url: `/v1/customers/${c.external_id}/behaviour`, headers: auth('collector') })).json().nextStep as string | null));
      expect(steps.some((s) => s !== null && s.startsWith('Next: '))).toBe(true);
    });
  });

  describe("when the brief's start-up strategy has run", () => {
    it('gives every small customer the automated scenario unless an earlier rule took them', async () => {
      const rows = await t.storage.db.query<{ scenario: string | null; n: number }>(
        `SELECT ds.external_id AS scenario, count(*)::int AS n FROM customers c
         LEFT JOIN dunning_scenarios ds ON ds.id = c.dunning_scenario_id
         WHERE c.segment = 'small' AND c.id NOT IN (
           SELECT gm.customer_id FROM group_members gm JOIN customer_groups g ON g.id = gm.group_id WHERE g.external_id IN ('GRP-VERY-LATE', 'GRP-STRATEGIC'))
         GROUP BY 1`,
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.scenario === 'DS-SMALL-AUTO')).toBe(true);
    });

    it('builds the high-stakes group from the groups earlier rules filled, in the same run', async () => {
      const bad = await t.storage.db.query(
        `SELECT c.id FROM customers c
         JOIN group_members hs ON hs.customer_id = c.id JOIN customer_groups g ON g.id = hs.group_id AND g.external_id = 'GRP-HIGH-STAKES'
         WHERE hs.source = 'rule' AND NOT EXISTS (
           SELECT 1 FROM group_members m JOIN customer_groups mg ON mg.id = m.group_id
           WHERE m.customer_id = c.id AND mg.external_id IN ('GRP-STRATEGIC', 'GRP-RISKY'))`,
      );
      expect(bad).toEqual([]);
      const [{ n }] = await t.storage.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM group_members gm JOIN customer_groups g ON g.id = gm.group_id WHERE g.external_id = 'GRP-HIGH-STAKES' AND gm.source = 'rule'",
      );
      expect(n).toBeGreaterThan(0);
    });

    it('plans suggested actions with their reasons for collectors', async () => {
      const actions = await t.storage.db.query<{ reason: string; origin: string }>("SELECT reason, origin FROM actions WHERE status = 'planned'");
      expect(actions.length).toBeGreaterThan(0);
      expect(actions.every((a) => a.reason.length > 10)).toBe(true);
    });
  });
});
