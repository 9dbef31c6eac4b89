// Manual overrides: a person locks what rules must never change on a customer
// (a collector chosen by hand, a scenario negotiated with the client). The
// names are the targets' own (collector, dunningScenario, salesRep, adv, a
// feature switch, group:<id>, or groups for every group).
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';
import { groupOf, isGroupTarget, isLockKey } from './targets.js';

export async function setLocks(q: Queryable, externalId: string, lock: string[], unlock: string[]): Promise<string[]> {
  const bad = [...lock, ...unlock].filter((k) => !isLockKey(k));
  if (bad.length > 0) {
    throw AR_ERR.VALIDATION([
      `cannot lock ${bad.map((b) => `"${b}"`).join(', ')}: lock collector, dunningScenario, salesRep, adv, ` +
        'interactiveEmails, latePenalties, recoveryFee, ndCover, groups or group:<group id>',
    ]);
  }
  const both = lock.filter((k) => unlock.includes(k));
  if (both.length > 0) throw AR_ERR.VALIDATION([`${both.map((b) => `"${b}"`).join(', ')} cannot be both locked and unlocked in one request`]);
  await refuseUnknownGroups(q, lock);
  const rows = await q.query<{ locked: string[] }>(
    `UPDATE customers SET locked_fields = ARRAY(
       SELECT DISTINCT x FROM unnest(COALESCE(locked_fields, ARRAY[]::text[]) || $2::text[]) x WHERE NOT (x = ANY($3::text[])) ORDER BY x
     ), updated_at = now()
     WHERE external_id = $1 RETURNING locked_fields AS locked`,
    [externalId, lock, unlock],
  );
  if (rows.length === 0) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
  return rows[0].locked;
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
