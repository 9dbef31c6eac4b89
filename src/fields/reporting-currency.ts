// The reporting currency balances are valued in (REPORTING_CURRENCY), recorded
// in the database when the service starts: saved searches and rules read it in
// SQL, where no configuration reaches, and every process of a deployment reads
// the same one.
import type { Db } from '../db/sql.js';
import type { Logger } from '../ml/registry/types.js';

const KEY = 'reporting-currency';

/** SQL: the recorded reporting currency, USD until a start records one (the configuration's default). */
export const REPORTING_CURRENCY_SQL = `COALESCE((SELECT value->>'currency' FROM service_state WHERE key = '${KEY}'), 'USD')`;

/**
 * One row per currency an exchange rate names, and the reporting currency
 * itself: `rate`, what one unit is worth in the reporting currency on `asOf`
 * (a date expression or placeholder), by the agenda's rule (the latest quote
 * either way, the direct one on a tie; src/agenda/currencies.ts). NULL where no
 * rate prices the currency by then.
 */
export function valuationSql(asOf: string): string {
  return `SELECT k.currency, CASE WHEN k.currency = rep.code THEN 1::numeric ELSE (
      SELECT CASE WHEN x.quote_currency = rep.code THEN x.rate ELSE 1 / x.rate END
      FROM exchange_rates x
      WHERE x.rate_date <= ${asOf} AND x.rate > 0
        AND ((x.currency = k.currency AND x.quote_currency = rep.code) OR (x.currency = rep.code AND x.quote_currency = k.currency))
      ORDER BY x.rate_date DESC, x.quote_currency = rep.code DESC LIMIT 1) END AS rate
    FROM (SELECT ${REPORTING_CURRENCY_SQL} AS code) rep
    CROSS JOIN LATERAL (SELECT currency FROM exchange_rates UNION SELECT quote_currency FROM exchange_rates UNION SELECT rep.code) k(currency)`;
}

/** Records the configured reporting currency; a change is logged, as every valued field moves with it. */
export async function recordReportingCurrency(db: Db, currency: string, log?: Logger): Promise<void> {
  const [before] = await db.query<{ currency: string }>(`SELECT value->>'currency' AS currency FROM service_state WHERE key = $1`, [KEY]);
  if (before?.currency === currency) return;
  await db.query(
    `INSERT INTO service_state (key, value) VALUES ($1, jsonb_build_object('currency', $2::text))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [KEY, currency],
  );
  if (before) log?.warn({ from: before.currency, to: currency }, 'REPORTING_CURRENCY changed: valued balances move with it at the next refresh');
}
