// Times what holding credit notes customer by customer costs the reports: the aging's balances and its credits
// (loadBalances, loadCredits) over 12 month ends by collector, the aged balance's first page, on the reports bench's
// portfolio (5 monthly invoices a customer) with 10 collectors and a credit note on every third customer, issued over
// the year: a third of them applied before the trend starts, a third applied since, a third still open. The credits'
// trend and the aged balance's totals are digested, so a faster query can be shown to answer the same, and the aging's
// net on the as-of date is checked against the aged balance's.
// Usage: npm run bench -- credits [--customers 20000] [--invoices-per-customer 5] [--runs 5]
import crypto from 'node:crypto';
import { freshDatabase } from './pg.js';
import { seedPortfolio } from './portfolio.js';
import { agedBalance, agingReport, type ReportScope } from '../src/reports/index.js';
import { loadBalances, loadCredits } from '../src/reports/series.js';
import { trendMonths } from '../src/reports/periods.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({
  customers: { type: 'string', default: '20000' },
  'invoices-per-customer': { type: 'string', default: '5' },
  runs: { type: 'string', default: '5' },
});
const portfolio = { customers: Number(values.customers), invoicesPerCustomer: Number(values['invoices-per-customer']), asOf: '2026-10-31' };
const runs = Number(values.runs);
const scope: ReportScope = { groupBy: 'collector', collector: null, segment: null, currency: 'USD' };
const dates = trendMonths(portfolio.asOf, 12).map((m) => m.end);

const db = await freshDatabase('ar_bench_credits');
try {
  const t0 = performance.now();
  await seedPortfolio(db.storage.db, portfolio);
  await db.storage.db.exec(`
    INSERT INTO collectors (external_id, name) SELECT 'COL-' || k, 'Collector ' || k FROM generate_series(1, 10) k;
    UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = 'COL-' || (1 + customers.id % 10));
    INSERT INTO invoices (external_id, customer_id, number, kind, issue_date, due_date, amount, open_amount, settled_date)
    SELECT 'CN' || c, c, 'AV' || c, 'credit_note', d, d, a,
           CASE WHEN c % 9 = 0 THEN 0 WHEN c % 9 = 3 THEN 0 ELSE a END,
           CASE WHEN c % 9 = 0 THEN DATE '${dates[0]}' - 20 WHEN c % 9 = 3 THEN d + 25 END
    FROM generate_series(3, ${portfolio.customers}, 3) c,
         LATERAL (SELECT CASE WHEN c % 9 = 0 THEN DATE '${dates[0]}' - 60 ELSE DATE '${portfolio.asOf}' - (c * 7) % 330 END AS d,
                         round((50 + (c * 13) % 2000)::numeric, 2) AS a) x;
    ANALYZE;
  `);
  const [{ credits }] = await db.storage.db.query<{ credits: number }>(`SELECT count(*)::int AS credits FROM invoices WHERE kind = 'credit_note'`);
  console.log(`portfolio: ${portfolio.customers} customers, ${portfolio.customers * portfolio.invoicesPerCustomer} invoices, ${credits} credit notes, loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const steps = {
    balances: () => loadBalances(db.storage.db, dates, scope),
    credits: () => loadCredits(db.storage.db, dates, scope, null, true),
    'aged-balance': () => agedBalance(db.storage.db, { asOf: portfolio.asOf, scope: { ...scope, groupBy: 'portfolio' }, orderBy: 'overdue', limit: 500 }),
    aging: () => agingReport(db.storage.db, { asOf: portfolio.asOf, months: 12, scope: { ...scope, groupBy: 'portfolio' } }),
  };
  const seconds: Record<string, number[]> = {};
  const answers: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(steps)) {
    const times: number[] = [];
    for (let k = 0; k < runs; k++) {
      const t = performance.now();
      answers[name] = await run();
      times.push(Number(((performance.now() - t) / 1000).toFixed(2)));
    }
    seconds[name] = times;
    console.log(`${name}: ${times.join(' s, ')} s`);
  }
  const digest = (x: unknown) => crypto.createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);
  const heldCredits = answers.credits as Awaited<ReturnType<typeof loadCredits>>;
  // What every version of loadCredits gives: the credits and what held them, date by date, group by group.
  const creditsDigest = digest([...heldCredits].map(([d, g]) => [d, [...g].sort(([a], [b]) => a.localeCompare(b)).map(([grp, h]) => [grp, h.credits, h.onOverdue, h.onCurrent])]));
  const aged = answers['aged-balance'] as Awaited<ReturnType<typeof agedBalance>>;
  const agedDigest = digest([aged.totals, aged.customers]);
  const [onAsOf] = (answers.aging as Awaited<ReturnType<typeof agingReport>>).groups;
  const agingMatchesAged = onAsOf.net === aged.totals.net && onAsOf.unappliedCredits === aged.totals.unappliedCredits && onAsOf.excessCredits === aged.totals.excessCredits;
  console.log(`credits digest ${creditsDigest}; aged balance digest ${agedDigest}; aging net ${onAsOf.net} ${agingMatchesAged ? 'matches' : 'DOES NOT match'} the aged balance's ${aged.totals.net}`);
  console.log(JSON.stringify({ bench: 'credits', customers: portfolio.customers, creditNotes: credits, dates: dates.length, seconds, creditsDigest, agedDigest, agingMatchesAged }));
} finally {
  await db.drop();
}
