// Which review an overrun is. Its key names the day it began, read back from
// the ledger, so it holds while the overrun lasts and a new overrun, after
// the balance went back under, is a new review. Two things would change that
// key under an overrun that did not change, and each would hand the collector
// who closed its review a new one the next day: the overrun growing older than
// the look-back, and the upgrade from the keys before dated ones. Pure.
import { maxIso } from './dates.js';
import type { OverrunKind } from './exposure.js';
import type { Closure, IsoDate, OverrunStart } from './types.js';

/** `risk:limit:c12:`: the prefix of every dated key of this customer's overruns of this kind. */
export const overrunKeyPrefix = (kind: OverrunKind, customerId: number) => `risk:${kind}:c${customerId}:`;

/** What stands for the day in the key of an overrun that began before the look-back, with no dated key to take back. */
const UNDATED = 'long';

export interface OverrunIdentity {
  /** The base of its reviews' keys: `risk:limit:c12:2026-10-02`, or `risk:limit:c12:long` past the look-back. */
  base: string;
  /** Since when, as its key says. */
  since: OverrunStart;
  /** The last day a person closed a review of it under a key without its day, if any. */
  closedUndatedOn: IsoDate | null;
}

/**
 * An overrun over on every eve the ledger is read back to began on or before
 * the look-back's first day, so of the days its reviews were keyed by, only
 * one at or before that day can be its own, and the latest such is: a later
 * overrun would have been keyed later. Taking that key back keeps the review
 * of a one-year-old overrun where it was, without reading every customer's
 * ledger further back than a year; reading it further for those customers
 * alone would be a second pass over their whole history for a day the key
 * already holds. It takes for granted that the agenda was planned or closed
 * at least once in the overrun's first year: an overrun that began before
 * then (before go-live) has no such key and keeps the undated one.
 */
function keyedStart(start: OverrunStart): OverrunStart {
  return start.atLeast && start.keyedOn !== undefined && start.keyedOn <= start.on ? { on: start.keyedOn, atLeast: false } : start;
}

/**
 * Closures under a key that names no day count for the overrun when made
 * while it lasted (on or after the day it began): the version before dated
 * keys had one per customer and kind (`risk:limit:c12#n`), and the undated
 * `:long` was the key of a dated overrun grown past the look-back before its
 * dated key was taken back. Made before that day, they reviewed another
 * overrun, or one that cannot be told apart.
 */
function closedUndated(prefix: string, base: string, since: OverrunStart, closures: Map<string, Closure>): IsoDate | null {
  const days = [prefix.slice(0, -1), `${prefix}${UNDATED}`]
    .filter((key) => key !== base)
    .map((key) => closures.get(key)?.lastClosedByPersonOn ?? null)
    .filter((day): day is IsoDate => day !== null && day >= since.on);
  return days.length ? maxIso(days) : null;
}

export function overrunIdentity(kind: OverrunKind, customerId: number, start: OverrunStart, closures: Map<string, Closure>): OverrunIdentity {
  const since = keyedStart(start);
  const prefix = overrunKeyPrefix(kind, customerId);
  const base = `${prefix}${since.atLeast ? UNDATED : since.on}`;
  return { base, since, closedUndatedOn: closedUndated(prefix, base, since, closures) };
}
