// The audit of manual locks: who locked or unlocked what on a customer, when
// and why. Written with the change of the locks, in its transaction; read for
// the locks' details and the customer's history.
import { isoSql, type Queryable } from '../db/sql.js';

export type LockAction = 'lock' | 'unlock';

export interface LockChange {
  id: number;
  at: string;
  field: string;
  action: LockAction;
  actor: string | null;
  reason: string | null;
}

/** Who holds a field locked: null for a lock made before locks were audited. */
export interface LockDetail {
  field: string;
  lockedAt: string | null;
  lockedBy: string | null;
  reason: string | null;
}

/**
 * Whether an audited actor is a collector's key. Actors are
 * `<role>[@<collector>]#<fingerprint>` (actorOf in src/http/plugins/auth.ts).
 */
export const isCollectorActor = (actor: string | null): boolean => actor !== null && /^collector[@#]/.test(actor);

const COLUMNS = `id, ${isoSql('created_at')} AS at, field, action, actor, reason`;

/**
 * What a change of the locks did: the fields it locked and those it unlocked.
 * Locking a field already locked, or unlocking one that was not, did nothing.
 */
export function lockDiff(before: readonly string[], after: readonly string[]): { field: string; action: LockAction }[] {
  return [
    ...after.filter((f) => !before.includes(f)).map((field) => ({ field, action: 'lock' as const })),
    ...before.filter((f) => !after.includes(f)).map((field) => ({ field, action: 'unlock' as const })),
  ];
}

export async function recordLockChanges(
  q: Queryable,
  customerId: number,
  changes: { field: string; action: LockAction }[],
  why: { actor: string | null; reason: string | null },
): Promise<void> {
  if (changes.length === 0) return;
  await q.query(
    `INSERT INTO lock_changes (customer_id, field, action, actor, reason)
     SELECT $1, f, a, $4, $5 FROM unnest($2::text[], $3::text[]) AS c(f, a)`,
    [customerId, changes.map((c) => c.field), changes.map((c) => c.action), why.actor, why.reason],
  );
}

/**
 * Each locked field with its latest audit row, when that row locked it. A lock
 * made before the audit has no row, or (written by hand) an unlock as latest:
 * unknown then, never another lock's who and why.
 */
export async function lockDetails(q: Queryable, customerId: number, lockedFields: readonly string[]): Promise<LockDetail[]> {
  const latest = await q.query<LockChange>(
    `SELECT DISTINCT ON (field) ${COLUMNS} FROM lock_changes
     WHERE customer_id = $1 AND field = ANY($2::text[]) ORDER BY field, id DESC`,
    [customerId, lockedFields],
  );
  return lockedFields.map((field) => {
    const row = latest.find((r) => r.field === field && r.action === 'lock');
    return { field, lockedAt: row?.at ?? null, lockedBy: row?.actor ?? null, reason: row?.reason ?? null };
  });
}

/** A customer's lock changes, newest first. */
export function lockHistory(q: Queryable, customerId: number, limit: number): Promise<LockChange[]> {
  return q.query<LockChange>(`SELECT ${COLUMNS} FROM lock_changes WHERE customer_id = $1 ORDER BY id DESC LIMIT $2`, [customerId, limit]);
}
