// Expected cash per week from the payment-date distributions of open invoices.
// Each distribution is known at QUANTILE_LEVELS; between them the CDF is taken as
// linear (uniform mass), and the 5 % tails on each side spread over one more
// gap of the same width as their neighbour (same density as the next 5 %).
import { dayOf, isoOfDay } from './dates.js';
import { PaymentDelayInputError } from './errors.js';
import { QUANTILE_LEVELS, type IsoDate, type PaymentDateDistribution } from './types.js';

export interface OpenInvoiceForecast {
  /** Amount still to collect. */
  amount: number;
  distribution: PaymentDateDistribution;
}

export interface WeeklyCash {
  /** First day of the week (inclusive). */
  weekStart: IsoDate;
  /** Last day of the week (inclusive). */
  weekEnd: IsoDate;
  expectedAmount: number;
}

export interface CashForecast {
  weeks: WeeklyCash[];
  /** Expected to arrive after the last week. */
  afterHorizon: number;
  totalOpen: number;
}

/** P(payment offset < x) for a distribution given by quantiles at QUANTILE_LEVELS. */
export function quantileCdf(daysAfterDue: readonly number[], x: number): number {
  const q = daysAfterDue;
  const last = q.length - 1;
  if (q.length !== QUANTILE_LEVELS.length) throw new PaymentDelayInputError(`expected ${QUANTILE_LEVELS.length} quantiles, got ${q.length}`);
  const xs = [q[0] - (q[1] - q[0]), ...q, q[last] + (q[last] - q[last - 1])];
  const ps = [0, ...QUANTILE_LEVELS, 1];
  if (x < xs[0]) return 0;
  if (x >= xs[xs.length - 1]) return 1;
  // Last knot at or before x (ties: the highest level, i.e. a jump), then interpolate to the next knot beyond x.
  let i = 0;
  while (i + 1 < xs.length && xs[i + 1] <= x) i++;
  const j = i + 1;
  return ps[i] + ((ps[j] - ps[i]) * (x - xs[i])) / (xs[j] - xs[i]);
}

/**
 * Expected amount paid in each of `weeks` weeks starting on `from` (the scoring
 * date). An open invoice cannot be paid before `from`, so whatever mass the
 * distribution puts earlier counts in the first week.
 */
export function expectedCashByWeek(invoices: readonly OpenInvoiceForecast[], options: { from: IsoDate; weeks: number }): CashForecast {
  const { weeks } = options;
  if (!Number.isInteger(weeks) || weeks < 1) throw new PaymentDelayInputError('weeks must be a positive integer');
  const start = dayOf(options.from);
  const totals = new Float64Array(weeks);
  let afterHorizon = 0;
  let totalOpen = 0;
  for (const { amount, distribution } of invoices) {
    totalOpen += amount;
    const due = dayOf(distribution.dueDate);
    // Payment on day d is offset d − due; day boundaries sit half a day around it.
    let previous = 0;
    for (let w = 0; w < weeks; w++) {
      const cdf = quantileCdf(distribution.daysAfterDue, start + 7 * (w + 1) - due - 0.5);
      totals[w] += amount * (cdf - previous);
      previous = cdf;
    }
    afterHorizon += amount * (1 - previous);
  }
  return {
    weeks: [...totals].map((expectedAmount, w) => ({
      weekStart: isoOfDay(start + 7 * w),
      weekEnd: isoOfDay(start + 7 * w + 6),
      expectedAmount,
    })),
    afterHorizon,
    totalOpen,
  };
}
