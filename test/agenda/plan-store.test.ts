// Planning against a real database: facts loaded with SQL, suggestions
// materialised into `actions`, on PGlite and PostgreSQL.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { agendaPolicy, planAndMaterialise, closeAction, loadPlanningFacts } from '../../src/agenda/index.js';
import * as f from './factories.js';
import { MISSED_DUE_DATE_REASONS } from './facts-builder.js';

const policy = agendaPolicy();
const STEPS: f.Step[] = [
  { dayOffset: 3, channel: 'email', level: 1, template: 'first-reminder', automatic: true },
  { dayOffset: 15, channel: 'call', level: 2, template: 'collector-call', automatic: false },
  { dayOffset: 30, channel: 'letter', level: 3, template: 'formal-notice', automatic: false },
];

for (const backend of await backends()) {
  describe(`planning the agenda on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => f.wipe(s.db));

    const plan = (date: string) => planAndMaterialise(s.db, { date, scope: { kind: 'portfolio' }, policy });

    async function customerWithScenario() {
      const collectorId = await f.collector(s.db);
      const scenarioId = await f.scenario(s.db, STEPS);
      return { collectorId, customerId: await f.customer(s.db, { collectorId, scenarioId }) };
    }

    describe('when a customer promised to pay and did not', () => {
      it('plans a call whose reason gives the promised date', async () => {
        const { customerId, collectorId } = await customerWithScenario();
        await f.invoice(s.db, {
          customerId, number: 'F-77', dueDate: '2026-09-30', amount: 4200,
          status: 'promise_to_pay', statusDate: '2026-10-05', promisedDate: '2026-10-12', statusComment: 'Paying on Monday',
        });
        await plan('2026-10-20');
        const [a] = await f.actionsOf(s.db, customerId);
        expect(a).toMatchObject({ status: 'planned', type: 'call', origin: 'qualification', collectorId, dueDate: '2026-10-15' });
        expect(a.reason).toContain('by 2026-10-12');
        expect(a.reason).toContain('4,200.00 USD');
        expect(JSON.stringify(a.reasons)).toContain('Paying on Monday');
      });
    });

    describe('when scenario steps fall due', () => {
      it('plans the step not yet sent and not the one already sent', async () => {
        const { customerId } = await customerWithScenario();
        // Both due 2026-10-01: the call step (+15) fell on 10-16.
        const sent = await f.invoice(s.db, { customerId, number: 'F-1', dueDate: '2026-10-01', amount: 1000 });
        const notSent = await f.invoice(s.db, { customerId, number: 'F-2', dueDate: '2026-10-01', amount: 600 });
        await f.communication(s.db, { customerId, invoiceIds: [sent, notSent], level: 1, channel: 'email', sentAt: '2026-10-04T07:00:00Z' });
        await f.communication(s.db, { customerId, invoiceIds: [sent], level: 2, channel: 'call', sentAt: '2026-10-16T09:30:00Z' });
        await plan('2026-10-20');
        const actions = await f.actionsOf(s.db, customerId);
        expect(actions).toHaveLength(1);
        expect(actions[0]).toMatchObject({ type: 'call', origin: 'scenario' });
        expect(actions[0].reason).toContain('invoice F-2');
        expect(actions[0].reason).not.toContain('F-1');
      });

      it('moves an invoice on once a person marked its step done', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, dueDate: '2026-09-15', amount: 900 });
        await plan('2026-10-05'); // call step (+15) fell on 09-30; letter (+30) falls on 10-15
        const [call] = await f.actionsOf(s.db, customerId);
        await closeAction(s.db, call.id, 'done', { policy, today: '2026-10-05' });
        await plan('2026-10-16');
        const actions = await f.actionsOf(s.db, customerId);
        expect(actions.map((a) => [a.type, a.status])).toEqual([['call', 'done'], ['letter', 'planned']]);
      });
    });

    describe('when the agenda is planned twice', () => {
      it('plans nothing twice and changes nothing', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, dueDate: '2026-09-20', amount: 700 });
        await f.invoice(s.db, { customerId, dueDate: '2026-09-01', amount: 300, status: 'dispute', statusDate: '2026-09-10' });
        const first = await plan('2026-10-20');
        const before = await f.actionsOf(s.db);
        const second = await plan('2026-10-20');
        expect(first).toMatchObject({ inserted: 2, cancelled: 0 });
        expect(second).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, cancelled: 0 });
        expect(await f.actionsOf(s.db)).toEqual(before);
      });
    });

    describe('when an invoice is paid after its action was planned', () => {
      it('cancels the action and leaves actions the planner does not own alone', async () => {
        const { customerId } = await customerWithScenario();
        const inv = await f.invoice(s.db, {
          customerId, dueDate: '2026-09-30', amount: 1500, status: 'promise_to_pay', promisedDate: '2026-10-10',
        });
        await s.db.query(`INSERT INTO actions (customer_id, type, due_date, origin, reason) VALUES ($1, 'call', '2026-10-18', 'manual', 'Call the CFO')`, [customerId]);
        // Another module's action with its own key: not the planner's to cancel.
        await s.db.query(`INSERT INTO actions (customer_id, type, due_date, origin, reason, dedupe_key)
          VALUES ($1, 'review', '2026-10-18', 'ml', 'Credit limit review', 'platform:credit-review:1')`, [customerId]);
        await plan('2026-10-20');
        await s.db.query('UPDATE invoices SET open_amount = 0, settled_date = $2 WHERE id = $1', [inv, '2026-10-21']);
        const result = await plan('2026-10-22');
        expect(result.cancelled).toBe(1);
        const actions = await f.actionsOf(s.db, customerId);
        expect(actions.map((a) => [a.origin, a.status])).toEqual([['manual', 'planned'], ['ml', 'planned'], ['qualification', 'cancelled']]);
      });
    });

    describe('when a cancelled suggestion comes back', () => {
      const brokenPromise = async () => {
        const { customerId } = await customerWithScenario();
        const inv = await f.invoice(s.db, { customerId, dueDate: '2026-09-30', amount: 800, status: 'promise_to_pay', promisedDate: '2026-10-10' });
        await plan('2026-10-20');
        return { customerId, inv };
      };

      it('plans it again once the planner had cancelled it', async () => {
        const { customerId, inv } = await brokenPromise();
        await s.db.query('UPDATE invoices SET open_amount = 0 WHERE id = $1', [inv]);
        await plan('2026-10-21');
        await s.db.query('UPDATE invoices SET open_amount = 800 WHERE id = $1', [inv]); // the payment bounced
        await plan('2026-10-22');
        expect((await f.actionsOf(s.db, customerId)).map((a) => a.status)).toEqual(['planned']);
      });

      it("keeps a person's cancellation", async () => {
        const { customerId } = await brokenPromise();
        const [a] = await f.actionsOf(s.db, customerId);
        await closeAction(s.db, a.id, 'cancelled', { policy, today: '2026-10-20' });
        expect(await plan('2026-10-21')).toMatchObject({ inserted: 0, updated: 0, cancelled: 0 });
        expect((await f.actionsOf(s.db, customerId)).map((x) => x.status)).toEqual(['cancelled']);
      });
    });

    describe('when an invoice is flagged disputed with no status', () => {
      it('follows it up as a dispute, as one with the status would be', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, number: 'F-88', dueDate: '2026-09-10', amount: 5000, disputed: true });
        await plan('2026-10-20');
        const [a] = await f.actionsOf(s.db, customerId);
        expect(a).toMatchObject({ type: 'follow_up', origin: 'qualification', status: 'planned' });
        expect(a.dedupeKey).toMatch(/^qual:dispute:/);
        expect(a.reason).toContain('F-88');
      });
    });

    describe('when a customer changes collector', () => {
      it('moves the planned action to the new collector', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, dueDate: '2026-09-20', amount: 700 });
        await plan('2026-10-20');
        const bob = await f.collector(s.db, 'bob');
        await s.db.query('UPDATE customers SET collector_id = $2 WHERE id = $1', [customerId, bob]);
        expect(await plan('2026-10-20')).toMatchObject({ inserted: 0, updated: 1, cancelled: 0 });
        expect((await f.actionsOf(s.db, customerId))[0].collectorId).toBe(bob);
      });
    });

    describe('when model outputs are stored', () => {
      it('plans the inbound email that needs a person, read from the inbound computed fields', async () => {
        const { customerId } = await customerWithScenario();
        const msg = await f.inbound(s.db, { customerId, receivedAt: '2026-10-19T08:00:00Z', subject: 'Price error on F-12' });
        await f.computedField(s.db, { entityType: 'inbound', entityId: msg, name: 'inboundType', value: 'dispute', confidence: 0.9 });
        await f.computedField(s.db, { entityType: 'inbound', entityId: msg, name: 'autoReplyEligible', value: false });
        const auto = await f.inbound(s.db, { customerId, receivedAt: '2026-10-19T09:00:00Z', subject: 'Copy of invoice please' });
        await f.computedField(s.db, { entityType: 'inbound', entityId: auto, name: 'autoReplyEligible', value: true });
        await plan('2026-10-20');
        const actions = await f.actionsOf(s.db, customerId);
        expect(actions.map((a) => a.dedupeKey)).toEqual([`ml:inbound:c${customerId}:m${msg}`]);
        expect(actions[0].reason).toContain('Price error on F-12');
      });

      it('keeps an answered email answered when it moves to another customer, and plans a newer email of its own', async () => {
        const { customerId, collectorId } = await customerWithScenario();
        const other = await f.customer(s.db, { collectorId });
        const email = async (customer: number, receivedAt: string, subject: string) => {
          const msg = await f.inbound(s.db, { customerId: customer, receivedAt, subject });
          await f.computedField(s.db, { entityType: 'inbound', entityId: msg, name: 'inboundType', value: 'dispute', confidence: 0.9 });
          return msg;
        };
        const first = await email(customerId, '2026-10-19T08:00:00Z', 'Price error on F-12');
        await plan('2026-10-20');
        const [answer] = await f.actionsOf(s.db, customerId);
        await closeAction(s.db, answer.id, 'done', { policy, today: '2026-10-20' });
        // The platform sends the email again under the customer it really came from, and that customer writes again.
        await s.db.query('UPDATE inbound_messages SET customer_id = $1 WHERE id = $2', [other, first]);
        const newer = await email(other, '2026-10-21T08:00:00Z', 'Still wrong');
        await plan('2026-10-21');
        const planned = (await f.actionsOf(s.db)).filter((a) => a.status === 'planned');
        expect(planned.map((a) => a.dedupeKey)).toEqual([`ml:inbound:c${other}:m${newer}`]);
      });

      it('keeps following an email promise when a later email carries a promised date that is no date', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, number: 'F-61', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 1200 });
        const promise = async (at: string, promisedDate: string) => {
          const msg = await f.inbound(s.db, { customerId, receivedAt: at, subject: 'Re: reminder' });
          await f.computedField(s.db, {
            entityType: 'inbound', entityId: msg, name: 'inboundType', value: 'promise_to_pay', confidence: 0.9,
            reasons: [{ factor: 'promisedDate', text: `promises to pay by ${promisedDate}`, value: promisedDate }],
          });
          return msg;
        };
        const first = await promise('2026-10-05T09:00:00Z', '2026-10-10');
        await promise('2026-10-12T09:00:00Z', '2026-02-30');
        await plan('2026-10-20');
        const broken = (await f.actionsOf(s.db, customerId)).filter((x) => x.dedupeKey.startsWith('ml:promise:'));
        expect(broken.map((x) => [x.dedupeKey, x.dueDate])).toEqual([[`ml:promise:c${customerId}:m${first}`, '2026-10-13']]);
      });

      it('reads a promised date past the days the service keeps as none, and still plans the portfolio', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, number: 'F-71', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 1200 });
        const msg = await f.inbound(s.db, { customerId, receivedAt: '2026-10-05T09:00:00Z', subject: 'Re: reminder' });
        // Reasons are JSON other code may write; the triage keeps its days within 1900-2199.
        await f.computedField(s.db, {
          entityType: 'inbound', entityId: msg, name: 'inboundType', value: 'promise_to_pay', confidence: 0.9,
          reasons: [{ factor: 'promisedDate', text: 'promises to pay by 9999-12-31', value: '9999-12-31' }],
        });
        await plan('2026-10-20');
        const actions = await f.actionsOf(s.db, customerId);
        expect(actions.filter((x) => x.dedupeKey.startsWith('ml:promise:'))).toEqual([]);
        expect(actions.map((x) => x.type)).toEqual(['call']); // its reminder, no longer held back by a promise
      });

      it('follows a promise to pay made by email: the invoices it named, from the day after the grace', async () => {
        const { customerId } = await customerWithScenario();
        const named = await f.invoice(s.db, { customerId, number: 'F-41', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 2500 });
        await f.invoice(s.db, { customerId, number: 'F-42', issueDate: '2026-09-01', dueDate: '2026-10-01', amount: 900 });
        await f.payment(s.db, customerId, '2026-10-12', [{ invoiceId: named, amount: 500 }]);
        const promise = (at: string, promisedDate: string, numbers: string) => async () => {
          const msg = await f.inbound(s.db, { customerId, receivedAt: at, subject: 'Re: reminder' });
          await f.computedField(s.db, {
            entityType: 'inbound', entityId: msg, name: 'inboundType', value: 'promise_to_pay', confidence: 0.9,
            reasons: [{ factor: 'promisedDate', text: `promises to pay by ${promisedDate}`, value: promisedDate },
              { factor: 'invoiceNumbers', text: `names invoice ${numbers}`, value: numbers }],
          });
          return msg;
        };
        const first = await promise('2026-10-08T09:00:00Z', '2026-10-14', 'f-41')();
        const promises = async () => (await f.actionsOf(s.db, customerId)).filter((x) => x.dedupeKey.startsWith('ml:promise:'));
        await plan('2026-10-16');
        expect(await promises()).toEqual([]); // within the grace days
        await plan('2026-10-17');
        const [a] = await promises();
        expect(a).toMatchObject({ dedupeKey: `ml:promise:c${customerId}:m${first}`, type: 'call', origin: 'ml', dueDate: '2026-10-17', status: 'planned' });
        expect(a.reason).toContain('promised to pay invoice F-41 by 2026-10-14');
        expect(a.reason).not.toContain('F-42');
        expect(JSON.stringify(a.reasons)).toContain('part paid on 2026-10-12');
        // A new email with a new date replaces the broken promise.
        await promise('2026-10-18T09:00:00Z', '2026-10-25', 'F-41')();
        await plan('2026-10-19');
        const after = await promises();
        expect(after.map((x) => [x.dedupeKey, x.status])).toEqual([[`ml:promise:c${customerId}:m${first}`, 'cancelled']]);
      });

      it('plans the courtesy call of an invoice that comes within the horizon after the call on another one was made', async () => {
        const { customerId } = await customerWithScenario();
        const likelyLate = async (number: string, dueDate: string) => {
          const id = await f.invoice(s.db, { customerId, number, issueDate: '2026-09-20', dueDate, amount: 12_000 });
          await f.computedField(s.db, { entityType: 'invoice', entityId: id, name: 'lateProbability', value: 0.8 });
        };
        await likelyLate('F-81', '2026-10-25');
        await likelyLate('F-82', '2026-10-27');
        const calls = async () => (await f.actionsOf(s.db, customerId)).filter((x) => x.dedupeKey.startsWith('ml:predue:'));
        await plan('2026-10-18'); // F-82 is 9 days out, past the 7 of the horizon
        const [first] = await calls();
        expect(first.reason).toContain('F-81');
        await closeAction(s.db, first.id, 'done', { policy, today: '2026-10-18' });
        await plan('2026-10-20');
        const planned = (await calls()).filter((x) => x.status === 'planned');
        expect(planned).toHaveLength(1);
        expect(planned[0].reason).toContain('F-82');
        expect(planned[0].reason).not.toContain('F-81'); // called about two days ago
      });

      it('plans a call for a due-date payment that did not come, read from the invoice forecast\'s reasons', async () => {
        const { customerId } = await customerWithScenario();
        const missed = await f.invoice(s.db, { customerId, number: 'F-31', dueDate: '2026-10-16', amount: 3100 });
        const late = await f.invoice(s.db, { customerId, number: 'F-32', dueDate: '2026-10-16', amount: 800 });
        const disputed = await f.invoice(s.db, { customerId, number: 'F-33', dueDate: '2026-10-16', amount: 500, disputed: true });
        const withReasons = (reasons: unknown[]) => (entityId: number) =>
          f.computedField(s.db, { entityType: 'invoice', entityId, name: 'lateProbability', value: 1, confidence: 0.9, reasons });
        await withReasons(MISSED_DUE_DATE_REASONS)(missed);
        await withReasons(MISSED_DUE_DATE_REASONS)(disputed);
        await withReasons([{ factor: 'paymentHistory', text: 'paid 3 of the last 10 invoices late' }])(late);
        await plan('2026-10-20');
        const debit = (await f.actionsOf(s.db, customerId)).filter((a) => a.dedupeKey.startsWith('ml:debit:'));
        expect(debit.map((a) => a.dedupeKey)).toEqual([`ml:debit:c${customerId}:i${missed}`]);
        expect(debit[0]).toMatchObject({ type: 'call', origin: 'ml', dueDate: '2026-10-17' });
        expect(debit[0].reason).toContain('F-31');
        expect(JSON.stringify(debit[0].reasons)).toContain('a median of 10 days after it');
      });

      it('plans the call of a second missed debit after the call on the first was made, whatever their ids', async () => {
        const { customerId } = await customerWithScenario();
        const missedOn = async (number: string, dueDate: string) => {
          const id = await f.invoice(s.db, { customerId, number, issueDate: '2026-09-01', dueDate, amount: 3100 });
          await f.computedField(s.db, { entityType: 'invoice', entityId: id, name: 'lateProbability', value: 1, confidence: 0.9, reasons: MISSED_DUE_DATE_REASONS });
        };
        await missedOn('F-91', '2026-10-16');
        const calls = async () => (await f.actionsOf(s.db, customerId)).filter((x) => x.dedupeKey.startsWith('ml:debit:'));
        await plan('2026-10-17');
        const [first] = await calls();
        expect(first.reason).toContain('F-91');
        await closeAction(s.db, first.id, 'done', { policy, today: '2026-10-17' });
        // F-91 still open (the customer said it would be presented again); F-92's debit, a month on, is missed too.
        await missedOn('F-92', '2026-11-16');
        await plan('2026-11-17');
        const planned = (await calls()).filter((x) => x.status === 'planned');
        expect(planned).toHaveLength(1);
        expect(planned[0].reason).toContain('F-92');
        expect(planned[0].reason).not.toContain('F-91'); // called about a month ago
      });
    });

    describe('when a customer holds unapplied credit', () => {
      it('plans an offset while an invoice in its currency is overdue, and drops it once the credit is applied', async () => {
        const { customerId } = await customerWithScenario();
        await f.invoice(s.db, { customerId, number: 'F-51', dueDate: '2026-10-05', amount: 2000 });
        await f.invoice(s.db, { customerId, number: 'F-52', dueDate: '2026-11-30', amount: 700 });
        const note = await f.invoice(s.db, { customerId, kind: 'credit_note', number: 'CN-9', issueDate: '2026-10-08', dueDate: '2026-10-08', amount: 250 });
        await f.invoice(s.db, { customerId, kind: 'credit_note', number: 'CN-10', dueDate: '2026-10-01', amount: 90, openAmount: 0 });
        await f.invoice(s.db, { customerId, kind: 'credit_note', number: 'CN-11', dueDate: '2026-10-01', amount: 5000, currency: 'EUR' });
        // Not yet issued on the planning day.
        await f.invoice(s.db, { customerId, kind: 'credit_note', number: 'CN-12', dueDate: '2026-10-25', amount: 40 });
        const offsets = async () => (await f.actionsOf(s.db, customerId)).filter((a) => a.dedupeKey.startsWith('qual:credit:'));
        await plan('2026-10-20');
        const [a, ...more] = await offsets();
        expect(more).toEqual([]);
        expect(a).toMatchObject({ dedupeKey: `qual:credit:c${customerId}:n${note}`, type: 'review', origin: 'qualification', status: 'planned', dueDate: '2026-10-08' });
        expect(a.reason).toContain('credit note CN-9 (250.00 USD) unapplied while 2,000.00 USD overdue on 1 invoice; net of it, 1,750.00 USD is overdue');
        await s.db.query('UPDATE invoices SET open_amount = 0 WHERE id = $1', [note]);
        await plan('2026-10-21');
        expect((await offsets()).map((x) => x.status)).toEqual(['cancelled']);
      });
    });

    describe('when exchange rates are stored', () => {
      it('reads each pair\'s latest rate on the planning day, not a later one', async () => {
        await s.db.query(`INSERT INTO exchange_rates (currency, quote_currency, rate_date, rate) VALUES
          ('JPY', 'USD', '2026-10-01', 0.0068), ('JPY', 'USD', '2026-10-15', 0.0066), ('JPY', 'USD', '2026-10-25', 0.0064),
          ('USD', 'EUR', '2026-10-10', 0.93), ('GBP', 'USD', '2026-10-21', 1.27)`);
        const { rates } = await loadPlanningFacts(s.db, { asOf: '2026-10-20', scope: { kind: 'portfolio' }, policy });
        expect(rates).toEqual([
          { currency: 'JPY', quoteCurrency: 'USD', rateDate: '2026-10-15', rate: 0.0066 },
          { currency: 'USD', quoteCurrency: 'EUR', rateDate: '2026-10-10', rate: 0.93 },
        ]);
      });
    });
  });
}