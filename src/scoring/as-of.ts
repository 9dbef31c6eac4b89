// How far ahead a model is asked about: a what-if ("still unpaid on that day,
// when will it be paid?", "how will this customer behave then?") reaches a
// year ahead; an asOf in 2199 scored nothing anyone could know and answered
// payment dates in 2200.
import { addYears } from '../ml/payment-delay/dates.js';

/** The latest asOf scored when today (UTC) is `now`. */
export const latestAsOf = (now: string): string => addYears(now, 1);

/** Why `asOf` is beyond what is scored, for a 400 at /asOf; null when it is not. */
export function asOfBeyondReach(asOf: string, now: string): string | null {
  const latest = latestAsOf(now);
  return asOf > latest ? `is more than a year after today (${now} UTC): the latest asOf scored is ${latest}` : null;
}
