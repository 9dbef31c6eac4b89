// What the reports of one date (the overdue statement, the aged balance by
// customer) share: the parameters of their SQL, the head of their answer, and
// page cursors that name the date and the parameters before the last row's
// key. Without the date, the next page of today's report asked after midnight
// UTC, or with another asOf, would continue another report (other rows, days
// past due, totals) as if it were the same one; without the parameters, a
// cursor asked with another collector, segment, currency or minDaysOverdue
// would start the other report after a row of the first one.
import { createHash } from 'node:crypto';
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

/** A report's parameters besides its date, by their query-string name; null (false for a switch) when not asked for. */
export type CursorParams = Record<string, string | number | boolean | null | undefined>;

/** The parameters a report of one date is asked with: its filters, and `more` of its own. */
export const cursorParams = (q: OneDate, more: CursorParams = {}): CursorParams => ({ ...filtersOf(q.scope), ...more });

/** Free text (an externalId, a segment) is written as a short digest, so a cursor stays short whatever it names. */
const HASHED = new Set(['collector', 'segment', 'group']);
const digest = (value: string) => `*${createHash('sha256').update(value).digest('base64url').slice(0, 10)}`;

/** The parameters a page was asked with, in the cursor: `currency=USD&collector=*…` (`*`: a digest; URLSearchParams leaves it as it is), those not asked for left out. */
function paramsTag(params: CursorParams): string {
  const asked = Object.entries(params).filter((e): e is [string, string | number | true] => e[1] !== null && e[1] !== undefined && e[1] !== false);
  return new URLSearchParams(asked.map(([name, v]): [string, string] => [name, HASHED.has(name) ? digest(String(v)) : String(v)])).toString();
}

/** What to ask instead when `name` was not asked as the cursor's page was (`asked`: as it is now, null when not). */
function mismatch(name: string, issued: string | null, asked: string | null): string {
  if (issued === null) return `was given without ${name}: ask without ${name}, or start again without after`;
  // A digest names no value: the client has it, in the request of the page before.
  if (issued.startsWith('*')) return `was given for ${asked === null ? 'a' : 'another'} ${name}: ask with the ${name} of the page it came from, or start again without after`;
  return `was given for ${name}=${issued}: ask for ${name}=${issued}, or start again without after`;
}

/** The cursor after a page's last row: the report's date and parameters, then the row's key. */
export const datedCursor = (asOf: IsoDate, params: CursorParams, key: readonly string[]): string => encodeKeyCursor([asOf, paramsTag(params), ...key]);

/**
 * The key a cursor names after its date and parameters; a 400 for one the
 * report cannot have given (`valid` refuses its key: a value the query would
 * fail on), or one of another date's report, or of the same date asked with
 * other parameters (naming the first that differs). `report` names it in the
 * problem ("statement").
 */
export function datedCursorKey(after: string, asOf: IsoDate, params: CursorParams, size: number, valid: (key: string[]) => boolean, report: string): string[] {
  const cursor = decodeKeyCursor(after, size + 2);
  if (cursor === null) {
    // Before cursors carried their parameters (December 2026) they held the date and the key only.
    const old = decodeKeyCursor(after, size + 1);
    if (old !== null && isIsoDate(old[0])) throw invalidAt('querystring/after', `is a cursor of an earlier version, which did not record the ${report}'s parameters: start again without after`);
  }
  if (cursor === null || !isIsoDate(cursor[0]) || !valid(cursor.slice(2))) {
    throw invalidAt('querystring/after', `is not a cursor this ${report} gave (its nextCursor)`);
  }
  const [date, tag, ...key] = cursor;
  if (date !== asOf) throw invalidAt('querystring/after', `continues the ${report} as of ${date}: ask for asOf=${date}, or start again without after`);
  const issued = new URLSearchParams(tag);
  const now = new URLSearchParams(paramsTag(params));
  const differs = [...new Set([...issued.keys(), ...now.keys()])].find((name) => issued.get(name) !== now.get(name));
  if (differs !== undefined) throw invalidAt('querystring/after', `continues the ${report} asked otherwise: it ${mismatch(differs, issued.get(differs), now.get(differs))}`);
  return key;
}
