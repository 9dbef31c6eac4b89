// Leak-free features of an invoice as of a scoring date, for many invoices at once.
//
// One pass per customer: their settled invoices sorted by settlement date, the
// requests sorted by scoring date, and running aggregates advanced between the two.
// Only invoices settled strictly before the scoring date enter the history, so an
// invoice's own outcome, or any later one, can never reach its features.
import { dayOf, dueBusinessDayOffset, weekdayOf } from './dates.js';
import { PaymentDelayInputError } from './errors.js';
import { CustomerHistory, type InvoiceEffects, type SettledInvoice } from './history.js';
import type { FeatureRequest, InvoiceRecord } from './types.js';

/** What a segment (or the whole portfolio) looks like; the prior of customers with little history. */
export interface SegmentPrior {
  /** Mean payment offset after removing invoice effects, days after due. */
  adjustedOffset: number;
  /** Typical spread of one customer's offsets around their own mean, days. */
  spread: number;
  lateRate: number;
  /** Share of payments made exactly on the due date. */
  dueDayShare: number;
  daysLate: number;
  disputeRate: number;
  promiseKeptRate: number;
  replyRate: number;
  externalRisk: number;
}

export interface FeatureConfig {
  effects: InvoiceEffects;
  portfolio: SegmentPrior;
  segments: Record<string, SegmentPrior>;
  /** Pseudo-count: how many invoices of evidence the prior is worth. */
  shrinkage: number;
  /** Payment methods that get their own column (last method used by the customer). */
  paymentMethods: string[];
  /**
   * Training showed a pile of payments on the due date itself (priors.ts
   * hasDueDayAtom): each row then carries the customer's shrunk share of
   * due-date payments (DUE_DAY_COLUMN, after the method columns) and the
   * payment date is that atom mixed with a smooth distribution.
   */
  dueDayAtom?: boolean;
}

export const DUE_DAY_COLUMN = 'dueDayShare';

/** Days after the promised date still counted as a kept promise. */
export const PROMISE_GRACE_DAYS = 2;
/** Pseudo-count of the customer's own spread estimate (a variance needs more evidence than a mean). */
const SPREAD_PRIOR_WEIGHT = 4;
/** How many trend observations make the trend fully trusted. */
const TREND_PRIOR_WEIGHT = 5;
/** Open invoices older than the first few not-yet-paid ones are not scanned (FIFO payers make this exact). */
const OLDEST_OPEN_SCAN = 16;
/** "Just before the scoring date": settlements this many days back describe the customer's current payment run. */
export const RECENT_SETTLED_DAYS = 30;

export const BASE_COLUMNS = [
  'historyCount',
  'lateCount',
  'historyWeight',
  'customerEffect',
  'customerSpread',
  'lateRate',
  'meanDaysLate',
  'recentCount',
  'recentLateCount',
  'recentMedianOffset',
  'trend',
  'lastOffset',
  'last3MeanOffset',
  'last5MeanOffset',
  'recentSettledCount',
  'recentSettledMeanOffset',
  'lateRateDisputed',
  'lateRateUndisputed',
  'meanDaysLateDisputed',
  'meanDaysLateUndisputed',
  'disputeRate',
  'disputed',
  'disputedCustomerEffect',
  'sentOnPaper',
  'channelUnknown',
  'logAmountRatio',
  'termsDays',
  'daysOverdue',
  'openCount',
  'overdueOpenCount',
  'openAmountRatio',
  'oldestOpenDaysOverdue',
  'promisesKept',
  'promisesBroken',
  'promiseKeptRate',
  'activePromise',
  'daysToPromise',
  'replyRate',
  'remindersSentOnInvoice',
  'externalRisk',
  'externalRiskMissing',
  'dueMonthSin',
  'dueMonthCos',
  'dueAtQuarterEnd',
  'dueOnWeekend',
] as const;

export type BaseColumn = (typeof BASE_COLUMNS)[number];

export const COL = Object.fromEntries(BASE_COLUMNS.map((name, i) => [name, i])) as Record<BaseColumn, number>;

export function featureColumns(config: FeatureConfig): string[] {
  return [...BASE_COLUMNS, ...config.paymentMethods.map((m) => `paymentMethod:${m}`), ...(config.dueDayAtom ? [DUE_DAY_COLUMN] : [])];
}

/** Index of the due-date share in a row, or -1 when the model has no due-date atom. */
export function dueDayColumn(config: FeatureConfig): number {
  return config.dueDayAtom ? BASE_COLUMNS.length + config.paymentMethods.length : -1;
}

export function priorFor(config: FeatureConfig, segment: string | null | undefined): SegmentPrior {
  return (segment != null && config.segments[segment]) || config.portfolio;
}

/** Dates of a history invoice, parsed once. */
interface ParsedHistory {
  issue: Int32Array;
  due: Int32Array;
  /** Settlement day, or +Infinity while open. */
  settle: Float64Array;
}

function parseHistory(history: readonly InvoiceRecord[]): ParsedHistory {
  const n = history.length;
  const parsed = { issue: new Int32Array(n), due: new Int32Array(n), settle: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const inv = history[i];
    parsed.issue[i] = dayOf(inv.issueDate);
    parsed.due[i] = dayOf(inv.dueDate);
    // A prepayment (settled before the invoice was issued, as imports allow)
    // counts as settled on the issue day: it paid at once, not in negative time.
    parsed.settle[i] = inv.settledDate == null ? Infinity : Math.max(dayOf(inv.settledDate), parsed.issue[i]);
  }
  return parsed;
}

function groupByCustomer<T>(items: readonly T[], customerOf: (t: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < items.length; i++) {
    const key = customerOf(items[i]);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  }
  return groups;
}

function settledOf(inv: InvoiceRecord, due: number, settle: number): SettledInvoice {
  const promised = inv.promisedDate == null ? null : dayOf(inv.promisedDate);
  return {
    offset: settle - due,
    onDueBusinessDay: settle - due === dueBusinessDayOffset(due),
    settleDay: settle,
    disputed: inv.disputed,
    paper: inv.paperless === false,
    logAmount: Math.log(Math.max(inv.amount, 0.01)),
    paymentMethod: inv.paymentMethod ?? null,
    promiseKept: promised == null ? null : settle <= promised + PROMISE_GRACE_DAYS,
    remindersSent: inv.remindersSent ?? 0,
    remindersAnswered: inv.remindersAnswered ?? 0,
  };
}

const shrink = (sum: number, n: number, prior: number, k: number): number => (sum + k * prior) / (n + k);

/** Day numbers of the scored invoice, parsed once and handed to the sink with its row. */
export interface RequestDays {
  issue: number;
  due: number;
  asOf: number;
}

export type FeatureRowSink = (requestIndex: number, row: Float64Array, days: Readonly<RequestDays>) => void;

/**
 * Compute the features of every request, calling `sink` once per request with a
 * reused row buffer (copy it to keep it). `history` holds every known invoice,
 * settled or open; requests may or may not be part of it.
 */
export function forEachFeatureRow(
  history: readonly InvoiceRecord[],
  requests: readonly FeatureRequest[],
  config: FeatureConfig,
  sink: FeatureRowSink,
): void {
  const parsed = parseHistory(history);
  const historyByCustomer = groupByCustomer(history, (inv) => inv.customerId);
  const requestsByCustomer = groupByCustomer(requests, (r) => r.invoice.customerId);
  const row = new Float64Array(featureColumns(config).length);
  const dueDayShareAt = dueDayColumn(config);
  const methodColumn = new Map(config.paymentMethods.map((m, i) => [m, BASE_COLUMNS.length + i]));
  const hist = new CustomerHistory(config.effects);
  const asOfDays = requests.map((r) => dayOf(r.asOf));
  const k = config.shrinkage;
  const days: RequestDays = { issue: 0, due: 0, asOf: 0 };

  for (const [customerId, requestIdx] of requestsByCustomer) {
    const own = historyByCustomer.get(customerId) ?? [];
    const bySettle = own.filter((i) => parsed.settle[i] !== Infinity).sort((a, b) => parsed.settle[a] - parsed.settle[b] || parsed.issue[a] - parsed.issue[b]);
    const byIssue = own.slice().sort((a, b) => parsed.issue[a] - parsed.issue[b] || parsed.due[a] - parsed.due[b]);
    requestIdx.sort((a, b) => asOfDays[a] - asOfDays[b]);
    hist.reset();
    let sp = 0; // next settlement to add
    let ip = 0; // next issue to count
    let op = 0; // first invoice (by issue) not settled before the scoring date
    let issuedAmount = 0;
    let settledAmount = 0;
    let ownIds: Set<string> | undefined;

    for (const r of requestIdx) {
      const { invoice, asOf } = requests[r];
      const asOfDay = asOfDays[r];
      const issueDay = dayOf(invoice.issueDate);
      const dueDay = dayOf(invoice.dueDate);
      const settleDay = invoice.settledDate == null ? Infinity : dayOf(invoice.settledDate);
      if (asOfDay < issueDay) throw new PaymentDelayInputError(`invoice ${invoice.invoiceId} scored as of ${asOf}, before its issue date`);
      if (settleDay < asOfDay) throw new PaymentDelayInputError(`invoice ${invoice.invoiceId} was settled before ${asOf}: nothing left to predict`);

      while (sp < bySettle.length && parsed.settle[bySettle[sp]] < asOfDay) {
        const i = bySettle[sp++];
        hist.add(settledOf(history[i], parsed.due[i], parsed.settle[i]));
        settledAmount += history[i].amount;
      }
      while (ip < byIssue.length && parsed.issue[byIssue[ip]] < asOfDay) issuedAmount += history[byIssue[ip++]].amount;
      while (op < ip && parsed.settle[byIssue[op]] < asOfDay) op++;

      // Other invoices still open at the scoring date (the scored one excluded).
      let openCount = ip - sp;
      let openAmount = issuedAmount - settledAmount;
      if (issueDay < asOfDay && (ownIds ??= new Set(own.map((i) => history[i].invoiceId))).has(invoice.invoiceId)) {
        openCount--;
        openAmount -= invoice.amount;
      }
      // Open and overdue at the scoring date: known then (issued, not yet paid, past due).
      let oldestOpenDue = Infinity;
      let overdueOpen = 0;
      for (let j = op, scanned = 0; j < ip && scanned < OLDEST_OPEN_SCAN; j++, scanned++) {
        const i = byIssue[j];
        if (parsed.settle[i] >= asOfDay && history[i].invoiceId !== invoice.invoiceId) {
          if (oldestOpenDue === Infinity) oldestOpenDue = parsed.due[i];
          if (parsed.due[i] < asOfDay) overdueOpen++;
        }
      }

      const prior = priorFor(config, invoice.segment);
      const n = hist.count;
      row.fill(0);
      row[COL.historyCount] = n;
      row[COL.lateCount] = hist.lateCount;
      row[COL.historyWeight] = n / (n + k);
      const customerEffect = shrink(hist.sumAdjusted, n, prior.adjustedOffset, k);
      row[COL.customerEffect] = customerEffect;
      row[COL.customerSpread] = Math.sqrt(
        (hist.adjustedSquaredDeviation() + SPREAD_PRIOR_WEIGHT * prior.spread * prior.spread) / (Math.max(n - 1, 0) + SPREAD_PRIOR_WEIGHT),
      );
      const lateRate = shrink(hist.lateCount, n, prior.lateRate, k);
      const meanDaysLate = shrink(hist.sumDaysLate, n, prior.daysLate, k);
      row[COL.lateRate] = lateRate;
      row[COL.meanDaysLate] = meanDaysLate;
      row[COL.recentCount] = hist.recentCount;
      row[COL.recentLateCount] = hist.recentLateCount();
      const median = hist.recentMedianOffset();
      row[COL.recentMedianOffset] = Number.isNaN(median) ? prior.adjustedOffset : median;
      // Recent behaviour against the customer's long-run mean, trusted as evidence accumulates.
      row[COL.trend] = n > 1 ? (hist.ewmaAdjusted - hist.meanAdjusted()) * (n / (n + TREND_PRIOR_WEIGHT)) : 0;
      // The latest invoices on their own, each shrunk to the customer's long-run effect
      // with the same pseudo-count: one invoice is weak evidence of a change.
      row[COL.lastOffset] = shrink(hist.lastSumAdjusted(1), Math.min(n, 1), customerEffect, k);
      row[COL.last3MeanOffset] = shrink(hist.lastSumAdjusted(3), Math.min(n, 3), customerEffect, k);
      row[COL.last5MeanOffset] = shrink(hist.lastSumAdjusted(5), Math.min(n, 5), customerEffect, k);
      const justBefore = hist.settledSince(asOfDay - RECENT_SETTLED_DAYS);
      row[COL.recentSettledCount] = justBefore.count;
      row[COL.recentSettledMeanOffset] = shrink(justBefore.sumAdjusted, justBefore.count, customerEffect, k);
      const nDisputed = hist.disputedCount;
      const nUndisputed = n - nDisputed;
      row[COL.lateRateDisputed] = shrink(hist.disputedLateCount, nDisputed, lateRate, k);
      row[COL.lateRateUndisputed] = shrink(hist.undisputedLateCount, nUndisputed, lateRate, k);
      row[COL.meanDaysLateDisputed] = shrink(hist.disputedSumDaysLate, nDisputed, meanDaysLate, k);
      row[COL.meanDaysLateUndisputed] = shrink(hist.undisputedSumDaysLate, nUndisputed, meanDaysLate, k);
      row[COL.disputeRate] = shrink(nDisputed, n, prior.disputeRate, k);

      row[COL.disputed] = invoice.disputed ? 1 : 0;
      // A dispute adds less to a customer who already pays late (resolution overlaps the usual delay).
      row[COL.disputedCustomerEffect] = invoice.disputed ? customerEffect : 0;
      row[COL.sentOnPaper] = invoice.paperless === false ? 1 : 0;
      row[COL.channelUnknown] = invoice.paperless == null ? 1 : 0;
      row[COL.logAmountRatio] = n ? Math.log(Math.max(invoice.amount, 0.01)) - hist.sumLogAmount / n : 0;
      row[COL.termsDays] = invoice.paymentTermsDays;
      row[COL.daysOverdue] = Math.max(0, asOfDay - dueDay);
      row[COL.openCount] = openCount;
      row[COL.overdueOpenCount] = overdueOpen;
      const usualAmount = n ? Math.exp(hist.sumLogAmount / n) : Math.max(invoice.amount, 0.01);
      row[COL.openAmountRatio] = Math.max(0, openAmount) / usualAmount;
      row[COL.oldestOpenDaysOverdue] = oldestOpenDue === Infinity ? 0 : Math.max(0, asOfDay - oldestOpenDue);

      row[COL.promisesKept] = hist.promisesKept;
      row[COL.promisesBroken] = hist.promisesBroken;
      row[COL.promiseKeptRate] = shrink(hist.promisesKept, hist.promisesKept + hist.promisesBroken, prior.promiseKeptRate, k);
      // An open invoice's live fields describe now; a settled one's are hindsight (see types.ts).
      const live = invoice.settledDate == null;
      const promised = live && invoice.promisedDate != null ? dayOf(invoice.promisedDate) : null;
      if (promised != null && promised + PROMISE_GRACE_DAYS >= asOfDay) {
        row[COL.activePromise] = 1;
        row[COL.daysToPromise] = promised - asOfDay;
      }
      row[COL.replyRate] = shrink(hist.remindersAnswered, hist.remindersSent, prior.replyRate, k);
      row[COL.remindersSentOnInvoice] = live ? (invoice.remindersSent ?? 0) : 0;
      const risk = invoice.externalRiskScore;
      row[COL.externalRisk] = risk == null ? prior.externalRisk : risk;
      row[COL.externalRiskMissing] = risk == null ? 1 : 0;

      const month = Number(invoice.dueDate.slice(5, 7));
      const dayOfMonth = Number(invoice.dueDate.slice(8, 10));
      row[COL.dueMonthSin] = Math.sin((2 * Math.PI * (month - 1)) / 12);
      row[COL.dueMonthCos] = Math.cos((2 * Math.PI * (month - 1)) / 12);
      // Quarter closes: some payers hold cash to dress their balance sheet, others clear backlogs.
      row[COL.dueAtQuarterEnd] = month % 3 === 0 && dayOfMonth >= 16 ? 1 : 0;
      const weekday = weekdayOf(dueDay);
      row[COL.dueOnWeekend] = weekday === 0 || weekday === 6 ? 1 : 0;

      const method = hist.lastPaymentMethod == null ? undefined : methodColumn.get(hist.lastPaymentMethod);
      if (method !== undefined) row[method] = 1;
      if (dueDayShareAt >= 0) row[dueDayShareAt] = shrink(hist.dueDayCount, n, prior.dueDayShare, k);
      days.issue = issueDay;
      days.due = dueDay;
      days.asOf = asOfDay;
      sink(r, row, days);
    }
  }
}

export interface FeatureTable {
  columns: string[];
  rows: number;
  /** Row-major, rows × columns.length; row i belongs to request i. */
  values: Float64Array;
}

/** All rows at once, for training and evaluation. Scoring large portfolios should stream with forEachFeatureRow. */
export function buildFeatureTable(history: readonly InvoiceRecord[], requests: readonly FeatureRequest[], config: FeatureConfig): FeatureTable {
  const columns = featureColumns(config);
  const width = columns.length;
  const values = new Float64Array(requests.length * width);
  forEachFeatureRow(history, requests, config, (i, row) => values.set(row, i * width));
  return { columns, rows: requests.length, values };
}
