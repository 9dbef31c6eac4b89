// The pure planner: hand-built facts in, suggestions out. No database.
import { describe, it, expect } from 'vitest';
import { planAgenda, planScenarioSteps, planQualificationFollowUps, planMlSuggestions, agendaPolicy } from '../../src/agenda/index.js';
import { priority, urgency } from '../../src/agenda/priority.js';
import { money } from '../../src/agenda/format.js';
import { entityReasons } from '../../src/inbound/triage.js';
import type { EmailPromiseInvoice } from '../../src/agenda/types.js';
import {
  customerCtx, email, facts, field, missedDebitInvoice, preDueInvoice, qualifiedInvoice, scenarioInvoice, unappliedCredit,
} from './facts-builder.js';

const policy = agendaPolicy();

describe('when amounts are written in a reason', () => {
  it('uses the currency\'s own decimals', () => {
    expect([money(1234.5, 'USD'), money(150000, 'JPY'), money(1.2345, 'KWD'), money(7, 'XXZ')])
      .toEqual(['1,234.50 USD', '150,000 JPY', '1.235 KWD', '7.00 XXZ']);
  });
});

describe('when an invoice moves through its dunning scenario', () => {
  // ASOF 2026-10-20; due 2026-10-01 → the call step (+15) fell on 2026-10-16, the letter (+30) on 2026-10-31.
  it('suggests the call once its day has come and no level-2 reminder was sent', () => {
    const inv = scenarioInvoice(1, '2026-10-01', 1200, { sends: [{ level: 1, channel: 'email', template: 'first-reminder', on: '2026-10-04' }] });
    const [s] = planScenarioSteps(facts({ scenarioInvoices: [inv] }), policy);
    expect(s).toMatchObject({ kind: 'scenario_step', type: 'call', task: true, dueDate: '2026-10-16', invoiceId: inv.invoiceId });
    expect(s.reason).toContain('step 3 of 4');
    expect(s.reason).toContain('1,200.00 USD');
  });

  it('suggests nothing once the call of that level is recorded for the invoice', () => {
    const inv = scenarioInvoice(1, '2026-10-01', 1200, {
      sends: [
        { level: 1, channel: 'email', template: 'first-reminder', on: '2026-10-04' },
        { level: 2, channel: 'call', template: null, on: '2026-10-17' },
      ],
    });
    expect(planScenarioSteps(facts({ scenarioInvoices: [inv] }), policy)).toEqual([]);
  });

  it('does not take the courtesy email sent before the due date for the first reminder of the same level', () => {
    // Due 2026-10-18: courtesy (-5) on 10-13 was sent; the first reminder (+3) falls on 10-21, after ASOF...
    const early = scenarioInvoice(1, '2026-10-18', 500, { sends: [{ level: 1, channel: 'email', template: null, on: '2026-10-13' }] });
    expect(planScenarioSteps(facts({ scenarioInvoices: [early] }), policy)).toEqual([]);
    // ...and on 10-21 it is due and not done, although a level-1 email exists.
    const [s] = planScenarioSteps(facts({ asOf: '2026-10-21', scenarioInvoices: [early] }), policy);
    expect(s).toMatchObject({ task: false, dueDate: '2026-10-21' });
    expect(s.reason).toContain('will be sent automatically');
  });

  it('words a step before the due date as "due in", not as negative days past due', () => {
    // Due 2026-10-25: the courtesy email (-5) falls on ASOF, five days before the due date.
    const [s] = planScenarioSteps(facts({ scenarioInvoices: [scenarioInvoice(1, '2026-10-25', 400)] }), policy);
    const late = s.reasons.find((r) => r.factor === 'daysOverdue')!;
    expect(late).toMatchObject({ value: -5 });
    expect(late.text).toMatch(/: due in 5 days$/);
    // Several invoices read "oldest …" as in the summary.
    const out = planScenarioSteps(facts({ scenarioInvoices: [scenarioInvoice(1, '2026-10-01', 400), scenarioInvoice(1, '2026-10-03', 300)] }), policy);
    expect(out[0].reasons.find((r) => r.factor === 'daysOverdue')!.text).toMatch(/: oldest 19 days overdue$/);
  });

  it('lets the call through when an automatic reminder was never reported as sent', () => {
    // No send recorded at all: the automatic steps of 09-26 and 10-04 are more than 3 days old.
    const inv = scenarioInvoice(1, '2026-10-01', 800);
    const [s] = planScenarioSteps(facts({ scenarioInvoices: [inv] }), policy);
    expect(s).toMatchObject({ type: 'call', task: true });
  });

  it('groups the invoices of one customer at the same step into one action', () => {
    const a = scenarioInvoice(1, '2026-10-01', 1000);
    const b = scenarioInvoice(1, '2026-10-03', 500);
    const other = scenarioInvoice(2, '2026-10-01', 700);
    const out = planScenarioSteps(facts({ customers: [customerCtx(1), customerCtx(2)], scenarioInvoices: [a, b, other] }), policy);
    expect(out).toHaveLength(2);
    const mine = out.find((s) => s.customerId === 1)!;
    expect(mine.invoices.map((i) => i.invoiceId)).toEqual([a.invoiceId, b.invoiceId]);
    expect(mine.priority.amountAtStake).toBe(1500);
    expect(mine.invoiceId).toBeNull();
    expect(mine.dedupeKey).toBe(`scenario:c1:s1:2:i${a.invoiceId}`);
  });

  it('does not add amounts in different currencies: the customer\'s currency counts, the others are shown beside it', () => {
    const eur = scenarioInvoice(1, '2026-10-01', 1000, { currency: 'EUR' });
    const jpy = scenarioInvoice(1, '2026-10-03', 150_000, { currency: 'JPY' });
    const [s] = planScenarioSteps(facts({ customers: [customerCtx(1, { currency: 'EUR' })], scenarioInvoices: [eur, jpy] }), policy);
    expect(s.priority.amountAtStake).toBe(1000);
    expect(s.currency).toBe('EUR');
    expect(s.reason).toContain('1,000.00 EUR + 150,000 JPY');
    expect(s.reason).not.toContain('151,000');
  });

  it('writes an invoice in its own currency when the customer has none of its balance in it', () => {
    const [s] = planScenarioSteps(facts({
      customers: [customerCtx(1, { currency: 'USD' })], scenarioInvoices: [scenarioInvoice(1, '2026-10-01', 150_000, { currency: 'JPY' })],
    }), policy);
    expect(s.currency).toBe('JPY');
    expect(s.reason).toContain('150,000 JPY');
  });
});

describe('when an invoice carries a status qualification', () => {
  it('calls about a broken promise with the promised date and the amount', () => {
    const inv = qualifiedInvoice(1, '2026-09-15', 2500, { status: 'promise_to_pay', statusDate: '2026-10-05', promisedDate: '2026-10-12' });
    const [s] = planQualificationFollowUps(facts({ qualifiedInvoices: [inv] }), policy);
    expect(s).toMatchObject({ kind: 'promise_broken', type: 'call', dueDate: '2026-10-15', dedupeKey: 'qual:promise:c1:2026-10-12' });
    expect(s.reason).toContain('2026-10-12');
    expect(s.reason).toContain('2,500.00 USD');
  });

  it('waits for the grace days after the promised date', () => {
    // Promised 10-19, grace 2 days: broken from 10-22 on.
    const inv = qualifiedInvoice(1, '2026-09-15', 2500, { status: 'promise_to_pay', promisedDate: '2026-10-19' });
    expect(planQualificationFollowUps(facts({ qualifiedInvoices: [inv] }), policy)).toEqual([]);
  });

  it('flags a missed payment-plan instalment, not one paid on time', () => {
    const missed = qualifiedInvoice(1, '2026-08-01', 3000, { status: 'payment_plan', promisedDate: '2026-10-10', lastPaymentOn: '2026-09-10' });
    const paid = qualifiedInvoice(2, '2026-08-01', 3000, { status: 'payment_plan', promisedDate: '2026-10-10', lastPaymentOn: '2026-10-09' });
    const out = planQualificationFollowUps(facts({ customers: [customerCtx(1), customerCtx(2)], qualifiedInvoices: [missed, paid] }), policy);
    expect(out.map((s) => [s.customerId, s.kind])).toEqual([[1, 'payment_plan_missed']]);
  });

  it('follows a dispute up with its owner after the delay, and again only after a person closed the last one', () => {
    const inv = qualifiedInvoice(1, '2026-09-01', 900, { status: 'dispute', statusDate: '2026-10-01', resolutionOwner: 'Logistics' });
    const [first] = planQualificationFollowUps(facts({ qualifiedInvoices: [inv] }), policy);
    expect(first).toMatchObject({ kind: 'dispute_follow_up', dueDate: '2026-10-15', dedupeKey: 'qual:dispute:c1:logistics:2026-10-01#0' });
    expect(first.reason).toContain('ask Logistics');
    const closures = new Map([['qual:dispute:c1:logistics:2026-10-01', { closed: 1, lastClosedByPersonOn: '2026-10-16' }]]);
    expect(planQualificationFollowUps(facts({ qualifiedInvoices: [inv], closures }), policy)).toEqual([]);
    const [again] = planQualificationFollowUps(facts({ asOf: '2026-10-30', qualifiedInvoices: [inv], closures }), policy);
    expect(again).toMatchObject({ dedupeKey: 'qual:dispute:c1:logistics:2026-10-01#1', dueDate: '2026-10-30' });
  });

  it('chases the ADV for an awaited credit note and reviews litigation with legal', () => {
    const note = qualifiedInvoice(1, '2026-09-01', 400, { status: 'waiting_credit_note', statusDate: '2026-10-01' });
    const legal = qualifiedInvoice(1, '2026-06-01', 8000, { status: 'litigation', statusDate: '2026-09-01' });
    const out = planQualificationFollowUps(facts({ customers: [customerCtx(1, { adv: 'Dana' })], qualifiedInvoices: [note, legal] }), policy);
    expect(out.find((s) => s.kind === 'credit_note_chase')!.reason).toContain('Chase Dana (ADV)');
    expect(out.find((s) => s.kind === 'litigation_review')!.reason).toContain('Review with legal');
  });
});

describe('when models have written computed fields', () => {
  it('suggests a review of a behaviour change with the model reasons', () => {
    const c = customerCtx(1, {
      driftAlert: true, driftScore: 0.72, driftOn: '2026-10-19', openAmount: 5000,
      driftReasons: [{ factor: 'delay_creep', text: 'pays 15 days late, used to pay 8', value: true }],
    });
    const [s] = planMlSuggestions(facts({ customers: [c] }), policy);
    expect(s).toMatchObject({ kind: 'drift_review', type: 'review', dedupeKey: 'ml:drift:c1#0' });
    expect(s.reason).toContain('pays 15 days late, used to pay 8');
    expect(s.reason).toContain('Next: ask the customer what changed in their payment run');
  });

  it('says who has the next conversation for each change flagged, and calls a customer who stopped answering emails', () => {
    const reasons = (flagged: string[]) => ['engagement_drop', 'dispute_spike', 'method_shift', 'delay_creep'].map((k) => ({ factor: k, text: `${k} text`, value: flagged.includes(k) }));
    const review = (flagged: string[], extra: object = {}) =>
      planMlSuggestions(facts({ customers: [customerCtx(1, { driftAlert: true, driftScore: 0.8, driftOn: '2026-10-19', driftReasons: reasons(flagged), ...extra })] }), policy)
        .find((x) => x.kind === 'drift_review')!;
    const silent = review(['engagement_drop'], { salesRep: 'Dana' });
    expect(silent.type).toBe('call');
    expect(silent.reasons.find((r) => r.factor === 'nextStep')).toMatchObject({
      text: expect.stringContaining('check with Dana (sales) that the billing contact is still the right one'), value: 'engagement_drop',
    });
    const disputing = review(['dispute_spike'], { adv: 'Eve', salesRep: 'Dana' });
    expect(disputing.type).toBe('review');
    expect(disputing.reason).toContain('go through the recent disputes with Eve (ADV)');
    // Several at once: the one that rules out email first.
    expect(review(['delay_creep', 'engagement_drop']).reasons.find((r) => r.factor === 'nextStep')!.value).toBe('engagement_drop,delay_creep');
    expect(review(['method_shift']).reason).toContain('cash strain');
    // Reasons from an older model that flag nothing: the review, without a step the model did not point at.
    expect(review([]).reasons.some((r) => r.factor === 'nextStep')).toBe(false);
  });

  it('suggests a courtesy call before a large invoice likely to be late falls due, not for a small one', () => {
    const big = preDueInvoice(1, '2026-10-24', 40_000, 0.75);
    const small = preDueInvoice(2, '2026-10-24', 900, 0.95);
    const out = planMlSuggestions(facts({ customers: [customerCtx(1), customerCtx(2)], preDueInvoices: [big, small] }), policy);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ kind: 'pre_due_call', type: 'call', customerId: 1, dueDate: '2026-10-17' });
    expect(out[0].reason).toContain('75 %');
  });

  it('suggests one call per customer whose usual due-date payment did not come, with the model\'s reason', () => {
    const first = missedDebitInvoice(1, '2026-10-16', 4_000);
    const second = missedDebitInvoice(1, '2026-10-17', 1_500);
    const out = planMlSuggestions(facts({ customers: [customerCtx(1, { collectorId: 7 })], missedDebitInvoices: [second, first] }), policy);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'missed_debit', type: 'call', customerId: 1, collectorId: 7, dueDate: '2026-10-17',
      dedupeKey: `ml:debit:c1:i${first.invoiceId}`, invoiceId: null,
    });
    expect(out[0].reason).toContain(`${first.number}`);
    expect(out[0].reason).toContain('5,500.00 USD');
    expect(out[0].reasons[0]).toMatchObject({ factor: 'missedDueDate', value: 10 });
    expect(out[0].reasons.some((r) => r.factor === 'daysOverdue')).toBe(false);
  });

  it('puts a missed due-date payment ahead of a scenario step on the same amount', () => {
    const missed = planMlSuggestions(facts({ missedDebitInvoices: [missedDebitInvoice(1, '2026-10-16', 4_000)] }), policy)[0];
    expect(missed.priority.urgency).toBeGreaterThan(urgency('scenario_step', 4));
  });

  it('asks a person to answer emails the triage did not clear for an automatic reply', () => {
    const auto = email(1, '2026-10-19', [field('inboundType', 'invoice_copy'), field('autoReplyEligible', true)]);
    const human = email(2, '2026-10-18', [field('inboundType', 'dispute'), field('inboundPriority', 85), field('autoReplyEligible', false)]);
    const unread = email(3, '2026-10-17', []);
    const out = planMlSuggestions(facts({ inbound: [auto, human, unread] }), policy);
    expect(out.map((s) => s.dedupeKey).sort()).toEqual(['ml:inbound:c1:m2', 'ml:inbound:c1:m3']);
    const dispute = out.find((s) => s.dedupeKey === 'ml:inbound:c1:m2')!;
    expect(dispute.reason).toContain('classified as dispute');
    expect(dispute.reason).toContain('priority 85 %');
    expect(out.find((s) => s.dedupeKey === 'ml:inbound:c1:m3')!.reason).toContain('not classified');
  });

  it('says what the email promised and named, so the collector need not open it', () => {
    const said = entityReasons({
      invoiceNumbers: ['F-12'], amounts: [{ value: 1200, currency: 'EUR', text: '1 200 €' }], dates: ['2026-10-25'],
      promisedDate: '2026-10-25', poNumbers: [], emails: [], phones: [],
    });
    const promise = { ...field('inboundType', 'promise_to_pay'), reasons: said };
    const out = planMlSuggestions(facts({ inbound: [email(4, '2026-10-19', [promise, field('autoReplyEligible', false)])] }), policy);
    expect(out).toHaveLength(1);
    expect(out[0].reason).toContain('promises to pay by 2026-10-25, names invoice F-12, writes 1 200 €');
    expect(out[0].reasons.find((r) => r.factor === 'promisedDate')?.value).toBe('2026-10-25');
  });

  describe('when a customer promised by email', () => {
    // ASOF 2026-10-20; promised 2026-10-15, grace 2 days: broken from 2026-10-18.
    const row = (invoiceId: number, dueDate: string, o: Partial<EmailPromiseInvoice> = {}): EmailPromiseInvoice => ({
      invoiceId, externalId: `E${invoiceId}`, number: `F-${invoiceId}`, customerId: 1, dueDate, amount: 1000, openAmount: 1000,
      currency: 'USD', messageId: 9, messageExternalId: 'M9', receivedOn: '2026-10-10', subject: 'Re: reminder',
      promisedDate: '2026-10-15', named: false, namedKnown: false, lastPaymentOn: null, ...o,
    });
    const keys = (rows: EmailPromiseInvoice[]) => planMlSuggestions(facts({ emailPromises: rows }), policy)
      .filter((x) => x.kind === 'promise_broken').map((x) => x.invoices.map((i) => i.number));

    it('counts the invoices due by the promised date when it named none the customer has', () => {
      expect(keys([row(1, '2026-10-01'), row(2, '2026-10-15'), row(3, '2026-10-30')])).toEqual([['F-1', 'F-2']]);
    });

    it('counts only the invoices it named when the customer has them', () => {
      expect(keys([row(1, '2026-10-01', { namedKnown: true }), row(2, '2026-10-30', { named: true, namedKnown: true })])).toEqual([['F-2']]);
    });

    it('has nothing to follow once the named invoices are paid', () => {
      expect(keys([row(1, '2026-10-01', { namedKnown: true })])).toEqual([]);
    });

    it('waits for the grace days after the promised date', () => {
      expect(keys([row(1, '2026-10-01', { promisedDate: '2026-10-18' })])).toEqual([]);
    });

    it("holds the collector's reminders on the promised invoices while the promise stands, and tells of the automatic ones", () => {
      // Due 2026-10-01: the call step (+15) fell on 10-16; the first reminder (+3, automatic) on 10-04.
      const called = scenarioInvoice(1, '2026-10-01', 1000, { sends: [{ level: 1, channel: 'email', template: 'first-reminder', on: '2026-10-04' }] });
      const promise = (promisedDate: string, invoiceId = called.invoiceId) => row(invoiceId, '2026-10-01', { promisedDate, receivedOn: '2026-10-14' });
      const steps = (promised: EmailPromiseInvoice[], s2 = [called]) =>
        planAgenda(facts({ scenarioInvoices: s2, emailPromises: promised }), policy).map((x) => x.kind);
      expect(steps([])).toEqual(['scenario_step']);
      expect(steps([promise('2026-10-25')])).toEqual([]);
      // Broken (10-15 + 2 days of grace): the call about the promise, and the scenario goes on.
      expect(steps([promise('2026-10-15')]).sort()).toEqual(['promise_broken', 'scenario_step']);
      // Another invoice's promise holds nothing here.
      expect(steps([promise('2026-10-25', 999)])).toEqual(['scenario_step']);
      const courtesy = scenarioInvoice(1, '2026-10-17', 1000);
      const [automatic] = planAgenda(facts({ scenarioInvoices: [courtesy], emailPromises: [promise('2026-10-25', courtesy.invoiceId)] }), policy);
      expect(automatic).toMatchObject({ kind: 'scenario_step', task: false });
      expect(automatic.reasons.find((r) => r.factor === 'emailPromise')?.value).toBe('2026-10-25');
    });
  });

  it('suggests the recommended incentive unless one was offered recently', () => {
    const fresh = customerCtx(1, { recommendedLever: 'card_payment', overdueAmount: 2000, undisputedOverdueAmount: 2000, leverConfidence: 0.6 });
    const recent = customerCtx(2, { recommendedLever: 'late_penalty', overdueAmount: 2000, undisputedOverdueAmount: 2000, lastIncentiveOn: '2026-10-05' });
    const out = planMlSuggestions(facts({ customers: [fresh, recent] }), policy);
    expect(out.map((s) => [s.customerId, s.kind])).toEqual([[1, 'incentive']]);
    expect(out[0].reason).toContain('card payment link');
  });

  it("says what the lever did for customers like this one, in the model's words", () => {
    const effect = 'Card payment link cut 5.8 days from days-to-pay for similar customers (n=240)';
    const leverReasons = [
      { factor: 'effect:late_penalty', text: 'Late penalties had no clear effect on days-to-pay for similar customers (n=240)', value: -0.4 },
      { factor: 'effect:card_payment', text: effect, value: -5.8 },
    ];
    const told = customerCtx(1, { recommendedLever: 'card_payment', overdueAmount: 2000, undisputedOverdueAmount: 2000, leverReasons });
    const untold = customerCtx(2, { recommendedLever: 'card_payment', overdueAmount: 2000, undisputedOverdueAmount: 2000, leverReasons: [] });
    const [a, b] = planMlSuggestions(facts({ customers: [told, untold] }), policy).sort((x, y) => x.customerId - y.customerId);
    expect(a.reason).toMatch(new RegExp(`for 2,000\\.00 USD overdue\\. ${effect.replace(/[()]/g, '\\$&')}$`));
    expect(b.reason).toMatch(/for 2,000\.00 USD overdue$/);
  });

  it('suggests an incentive on the overdue not disputed, and none when all of it is', () => {
    const some = customerCtx(1, { recommendedLever: 'late_penalty', overdueAmount: 2000, undisputedOverdueAmount: 500 });
    const none = customerCtx(2, { recommendedLever: 'late_penalty', overdueAmount: 2000, undisputedOverdueAmount: 0 });
    const out = planMlSuggestions(facts({ customers: [some, none] }), policy);
    expect(out.map((s) => s.customerId)).toEqual([1]);
    expect(out[0].reason).toMatch(/for 500\.00 USD overdue, not disputed$/);
    expect(out[0].priority.amountAtStake).toBe(500);
  });

  it('suggests no early-payment discount to a customer with overdue', () => {
    // The model gives a discount only with nothing undisputed overdue: here the field is older than
    // the overdue (an invoice fell due since it ran) or the overdue is contested; neither is paid early.
    const discount = customerCtx(1, { recommendedLever: 'discount', overdueAmount: 2000, undisputedOverdueAmount: 2000, leverOn: '2026-10-19' });
    expect(planMlSuggestions(facts({ customers: [discount] }), policy)).toEqual([]);
  });

  it('waits the same days after a person closed a suggestion of another lever', () => {
    // The card link was suggested and closed on 10-12; the model now says late penalties.
    const closures = new Map([['ml:lever:c1:card_payment', { closed: 1, lastClosedByPersonOn: '2026-10-12' }]]);
    const switched = customerCtx(1, { recommendedLever: 'late_penalty', overdueAmount: 2000, undisputedOverdueAmount: 2000, leverOn: '2026-10-19' });
    expect(planMlSuggestions(facts({ customers: [switched], closures }), policy)).toEqual([]);
    const [later] = planMlSuggestions(facts({ asOf: '2026-11-11', customers: [switched], closures }), policy);
    expect(later).toMatchObject({ kind: 'incentive', dedupeKey: 'ml:lever:c1:late_penalty#0', dueDate: '2026-11-11' });
    // Another customer's closure holds nothing here.
    const other = new Map([['ml:lever:c2:card_payment', { closed: 1, lastClosedByPersonOn: '2026-10-12' }]]);
    expect(planMlSuggestions(facts({ customers: [switched], closures: other }), policy)).toHaveLength(1);
  });
});

describe('when a customer holds unapplied credit while invoices are overdue', () => {
  it('asks for one offset per customer, anchored on the oldest credit note, with the overdue amount net of it', () => {
    const overdue = { amount: 5_000, invoices: 3, maxDays: 25 };
    const later = unappliedCredit(1, '2026-10-12', 300, overdue);
    const oldest = unappliedCredit(1, '2026-10-02', 1_200, overdue);
    const out = planAgenda(facts({ customers: [customerCtx(1, { collectorId: 7 })], unappliedCredits: [later, oldest] }), policy);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      kind: 'credit_offset', type: 'review', origin: 'qualification', customerId: 1, collectorId: 7,
      dedupeKey: `qual:credit:c1:n${oldest.creditNoteId}`, dueDate: '2026-10-02',
    });
    expect(out[0].reason).toContain(`2 credit notes (${oldest.number}, ${later.number}) (1,500.00 USD)`);
    expect(out[0].reason).toContain('5,000.00 USD overdue on 3 invoices; net of it, 3,500.00 USD is overdue');
    expect(out[0].reasons.find((r) => r.factor === 'netOverdue')?.value).toBe(3_500);
    expect(out[0].priority.amountAtStake).toBe(1_500);
  });

  it('warns the scenario reminder of the customer that holds credit in its currency', () => {
    const note = unappliedCredit(1, '2026-10-02', 1_200, { amount: 2_000, invoices: 1, maxDays: 19 });
    const reminder = (currency: string) => planScenarioSteps(facts({
      scenarioInvoices: [scenarioInvoice(1, '2026-10-01', 2_000, { currency })], unappliedCredits: [note],
    }), policy)[0];
    expect(reminder('USD').reasons.find((r) => r.factor === 'openCredits')).toMatchObject({
      text: `the customer holds 1,200.00 USD of unapplied credit (credit note ${note.number}): offset it before chasing the full amount`, value: 1_200,
    });
    expect(reminder('EUR').reasons.some((r) => r.factor === 'openCredits')).toBe(false);
  });

  it('plans no offset while nothing is overdue, but warns the courtesy reminder before the due date', () => {
    const note = unappliedCredit(1, '2026-10-02', 300, { amount: 0, invoices: 0, maxDays: 0 });
    const out = planAgenda(facts({ scenarioInvoices: [scenarioInvoice(1, '2026-10-24', 2_000)], unappliedCredits: [note] }), policy);
    expect(out.map((x) => x.kind)).toEqual(['scenario_step']);
    expect(out[0].reasons.find((r) => r.factor === 'openCredits')?.value).toBe(300);
  });

  it('says when the credit covers everything overdue, and weighs only what it settles', () => {
    const note = unappliedCredit(1, '2026-09-01', 900, { amount: 400, invoices: 1, maxDays: 6 });
    const [s] = planAgenda(facts({ unappliedCredits: [note] }), policy);
    expect(s.reason).toContain('it covers everything overdue');
    expect(s.reasons.find((r) => r.factor === 'netOverdue')?.value).toBe(0);
    expect(s.priority.amountAtStake).toBe(400);
    // Due since the invoice became overdue, not since the older credit note.
    expect(s.dueDate).toBe('2026-10-15');
  });
});

describe('when suggestions are ranked', () => {
  it('multiplies amount at stake, urgency and risk', () => {
    // 10,000 × 1.5 × 1.2 = 18,000
    expect(priority(10_000, 1.5, 1.2, 'EUR')).toMatchObject({ score: 18_000, text: '10,000.00 EUR at stake × urgency 1.50 × risk 1.20' });
  });

  it('puts the larger amount first when urgency and risk are equal', () => {
    const small = scenarioInvoice(1, '2026-10-01', 300);
    const large = scenarioInvoice(2, '2026-10-01', 30_000);
    const out = planAgenda(facts({ customers: [customerCtx(1), customerCtx(2)], scenarioInvoices: [small, large] }), policy);
    expect(out.map((s) => s.customerId)).toEqual([2, 1]);
  });

  describe('in several currencies', () => {
    const yen = scenarioInvoice(1, '2026-10-01', 1_500_000, { currency: 'JPY' });
    const dollars = scenarioInvoice(2, '2026-10-01', 20_000);
    const rate = (currency: string, quoteCurrency: string, value: number, rateDate = '2026-10-19') => ({ currency, quoteCurrency, rateDate, rate: value });
    const planned = (rates: ReturnType<typeof rate>[], reportingCurrency = 'USD') =>
      planAgenda(facts({
        customers: [customerCtx(1, { currency: 'JPY' }), customerCtx(2)], scenarioInvoices: [yen, dollars], rates,
      }), agendaPolicy({ reportingCurrency }));

    it('ranks amounts by their value in the reporting currency, with the rate quoted either way', () => {
      for (const rates of [[rate('JPY', 'USD', 0.0067)], [rate('USD', 'JPY', 1 / 0.0067)]]) {
        const out = planned(rates);
        expect(out.map((x) => x.customerId)).toEqual([2, 1]);
        expect(out[1].priority).toMatchObject({ amountAtStake: 1_500_000, score: Math.round(10_050 * 1.32) });
        expect(out[1].priority.text).toBe('1,500,000 JPY (10,050.00 USD) at stake × urgency 1.32 × risk 1.00');
      }
      // Ranked in yen instead, the dollars are valued too.
      const inYen = planned([rate('JPY', 'USD', 0.0067)], 'JPY');
      expect(inYen.map((x) => x.customerId)).toEqual([2, 1]);
      expect(inYen[0].priority.text).toContain('20,000.00 USD (2,985,075 JPY) at stake');
    });

    it('ranks the raw amount when no rate prices the currency, and says so', () => {
      const out = planned([rate('EUR', 'USD', 1.08)]);
      expect(out.map((x) => x.customerId)).toEqual([1, 2]);
      expect(out[0].priority.text).toContain('no JPY-USD rate, so ranked as if 1 JPY were 1 USD');
      expect(out[1].priority.text).toBe('20,000.00 USD at stake × urgency 1.32 × risk 1.00');
    });

    it('floors the amount at stake of a customer-level action at its value in the reporting currency', () => {
      const drift = (currency: string) => planAgenda(facts({
        customers: [customerCtx(1, { currency, driftAlert: true, driftScore: 0.9, driftOn: '2026-10-19' })], rates: [rate('JPY', 'USD', 0.004)],
      }), policy)[0].priority;
      expect(drift('JPY')).toMatchObject({ amountAtStake: 125_000 });
      expect(drift('JPY').text).toContain('125,000 JPY (500.00 USD) at stake');
      expect(drift('USD')).toMatchObject({ amountAtStake: 500 });
    });

    it('values a currency through another when no rate links it to the reporting currency (a feed quoted against EUR)', () => {
      const text = planned([rate('EUR', 'USD', 1.08), rate('EUR', 'JPY', 160)]).find((x) => x.customerId === 1)!.priority.text;
      // 1,500,000 JPY = 9,375 EUR = 10,125 USD.
      expect(text).toContain('1,500,000 JPY (10,125.00 USD) at stake');
    });

    it('takes the latest rate whichever way it is quoted, the direct quote on the same day', () => {
      const value = (rates: ReturnType<typeof rate>[]) => planned(rates).find((x) => x.customerId === 1)!.priority.text;
      // The feed switched from JPY→USD to USD→JPY quotes: the newer one counts.
      expect(value([rate('JPY', 'USD', 0.0070, '2026-09-30'), rate('USD', 'JPY', 160, '2026-10-15')])).toContain('(9,375.00 USD)');
      expect(value([rate('JPY', 'USD', 0.0060, '2026-10-15'), rate('USD', 'JPY', 160, '2026-10-15')])).toContain('(9,000.00 USD)');
    });
  });

  it('ranks a riskier customer above a safer one with the same invoice', () => {
    const safe = customerCtx(1, { riskScore: 10 });
    const risky = customerCtx(2, { riskScore: 90 });
    const out = planAgenda(facts({ customers: [safe, risky], scenarioInvoices: [scenarioInvoice(1, '2026-10-01', 1000), scenarioInvoice(2, '2026-10-01', 1000)] }), policy);
    expect(out.map((s) => s.customerId)).toEqual([2, 1]);
    expect(out[0].priority.risk).toBeCloseTo(1.4);
  });
});
