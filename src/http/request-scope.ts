// What a request may cover and on which day, shared by the agenda, reports,
// emails and Search & Assign routes: a collector key's own portfolio, the
// customers with no collector, and calendar days bounded ahead of today.
import type { FastifyRequest } from 'fastify';
import { AR_ERR, invalidAt } from '../errors.js';
import { Day } from './schemas/common.js';
import { addDays, isIsoDate, todayIso } from '../agenda/dates.js';

/**
 * The collector a request is limited to: the bound collector for a collector
 * key (asking for another one is refused), else the collector asked for, or
 * null for the whole portfolio.
 */
export function collectorScope(request: FastifyRequest, asked: string | undefined, action: string): { collector: string | null; restricted: boolean } {
  if (request.role !== 'collector') return { collector: asked ?? null, restricted: false };
  const bound = request.collectorExternalId;
  if (!bound) {
    throw AR_ERR.FORBIDDEN(['collector', `${action}: this API key is not bound to a collector (API_KEYS entry key:collector@<collector externalId>)`]);
  }
  if (asked !== undefined && asked !== bound) throw AR_ERR.FORBIDDEN(['collector', `${action} of collector "${asked}": a collector sees only their own`]);
  return { collector: bound, restricted: true };
}

/** A "none" switch beside a value of the same parameter contradicts itself: a 400 naming the switch rather than a choice between them. */
export function refuseBoth(none: boolean | undefined, one: string | undefined, noneName: string, oneName: string): void {
  if (none && one !== undefined) throw invalidAt(`querystring/${noneName}`, `asks for the customers with no ${oneName}, ${oneName}=${one} for those of one: ask for either`);
}

/** The customers with no collector (`noCollector`): refused beside a collector (400), and to a collector key (403): they are nobody's. */
export function refuseNoCollector(request: FastifyRequest, q: { collector?: string; noCollector?: boolean }, action: string): void {
  refuseBoth(q.noCollector, q.collector, 'noCollector', 'collector');
  if (q.noCollector && request.role === 'collector') throw AR_ERR.FORBIDDEN(['collector', `${action} of the customers with no collector: a collector sees only their own`]);
}

export const DateParam = Day();

/** A calendar date or today (UTC); 400 for a date that does not exist. */
export function dayOrToday(date: string | undefined, name = 'date'): string {
  if (date === undefined) return todayIso();
  if (!isIsoDate(date)) throw AR_ERR.VALIDATION([`${name} must be a calendar day as YYYY-MM-DD, got "${date}"`]);
  return date;
}

/** `date` (or today), refused with `refusal` when later than `daysAhead` days from today (UTC); `name` names it. */
export function dayNoLaterThan(date: string | undefined, daysAhead: number, refusal: (latest: string, day: string) => string, name = 'date'): string {
  const day = dayOrToday(date, name);
  const latest = addDays(todayIso(), daysAhead);
  if (day > latest) throw AR_ERR.VALIDATION([refusal(latest, day)]);
  return day;
}
