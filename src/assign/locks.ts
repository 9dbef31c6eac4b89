// Manual overrides: a person locks what rules must never change on a customer
// (a collector chosen by hand, a scenario negotiated with the client). The
// names are the targets' own (collector, dunningScenario, salesRep, adv, a
// feature switch, group:<id>, or groups for every group).
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';
import { groupOf, isGroupTarget, isLockKey } from './targets.js';

/** `asCollector` (a collector's externalId): locks only on that collector's customers. */
export async function setLocks(q: Queryable, externalId: string, lock: string[], unlock: string[], asCollector?: string): Promise<string[]> {
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
     WHERE external_id = $1
       AND ($4::text IS NULL OR collector_id = (SELECT id FROM collectors WHERE external_id = $4))
     RETURNING locked_fields AS locked`,
    [externalId, lock, unlock, asCollector ?? null],
  );
  if (rows.length > 0) return rows[0].locked;
  const exists = await q.query('SELECT 1 FROM customers WHERE external_id = $1', [externalId]);
  if (exists.length === 0) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
  throw AR_ERR.FORBIDDEN(['collector', `lock assignments of customer "${externalId}": it is not in collector "${asCollector}"'s portfolio`]);
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
