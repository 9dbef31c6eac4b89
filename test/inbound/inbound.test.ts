import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { smallWorldDir, importSmallWorld } from '../helpers/world.js';
import { REFRESH_JOB } from '../../src/pipeline/refresh.js';

const score = (t: TestApp, payload: object, role: 'platform' | 'collector' = 'platform') =>
  t.app.inject({ method: 'POST', url: '/v1/inbound/score', headers: auth(role), payload });

describe('inbound triage through the service', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp('pglite', { INBOUND_CORPUS_SIZE: '800' });
  }, 300_000);
  afterAll(async () => t.close());

  it('answers 503 with a problem while no triage model is active', async () => {
    const res = await score(t, { subject: 'Invoice', body: 'Please send invoice INV-1' });
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('AR_ERR_MODEL_NOT_READY');
  });

  describe('once a model is trained', () => {
    beforeAll(async () => {
      await importSmallWorld(t.storage.db, smallWorldDir(40, 12, 5));
      const job = await t.services.models.train({ model: 'inbound-triage', dataset: 'corpus', promote: true });
      expect((await t.services.jobs.waitFor(job)).state).toBe('completed');
      await t.services.models.server.refresh();
    }, 300_000);

    it('never offers an automatic reply to an angry email that threatens legal action', async () => {
      const res = await score(t, {
        subject: 'RE: Relance facture FA-2291',
        body: "C'est inadmissible, cette facture FA-2291 est fausse depuis trois mois. Sans avoir de vos nouvelles sous 8 jours, notre avocat vous adressera une mise en demeure.",
      });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.autoReply.eligible).toBe(false);
      expect(body.legalThreat).toBe(true);
      expect(body.language).toBe('fr');
      expect(body.modelVersion).toMatch(/^inbound-triage@/);
    });

    it('ranks that email above a thank-you note', async () => {
      const angry = (await score(t, { subject: 'Invoice 4471 is wrong', body: 'This is unacceptable. Invoice 4471 charges us twice. Our lawyer will contact you if this is not fixed this week.' })).json();
      const thanks = (await score(t, { subject: 'Thanks', body: 'Thank you, all good on our side. Have a nice day.' })).json();
      expect(angry.priority.score).toBeGreaterThan(thanks.priority.score);
    });

    it('refuses a request without a body with a 400 problem', async () => {
      const res = await score(t, { subject: 'x' });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_VALIDATION');
    });

    it('triages imported emails on the next refresh and summarises them per customer', async () => {
      const job = await t.services.jobs.enqueue(REFRESH_JOB, { trigger: 'manual' });
      const info = await t.services.jobs.waitFor(job);
      expect(info.error).toBeNull();
      expect(info.state).toBe('completed');
      const [{ messages }] = await t.storage.db.query<{ messages: number }>('SELECT count(*)::int AS messages FROM inbound_messages');
      const [{ typed }] = await t.storage.db.query<{ typed: number }>(
        "SELECT count(*)::int AS typed FROM computed_fields WHERE entity_type = 'inbound' AND name = 'inboundType'",
      );
      expect(messages).toBeGreaterThan(0);
      expect(typed).toBe(messages);
      const [{ trends }] = await t.storage.db.query<{ trends: number }>(
        "SELECT count(*)::int AS trends FROM computed_fields WHERE entity_type = 'customer' AND name = 'sentimentTrend'",
      );
      expect(trends).toBeGreaterThan(0);
    });

    it('keeps what a stored email says, read on the customer\'s own clock', async () => {
      const db = t.storage.db;
      const [c] = await db.query<{ id: number }>("UPDATE customers SET timezone = 'America/New_York' WHERE id = (SELECT min(id) FROM customers) RETURNING id");
      // 23:30 in New York on 12 February: "tomorrow" is the 13th there, the 14th on the UTC day it was stored under.
      const [m] = await db.query<{ id: number }>(
        `INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
         VALUES ('TZ-PROMISE', $1, '2025-02-13T04:30:00Z', 'Invoice INV-7731', 'Hello, we will pay invoice INV-7731 tomorrow. Regards') RETURNING id`,
        [c.id],
      );
      const info = await t.services.jobs.waitFor(await t.services.jobs.enqueue(REFRESH_JOB, { trigger: 'manual' }));
      expect(info.error).toBeNull();
      const [f] = await db.query<{ reasons: { factor: string; value: unknown }[] }>(
        "SELECT reasons FROM computed_fields WHERE entity_type = 'inbound' AND entity_id = $1 AND name = 'inboundType'",
        [m.id],
      );
      const said = Object.fromEntries(f.reasons.map((r) => [r.factor, r.value]));
      expect(said.promisedDate).toBe('2025-02-13');
      expect(said.invoiceNumbers).toBe('INV-7731');

      // Scored on request with the same UTC stamp, the customer's clock is read the same way.
      const [{ external_id }] = await db.query<{ external_id: string }>('SELECT external_id FROM customers WHERE id = $1', [c.id]);
      const res = await score(t, { body: 'We will pay tomorrow.', receivedAt: '2025-02-13T04:30:00Z', customerExternalId: external_id });
      expect(res.json().entities.promisedDate).toBe('2025-02-13');
      const offset = await score(t, { body: 'We will pay tomorrow.', receivedAt: '2025-02-13T04:30:00+00:00', customerExternalId: external_id });
      expect(offset.json().entities.promisedDate).toBe('2025-02-14');
    });

    it('gives the platform a promise it read back, with the qualification to record on the invoice it named', async () => {
      const db = t.storage.db;
      const [c] = await db.query<{ id: number }>('SELECT min(id) AS id FROM customers');
      await db.query(
        `INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, currency)
         VALUES ('PROMISED-INV', $1, 'INV-8820', '2025-01-01', '2025-01-31', 1200, 1200, 'USD')`,
        [c.id],
      );
      await db.query(
        `INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
         VALUES ('PROMISE-8820', $1, '2025-03-03T10:00:00Z', 'Payment of invoice INV-8820',
           'Hello, sorry for the delay. We will pay invoice INV-8820 on 20 March 2025 by bank transfer. Regards') `,
        [c.id],
      );
      const info = await t.services.jobs.waitFor(await t.services.jobs.enqueue(REFRESH_JOB, { trigger: 'manual' }));
      expect(info.error).toBeNull();
      const res = await t.app.inject({ method: 'GET', url: '/v1/inbound/messages/PROMISE-8820', headers: auth('platform') });
      expect(res.statusCode).toBe(200);
      const message = res.json();
      expect(message.triage).toMatchObject({ type: 'promise_to_pay', autoReply: { eligible: false }, entities: { promisedDate: '2025-03-20' } });
      expect(message.triage.modelVersion).toMatch(/^inbound-triage@/);
      expect(message.suggestedQualification).toMatchObject({
        status: 'promise_to_pay', promisedDate: '2025-03-20', invoices: [{ externalId: 'PROMISED-INV', currentStatus: null }],
      });
    });
  });
});
