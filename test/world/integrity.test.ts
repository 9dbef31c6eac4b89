import { describe, expect, it } from 'vitest';
import { dayNumber, groupBy, smallWorld } from './factories.js';

const world = smallWorld();
const { rows, truth } = world;
const cents = (x: number): number => Math.round(x * 100);
const ids = <T extends { externalId: string }>(list: T[]): Set<string> => new Set(list.map((r) => r.externalId));

describe('when rows reference other entities', () => {
  it('points only at entities that exist', () => {
    const customers = ids(rows.customers);
    const invoices = ids(rows.invoices);
    const payments = ids(rows.payments);
    const collectors = ids(rows.collectors);
    const scenarios = ids(rows['dunning-scenarios']);
    const groups = ids(rows['customer-groups']);
    for (const c of rows.customers) {
      expect(collectors.has(c.collectorExternalId)).toBe(true);
      expect(scenarios.has(c.dunningScenarioExternalId)).toBe(true);
    }
    for (const m of rows['group-members']) {
      expect(groups.has(m.groupExternalId)).toBe(true);
      expect(customers.has(m.customerExternalId)).toBe(true);
    }
    for (const r of [...rows.invoices, ...rows.payments, ...rows.communications, ...rows['incentive-offers'], ...rows['external-events']]) {
      expect(customers.has(r.customerExternalId)).toBe(true);
    }
    for (const a of rows['payment-allocations']) {
      expect(payments.has(a.paymentExternalId)).toBe(true);
      expect(invoices.has(a.invoiceExternalId)).toBe(true);
    }
    for (const r of [...rows.communications, ...rows['incentive-offers']]) {
      for (const id of r.invoiceExternalIds) expect(invoices.has(id)).toBe(true);
    }
    for (const m of rows['inbound-messages']) if (m.customerExternalId) expect(customers.has(m.customerExternalId)).toBe(true);
  });

  it('uses each externalId once per entity', () => {
    for (const [entity, list] of Object.entries(rows)) {
      if (entity === 'group-members') continue;
      const keys = (list as Array<{ externalId: string }>).map((r) => r.externalId);
      expect(new Set(keys).size, entity).toBe(keys.length);
    }
  });
});

describe('when payments are allocated to invoices', () => {
  const byInvoice = groupBy(rows['payment-allocations'], (a) => a.invoiceExternalId);
  const byPayment = groupBy(rows['payment-allocations'], (a) => a.paymentExternalId);
  const payments = new Map(rows.payments.map((p) => [p.externalId, p]));
  const discounts = new Map(truth.discounts.map((d) => [d.invoiceExternalId, cents(d.amount)]));

  it('allocates each payment exactly and never more than an invoice amount', () => {
    for (const p of rows.payments) {
      const allocated = (byPayment.get(p.externalId) ?? []).reduce((s, a) => s + cents(a.amount), 0);
      expect(allocated).toBe(cents(p.amount));
      expect(p.amount).toBeGreaterThan(0);
    }
    for (const inv of rows.invoices) {
      const allocated = (byInvoice.get(inv.externalId) ?? []).reduce((s, a) => s + cents(a.amount), 0);
      expect(allocated).toBeLessThanOrEqual(cents(inv.amount));
    }
  });

  it('settles an invoice fully (payments plus any early-payment discount) on its last payment date', () => {
    let settled = 0;
    for (const inv of rows.invoices.filter((i) => i.kind === 'invoice' && i.settledDate)) {
      settled++;
      const allocations = byInvoice.get(inv.externalId) ?? [];
      const allocated = allocations.reduce((s, a) => s + cents(a.amount), 0);
      expect(allocated + (discounts.get(inv.externalId) ?? 0)).toBe(cents(inv.amount));
      expect(inv.openAmount).toBe(0);
      const last = allocations.map((a) => payments.get(a.paymentExternalId)!.paymentDate).sort().at(-1);
      expect(last).toBe(inv.settledDate);
    }
    expect(settled).toBeGreaterThan(1000);
  });

  it('keeps open amounts equal to what is not yet paid', () => {
    const open = rows.invoices.filter((i) => i.kind === 'invoice' && !i.settledDate);
    expect(open.length).toBeGreaterThan(50);
    for (const inv of open) {
      const allocated = (byInvoice.get(inv.externalId) ?? []).reduce((s, a) => s + cents(a.amount), 0);
      expect(cents(inv.openAmount)).toBe(cents(inv.amount) - allocated);
      expect(inv.openAmount).toBeGreaterThan(0);
      expect(truth.openInvoices[inv.externalId]).toBeDefined();
    }
  });

  it('records nothing after the end date', () => {
    const end = truth.period.endDate;
    for (const p of rows.payments) expect(p.paymentDate <= end).toBe(true);
    for (const i of rows.invoices) expect(i.issueDate <= end).toBe(true);
    for (const c of rows.communications) expect(c.sentAt.slice(0, 10) <= end).toBe(true);
    for (const e of rows['external-events']) expect(e.occurredAt.slice(0, 10) <= end).toBe(true);
    for (const m of rows['inbound-messages']) expect(m.receivedAt.slice(0, 10) <= end).toBe(true);
  });
});

describe('when reminders are sent', () => {
  const invoices = new Map(rows.invoices.map((i) => [i.externalId, i]));

  it('reminds only invoices that are still unpaid that day (in the customer local time)', () => {
    const zones = new Map(rows.customers.map((c) => [c.externalId, new Intl.DateTimeFormat('en-CA', { timeZone: c.timezone })]));
    for (const c of rows.communications) {
      const localDate = zones.get(c.customerExternalId)!.format(new Date(c.sentAt));
      for (const id of c.invoiceExternalIds) {
        const inv = invoices.get(id)!;
        if (inv.settledDate) expect(localDate < inv.settledDate).toBe(true);
      }
    }
  });

  it('follows the steps of the customer scenario relative to the due date', () => {
    const scenarios = new Map(rows['dunning-scenarios'].map((s) => [s.externalId, s]));
    for (const c of rows.communications) {
      const base = truth.customers[c.customerExternalId].baseDunningScenario;
      const step = scenarios.get(base)!.steps.find((s) => s.template === c.template && s.channel === c.channel);
      expect(step, `${c.template} in ${base}`).toBeDefined();
      const offset = dayNumber(c.sentAt) - dayNumber(invoices.get(c.invoiceExternalIds[0])!.dueDate);
      // Weekend steps move to Monday; the local day may differ from the UTC one.
      expect(offset - step!.dayOffset).toBeGreaterThanOrEqual(-1);
      expect(offset - step!.dayOffset).toBeLessThanOrEqual(3);
    }
  });

  it('flags machine opens, which come within minutes of sending', () => {
    const machine = rows.communications.filter((c) => c.machineOpen);
    expect(machine.length).toBeGreaterThan(20);
    for (const c of machine) {
      const minutes = (Date.parse(c.openedAt!) - Date.parse(c.sentAt)) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(0);
      expect(minutes).toBeLessThanOrEqual(5);
    }
  });

  it('never opens, clicks or replies before sending', () => {
    for (const c of rows.communications) {
      for (const t of [c.openedAt, c.clickedAt, c.repliedAt]) if (t) expect(Date.parse(t)).toBeGreaterThanOrEqual(Date.parse(c.sentAt));
    }
  });
});

describe('when the truth describes messages, promises and offers', () => {
  it('has a true type for every inbound message', () => {
    expect(rows['inbound-messages'].length).toBeGreaterThan(50);
    for (const m of rows['inbound-messages']) {
      const t = truth.messages[m.externalId];
      expect(t).toBeDefined();
      if (m.customerExternalId) expect(t.customerExternalId).toBe(m.customerExternalId);
    }
  });

  it('matches each promise with an invoice carrying its promised date or a later status', () => {
    const invoices = new Map(rows.invoices.map((i) => [i.externalId, i]));
    const promises = Object.entries(truth.promises);
    expect(promises.length).toBeGreaterThan(10);
    for (const [id, p] of promises) {
      const inv = invoices.get(id)!;
      if (inv.status === 'promise_to_pay') expect(inv.promisedDate).toBe(p.promisedDate);
      if (inv.settledDate && p.trueSettledDate) expect(p.kept).toBe(inv.settledDate <= p.promisedDate);
    }
  });

  it('logs a propensity in (0, 1] for every offer', () => {
    expect(rows['incentive-offers'].length).toBeGreaterThan(20);
    for (const o of rows['incentive-offers']) {
      expect(o.propensity).toBeGreaterThan(0);
      expect(o.propensity).toBeLessThanOrEqual(1);
      expect(truth.offers[o.externalId].lever).toBe(o.lever);
    }
  });
});
