// ISO dates as integer day numbers. Features for a million invoices parse a few
// million dates, so this avoids `Date` objects and time zones altogether.
import { PaymentDelayInputError } from './errors.js';
import type { IsoDate } from './types.js';

const DIGIT_0 = 48;

function digits(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
export function civilToDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `YYYY-MM-DD` → day number; throws a domain error on anything else. */
export function dayOf(iso: IsoDate): number {
  if (typeof iso !== 'string' || iso.length !== 10 || iso[4] !== '-' || iso[7] !== '-') {
    throw new PaymentDelayInputError(`expected a date as YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  }
  const year = digits(iso, 0, 4);
  const month = digits(iso, 5, 7);
  const day = digits(iso, 8, 10);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31)) {
    throw new PaymentDelayInputError(`not a calendar date: ${iso}`);
  }
  return civilToDay(year, month, day);
}

export function dayOrNull(iso: IsoDate | null | undefined): number | null {
  return iso == null ? null : dayOf(iso);
}

export interface Civil {
  year: number;
  month: number;
  day: number;
}

/** Inverse of civilToDay (civil_from_days). */
export function dayToCivil(dayNumber: number): Civil {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Scoring a portfolio formats the same few hundred dates millions of times. */
const isoCache = new Map<number, IsoDate>();
const ISO_CACHE_LIMIT = 100_000;

export function isoOfDay(dayNumber: number): IsoDate {
  const d = Math.round(dayNumber);
  let iso = isoCache.get(d);
  if (iso === undefined) {
    const { year, month, day } = dayToCivil(d);
    iso = `${String(year).padStart(4, '0')}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
    if (isoCache.size >= ISO_CACHE_LIMIT) isoCache.clear();
    isoCache.set(d, iso);
  }
  return iso;
}

/** Add whole days to an ISO date. */
export function addDays(iso: IsoDate, days: number): IsoDate {
  return isoOfDay(dayOf(iso) + Math.round(days));
}

/** The same calendar day `years` later (earlier when negative); 29 February falls on the 28th in a year without one. */
export function addYears(iso: IsoDate, years: number): IsoDate {
  const { year, month, day } = dayToCivil(dayOf(iso));
  const shifted = civilToDay(year + years, month, day);
  // A day the month does not have rolls into the next month: step back to the month's last day.
  const overflow = dayToCivil(shifted).month === month ? 0 : dayToCivil(shifted).day;
  return isoOfDay(shifted - overflow);
}

/** 0 on Sunday .. 6 on Saturday (day 0 of the epoch was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/**
 * Offset from the due date of the last business day on or before it: 0 on a
 * weekday, -1 on a Saturday, -2 on a Sunday. Direct debits and customers who
 * pay "on the due date" pay then.
 */
export function dueBusinessDayOffset(dueDay: number): number {
  const weekday = weekdayOf(dueDay);
  return weekday === 6 ? -1 : weekday === 0 ? -2 : 0;
}
