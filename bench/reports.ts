// Times the credit manager's reports (aging, DSO, CEI, statuses, risk) over a
// 12-month trend on the rescore bench's portfolio, with the risk report's
// events: a fresh PostgreSQL database, one currency, the whole portfolio. The
// risk report's exposure is checked against the aging balance's total on every
// date, and its trend digested, so a faster query can be shown to answer the same.
// The overdue statement reads the as-of date only: its first page with the
// totals (overdue), and every row as CSV (overdue-csv) and as a workbook (overdue-xlsx), its totals checked
// against the aging balance's overdue buckets on that date.
// Usage: npm run bench -- reports [--customers 100000] [--invoices-per-customer 10] [--months 12] [--runs 2] [--only aging,risk,overdue,overdue-csv,overdue-xlsx,aged-balance,aged-balance-csv]
import crypto from 'node:crypto';
import { freshDatabase } from './pg.js';
import { seedPortfolio, seedRiskEvents } from './portfolio.js';
import {
  agingReport, ceiReport, dsoReport, overdueTable, overdueItems, tableCsv, toXlsx, agedBalance, agedCustomers, agedBalanceTable, overdueStatement, riskReport, statusesReport, type ReportScope,
} from '../src/reports/index.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({
  customers: { type: 'string', default: '100000' },
  'invoices-per-customer': { type: 'string', default: '10' },
  months: { type: 'string', default: '12' },
  runs: { type: 'string', default: '2' },
  only: { type: 'string' },
});
const portfolio = { customers: Number(values.customers), invoicesPerCustomer: Number(values['invoices-per-customer']), asOf: '2026-10-31' };
const months = Number(values.months);
const runs = Number(values.runs);
const scope: ReportScope = { groupBy: 'portfolio', collector: null, segment: null, currency: 'USD' };
const q = { asOf: portfolio.asOf, months, scope };
const statement = { asOf: portfolio.asOf, today: portfolio.asOf, minDaysOverdue: 1, scope };

const db = await freshDatabase('ar_bench_reports');
try {
  const t0 = performance.now();
  await seedPortfolio(db.storage.db, portfolio);
  await seedRiskEvents(db.storage.db, portfolio, 365);
  await db.storage.db.exec('ANALYZE');
  const [{ events }] = await db.storage.db.query<{ events: number }>('SELECT count(*)::int AS events FROM external_events');
  console.log(`portfolio: ${portfolio.customers} customers, ${portfolio.customers * portfolio.invoicesPerCustomer} invoices, ${events} events loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const all = {
    aging: () => agingReport(db.storage.db, q),
    dso: () => dsoReport(db.storage.db, { ...q, windowDays: 90 }),
    cei: () => ceiReport(db.storage.db, q),
    statuses: () => statusesReport(db.storage.db, q),
    risk: () => riskReport(db.storage.db, q),
    // As of today, so the stored model outputs are joined too.
    overdue: () => overdueStatement(db.storage.db, { ...statement, limit: 500 }),
    'overdue-csv': async () => tableCsv(overdueTable(await overdueItems(db.storage.db, statement))).length,
    'aged-balance': () => agedBalance(db.storage.db, { asOf: portfolio.asOf, scope, orderBy: 'overdue', limit: 500 }),
    'aged-balance-csv': async () => tableCsv(agedBalanceTable(await agedCustomers(db.storage.db, { asOf: portfolio.asOf, scope, orderBy: 'name' }))).length,
    'overdue-xlsx': async () => (await toXlsx(overdueTable(await overdueItems(db.storage.db, statement)), 'overdue')).length,
  };
  // Aging always: the risk report is checked against it.
  const only = values.only?.split(',');
  const reports = Object.fromEntries(Object.entries(all).filter(([name]) => !only || name === 'aging' || only.includes(name)));
  const seconds: Record<string, number> = {};
  const answers: Record<string, unknown> = {};
  for (const [name, run] of Object.entries(reports)) {
    const times: number[] = [];
    for (let k = 0; k < runs; k++) {
      const t = performance.now();
      answers[name] = await run();
      times.push((performance.now() - t) / 1000);
    }
    // The best run: the machine is shared, the other runs measure its neighbours too.
    seconds[name] = Number(Math.min(...times).toFixed(2));
    console.log(`${name}: ${times.map((t) => t.toFixed(2)).join(' s, ')} s`);
  }
  const aging = answers.aging as Awaited<ReturnType<typeof agingReport>>;
  const risk = answers.risk as Awaited<ReturnType<typeof riskReport>> | undefined;
  const riskMatchesAging = risk?.trend.every((r, i) =>
    r.exposure.amount === aging.trend[i].total.amount && r.exposure.count === aging.trend[i].total.count &&
    r.overdue.amount === aging.trend[i].overdue.amount && r.overdue.count === aging.trend[i].overdue.count);
  const riskDigest = risk && crypto.createHash('sha256').update(JSON.stringify(risk.trend)).digest('hex').slice(0, 16);
  if (risk) console.log(`risk exposure and overdue ${riskMatchesAging ? 'match' : 'DO NOT match'} the aging balance on every date; trend digest ${riskDigest}`);
  const overdue = answers.overdue as Awaited<ReturnType<typeof overdueStatement>> | undefined;
  const onAsOf = aging.groups[0];
  const overdueMatchesAging = overdue && JSON.stringify(overdue.totals) ===
    JSON.stringify({ overdue: onAsOf.overdue, buckets: onAsOf.buckets.slice(1).map(({ bucket, amount, count }) => ({ bucket, amount, count })) });
  if (overdue) console.log(`overdue statement: ${overdue.totals.overdue.count} invoices, totals ${overdueMatchesAging ? 'match' : 'DO NOT match'} the aging balance's overdue buckets on ${portfolio.asOf}`);
  const aged = answers['aged-balance'] as Awaited<ReturnType<typeof agedBalance>> | undefined;
  const agedMatchesAging = aged && JSON.stringify(aged.totals.buckets) === JSON.stringify(onAsOf.buckets.map(({ bucket, amount, count }) => ({ bucket, amount, count })));
  if (aged) console.log(`aged balance: ${aged.totals.customers} customers, buckets ${agedMatchesAging ? 'match' : 'DO NOT match'} the aging balance's on ${portfolio.asOf}`);
  if (answers['overdue-csv'] !== undefined) console.log(`overdue CSV: ${answers['overdue-csv'] as number} characters`);
  if (answers['overdue-xlsx'] !== undefined) console.log(`overdue workbook: ${answers['overdue-xlsx'] as number} bytes`);
  console.log(JSON.stringify({
    bench: 'reports', customers: portfolio.customers, invoices: portfolio.customers * portfolio.invoicesPerCustomer, events, months,
    seconds, riskOverAging: risk && Number((seconds.risk / seconds.aging).toFixed(2)), riskMatchesAging, riskDigest, overdueMatchesAging, agedMatchesAging,
  }));
} finally {
  await db.drop();
}
