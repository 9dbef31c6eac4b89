// A customer's history as one timeline: what runs changed and what people
// locked or unlocked, newest first. A rule that "does not work" on a customer
// is often one a person locked out: the lock shows up beside the changes.
import type { Value } from './targets.js';
import type { LockChange } from './lock-changes.js';

/** A change a run made, as the customer's assignments list it. */
export interface RunChange {
  id: number;
  runId: number;
  at: string;
  field: string;
  old: Value;
  new: Value;
  ruleName: string | null;
  because?: string;
  requestedBy: string | null;
}

export type HistoryEntry =
  | { kind: 'assignment'; at: string; field: string; changeId: number; runId: number; old: Value; new: Value; ruleName: string | null; because: string; requestedBy: string | null }
  | { kind: 'lock' | 'unlock'; at: string; field: string; actor: string | null; reason: string | null };

/** The newest `limit` entries of both lists, each given newest first. */
export function customerHistory(changes: readonly RunChange[], locks: readonly LockChange[], limit: number): HistoryEntry[] {
  const entries: HistoryEntry[] = [
    ...changes.map((c) => ({
      kind: 'assignment' as const, at: c.at, field: c.field, changeId: c.id, runId: c.runId,
      old: c.old, new: c.new, ruleName: c.ruleName, because: c.because ?? '', requestedBy: c.requestedBy,
    })),
    ...locks.map((l) => ({ kind: l.action, at: l.at, field: l.field, actor: l.actor, reason: l.reason })),
  ];
  // ISO instants in UTC sort as text; the sort is stable, so a tie keeps each list's order.
  return entries.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}
