// Which review an overrun is. Its key names the day it began, read back from
// the ledger, so it holds while the overrun lasts and a new overrun, after
// the balance went back under, is a new review. Growing older than the
// look-back must not change it: the collector who closed its review would get
// a new one the next day. Pure.
import type { OverrunKind } from './exposure.js';
import type { OverrunStart } from './types.js';

/** `risk:limit:c12:`: the prefix of every dated key of this customer's overruns of this kind. */
export const overrunKeyPrefix = (kind: OverrunKind, customerId: number) => `risk:${kind}:c${customerId}:`;

/** What stands for the day in the key of an overrun that began before the look-back, with no dated key to take back. */
const UNDATED = 'long';

export interface OverrunIdentity {
  /** The base of its reviews' keys: `risk:limit:c12:2026-10-02`, or `risk:limit:c12:long` past the look-back. */
  base: string;
  /** Since when, as its key says. */
  since: OverrunStart;
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

export function overrunIdentity(kind: OverrunKind, customerId: number, start: OverrunStart): OverrunIdentity {
  const since = keyedStart(start);
  return { base: `${overrunKeyPrefix(kind, customerId)}${since.atLeast ? UNDATED : since.on}`, since };
}
