// Customers' time zones stored before imports named each zone as Intl does
// (canonicalZone): 'europe/paris', 'US/Eastern' and 'Europe/Paris' side by
// side, one zone under several names to a search or a grouping. SQL cannot
// rename them: PostgreSQL's zone list is not ICU's (Intl names Asia/Kolkata
// Asia/Calcutta), so each start renames them with the import's own function,
// which also follows a Node upgrade that names a zone otherwise.
import type { Db } from '../db/sql.js';
import type { Logger } from '../ml/registry/types.js';
import { canonicalZone, timeZone } from './checks.js';

export interface ZoneRenames {
  /** [as stored, as Intl names it], for the zones stored otherwise. */
  renames: [string, string][];
  /** Zones Intl does not know (written by another path, or dropped by an ICU upgrade): left as stored. */
  unknown: string[];
}

export function zoneRenames(stored: readonly string[]): ZoneRenames {
  const renames: [string, string][] = [];
  const unknown: string[] = [];
  for (const zone of stored) {
    if (timeZone(zone) !== null) unknown.push(zone);
    else if (canonicalZone(zone) !== zone) renames.push([zone, canonicalZone(zone)]);
  }
  return { renames, unknown };
}

/**
 * Renames every stored zone Intl names otherwise, in one statement, and logs
 * what it did; returns the customers renamed and the zones left unknown.
 */
export async function canonicaliseStoredZones(db: Db, log?: Logger): Promise<{ customers: number; unknown: string[] }> {
  // A portfolio repeats few zones: the distinct ones are resolved, not the rows.
  const stored = await db.query<{ timezone: string }>('SELECT DISTINCT timezone FROM customers WHERE timezone IS NOT NULL');
  const { renames, unknown } = zoneRenames(stored.map((r) => r.timezone));
  // A zone's name is no personal data: the operator sees which to fix at the platform.
  if (unknown.length > 0) log?.warn({ zones: unknown.slice(0, 20), count: unknown.length }, 'customers have time zones Intl does not know: left as stored, send them again');
  if (renames.length === 0) return { customers: 0, unknown };
  // Matched on the name read, so a customer an import renamed meanwhile (to the canonical name) is left alone.
  const updated = await db.query<{ n: number }>(
    `WITH renamed AS (
       UPDATE customers c SET timezone = m.name FROM unnest($1::text[], $2::text[]) AS m(sent, name)
       WHERE c.timezone = m.sent RETURNING 1)
     SELECT count(*)::int AS n FROM renamed`,
    [renames.map(([sent]) => sent), renames.map(([, name]) => name)],
  );
  log?.info({ customers: updated[0].n, zones: renames.length }, 'customer time zones renamed to the names Intl gives them');
  return { customers: updated[0].n, unknown };
}
