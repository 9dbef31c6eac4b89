// Manual overrides: a person locks what rules must never change on a customer
// (a collector chosen by hand, a scenario negotiated with the client). The
// names are the targets' own (collector, dunningScenario, salesRep, adv, a
// feature switch, group:<id>, or groups for every group).
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';
import { isLockKey } from './targets.js';

export async function setLocks(q: Queryable, externalId: string, lock: string[], unlock: string[]): Promise<string[]> {
  const bad = [...lock, ...unlock].filter((k) => !isLockKey(k));
  if (bad.length > 0) {
    throw AR_ERR.VALIDATION([
      `cannot lock ${bad.map((b) => `"${b}"`).join(', ')}: lock collector, dunningScenario, salesRep, adv, ` +
        'interactiveEmails, latePenalties, recoveryFee, ndCover, groups or group:<group id>',
    ]);
  }
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
