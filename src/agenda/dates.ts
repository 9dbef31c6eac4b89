// Calendar days as integers (days since 1970-01-01, UTC), so day arithmetic
// never meets a time zone or a daylight-saving hour.
import type { IsoDate } from './types.js';
import { MAX_YEAR, MIN_YEAR } from '../util/bounds.js';

const MS_PER_DAY = 86_400_000;
const ISO = /^\d{4}-\d{2}-\d{2}$/;

export function isIsoDate(s: unknown): s is IsoDate {
  if (typeof s !== 'string' || !ISO.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
}

/** A calendar day within the years the service stores (util/bounds.ts), as safeDateSql reads one in SQL. */
export const isStoredDay = (s: unknown): s is IsoDate => isIsoDate(s) && s >= `${MIN_YEAR}-01-01` && s <= `${MAX_YEAR}-12-31`;

export function dayOf(iso: IsoDate): number {
  return Math.round(Date.parse(`${iso}T00:00:00Z`) / MS_PER_DAY);
}

export function isoOf(day: number): IsoDate {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  return isoOf(dayOf(iso) + days);
}

/** b − a in days. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayOf(b) - dayOf(a);
}

export function todayIso(now: Date = new Date()): IsoDate {
  return now.toISOString().slice(0, 10);
}

export const minIso = (dates: IsoDate[]): IsoDate => dates.reduce((a, b) => (b < a ? b : a));
export const maxIso = (dates: IsoDate[]): IsoDate => dates.reduce((a, b) => (b > a ? b : a));
