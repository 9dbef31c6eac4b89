// The planner's statistics after a bulk change: PGlite has no autovacuum, and
// PostgreSQL's runs late, so code that changes many rows asks for ANALYZE
// itself when autovacuum would have.
import { ident, type Queryable } from './sql.js';

/**
 * Whether a table needs ANALYZE (and if so, readies its counters for it):
 * never analysed, grown by more than a tenth in pages since (exact at once,
 * the rows changed now included), or changed in more rows than autovacuum's
 * 50 + 10 %. The row counters alone are flushed
 * about once a second, so a burst of small imports went unseen. Sampling
 * 156,000 invoices again for one new row took most of a one-invoice import
 * on the embedded database.
 */
export async function statisticsStale(tx: Queryable, table: string, changedNow: number): Promise<boolean> {
  const [row] = await tx.query<{ stale: boolean; flushable: boolean }>(
    `SELECT c.reltuples < 0
         OR pg_relation_size(c.oid) / current_setting('block_size')::int > 1.1 * c.relpages + 1
         OR coalesce(s.n_mod_since_analyze, 0) + $2 > 50 + 0.1 * c.reltuples AS stale,
            current_setting('server_version_num')::int >= 150000 AS flushable
     FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = $1::regclass`,
    [table, changedNow],
  );
  const stale = row?.stale ?? true;
  // Counters are otherwise flushed up to ten seconds after the commit, when
  // the connection idles: this flushes them as the commit returns, before the
  // ANALYZE that follows. PostgreSQL 15 brought the call.
  if (stale && row?.flushable) await tx.query('SELECT pg_stat_force_next_flush()');
  return stale;
}

/**
 * ANALYZE a table after a bulk change, outside the transaction that made it
 * (its rows are sampled once committed). Only an optimisation: a failure
 * (a lock, a cancelled statement) is not the caller's.
 */
export async function analyse(db: Queryable, table: string): Promise<void> {
  await db.query(`ANALYZE ${ident(table)}`).catch(() => undefined);
}
