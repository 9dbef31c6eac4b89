// What the reports of one date (the overdue statement, the aged balance by
// customer) share: the parameters of their SQL, the head of their answer, and
// page cursors that name the date before the last row's key. Without the
// date, the next page of today's report asked after midnight UTC, or with
// another asOf, would continue another report (other rows, days past due,
// totals) as if it were the same one.
import type { IsoDate } from '../agenda/types.js';
import { isIsoDate } from '../agenda/dates.js';
import { decodeKeyCursor, encodeKeyCursor } from '../db/keyset.js';
import { invalidAt } from '../errors.js';
import type { Valuation } from './consolidation.js';
import { filtersOf, fxParams, methodOf, scopeParams, type ReportScope } from './series.js';

interface OneDate {
  asOf: IsoDate;
  scope: ReportScope;
}

/** OPEN_AT_SQL's $1 to $5, and the rates' $6 to $8 when consolidated. */
export const oneDateParams = (q: OneDate, fx: Valuation | null) => [[q.asOf], ...scopeParams(q.scope), q.scope.currency, ...fxParams(fx, () => [q.asOf])];

/** The answer's date, filters, method and, consolidated, the rates it used. */
export function oneDateHead(q: OneDate, method: string, fx: Valuation | null) {
  const consolidation = fx?.describe([q.asOf]);
  return { asOf: q.asOf, filters: filtersOf(q.scope), method: methodOf(method, consolidation), ...(consolidation && { consolidation }) };
}

/** The cursor after a page's last row: the report's date, then the row's key. */
export const datedCursor = (asOf: IsoDate, key: readonly string[]): string => encodeKeyCursor([asOf, ...key]);

/**
 * The key a cursor names after its date; a 400 for one the report cannot have
 * given (`valid` refuses its key: a value the query would fail on), or one of
 * another date's report. `report` names it in the problem ("statement").
 */
export function datedCursorKey(after: string, asOf: IsoDate, size: number, valid: (key: string[]) => boolean, report: string): string[] {
  const cursor = decodeKeyCursor(after, size + 1);
  if (cursor === null || !isIsoDate(cursor[0]) || !valid(cursor.slice(1))) {
    throw invalidAt('querystring/after', `is not a cursor this ${report} gave (its nextCursor)`);
  }
  const [date, ...key] = cursor;
  if (date !== asOf) throw invalidAt('querystring/after', `continues the ${report} as of ${date}: ask for asOf=${date}, or start again without after`);
  return key;
}
