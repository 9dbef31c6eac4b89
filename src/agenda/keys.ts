// Dedupe keys: the identity of a suggestion across planning runs. Two shapes:
//
// - episodic: one situation, one action, ever. A broken promise is keyed by its
//   promised date, a scenario step by step and group, an email by message.
//   Once closed, the same key is never planned again.
// - recurring: `<base>#<n>`, a follow-up that comes back while the situation
//   lasts (a dispute still open, a drift alert still on). n counts the closed
//   actions of the base, so closing one makes room for the next; the next one
//   waits `every` days after a person closed the last.
import { addDays, maxIso } from './dates.js';
import type { Closure, IsoDate } from './types.js';

export const RECURRING_SEPARATOR = '#';

/**
 * The planner owns the actions whose keys start with these: only those are
 * updated, cancelled or hidden as stale by it. Actions other code writes
 * (manual ones, rules) keep other keys, or none, and are left alone.
 */
export const PLANNER_KEY_PREFIXES = ['scenario:', 'qual:', 'ml:', 'risk:'] as const;

export const isPlannerKey = (key: string | null): key is string => !!key && PLANNER_KEY_PREFIXES.some((p) => key.startsWith(p));

/** SQL condition: `col` is a planner key. */
export const plannerKeySql = (col: string) => `(${PLANNER_KEY_PREFIXES.map((p) => `${col} LIKE '${p}%'`).join(' OR ')})`;

export interface Recurrence {
  dedupeKey: string;
  dueDate: IsoDate;
}

/**
 * The next occurrence of a recurring suggestion: due `firstAfter` days after
 * the anchor, then `every` days after the last time a person closed one,
 * under this base or, `closedElsewhereOn`, under a key the same situation had
 * before (n still counts this base's closures: it only keeps keys apart).
 */
export function recurrence(
  base: string,
  closures: Map<string, Closure>,
  anchor: IsoDate,
  firstAfter: number,
  every: number,
  closedElsewhereOn: IsoDate | null = null,
): Recurrence {
  const c = closures.get(base);
  const first = addDays(anchor, firstAfter);
  const closedOn = [c?.lastClosedByPersonOn ?? null, closedElsewhereOn].filter((d): d is IsoDate => d !== null);
  const again = closedOn.length ? addDays(maxIso(closedOn), every) : first;
  return { dedupeKey: `${base}${RECURRING_SEPARATOR}${c?.closed ?? 0}`, dueDate: maxIso([first, again]) };
}

/** Key parts come from data (resolution owners): keep them to one safe token. */
export const keyPart = (s: string | null | undefined): string =>
  (s ?? '').trim().toLowerCase().replace(/[^a-z0-9._-]+/g, '-').slice(0, 60) || '-';

/**
 * Keys (and ISO days) in code-point order, as PostgreSQL's "C" collation sorts
 * them: the stored plan is paged in SQL and merged with customers planned
 * live in JS, so both must break ties alike (localeCompare follows the locale).
 */
export const codePointOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
