// Top factors of a forecast, in a collector's words and numbers. Each factor groups
// the feature columns that tell one story ("their history", "this invoice is
// disputed") and weighs it by how many days it moves the expected payment date
// against an average invoice of the training book.
import type { Reason } from '../model.js';
import { BASE_COLUMNS, COL, priorFor } from './features.js';
import type { PaymentDelayState } from './fit.js';
import { contributions } from './linear.js';
import type { InvoiceRecord } from './types.js';
import { methodWords } from '../../util/words.js';

/** Factors moving the date by less than this are noise to a collector. */
const MIN_WEIGHT_DAYS = 0.5;
const MAX_REASONS = 3;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const round1 = (x: number): number => Math.round(x * 10) / 10;
const pct = (x: number): string => `${Math.round(x * 100)}%`;

export function days(x: number): string {
  const n = Math.abs(Math.round(x));
  return `${n} day${n === 1 ? '' : 's'}`;
}

/** "8 days late", "3 days early", "on the due date". */
export function offsetText(offset: number): string {
  const n = Math.round(offset);
  return n === 0 ? 'on the due date' : `${days(n)} ${n > 0 ? 'late' : 'early'}`;
}

type Row = Float64Array;

interface Group {
  factor: string;
  prefixes: string[];
  text(row: Row, state: PaymentDelayState, invoice: InvoiceRecord): string;
  value(row: Row, state: PaymentDelayState): number | string | boolean | null;
}

function lastMethod(row: Row, state: PaymentDelayState): string | null {
  const i = state.features.paymentMethods.findIndex((_, j) => row[BASE_COLUMNS.length + j] === 1);
  return i >= 0 ? state.features.paymentMethods[i] : null;
}

const GROUPS: Group[] = [
  {
    factor: 'paymentHistory',
    prefixes: ['historyWeight', 'customerEffect', 'customerSpread', 'lateRate', 'meanDaysLate', 'recentMedianOffset', 'lateRateDisputed', 'lateRateUndisputed', 'meanDaysLateDisputed', 'meanDaysLateUndisputed'],
    text(row, state, invoice) {
      const n = row[COL.historyCount];
      if (n === 0) {
        const prior = priorFor(state.features, invoice.segment);
        const who = invoice.segment != null && state.features.segments[invoice.segment] ? `segment ${invoice.segment}` : 'the portfolio';
        return `no settled invoice yet: ${who} usually pays ${offsetText(prior.adjustedOffset)}`;
      }
      const recent = row[COL.recentCount];
      const late = row[COL.recentLateCount];
      const lateRate = n > recent ? `; ${row[COL.lateCount]} of ${n} late in all` : '';
      if (recent === 1) {
        const only = n === 1 ? 'its only settled invoice' : 'its last invoice';
        return `paid ${only} ${offsetText(row[COL.recentMedianOffset])}${lateRate}`;
      }
      const last = recent === n ? `all ${recent} settled invoices` : `the last ${recent} invoices`;
      return `paid ${late} of ${last} late, median ${offsetText(row[COL.recentMedianOffset])}${lateRate}`;
    },
    value: (row) => round1(row[COL.customerEffect]),
  },
  {
    factor: 'trend',
    prefixes: ['trend', 'lastOffset', 'last3MeanOffset', 'last5MeanOffset', 'recentSettledCount', 'recentSettledMeanOffset'],
    text: (row) =>
      Math.round(row[COL.trend]) === 0
        ? "recent invoices paid as usual for this customer"
        : `recent invoices paid ${days(row[COL.trend])} ${row[COL.trend] > 0 ? 'later' : 'earlier'} than the customer's average`,
    value: (row) => round1(row[COL.trend]),
  },
  {
    factor: 'dispute',
    prefixes: ['disputed', 'disputedCustomerEffect', 'disputeRate'],
    text: (row, state) =>
      row[COL.disputed]
        ? `invoice is disputed: disputed invoices are paid ${days(state.features.effects.disputed)} later on average`
        : row[COL.historyCount] === 0
          ? `invoice not disputed; with no history of its own, the customer is taken to dispute ${pct(row[COL.disputeRate])} of invoices, as similar customers do`
          : `invoice not disputed; the customer disputes ${pct(row[COL.disputeRate])} of invoices`,
    value: (row) => row[COL.disputed] === 1,
  },
  {
    factor: 'billingChannel',
    prefixes: ['sentOnPaper', 'channelUnknown'],
    text: (row, state) =>
      row[COL.sentOnPaper]
        ? `sent on paper: paper invoices are paid ${days(state.features.effects.paper)} later on average`
        : row[COL.channelUnknown]
          ? 'billing channel unknown'
          : 'sent electronically (paperless)',
    value: (row) => (row[COL.sentOnPaper] ? 'paper' : row[COL.channelUnknown] ? null : 'electronic'),
  },
  {
    factor: 'amount',
    prefixes: ['logAmountRatio'],
    text: (row) => `amount is ${round1(Math.exp(row[COL.logAmountRatio]))}× the customer's usual invoice`,
    value: (row) => round1(Math.exp(row[COL.logAmountRatio])),
  },
  {
    factor: 'openInvoices',
    prefixes: ['openCount', 'overdueOpenCount', 'openAmountRatio', 'oldestOpenDaysOverdue'],
    text: (row) =>
      `${row[COL.openCount]} other open invoice${row[COL.openCount] === 1 ? '' : 's'}` +
      (row[COL.oldestOpenDaysOverdue] > 0 ? `, oldest ${days(row[COL.oldestOpenDaysOverdue])} overdue` : ''),
    value: (row) => row[COL.openCount],
  },
  { factor: 'terms', prefixes: ['termsDays'], text: (row) => `payment terms of ${days(row[COL.termsDays])}`, value: (row) => row[COL.termsDays] },
  {
    factor: 'promisesKept',
    prefixes: ['promiseKeptRate'],
    text: (row) => {
      const made = row[COL.promisesKept] + row[COL.promisesBroken];
      return made ? `kept ${row[COL.promisesKept]} of ${made} promises to pay` : 'no promise to pay on record';
    },
    value: (row) => round1(row[COL.promiseKeptRate]),
  },
  { factor: 'engagement', prefixes: ['replyRate'], text: (row) => `answers ${pct(row[COL.replyRate])} of reminders`, value: (row) => round1(row[COL.replyRate]) },
  {
    factor: 'externalRisk',
    prefixes: ['externalRisk', 'externalRiskMissing'],
    text: (row) => (row[COL.externalRiskMissing] ? 'no external risk score' : `external risk score ${Math.round(row[COL.externalRisk])}`),
    value: (row) => (row[COL.externalRiskMissing] ? null : row[COL.externalRisk]),
  },
  {
    factor: 'seasonality',
    prefixes: ['dueMonthSin', 'dueMonthCos', 'dueAtQuarterEnd', 'dueOnWeekend'],
    text: (row, _state, invoice) => {
      const month = MONTHS[Number(invoice.dueDate.slice(5, 7)) - 1];
      return row[COL.dueAtQuarterEnd] ? `due at the close of a quarter (${month})` : `due in ${month}`;
    },
    value: (row) => row[COL.dueAtQuarterEnd] === 1,
  },
  {
    factor: 'paymentMethod',
    prefixes: ['paymentMethod:'],
    text: (row, state) => {
      const method = lastMethod(row, state);
      return method ? `last paid by ${methodWords(method)}` : 'last payment by another method';
    },
    value: (row, state) => lastMethod(row, state),
  },
];

const HISTORY_GROUP = GROUPS.findIndex((g) => g.factor === 'paymentHistory');

/** Which group each location column belongs to, computed once per model. */
function groupIndex(state: PaymentDelayState): Int32Array {
  return Int32Array.from(state.location.names, (name) => GROUPS.findIndex((g) => g.prefixes.some((p) => (p.endsWith(':') ? name.startsWith(p) : name === p))));
}

/** Ranks the factors of one model; reuses its buffers, so one per predictor (not shared across threads). */
export class FactorRanker {
  private readonly groupOf: Int32Array;
  private readonly byColumn: Float64Array;
  private readonly weights = new Float64Array(GROUPS.length);

  constructor(private readonly state: PaymentDelayState) {
    this.groupOf = groupIndex(state);
    this.byColumn = new Float64Array(state.location.columns.length);
  }

  /** The factors that move this invoice's expected payment date most, largest first. */
  top(row: Row, invoice: InvoiceRecord): Reason[] {
    const { weights, groupOf, state } = this;
    const byColumn = contributions(state.location, row, this.byColumn);
    weights.fill(0);
    for (let j = 0; j < byColumn.length; j++) if (groupOf[j] >= 0) weights[groupOf[j]] += byColumn[j];
    const reasons: Reason[] = [];
    let used = 0; // bit set of groups already reported
    while (reasons.length < MAX_REASONS) {
      let best = -1;
      for (let g = 0; g < weights.length; g++) {
        const w = Math.abs(weights[g]);
        if (w >= MIN_WEIGHT_DAYS && !(used & (1 << g)) && (best < 0 || w > Math.abs(weights[best]))) best = g;
      }
      if (best < 0) break;
      used |= 1 << best;
      reasons.push(this.reason(best, row, invoice));
    }
    // The customer's own record (or its absence) is the first thing a collector asks about.
    if (!(used & (1 << HISTORY_GROUP))) reasons.push(this.reason(HISTORY_GROUP, row, invoice));
    return reasons;
  }

  private reason(g: number, row: Row, invoice: InvoiceRecord): Reason {
    const group = GROUPS[g];
    return { factor: group.factor, text: group.text(row, this.state, invoice), weight: round1(this.weights[g]), value: group.value(row, this.state) };
  }
}
