// Simulates one customer end to end and shapes the rows of every entity file
// plus the customer's share of the truth. Pure: same inputs, same slice.
import { MS_PER_DAY, formatDay, formatTimestamp, type Day } from './dates.js';
import { simulateReminders } from './dunning.js';
import { simulateEvents } from './events.js';
import type { EmailSource } from './inbound/source.js';
import { simulateInbound } from './inbound/messages.js';
import type { OfferSim } from './incentives.js';
import type { InvoiceSim } from './invoicing.js';
import { paidBy, simulateLedger, type Ledger } from './ledger.js';
import type { ResolvedOptions } from './options.js';
import { customerStream, type Random } from './rng.js';
import { qualify, type Qualifications } from './statuses.js';
import { fromLocal } from './timezones.js';
import { drawCustomer, type CustomerPlan, type Period } from './traits.js';
import type { CustomerTruthSlice, DriftTruth, OfferTruth } from './truth.js';
import type { CustomerRow, IncentiveOfferRow, InvoiceRow, Rows } from './types.js';

export type CustomerRows = Omit<Rows, 'collectors' | 'dunning-scenarios' | 'customer-groups'>;

export interface CustomerSlice {
  rows: CustomerRows;
  truth: CustomerTruthSlice;
}

const money = (cents: number): number => cents / 100;
const dayOrNull = (day: Day | null): string | null => (day === null ? null : formatDay(day));

export function simulateCustomer(options: ResolvedOptions, period: Period, index: number, emailSource: EmailSource): CustomerSlice {
  const plan = drawCustomer(options, period, index);
  const ledger = simulateLedger(options.seed, plan, period);
  const reminders = simulateReminders(options.seed, plan, ledger.invoices, period);
  const qualifications = qualify(options.seed, plan, ledger.invoices, reminders, period);
  const events = simulateEvents(options.seed, plan, period);
  const messages = simulateInbound(options.seed, plan, ledger.invoices, reminders, qualifications, events.contactChangeDays, period, emailSource);
  const rng = customerStream(options.seed, index, 'rows');
  const end = period.endDay;
  const number = plan.externalId.slice(4);

  const invoices = invoiceRows(plan, ledger, qualifications, end);
  const payments = ledger.payments.map((p) => ({
    externalId: p.externalId,
    customerExternalId: plan.externalId,
    paymentDate: formatDay(p.day),
    amount: money(p.cents),
    currency: 'USD',
    method: p.method,
  }));
  let allocationSeq = 0;
  const allocations = ledger.payments.flatMap((p) =>
    p.allocations.map((a) => ({
      externalId: `ALC-${number}-${String(++allocationSeq).padStart(4, '0')}`,
      paymentExternalId: p.externalId,
      invoiceExternalId: a.invoice.externalId,
      amount: money(a.cents),
    })),
  );
  const iso = (ms: number | null): string | null => (ms === null ? null : formatTimestamp(ms));
  const communications = reminders.map((r) => ({
    externalId: r.externalId,
    customerExternalId: plan.externalId,
    invoiceExternalIds: r.invoices.map((i) => i.externalId),
    channel: r.step.channel,
    level: r.step.level,
    template: r.step.template,
    sentAt: formatTimestamp(r.sentAt),
    openedAt: iso(r.openedAt),
    machineOpen: r.machineOpen,
    clickedAt: iso(r.clickedAt),
    repliedAt: iso(r.repliedAt),
    bouncedAt: iso(r.bouncedAt),
  }));
  const offers = offerRows(rng, plan, ledger.offers, ledger.churnDay, end);
  const externalEvents = events.events.map((e, i) => ({
    externalId: `EVT-${number}-${String(i + 1).padStart(4, '0')}`,
    customerExternalId: plan.externalId,
    kind: e.kind,
    occurredAt: formatTimestamp(e.at),
    source: e.source,
    value: e.value,
    payload: e.payload,
  }));

  const overdueUnqualified = invoices.some(
    (i) => i.kind === 'invoice' && i.openAmount > 0 && i.status === null && end - Date.parse(i.dueDate) / MS_PER_DAY > 30,
  );
  const outstanding = invoices.reduce((a, i) => a + (i.kind === 'invoice' ? i.openAmount : 0), 0);
  const customer: CustomerRow = {
    externalId: plan.externalId,
    name: plan.name,
    country: plan.country,
    sector: plan.sector,
    companyType: plan.companyType,
    businessLine: plan.businessLine,
    segment: plan.segment,
    paymentMethod: plan.payment.preferredMethod,
    paymentTermsDays: plan.termsDays,
    creditLimit: events.creditLimit,
    riskScore: events.riskScore,
    insurerCover: plan.insurerCoverShare === null ? null : Math.round(events.creditLimit * plan.insurerCoverShare),
    email: plan.email,
    phone: plan.phone,
    timezone: plan.timezone,
    currency: 'USD',
    collectorExternalId: plan.collector,
    // Search & Assign parks customers with old unqualified delays in a no-action scenario.
    dunningScenarioExternalId: overdueUnqualified ? 'DS-OLD-DELAYS' : plan.baseScenario,
    salesRep: plan.salesRep,
    adv: plan.adv,
    interactiveEmails: plan.interactiveEmails,
    latePenalties: plan.latePenalties,
    recoveryFee: plan.recoveryFee,
    ndCover: plan.ndCover,
  };
  const groups: string[] = [];
  if (plan.segment === 'strategic') groups.push('GRP-STRATEGIC');
  if (events.riskScore >= 70) groups.push('GRP-RISKY');
  if (overdueUnqualified) groups.push('GRP-VERY-LATE');
  if (plan.segment === 'small') groups.push('GRP-SMALL');
  if (!plan.email) groups.push('GRP-NO-EMAIL');
  if (plan.segment === 'strategic' || (events.riskScore >= 70 && outstanding >= 100_000)) groups.push('GRP-HIGH-STAKES');

  return {
    rows: {
      customers: [customer],
      'group-members': groups.map((g) => ({ groupExternalId: g, customerExternalId: plan.externalId })),
      invoices,
      payments,
      'payment-allocations': allocations,
      communications,
      'inbound-messages': messages.map((m) => ({
        externalId: m.externalId,
        customerExternalId: m.customerExternalId,
        receivedAt: formatTimestamp(m.receivedAt),
        sender: m.sender,
        subject: m.subject,
        body: m.body,
      })),
      'incentive-offers': offers.rows,
      'external-events': externalEvents,
    },
    truth: {
      customer: {
        index,
        segment: plan.segment,
        annualTurnover: plan.annualTurnover,
        invoicesPerYear: plan.invoicesPerYear,
        startDate: formatDay(plan.startDay),
        baseDunningScenario: plan.baseScenario,
        payment: plan.payment,
        engagement: plan.engagement,
        incentives: plan.incentives,
        drift: plan.drift?.kind ?? null,
        noisyStable: plan.noisyStable,
        insolvencyDate: dayOrNull(plan.insolvencyDay),
        churnDate: dayOrNull(ledger.churnDay),
        latentRiskScore: plan.latentRiskScore,
      },
      drift: driftTruth(plan, ledger.invoices, events.riskSignalDay),
      openInvoices: Object.fromEntries(
        ledger.invoices
          .filter((i) => i.settleDay === null || i.settleDay > end)
          .map((i) => [
            i.externalId,
            { trueSettledDate: dayOrNull(i.settleDay), trueDaysLate: i.settleDay === null ? null : i.settleDay - i.dueDay, driftAffected: i.driftAffected },
          ]),
      ),
      promises: Object.fromEntries(
        qualifications.promises.map((p) => [
          p.invoice.externalId,
          {
            customerExternalId: plan.externalId,
            recordedOn: formatDay(p.recordedDay),
            promisedDate: formatDay(p.promisedDay),
            kept: p.invoice.settleDay === null ? false : p.kept,
            trueSettledDate: dayOrNull(p.invoice.settleDay),
          },
        ]),
      ),
      messages: Object.fromEntries(messages.map((m) => [m.externalId, m.truth])),
      offers: offers.truth,
      discounts: ledger.invoices
        .filter((i) => i.discountCents > 0 && i.settleDay !== null && i.settleDay <= end)
        .map((i) => ({ invoiceExternalId: i.externalId, creditNoteExternalId: creditNoteId(i), amount: money(i.discountCents) })),
    },
  };
}

function creditNoteId(invoice: InvoiceSim): string {
  return invoice.externalId.replace(/^INV-/, 'CRN-');
}

function invoiceRows(plan: CustomerPlan, ledger: Ledger, q: Qualifications, end: Day): InvoiceRow[] {
  const rows: InvoiceRow[] = [];
  const notes: InvoiceRow[] = [];
  for (const invoice of ledger.invoices) {
    const settled = invoice.settleDay !== null && invoice.settleDay <= end;
    const paid = paidBy(invoice, end);
    const status = q.byInvoice.get(invoice) ?? null;
    rows.push({
      externalId: invoice.externalId,
      customerExternalId: plan.externalId,
      number: invoice.number,
      kind: 'invoice',
      issueDate: formatDay(invoice.issueDay),
      dueDate: formatDay(invoice.dueDay),
      amount: money(invoice.cents),
      openAmount: settled ? 0 : money(invoice.cents - paid),
      currency: 'USD',
      disputed: invoice.disputeDay !== null && invoice.disputeDay <= end,
      settledDate: settled ? formatDay(invoice.settleDay!) : null,
      status: status?.status ?? null,
      statusDate: status ? formatDay(status.day) : null,
      statusComment: status?.comment ?? null,
      resolutionOwner: status?.owner ?? null,
      promisedDate: status ? dayOrNull(status.promisedDay) : null,
      poNumber: invoice.poNumber,
    });
    if (settled && invoice.discountCents > 0) {
      // The early-payment discount is booked as a credit note on the payment day.
      notes.push({
        externalId: creditNoteId(invoice),
        customerExternalId: plan.externalId,
        number: `CN-${invoice.number}`,
        kind: 'credit_note',
        issueDate: formatDay(invoice.settleDay!),
        dueDate: formatDay(invoice.settleDay!),
        amount: money(invoice.discountCents),
        openAmount: 0,
        currency: 'USD',
        disputed: false,
        settledDate: formatDay(invoice.settleDay!),
        status: null,
        statusDate: null,
        statusComment: `Early-payment discount on invoice ${invoice.number}`,
        resolutionOwner: null,
        promisedDate: null,
        poNumber: invoice.poNumber,
      });
    }
  }
  return [...rows, ...notes];
}

function offerRows(
  rng: Random,
  plan: CustomerPlan,
  offers: OfferSim[],
  churnDay: Day | null,
  end: Day,
): { rows: IncentiveOfferRow[]; truth: Record<string, OfferTruth> } {
  const sorted = [...offers].sort((a, b) => a.offeredDay - b.offeredDay || a.invoice.index - b.invoice.index);
  const rows: IncentiveOfferRow[] = [];
  const truth: Record<string, OfferTruth> = {};
  sorted.forEach((o, i) => {
    const externalId = `OFR-${plan.externalId.slice(4)}-${String(i + 1).padStart(4, '0')}`;
    const settle = o.invoice.settleDay;
    const window = o.lever === 'discount' ? o.invoice.issueDay + Number(o.terms.withinDays) : o.offeredDay + 30;
    let outcome: IncentiveOfferRow['outcome'] = null;
    let outcomeDay: Day | null = null;
    if (o.churnDay !== null && o.churnDay === churnDay && churnDay <= end) {
      outcome = 'churned';
      outcomeDay = churnDay;
    } else if (settle !== null && settle <= Math.min(window, end)) {
      outcome = 'paid';
      outcomeDay = settle;
    } else if (window <= end) {
      outcome = paidBy(o.invoice, window) > paidBy(o.invoice, o.offeredDay) ? 'partially_paid' : 'ignored';
      outcomeDay = window;
    }
    const hour = 9 + rng.next() * 7;
    rows.push({
      externalId,
      customerExternalId: plan.externalId,
      lever: o.lever,
      offeredAt: formatTimestamp(Math.round(fromLocal(plan.timezone, o.offeredDay, hour) / 60_000) * 60_000),
      invoiceExternalIds: [o.invoice.externalId],
      terms: o.terms,
      propensity: o.propensity,
      outcome,
      outcomeAt: outcomeDay === null ? null : formatTimestamp(fromLocal(plan.timezone, outcomeDay, 12)),
      daysToPay: settle !== null && settle <= end ? settle - o.offeredDay : null,
    });
    truth[externalId] = {
      customerExternalId: plan.externalId,
      segment: plan.segment,
      lever: o.lever,
      untreatedSettledDate: dayOrNull(o.untreatedSettleDay),
      treatedSettledDate: dayOrNull(o.treatedSettleDay),
      effectDays: o.untreatedSettleDay !== null && o.treatedSettleDay !== null ? o.treatedSettleDay - o.untreatedSettleDay : 0,
      accepted: o.accepted,
      churned: o.churnDay !== null,
    };
  });
  return { rows, truth };
}

function driftTruth(plan: CustomerPlan, invoices: InvoiceSim[], riskSignalDay: Day | null): DriftTruth | null {
  if (!plan.drift) return null;
  const first = invoices.find((i) => i.issueDay >= plan.drift!.startDay) ?? null;
  return {
    customerExternalId: plan.externalId,
    kind: plan.drift.kind,
    startDate: formatDay(plan.drift.startDay),
    firstAffectedInvoiceIndex: first ? first.index : -1,
    firstAffectedInvoiceExternalId: first ? first.externalId : null,
    before: plan.drift.before,
    after: plan.drift.after,
    precededByRiskScoreChange: riskSignalDay !== null,
  };
}
