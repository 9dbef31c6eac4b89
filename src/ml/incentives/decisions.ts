// The platform's lever decisions, rebuilt from a customer's invoices and logged
// offers. Offers are only half the log: every invoice that reached a decision
// point and got *no* offer is a decision for "none", and it leaves no row. The
// estimators need both arms, so the decision points are replayed here.
import { parseInstant } from '../send-time/local-time.js';
import type { IncentiveConfig } from './config.js';
import { LEVERS, type Action, type IncentiveCustomer, type IncentiveOffer, type Lever, type Stage } from './types.js';

const MS_PER_DAY = 86_400_000;

export function dayNumber(text: string | null | undefined): number | null {
  const t = parseInstant(text);
  return t === null ? null : Math.floor(t / MS_PER_DAY);
}

/** When the platform decides and on what terms (learned from the logged offers unless configured). */
export interface DecisionPoints {
  preDueDaysAfterIssue: number;
  overdueDaysAfterDue: number;
  discountPct: number;
  discountWithinDays: number;
}

export type RiskBand = 'low' | 'high' | 'unknown';
export type PayerBand = 'prompt' | 'late' | 'unknown';

/** What is known about the customer at the decision: the features "similar customers" share. */
export interface DecisionContext {
  segment: string;
  riskBand: RiskBand;
  payerBand: PayerBand;
  /** Median days late of the invoices settled before the decision (null: too few). */
  priorDaysLate: number | null;
  /** How many settled invoices that median rests on (absent: the caller's typical delay, or a context built before it was kept). */
  priorInvoices?: number;
  /** log10 of the invoice amount. */
  logAmount: number;
}

export interface Decision {
  customerExternalId?: string;
  invoiceExternalId: string;
  stage: Stage;
  day: number;
  /** Days past due at the decision (negative before the due date). */
  daysOverdue: number;
  amount: number;
  /** The contract provides late penalties (a guardrail input). */
  latePenalties: boolean | null;
  action: Action;
  /** The logging policy's probability of `action`, when the log has it. */
  loggedPropensity: number | null;
  /** Days from the decision to full payment, capped (never paid = the cap). */
  daysToPay: number;
  churned: boolean;
  /** Paid within the discount window of the issue date (what a taken discount looks like). */
  paidEarly: boolean;
  context: DecisionContext;
}

export const isLever = (x: string): x is Lever => (LEVERS as readonly string[]).includes(x);
export const stageOf = (lever: Lever): Stage => (lever === 'discount' ? 'pre_due' : 'overdue');

export function riskBandOf(riskScore: number | null | undefined, config: IncentiveConfig): RiskBand {
  if (riskScore === null || riskScore === undefined || Number.isNaN(riskScore)) return 'unknown';
  return riskScore >= config.highRiskScore ? 'high' : 'low';
}

export function payerBandOf(priorDaysLate: number | null, config: IncentiveConfig): PayerBand {
  if (priorDaysLate === null) return 'unknown';
  return priorDaysLate > config.latePayerDays ? 'late' : 'prompt';
}

function median(sorted: number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
}

export interface ParsedInvoice {
  externalId: string;
  issue: number;
  due: number;
  settled: number | null;
  amount: number;
}

export function parseInvoices(customer: IncentiveCustomer): ParsedInvoice[] {
  const out: ParsedInvoice[] = [];
  for (const i of customer.invoices ?? []) {
    const issue = dayNumber(i.issueDate);
    const due = dayNumber(i.dueDate);
    if (issue === null || due === null) continue;
    out.push({ externalId: i.externalId, issue, due, settled: dayNumber(i.settledDate), amount: i.amount });
  }
  return out.sort((a, b) => a.issue - b.issue);
}

/** Median days late of the invoices settled before each asked day (days asked in increasing order). */
class DelayHistory {
  private readonly bySettlement: Array<{ settled: number; late: number }>;
  private readonly seen: number[] = [];
  private next = 0;

  constructor(invoices: ParsedInvoice[], private readonly minInvoices: number) {
    this.bySettlement = invoices
      .filter((i) => i.settled !== null)
      .map((i) => ({ settled: i.settled as number, late: (i.settled as number) - i.due }))
      .sort((a, b) => a.settled - b.settled);
  }

  /** Settled invoices read so far (behind the last median asked). */
  get count(): number {
    return this.seen.length;
  }

  medianBefore(day: number): number | null {
    while (this.next < this.bySettlement.length && this.bySettlement[this.next].settled < day) {
      const late = this.bySettlement[this.next++].late;
      let lo = 0;
      let hi = this.seen.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.seen[mid] < late) lo = mid + 1;
        else hi = mid;
      }
      this.seen.splice(lo, 0, late);
    }
    return this.seen.length >= this.minInvoices ? median(this.seen) : null;
  }
}

/** The customer's context as of a day (for the recommendation now). */
export function contextAt(
  customer: IncentiveCustomer,
  day: number,
  config: IncentiveConfig,
  amount = 1,
  invoices: ParsedInvoice[] = parseInvoices(customer),
): DecisionContext {
  const late: number[] = [];
  for (const i of invoices) if (i.settled !== null && i.settled <= day) late.push(i.settled - i.due);
  const own = late.length >= config.minInvoicesForPayerBand ? median(late.sort((a, b) => a - b)) : null;
  const prior = own ?? customer.typicalDaysLate ?? null;
  return {
    segment: customer.segment ?? 'unknown',
    riskBand: riskBandOf(customer.riskScore, config),
    payerBand: payerBandOf(prior, config),
    priorDaysLate: prior,
    ...(own === null ? {} : { priorInvoices: late.length }),
    logAmount: Math.log10(Math.max(1, amount)),
  };
}

function offerKey(invoiceId: string, stage: Stage): string {
  return `${invoiceId}|${stage}`;
}

export interface DecisionFilter {
  /** Only this stage's decisions. */
  stage?: Stage;
  /** The invoices, already parsed. */
  invoices?: ParsedInvoice[];
}

/**
 * Every decision of the customer whose outcome is fully known at `asOf`
 * (decided at least `outcomeCapDays` before), in time order.
 */
export function customerDecisions(customer: IncentiveCustomer, points: DecisionPoints, config: IncentiveConfig, filter: DecisionFilter = {}): Decision[] {
  const asOf = dayNumber(customer.asOf);
  if (asOf === null) throw new RangeError(`asOf is not a date: ${customer.asOf}`);
  const lastDecisionDay = asOf - config.outcomeCapDays;
  const insolvent = dayNumber(customer.insolvencyDate);
  const invoices = filter.invoices ?? parseInvoices(customer);
  const offers = new Map<string, IncentiveOffer>();
  const churnedOffers = new Set<string>();
  for (const o of customer.offers ?? []) {
    if (!isLever(o.lever)) continue;
    const day = dayNumber(o.offeredAt);
    if (day === null || day > asOf) continue;
    for (const id of o.invoiceExternalIds ?? []) {
      const key = offerKey(id, stageOf(o.lever));
      offers.set(key, o);
      if (o.outcome === 'churned') churnedOffers.add(key);
    }
  }
  // Churn without a logged attribution: the customer stopped ordering soon after the decision.
  const lastIssue = invoices.length ? invoices[invoices.length - 1].issue : null;
  const gaps = invoices.slice(1).map((inv, i) => inv.issue - invoices[i].issue).sort((a, b) => a - b);
  const stopDay = lastIssue !== null && asOf - lastIssue >= config.stoppedOrderingDays ? lastIssue + (gaps.length ? median(gaps) : 30) : null;
  const churnedAfter = (key: string, day: number) =>
    churnedOffers.size > 0 ? churnedOffers.has(key) : stopDay !== null && stopDay > day && stopDay <= day + config.churnWindowDays;

  const discountable = !config.discountExcludedMethods.includes(customer.paymentMethod ?? '');
  const candidates: Array<{ invoice: ParsedInvoice; stage: Stage; day: number }> = [];
  for (const invoice of invoices) {
    if (discountable && filter.stage !== 'overdue') candidates.push({ invoice, stage: 'pre_due', day: invoice.issue + points.preDueDaysAfterIssue });
    if (filter.stage !== 'pre_due') candidates.push({ invoice, stage: 'overdue', day: invoice.due + points.overdueDaysAfterDue });
  }
  candidates.sort((a, b) => a.day - b.day);
  const history = new DelayHistory(invoices, config.minInvoicesForPayerBand);
  const segment = customer.segment ?? 'unknown';
  const riskBand = riskBandOf(customer.riskScore, config);
  const decisions: Decision[] = [];
  for (const { invoice, stage, day } of candidates) {
    if (day > lastDecisionDay || (insolvent !== null && day >= insolvent)) continue;
    const key = offerKey(invoice.externalId, stage);
    const offer = offers.get(key);
    const open = invoice.settled === null || invoice.settled > day;
    if (!offer && !open) continue; // already paid: no decision was needed
    const priorDaysLate = history.medianBefore(day);
    decisions.push({
      customerExternalId: customer.customerExternalId,
      invoiceExternalId: invoice.externalId,
      stage,
      day,
      daysOverdue: day - invoice.due,
      amount: invoice.amount,
      latePenalties: customer.latePenalties ?? null,
      action: offer ? (offer.lever as Lever) : 'none',
      loggedPropensity: offer && typeof offer.propensity === 'number' && offer.propensity > 0 ? offer.propensity : null,
      daysToPay: invoice.settled === null ? config.outcomeCapDays : Math.min(config.outcomeCapDays, Math.max(0, invoice.settled - day)),
      churned: churnedAfter(key, day),
      paidEarly: invoice.settled !== null && invoice.settled - invoice.issue <= points.discountWithinDays,
      context: {
        segment,
        riskBand,
        payerBand: payerBandOf(priorDaysLate ?? customer.typicalDaysLate ?? null, config),
        priorDaysLate,
        ...(priorDaysLate === null ? {} : { priorInvoices: history.count }),
        logAmount: Math.log10(Math.max(1, invoice.amount)),
      },
    });
  }
  return decisions;
}

/** Decision points and discount terms as the logged offers show them (configuration wins). */
export function inferDecisionPoints(customers: IncentiveCustomer[], config: IncentiveConfig): DecisionPoints {
  const preDue: number[] = [];
  const overdue: number[] = [];
  const pct: number[] = [];
  const within: number[] = [];
  for (const c of customers) {
    const byId = new Map((c.invoices ?? []).map((i) => [i.externalId, i]));
    for (const o of c.offers ?? []) {
      if (!isLever(o.lever)) continue;
      const invoice = byId.get(o.invoiceExternalIds?.[0] ?? '');
      const day = dayNumber(o.offeredAt);
      if (!invoice || day === null) continue;
      if (o.lever === 'discount') {
        preDue.push(day - (dayNumber(invoice.issueDate) ?? day));
        if (typeof o.terms?.discountPct === 'number') pct.push(o.terms.discountPct);
        if (typeof o.terms?.withinDays === 'number') within.push(o.terms.withinDays);
      } else overdue.push(day - (dayNumber(invoice.dueDate) ?? day));
    }
  }
  const med = (xs: number[], fallback: number) => (xs.length ? median(xs.sort((a, b) => a - b)) : fallback);
  return {
    preDueDaysAfterIssue: config.preDueDecisionDaysAfterIssue ?? Math.round(med(preDue, 1)),
    overdueDaysAfterDue: config.overdueDecisionDaysAfterDue ?? Math.round(med(overdue, 20)),
    discountPct: med(pct, 2),
    discountWithinDays: med(within, 10),
  };
}
