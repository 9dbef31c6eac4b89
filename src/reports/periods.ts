// Report periods: calendar months ending on their last day, the current one
// ending on the as-of date (month to date).
import { addDays, dayOf } from '../agenda/dates.js';
import type { IsoDate } from '../agenda/types.js';

export interface Month {
  /** 'YYYY-MM' */
  month: string;
  start: IsoDate;
  /** Last day of the month, or the as-of date for the current month. */
  end: IsoDate;
  days: number;
}

export const monthOf = (d: IsoDate): string => d.slice(0, 7);

export function monthStart(d: IsoDate): IsoDate {
  return `${d.slice(0, 7)}-01`;
}

/** First day of the month `k` months after the month of `d` (k may be negative). */
export function shiftMonth(d: IsoDate, k: number): IsoDate {
  const y = Number(d.slice(0, 4));
  const m = Number(d.slice(5, 7)) - 1 + k;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
}

export function monthEnd(d: IsoDate): IsoDate {
  return addDays(shiftMonth(d, 1), -1);
}

export function daysInMonth(d: IsoDate): number {
  return dayOf(monthEnd(d)) - dayOf(monthStart(d)) + 1;
}

/** The `count` months ending with the month of `asOf`, oldest first; the last ends on `asOf`. */
export function trendMonths(asOf: IsoDate, count: number): Month[] {
  const out: Month[] = [];
  for (let k = count - 1; k >= 0; k--) {
    const start = shiftMonth(asOf, -k);
    const end = k === 0 ? asOf : monthEnd(start);
    out.push({ month: monthOf(start), start, end, days: dayOf(end) - dayOf(start) + 1 });
  }
  return out;
}
