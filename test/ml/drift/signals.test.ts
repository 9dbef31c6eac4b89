import { describe, expect, it } from 'vitest';
import { driftModel, DriftPredictor, driftState, type CustomerHistory, type DriftAssessment } from '../../../src/ml/drift/index.js';
import { asOfInvoice, noisyStableCustomer, simulateCustomer } from './factories.js';

// Built-in priors only: these tests are about each customer's own history.
const predictor = new DriftPredictor(driftState(driftModel.trainSync({ examples: [] })));
const assess = (h: CustomerHistory): DriftAssessment => predictor.assess(h);

/** Flags raised at any settlement of the replayed history. */
function alertsOverTime(history: CustomerHistory): Set<string> {
  const kinds = new Set<string>();
  for (const inv of history.invoices) for (const k of assess({ ...history, asOf: inv.settledDate! }).kinds) kinds.add(k);
  return kinds;
}

function daysLate(h: CustomerHistory, index: number): number {
  const inv = h.invoices[index];
  return Math.round((Date.parse(inv.settledDate!) - Date.parse(inv.dueDate)) / 86_400_000);
}

describe('when a regular customer starts paying later', () => {
  const c = simulateCustomer({ seed: 11, invoices: 18, disputeRate: 0, drift: { kind: 'delay_creep', atInvoice: 14 } });
  const a = assess(c.history);

  it('raises a delay-creep alert and only that one', () => {
    expect(a.kinds).toEqual(['delay_creep']);
    expect(a.score).toBeGreaterThanOrEqual(0.5);
  });

  it('says how late they usually pay and how late the last invoices were paid', () => {
    const recent = [14, 15, 16, 17].map((i) => daysLate(c.history, i));
    const text = a.signals.delay_creep.text;
    expect(text).toMatch(/^usually pays \d+ days late \(median of 14 invoices, range \d+-\d+\); last 4 invoices paid /);
    expect(text).toContain(`${recent.join(', ')} days late`);
  });

  it('dates the change at the first late invoice', () => {
    expect(a.changeDate).toBe(c.history.invoices[14].dueDate);
  });
});

describe('when a customer paying monthly by cheque switches to smaller card payments', () => {
  const c = simulateCustomer({ seed: 12, drift: { kind: 'method_shift', atInvoice: 14 } });
  const a = assess(c.history);

  it('raises a method-shift alert', () => {
    expect(a.kinds).toEqual(['method_shift']);
  });

  it('names the usual method, the new one, the amounts and the rhythm', () => {
    const text = a.signals.method_shift.text;
    expect(text).toMatch(/^usually pays by cheque \(\d+ % of \d+ payments, median [\d,]+, about every \d+ days\)/);
    expect(text).toMatch(/last \d+ payments by card, median [\d,]+, about every \d+ days$/);
    const { baseline, recent } = a.signals.method_shift.detail;
    expect(recent.medianAmount!).toBeLessThan(baseline.medianAmount! / 2);
  });
});

describe('when a customer who always answered reminders stops reacting', () => {
  const c = simulateCustomer({ seed: 13, drift: { kind: 'engagement_drop', atInvoice: 12 } });
  const a = assess(c.history);

  it('raises an engagement-drop alert', () => {
    expect(a.kinds).toEqual(['engagement_drop']);
  });

  it('counts the reminders answered before and after', () => {
    const { baseline, recent } = a.signals.engagement_drop.detail;
    expect(a.signals.engagement_drop.text).toContain(`${baseline.engaged} of ${baseline.communications} reminders before`);
    expect(a.signals.engagement_drop.text).toContain(`0 of the last ${recent.communications} reminders`);
  });
});

describe('when opens stop among reminders that are partly SMS and proxy-opened emails', () => {
  it('counts opens out of the emails that could show one', () => {
    const c = simulateCustomer({ seed: 21, replyRate: 0, machineOpenRate: 0.3, drift: { kind: 'engagement_drop', atInvoice: 12 } });
    const communications = c.history.communications.map((m, i) =>
      i % 4 === 0 ? { ...m, channel: 'sms', openedAt: null, clickedAt: null, machineOpen: false } : m);
    const signal = assess({ ...c.history, communications }).signals.engagement_drop;
    const { baseline, recent, measure } = signal.detail;
    expect(measure).toBe('open');
    expect(baseline.trackable).toBeLessThan(baseline.communications);
    expect(signal.text).toContain(`opened ${baseline.opened} of ${baseline.trackable} emails before`);
    expect(signal.text).toContain(`of the last ${recent.trackable} emails`);
  });
});

describe('when payments land several on the same day', () => {
  it('says so, and reads the baseline and the recent payments alike', () => {
    const c = simulateCustomer({ seed: 8 });
    const day = c.history.payments[0].paymentDate;
    const payments = Array.from({ length: 10 }, (_, i) => ({ externalId: `p${i}`, paymentDate: day, amount: 100 * (i + 1), method: 'cheque' }));
    const signal = assess({ ...c.history, payments }).signals.method_shift;
    expect(signal.detail.baseline.medianGapDays).toBe(0);
    expect(signal.text).toContain('several on the same day');
    expect(signal.text).not.toMatch(/every [01] days?/);
  });
});

describe('when every settled invoice was disputed', () => {
  it('says the disputed ones were left out rather than that nothing was settled', () => {
    const c = simulateCustomer({ seed: 5, invoices: 12, disputeRate: 1 });
    const text = assess(c.history).signals.delay_creep.text;
    expect(text).toContain('12 disputed invoices left out');
    expect(text).not.toContain('no settled invoice yet');
  });
});

describe('when a customer who seldom disputed starts disputing every invoice', () => {
  const c = simulateCustomer({ seed: 14, disputeRate: 0.06, drift: { kind: 'dispute_spike', atInvoice: 13 } });
  const a = assess(c.history);

  it('raises a dispute-spike alert', () => {
    expect(a.kinds).toContain('dispute_spike');
  });

  it('gives the dispute counts before and recently', () => {
    const { baseline, recent } = a.signals.dispute_spike.detail;
    expect(recent.disputed).toBeGreaterThanOrEqual(3);
    expect(a.signals.dispute_spike.text).toContain(`disputed ${baseline.disputed} of ${baseline.invoices} invoices before`);
    expect(a.signals.dispute_spike.text).toContain(`${recent.disputed} of the last ${recent.invoices} invoices disputed`);
  });
});

describe('when a customer is noisy but does not change', () => {
  it('is never alerted at any settlement of two years of history', () => {
    for (const seed of [21, 22, 23, 24, 25]) {
      const c = noisyStableCustomer(seed, { invoices: 24 });
      expect([...alertsOverTime(c.history)], `seed ${seed}`).toEqual([]);
    }
  });
});

describe('when one invoice is paid very late and the next ones as usual', () => {
  const c = simulateCustomer({ seed: 31, forcedDaysLate: { 12: 40 } });

  it('does not alert on the outlier itself (one invoice is not a trend)', () => {
    const a = assess(asOfInvoice(c, 12));
    expect(a.signals.delay_creep.flag).toBe(false);
    expect(a.score).toBeLessThan(0.5);
  });

  it('does not alert afterwards either', () => {
    expect(alertsOverTime(c.history).has('delay_creep')).toBe(false);
  });

  it('keeps the usual delay as the baseline', () => {
    const base = assess(c.history).signals.delay_creep.detail.baseline;
    expect(base.medianDaysLate).toBeLessThan(11);
    expect(base.expectedDaysLate).toBeLessThan(11);
  });
});

describe('when the history is short', () => {
  const short = simulateCustomer({ seed: 41, invoices: 5, daysLate: 2, daysLateNoise: 0, disputeRate: 0 });
  const prior = { ...predictor['state'].priors.global, daysLate: { median: 20, scale: 4, between: 3 } };
  const signal = assess({ ...short.history, prior }).signals.delay_creep;

  it('pulls the expected delay toward the segment', () => {
    expect(signal.detail.baseline.medianDaysLate).toBe(2);
    expect(signal.segmentWeight).toBeGreaterThan(0.2);
    expect(signal.detail.baseline.expectedDaysLate).toBeGreaterThan(2);
    expect(signal.detail.baseline.expectedDaysLate).toBeLessThan(20);
  });

  it('says so in the reason', () => {
    expect(signal.text).toMatch(
      /^usually pays 2 days late \(median of 2 invoices, range 2\); with so few invoices the baseline leans toward the segment's 20 days late: \d+ days late;/,
    );
  });

  it('takes the segment spread when the own one is unknown', () => {
    expect(signal.detail.baseline.scaleDays).toBeGreaterThanOrEqual(4);
  });

  it('does not alert', () => {
    expect(signal.flag).toBe(false);
  });

  it('leans on the customer own history once it is long', () => {
    const long = simulateCustomer({ seed: 41, invoices: 20, daysLate: 2, daysLateNoise: 0, disputeRate: 0 });
    const w = assess({ ...long.history, prior }).signals.delay_creep.segmentWeight;
    expect(w).toBeLessThan(signal.segmentWeight / 4);
  });
});

describe('when a privacy proxy opens every email', () => {
  it('still sees a person stop reading and answering', () => {
    const c = simulateCustomer({ seed: 51, machineOpenRate: 1, drift: { kind: 'engagement_drop', atInvoice: 12 } });
    const a = assess(c.history);
    expect(a.signals.engagement_drop.flag).toBe(true);
    expect(a.signals.engagement_drop.text).toMatch(/\d+ opens by a privacy proxy not counted/);
  });

  it('does not count the proxy opens as engagement of a silent customer', () => {
    const c = simulateCustomer({ seed: 52, machineOpenRate: 1, replyRate: 0, openRate: 0, clickRate: 0 });
    const { baseline } = assess(c.history).signals.engagement_drop.detail;
    expect(baseline.machineOpens).toBeGreaterThan(0);
    expect(baseline.engaged).toBe(0);
    expect(baseline.opened).toBe(0);
  });
});

describe('when the mailbox moves behind a privacy proxy', () => {
  // A person who mostly opens (rarely answers): once a proxy opens every email
  // at delivery, their own opens no longer show, but their behaviour is the same.
  const customers = [...Array(20).keys()].map((k) =>
    simulateCustomer({ seed: 300 + k, invoices: 24, openRate: 0.9, replyRate: 0.15, clickRate: 0.3, proxyFromInvoice: 12 }),
  );

  it('does not read the hidden opens as reminders ignored', () => {
    const alerted = customers.filter((c) => assess(c.history).signals.engagement_drop.flag);
    expect(alerted).toEqual([]);
  });

  it('says why the drop in visible reactions is no alert', () => {
    const texts = customers.map((c) => assess(c.history).signals.engagement_drop.text);
    expect(texts.some((t) => t.includes('a privacy proxy now opens their emails'))).toBe(true);
  });

  it('still alerts when the person also stops answering', () => {
    const c = simulateCustomer({ seed: 320, invoices: 24, replyRate: 0.9, proxyFromInvoice: 12, drift: { kind: 'engagement_drop', atInvoice: 12 } });
    const a = assess(c.history);
    expect(a.signals.engagement_drop.flag).toBe(true);
    expect(a.signals.engagement_drop.detail.measure).toBe('reply');
  });
});

describe('when events happen after the assessment date', () => {
  it('ignores them, as if replayed on that day', () => {
    const c = simulateCustomer({ seed: 61, drift: { kind: 'delay_creep', atInvoice: 14 } });
    const cut = c.history.invoices[13].settledDate!;
    const known: CustomerHistory = {
      ...c.history,
      asOf: cut,
      invoices: c.history.invoices.filter((i) => i.settledDate! <= cut),
      payments: c.history.payments.filter((p) => p.paymentDate <= cut),
      communications: c.history.communications.filter((m) => m.sentAt.slice(0, 10) <= cut),
    };
    const full = assess({ ...c.history, asOf: cut });
    expect(full.signals.delay_creep).toEqual(assess(known).signals.delay_creep);
    expect(full.signals.dispute_spike).toEqual(assess(known).signals.dispute_spike);
    expect(full.alert).toBe(false);
  });
});

describe('when reading the drift score', () => {
  it('is at least 0.5 exactly for the customers that alert', () => {
    const customers = [
      simulateCustomer({ seed: 71 }),
      noisyStableCustomer(72),
      simulateCustomer({ seed: 73, drift: { kind: 'delay_creep', atInvoice: 13 } }),
      simulateCustomer({ seed: 74, drift: { kind: 'method_shift', atInvoice: 13 } }),
    ];
    for (const c of customers) {
      const a = assess(c.history);
      expect(a.score >= 0.5, c.history.customerExternalId).toBe(a.alert);
      expect(a.score).toBeGreaterThanOrEqual(0);
      expect(a.score).toBeLessThanOrEqual(1);
    }
  });
});

describe('when the segment never disputes nor answers reminders', () => {
  it('still gives finite scores (a zero rate is no Beta prior)', () => {
    const prior = { ...predictor['state'].priors.global, disputeRate: 0, engagement: { reply: 0, open: 0, click: 0, any: 0 } };
    const a = assess({ ...simulateCustomer({ seed: 81 }).history, prior });
    for (const s of Object.values(a.signals)) expect(Number.isFinite(s.score), s.kind).toBe(true);
    expect(Number.isFinite(a.score)).toBe(true);
  });
});

describe('when a disputing customer still accepts one of the new invoices', () => {
  const c = simulateCustomer({ seed: 15, disputeRate: 0.06, invoices: 17 });
  const withDisputes = (pattern: Record<number, boolean>): CustomerHistory => ({
    ...c.history,
    invoices: c.history.invoices.map((inv, i) => ({ ...inv, disputed: i in pattern ? pattern[i] : false })),
  });

  it('raises a dispute-spike alert for three disputes among the last four invoices', () => {
    const a = assess(withDisputes({ 13: true, 14: true, 15: false, 16: true }));
    expect(a.kinds).toContain('dispute_spike');
    expect(a.signals.dispute_spike.text).toContain('3 of the last 4 invoices disputed');
  });

  it('does not alert on two disputes with an accepted invoice between them', () => {
    expect(assess(withDisputes({ 14: true, 15: false, 16: true })).signals.dispute_spike.flag).toBe(false);
  });

  it('does not alert when the latest invoice was accepted (the run must still be going on)', () => {
    expect(assess(withDisputes({ 13: true, 14: true, 15: true, 16: false })).signals.dispute_spike.flag).toBe(false);
  });
});

describe('when an invoice issued before a dispute spike is settled after it', () => {
  // Invoice 12, issued before the change and never disputed, is paid 100 days late:
  // its outcome becomes known after the disputes of invoices 13-15.
  const c = simulateCustomer({ seed: 16, disputeRate: 0, invoices: 16, forcedDaysLate: { 12: 100 } });
  const history: CustomerHistory = {
    ...c.history,
    asOf: c.history.invoices[12].settledDate!,
    invoices: c.history.invoices.map((inv, i) => (i >= 13 ? { ...inv, disputed: true, disputedDate: inv.issueDate } : inv)),
  };

  it('reads it with the invoices of its time, so the run of disputes is not broken', () => {
    const a = assess(history);
    expect(a.signals.dispute_spike.flag).toBe(true);
    expect(a.signals.dispute_spike.detail.recent).toEqual({ invoices: 3, disputed: 3 });
  });
});

describe('when a customer always pays far later than its segment', () => {
  const late = simulateCustomer({ seed: 17, daysLate: 45, daysLateNoise: 3 });
  const usual = simulateCustomer({ seed: 17 });
  const a = assess(late.history);

  it('raises no alert: nothing changed', () => {
    expect(a.alert).toBe(false);
  });

  it('ranks above a customer paying as its segment does, below the alert band', () => {
    expect(a.score).toBeGreaterThan(assess(usual.history).score);
    expect(a.score).toBeLessThan(0.5);
    expect(a.signals.delay_creep.detail.recent.aboveSegment).toBe(6);
  });

  it('says so in the reason', () => {
    expect(a.signals.delay_creep.text).toContain('6 of the latest 6 invoices paid later than the segment usually pays (5 days late)');
  });

  it('ranks by change only when the level weight is 0', () => {
    const changeOnly = new DriftPredictor(driftState(driftModel.trainSync({ examples: [], config: { delay: { levelWeight: 0 } } })));
    const b = changeOnly.assess(late.history);
    expect(b.signals.delay_creep.score).toBeLessThan(a.signals.delay_creep.score);
    expect(b.signals.delay_creep.text).not.toContain('segment usually pays');
  });
});
