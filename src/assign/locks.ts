// Manual overrides: a person locks what rules must never change on a customer
// (a collector chosen by hand, a scenario negotiated with the client). The
// names are the targets' own (collector, dunningScenario, salesRep, adv, a
// feature switch, group:<id>, or groups for every group).
import { AR_ERR } from '../errors.js';
import type { Db, Queryable } from '../db/sql.js';
import { atVersion, missedVersion, versionsParam, type ExpectedVersions } from '../db/versioned.js';
import { groupOf, isGroupTarget, isLockKey } from './targets.js';
import { isCollectorActor, lockDetails, lockDiff, recordLockChanges, type LockAction, type LockDetail } from './lock-changes.js';

export interface Locks {
  lockedFields: string[];
  /** Moved on by every change of the locks (not by imports): their ETag. */
  version: number;
  /** Who locked each of lockedFields, when and why, in the same order. */
  locks: LockDetail[];
}

type LockRow = Omit<Locks, 'locks'> & { id: number };

export async function readLocks(q: Queryable, externalId: string): Promise<Locks> {
  const [row] = await q.query<LockRow>(
    'SELECT id, COALESCE(locked_fields, ARRAY[]::text[]) AS "lockedFields", locks_version AS version FROM customers WHERE external_id = $1',
    [externalId],
  );
  if (!row) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
  return withDetails(q, row);
}

async function withDetails(q: Queryable, { id, ...locks }: LockRow): Promise<Locks> {
  return { ...locks, locks: await lockDetails(q, id, locks.lockedFields) };
}

export interface LockOptions {
  /** A collector's externalId: locks only on that collector's customers. */
  asCollector?: string;
  /** The versions of the locks the change was made on (If-Match). */
  expected?: ExpectedVersions;
  /** Who changes the locks (`<role>#<key fingerprint>`), for the audit. */
  actor?: string | null;
  /** Why, in the person's words, for the audit. */
  reason?: string | null;
}

/**
 * Locks and unlocks fields, and audits each field it actually locked or
 * unlocked in the same transaction: a lock is never without its who and why.
 */
export async function setLocks(db: Db, externalId: string, lock: string[], unlock: string[], options: LockOptions = {}): Promise<Locks> {
  const { asCollector, expected = null, actor = null, reason = null } = options;
  const bad = [...lock, ...unlock].filter((k) => !isLockKey(k));
  if (bad.length > 0) {
    throw AR_ERR.VALIDATION([
      `cannot lock ${bad.map((b) => `"${b}"`).join(', ')}: lock collector, dunningScenario, salesRep, adv, ` +
        'interactiveEmails, latePenalties, recoveryFee, ndCover, groups or group:<group id>',
    ]);
  }
  const both = lock.filter((k) => unlock.includes(k));
  if (both.length > 0) throw AR_ERR.VALIDATION([`${both.map((b) => `"${b}"`).join(', ')} cannot be both locked and unlocked in one request`]);
  await refuseUnknownGroups(db, lock);
  const inPortfolio = '($2::text IS NULL OR collector_id = (SELECT id FROM collectors WHERE external_id = $2))';
  const saved = await db.transaction(async (tx) => {
    // Held until commit: the fields before are those this update changes. NO KEY
    // UPDATE, as the update takes: FOR UPDATE would also wait for (and block)
    // every membership or audit row being written for the customer.
    const [before] = await tx.query<{ lockedFields: string[] }>(
      'SELECT COALESCE(locked_fields, ARRAY[]::text[]) AS "lockedFields" FROM customers WHERE external_id = $1 FOR NO KEY UPDATE',
      [externalId],
    );
    const [row] = await tx.query<LockRow>(
      `UPDATE customers SET locked_fields = ARRAY(
         SELECT DISTINCT x FROM unnest(COALESCE(locked_fields, ARRAY[]::text[]) || $3::text[]) x WHERE NOT (x = ANY($4::text[])) ORDER BY x
       ), locks_version = locks_version + 1, updated_at = now()
       WHERE external_id = $1 AND ${inPortfolio} AND ${atVersion(5, 'locks_version')}
       RETURNING id, locked_fields AS "lockedFields", locks_version AS version`,
      [externalId, asCollector ?? null, lock, unlock, versionsParam(expected)],
    );
    if (!row) return null;
    const changes = lockDiff(before.lockedFields, row.lockedFields);
    // Thrown inside the transaction: the whole request is undone, its locks included.
    if (asCollector) await refuseLiftingCreditManagersLocks(tx, row.id, externalId, changes);
    await recordLockChanges(tx, row.id, changes, { actor, reason });
    return withDetails(tx, row);
  });
  if (saved) return saved;
  const [row] = await db.query<{ version: number; mine: boolean | null }>(
    `SELECT locks_version AS version, ${inPortfolio} AS mine FROM customers WHERE external_id = $1`,
    [externalId, asCollector ?? null],
  );
  if (!row && expected === null) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
  // Before the version: another portfolio's locks are not the collector's to learn about.
  if (row && !row.mine) {
    throw AR_ERR.FORBIDDEN(['collector', `lock assignments of customer "${externalId}": it is not in collector "${asCollector}"'s portfolio`]);
  }
  throw missedVersion('The lock list of customer', externalId, row?.version, expected);
}

// A collector overrides rules on their portfolio, not a credit manager's
// decision: what an analyst or admin locked stays until one of them lifts it.
// A lock from before locks were audited has no author: it may be a credit
// manager's, so it is taken as one. Read under the customer's row lock, so the
// latest lock of each field is the one this change lifts.
async function refuseLiftingCreditManagersLocks(
  q: Queryable,
  customerId: number,
  externalId: string,
  changes: { field: string; action: LockAction }[],
): Promise<void> {
  const unlocked = changes.filter((c) => c.action === 'unlock').map((c) => c.field);
  if (unlocked.length === 0) return;
  const refused = (await lockDetails(q, customerId, unlocked)).filter((d) => !isCollectorActor(d.lockedBy));
  if (refused.length === 0) return;
  const whose = refused.map((d) =>
    `"${d.field}" of customer "${externalId}": ${d.lockedBy ? `locked by ${d.lockedBy}` : 'locked before locks were audited, by someone unknown'}`);
  throw AR_ERR.FORBIDDEN(
    ['collector', `unlock ${whose.join('; ')}. Only an analyst or an admin lifts a lock a collector did not make`],
    { locks: refused },
  );
}

// A lock on a group that does not exist would hold nothing and read as a
// decision someone made. Unlocking one stays allowed: the group may be gone.
async function refuseUnknownGroups(q: Queryable, lock: string[]): Promise<void> {
  const groups = lock.filter(isGroupTarget).map(groupOf);
  if (groups.length === 0) return;
  const known = await q.query<{ externalId: string }>('SELECT external_id AS "externalId" FROM customer_groups WHERE external_id = ANY($1::text[])', [groups]);
  const unknown = groups.filter((g) => !known.some((k) => k.externalId === g));
  if (unknown.length > 0) throw AR_ERR.VALIDATION([`cannot lock group ${unknown.map((g) => `"${g}"`).join(', ')}: no such customer group`]);
}
