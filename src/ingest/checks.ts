// Rules on import values that their type alone cannot state: codes, time
// zones, and the order of the dates and times of one row. Each returns the
// reason a row is refused, in words, or null.

import { quote } from '../util/quote.js';

export type RowCheck = (row: Record<string, unknown>) => string | null;
export type ValueCheck = (value: string) => string | null;

// ICU names every assigned region; AA, QM-QZ, XA-XZ (but Kosovo's XK) and ZZ are private use or 'unknown'.
const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
const PRIVATE_REGION = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ)$/;
function knownCountry(v: string): boolean {
  return /^[A-Z]{2}$/.test(v) && !PRIVATE_REGION.test(v) && regionNames.of(v) !== undefined;
}
// The currencies in use (ISO 4217 as ICU ships it): a typo like EUO names none of them.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export const countryCode: ValueCheck = (v) => (knownCountry(v) ? null : `must be an ISO 3166 alpha-2 country code in capitals (FR, US), got ${quote(v)}`);
export const currencyCode: ValueCheck = (v) => (CURRENCIES.has(v) ? null : `must be an ISO 4217 currency code in capitals (EUR, USD), got ${quote(v)}`);

// Intl knows the IANA zones and their aliases, in any case; a file repeats few zones, so each is resolved once.
const zones = new Map<string, string | null>();
function zoneName(v: string): string | null {
  let name = zones.get(v);
  if (name === undefined) {
    try {
      name = new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
    } catch {
      name = null;
    }
    if (zones.size < 10_000) zones.set(v, name);
  }
  return name;
}
export const timeZone: ValueCheck = (v) => (zoneName(v) !== null ? null : `must be an IANA time zone (Europe/Paris, America/Chicago), got ${quote(v)}`);
/**
 * The name Intl gives a zone `timeZone` accepted: europe/paris is Europe/Paris,
 * US/Eastern America/New_York, so one zone is stored, searched and grouped by one name.
 */
export const canonicalZone = (v: string): string => zoneName(v) ?? v;

/** Dates (YYYY-MM-DD) compare as text. */
export function dateOrder(first: string, second: string): RowCheck {
  return (row) => {
    const a = row[first];
    const b = row[second];
    return typeof a === 'string' && typeof b === 'string' && b < a ? `${second} is before ${first}` : null;
  };
}

// The platform's send log and the mailbox that saw the reply run on different
// clocks: a few minutes either way is skew, not an error.
const CLOCK_SKEW_MS = 5 * 60_000;

/** Times carry offsets, so they compare as instants, not as text. */
export function instantsAfter(first: string, later: string[]): RowCheck {
  return (row) => {
    const a = row[first];
    if (typeof a !== 'string') return null;
    const start = Date.parse(a);
    for (const name of later) {
      const b = row[name];
      if (typeof b === 'string' && Date.parse(b) < start - CLOCK_SKEW_MS) return `${name} is before ${first}`;
    }
    return null;
  };
}

/**
 * `second` may come before `first`, but by at most `maxDays`: an invoice paid
 * ahead (a deposit, a pro forma) is settled days or weeks before it is issued,
 * not decades, and a delay of -46,000 days would lead every baseline astray.
 */
export function notLongBefore(first: string, second: string, maxDays: number): RowCheck {
  return (row) => {
    const a = row[first];
    const b = row[second];
    if (typeof a !== 'string' || typeof b !== 'string' || b >= a) return null;
    const days = Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);
    return days > maxDays ? `${second} is ${days} days before ${first} (at most ${maxDays} for a payment made ahead)` : null;
  };
}

export function allOf(...checks: RowCheck[]): RowCheck {
  return (row) => {
    for (const check of checks) {
      const reason = check(row);
      if (reason) return reason;
    }
    return null;
  };
}

/** An amount as written in a reason: cents always (150.00), the third and fourth decimals when there are any (1.234). */
const amountText = (x: string) => `CASE WHEN scale(trim_scale(${x})) <= 2 THEN round(${x}, 2)::text ELSE trim_scale(${x})::text END`;

/**
 * Allocations that, with those already stored (less the ones the file
 * replaces), would allocate more than the payment received or the invoice's
 * amount: open balances would turn negative and every aging figure with them.
 * Only the payments or invoices the file touches are summed.
 */
export function overAllocated(table: 'payments' | 'invoices', kind: 'payment' | 'invoice'): string {
  const ref = `f_${kind}_external_id`;
  return `
WITH touched AS (SELECT DISTINCT ${ref} AS ext FROM stg),
after AS (
  SELECT t.external_id AS ext, a.amount, NULL::integer AS line
  FROM payment_allocations a JOIN ${table} t ON t.id = a.${kind}_id
  WHERE t.external_id IN (SELECT ext FROM touched) AND NOT EXISTS (SELECT 1 FROM stg WHERE stg.f_external_id = a.external_id)
  UNION ALL SELECT ${ref}, f_amount, line FROM stg
)
SELECT min(after.line) AS line,
       format('allocates %s to ${kind} "%s" in all, more than its amount %s', ${amountText('sum(after.amount)')}, t.external_id, ${amountText('t.amount')}) AS reason
FROM after JOIN ${table} t ON t.external_id = after.ext
GROUP BY t.external_id, t.amount
HAVING sum(after.amount) > t.amount
ORDER BY 1`;
}

/**
 * Invoices or payments whose new amount is below what is already allocated to
 * them: the allocations import refuses that sum, and an amount lowered under
 * it after the fact turned open balances negative all the same. Only rows
 * whose amount goes down are summed, so a file that lowers nothing costs one
 * join of the staged rows to their stored ones.
 */
export function underAllocated(table: 'payments' | 'invoices', kind: 'payment' | 'invoice'): string {
  return `
SELECT s.line,
       format('amount %s is below the %s already allocated to ${kind} "%s" (payment-allocations)', ${amountText('s.f_amount')}, ${amountText('a.allocated')}, t.external_id) AS reason
FROM stg s JOIN ${table} t ON t.external_id = s.f_external_id
CROSS JOIN LATERAL (SELECT sum(amount) AS allocated FROM payment_allocations WHERE ${kind}_id = t.id) a
WHERE s.f_amount < t.amount AND s.f_amount < a.allocated
ORDER BY s.line`;
}
