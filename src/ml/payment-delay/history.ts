// Running aggregates of one customer's settled invoices, updated one settlement at a
// time in settlement order. Features read a snapshot of it as of a scoring date,
// which is what makes them leak-free and one-pass: nothing settled on or after the
// scoring date has been added yet.

/** How much an invoice attribute shifts the payment date, in days (learned by the model). */
export interface InvoiceEffects {
  disputed: number;
  paper: number;
}

export const NO_EFFECTS: InvoiceEffects = { disputed: 0, paper: 0 };

/** Size of the "last N invoices" window collectors quote ("9 of the last 10 paid late"). */
export const RECENT_WINDOW = 10;
/** Weight of the latest invoice in the recent-behaviour average (trend). */
const EWMA_ALPHA = 0.25;

export interface SettledInvoice {
  /** Settlement minus due date, days (negative: paid early). */
  offset: number;
  /** Day number of the settlement. */
  settleDay: number;
  /** Paid on the last business day on or before the due date (dates.ts dueBusinessDayOffset). */
  onDueBusinessDay: boolean;
  disputed: boolean;
  paper: boolean;
  logAmount: number;
  paymentMethod: string | null;
  promiseKept: boolean | null;
  remindersSent: number;
  remindersAnswered: number;
}

/** Payment offset with the average effect of the invoice's own attributes removed. */
export function adjustedOffset(s: SettledInvoice, effects: InvoiceEffects): number {
  return s.offset - (s.disputed ? effects.disputed : 0) - (s.paper ? effects.paper : 0);
}

export class CustomerHistory {
  count = 0;
  lateCount = 0;
  /** Paid on the due date's business day. */
  dueDayCount = 0;
  sumDaysLate = 0;
  sumAdjusted = 0;
  sumAdjustedSq = 0;
  ewmaAdjusted = 0;
  disputedCount = 0;
  disputedLateCount = 0;
  disputedSumDaysLate = 0;
  undisputedLateCount = 0;
  undisputedSumDaysLate = 0;
  sumLogAmount = 0;
  promisesKept = 0;
  promisesBroken = 0;
  remindersSent = 0;
  remindersAnswered = 0;
  lastPaymentMethod: string | null = null;
  /** Ring buffers of the last RECENT_WINDOW offsets (raw, adjusted) and settlement days, in settlement order. */
  private readonly recent = new Float64Array(RECENT_WINDOW);
  private readonly recentAdjusted = new Float64Array(RECENT_WINDOW);
  private readonly recentSettleDay = new Float64Array(RECENT_WINDOW);
  private readonly scratch = new Float64Array(RECENT_WINDOW);

  constructor(private readonly effects: InvoiceEffects) {}

  reset(): void {
    this.count = this.lateCount = this.dueDayCount = this.sumDaysLate = this.sumAdjusted = this.sumAdjustedSq = 0;
    this.ewmaAdjusted = this.disputedCount = this.disputedLateCount = this.disputedSumDaysLate = 0;
    this.undisputedLateCount = this.undisputedSumDaysLate = this.sumLogAmount = 0;
    this.promisesKept = this.promisesBroken = this.remindersSent = this.remindersAnswered = 0;
    this.lastPaymentMethod = null;
  }

  add(s: SettledInvoice): void {
    const daysLate = s.offset > 0 ? s.offset : 0;
    const late = s.offset > 0 ? 1 : 0;
    const adj = adjustedOffset(s, this.effects);
    const slot = this.count % RECENT_WINDOW;
    this.recent[slot] = s.offset;
    this.recentAdjusted[slot] = adj;
    this.recentSettleDay[slot] = s.settleDay;
    this.ewmaAdjusted = this.count === 0 ? adj : this.ewmaAdjusted + EWMA_ALPHA * (adj - this.ewmaAdjusted);
    this.count++;
    this.lateCount += late;
    if (s.onDueBusinessDay) this.dueDayCount++;
    this.sumDaysLate += daysLate;
    this.sumAdjusted += adj;
    this.sumAdjustedSq += adj * adj;
    if (s.disputed) {
      this.disputedCount++;
      this.disputedLateCount += late;
      this.disputedSumDaysLate += daysLate;
    } else {
      this.undisputedLateCount += late;
      this.undisputedSumDaysLate += daysLate;
    }
    this.sumLogAmount += s.logAmount;
    if (s.promiseKept === true) this.promisesKept++;
    else if (s.promiseKept === false) this.promisesBroken++;
    this.remindersSent += s.remindersSent;
    this.remindersAnswered += Math.min(s.remindersAnswered, s.remindersSent);
    if (s.paymentMethod) this.lastPaymentMethod = s.paymentMethod;
  }

  get recentCount(): number {
    return Math.min(this.count, RECENT_WINDOW);
  }

  /** Offsets of the last RECENT_WINDOW settled invoices, sorted ascending (scratch view). */
  private sortedRecent(): Float64Array {
    const n = this.recentCount;
    const out = this.scratch;
    for (let i = 0; i < n; i++) {
      const v = this.recent[i];
      let j = i - 1;
      while (j >= 0 && out[j] > v) {
        out[j + 1] = out[j];
        j--;
      }
      out[j + 1] = v;
    }
    return out;
  }

  recentLateCount(): number {
    let late = 0;
    for (let i = 0; i < this.recentCount; i++) if (this.recent[i] > 0) late++;
    return late;
  }

  /** Median offset of the last invoices; NaN without history. */
  recentMedianOffset(): number {
    const n = this.recentCount;
    if (n === 0) return NaN;
    const s = this.sortedRecent();
    return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  /** Sum of the adjusted offsets of the last min(n, recentCount) settled invoices. */
  lastSumAdjusted(n: number): number {
    const m = Math.min(n, this.recentCount);
    let s = 0;
    for (let i = 1; i <= m; i++) s += this.recentAdjusted[(this.count - i) % RECENT_WINDOW];
    return s;
  }

  /**
   * Invoices settled on or after `fromDay` among the last RECENT_WINDOW settled
   * (a customer settling more than that within the window is capped there):
   * how many, and the sum of their adjusted offsets.
   */
  settledSince(fromDay: number): { count: number; sumAdjusted: number } {
    let count = 0;
    let sumAdjusted = 0;
    for (let i = 0; i < this.recentCount; i++) {
      if (this.recentSettleDay[i] >= fromDay) {
        count++;
        sumAdjusted += this.recentAdjusted[i];
      }
    }
    return { count, sumAdjusted };
  }

  meanAdjusted(): number {
    return this.count ? this.sumAdjusted / this.count : NaN;
  }

  /** Sum of squared deviations of adjusted offsets from their mean. */
  adjustedSquaredDeviation(): number {
    return this.count ? Math.max(0, this.sumAdjustedSq - (this.sumAdjusted * this.sumAdjusted) / this.count) : 0;
  }
}
