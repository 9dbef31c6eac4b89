// Times the collectors' agenda at scale on the rescore bench's portfolio, in a
// fresh PostgreSQL database filled set-based: with the reports bench's risk
// events, `--collectors` collectors sharing the customers, a dunning scenario
// (a courtesy email and a first reminder sent by the platform, then a call, a
// letter and a last call) on nine customers in ten, invoice statuses (promises,
// disputes, payment plans), emails of the last days with their triage, and the
// model outputs the planner reads, written set-based as a rescoring would
// (late probabilities of customers and open invoices, drift alerts, levers).
// Timed: the planning job over the whole portfolio (a first run storing every
// action, then the steady state: a second run the same day), `GET /v1/agenda`'s
// work for one collector and for the whole portfolio (limit 50 each: read from
// the stored plan, the runs having just made it), the portfolio's planned live
// as a stale store makes it, the call list of one collector, one
// collector's agenda as CSV, and the portfolio's and one collector's agenda
// after one customer's invoice changed since the run, and after as many
// customers' as it plans live; the best of `--runs`. The JS heap's peak during
// each portfolio read says what it allocates: planning left the resident set high.
// Usage: npm run bench -- agenda [--customers 100000] [--collectors 20] [--runs 2] (BENCH_KEEP_DB=1: keep the database)
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { freshDatabase, rssSampler } from './pg.js';
import { seedPortfolio, seedRiskEvents } from './portfolio.js';
import {
  DEFAULT_AGENDA_POLICY, agendaTasks, byAccount, planAndMaterialise, plannedLive, readAgenda, tasksTable,
} from '../src/agenda/index.js';
import { MAX_CUSTOMERS_PLANNED_LIVE } from '../src/agenda/stored-plan.js';
import { tableCsv } from '../src/reports/index.js';
import type { Db } from '../src/db/sql.js';
import { orUsageExit, scriptOptions, UsageError } from '../training/cli/options.js';

const values = scriptOptions({
  customers: { type: 'string', default: '100000' },
  'invoices-per-customer': { type: 'string', default: '10' },
  collectors: { type: 'string', default: '20' },
  runs: { type: 'string', default: '2' },
});
const C = Number(values.customers);
const K = Number(values['invoices-per-customer']);
const COLLECTORS = Number(values.collectors);
const RUNS = Number(values.runs);
orUsageExit(() => {
  for (const [name, n] of [['customers', C], ['collectors', COLLECTORS], ['runs', RUNS]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} takes a whole number from 1, got "${values[name]}"`);
  }
});
const AS_OF = '2026-10-31';
const policy = DEFAULT_AGENDA_POLICY;

/** What the planner reads beyond the portfolio and its risk events. */
async function seedAgenda(db: Db): Promise<void> {
  await db.exec(`
    INSERT INTO collectors (external_id, name) SELECT 'COL-' || lpad(g::text, 2, '0'), 'Collector ' || g FROM generate_series(1, ${COLLECTORS}) g;
    INSERT INTO dunning_scenarios (external_id, name, steps) VALUES ('SC-1', 'Standard', '[
      {"dayOffset": -5, "channel": "email", "level": 0, "template": "courtesy", "automatic": true},
      {"dayOffset": 3, "channel": "email", "level": 1, "template": "reminder-1", "automatic": true},
      {"dayOffset": 10, "channel": "call", "level": 2, "template": "call-1", "automatic": false},
      {"dayOffset": 20, "channel": "letter", "level": 3, "template": "letter", "automatic": false},
      {"dayOffset": 35, "channel": "call", "level": 4, "template": "call-2", "automatic": false}]');
    UPDATE customers SET collector_id = 1 + id % ${COLLECTORS}, dunning_scenario_id = CASE WHEN id % 10 <> 0 THEN 1 END;
    -- The platform's automatic sends of the open invoices, as it reports them.
    INSERT INTO communications (external_id, customer_id, invoice_external_ids, channel, level, template, sent_at)
    SELECT 'M' || i.id || '-' || s.level, i.customer_id, ARRAY[i.external_id], 'email', s.level, s.template,
           (i.due_date + s.day_offset)::timestamp + interval '8 hours'
    FROM invoices i, (VALUES (0, -5, 'courtesy'), (1, 3, 'reminder-1')) s(level, day_offset, template)
    WHERE i.open_amount > 0 AND i.due_date + s.day_offset <= DATE '${AS_OF}';
    -- Qualified invoices: promises (some broken), disputes, payment plans.
    UPDATE invoices SET status = (ARRAY['promise_to_pay', 'dispute', 'payment_plan', 'waiting_credit_note'])[1 + (id / 31) % 4],
           status_date = DATE '${AS_OF}' - (id % 40), promised_date = DATE '${AS_OF}' - 15 + (id % 20)
    WHERE open_amount > 0 AND id % 31 = 0;
    -- The model outputs the planner reads, one row each as a rescoring writes them.
    INSERT INTO computed_fields (entity_type, entity_id, name, value_num, confidence, reasons, model_version, computed_at)
    SELECT 'customer', c.id, 'lateProbability', ((c.id * 37) % 100) / 100.0, 0.8,
           '[{"factor": "pastLateRate", "text": "paid late before", "weight": 0.4}]', 'payment-delay@bench', DATE '${AS_OF}'
    FROM customers c;
    INSERT INTO computed_fields (entity_type, entity_id, name, value_num, confidence, reasons, model_version, computed_at)
    SELECT 'invoice', i.id, 'lateProbability', ((i.id * 53) % 100) / 100.0, 0.8,
           CASE WHEN i.customer_id % 50 = 3 THEN '[{"factor": "missedDueDate", "text": "pays on the due date by habit"}]'
                ELSE '[{"factor": "pastLateRate", "text": "paid late before"}]' END::jsonb,
           'payment-delay@bench', DATE '${AS_OF}'
    FROM invoices i WHERE i.open_amount > 0;
    INSERT INTO computed_fields (entity_type, entity_id, name, value_num, value_bool, reasons, model_version, computed_at)
    SELECT 'customer', c.id, n.name, CASE WHEN n.name = 'driftScore' THEN ((c.id * 17) % 100) / 100.0 END,
           CASE WHEN n.name = 'driftAlert' THEN c.id % 25 = 0 END,
           '[{"factor": "delayCreep", "text": "pays later than it used to", "value": 12}]', 'drift@bench', DATE '${AS_OF}'
    FROM customers c, (VALUES ('driftScore'), ('driftAlert')) n(name);
    INSERT INTO computed_fields (entity_type, entity_id, name, value_text, confidence, reasons, model_version, computed_at)
    SELECT 'customer', c.id, 'recommendedLever', (ARRAY['none', 'late_penalty', 'card_payment', 'collection_agency'])[1 + c.id % 4], 0.6,
           '[{"factor": "lever", "text": "worked on customers like it"}]', 'incentives@bench', DATE '${AS_OF}'
    FROM customers c;
    -- An email from one customer in eight in the last ten days, triaged: a third of them promise a date.
    INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
    SELECT 'E' || c.id, c.id, DATE '${AS_OF}' - (c.id % 10) + interval '10 hours', 'Invoice F' || c.id || '-${K}', 'We will pay soon.'
    FROM customers c WHERE c.id % 8 = 1;
    INSERT INTO computed_fields (entity_type, entity_id, name, value_text, value_num, value_bool, reasons, model_version, computed_at)
    SELECT 'inbound', m.id, n.name,
           CASE WHEN n.name = 'inboundType' THEN CASE WHEN m.id % 3 = 0 THEN 'promise_to_pay' ELSE 'question' END END,
           CASE WHEN n.name = 'inboundPriority' THEN 0.5 END,
           CASE WHEN n.name = 'autoReplyEligible' THEN m.id % 5 = 0 END,
           CASE WHEN n.name = 'inboundType' AND m.id % 3 = 0
                THEN jsonb_build_array(jsonb_build_object('factor', 'promisedDate', 'text', 'promised', 'value', (DATE '${AS_OF}' - 5 + (m.id % 10))::text))
                ELSE '[]'::jsonb END,
           'inbound-triage@bench', m.received_at
    FROM inbound_messages m, (VALUES ('inboundType'), ('inboundPriority'), ('autoReplyEligible')) n(name);
    ANALYZE;
  `);
}

const secondsSince = (t: number) => Number(((performance.now() - t) / 1000).toFixed(2));

async function best<T>(run: () => Promise<T>): Promise<{ seconds: number; answer: T }> {
  let seconds = Infinity;
  let answer!: T;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    answer = await run();
    seconds = Math.min(seconds, secondsSince(t));
  }
  return { seconds, answer };
}

const db = await freshDatabase('ar_bench_agenda');
try {
  const sql = db.storage.db;
  const portfolio = { customers: C, invoicesPerCustomer: K, asOf: AS_OF };
  const t0 = performance.now();
  await seedPortfolio(sql, portfolio);
  await seedRiskEvents(sql, portfolio, 365);
  await seedAgenda(sql);
  console.log(`portfolio: ${C} customers, ${C * K} invoices, ${COLLECTORS} collectors loaded in ${secondsSince(t0)} s`);

  const rss = rssSampler();
  // The planning runs' own peak: the live plan read below loads the whole portfolio and lifts the overall one.
  const planRss = rssSampler();
  const scope = { kind: 'portfolio' } as const;
  let t = performance.now();
  const first = await planAndMaterialise(sql, { date: AS_OF, scope, policy });
  const planSeconds = secondsSince(t);
  console.log(`plan, first run: ${first.tasks} tasks (${first.inserted} inserted), ${first.automatic} automatic in ${planSeconds} s`, first.byKind);
  await sql.exec('ANALYZE actions');
  t = performance.now();
  const again = await planAndMaterialise(sql, { date: AS_OF, scope, policy });
  const replanSeconds = secondsSince(t);
  const planPeakRssMb = planRss.stop();
  console.log(`planning runs: peak RSS ${planPeakRssMb} MB`);
  console.log(`plan, same day again: ${again.unchanged} unchanged, ${again.updated} updated, ${again.cancelled} cancelled in ${replanSeconds} s`);

  // COL-01's internal id is 1: the collectors were inserted in order into a fresh table.
  const one = { collectorId: 1, collector: 'COL-01', date: AS_OF, policy, limit: 50 };
  const collector = await best(() => readAgenda(sql, one));
  console.log(`agenda of COL-01 (limit 50): ${collector.answer.counts.tasks} tasks in ${collector.seconds} s from the ${collector.answer.plan.source} plan`);
  const wholeQuery = { ...one, collectorId: null, collector: null };
  let heap = rssSampler('heapUsed');
  const whole = await best(() => readAgenda(sql, wholeQuery));
  const portfolioHeapMb = heap.stop();
  console.log(`agenda of the portfolio (limit 50): ${whole.answer.counts.tasks} tasks in ${whole.seconds} s from the ${whole.answer.plan.source} plan, heap at most ${portfolioHeapMb} MB`);
  // The same agenda planned live (what a read does when the stored plan is stale), as readAgenda answered it before the store.
  heap = rssSampler('heapUsed');
  const live = await best(async () => (await plannedLive(sql, wholeQuery)).tasks.slice(0, wholeQuery.limit));
  const portfolioLiveHeapMb = heap.stop();
  console.log(`the portfolio's agenda planned live: ${live.seconds} s, heap at most ${portfolioLiveHeapMb} MB`);
  const callList = await best(async () => byAccount((await agendaTasks(sql, one)).tasks, AS_OF));
  console.log(`call list of COL-01: ${callList.answer.length} accounts in ${callList.seconds} s`);
  const csv = await best(async () => tableCsv(tasksTable((await agendaTasks(sql, one)).tasks)));
  console.log(`COL-01's agenda as CSV: ${csv.answer.length} bytes in ${csv.seconds} s`);

  // One customer's change since the run (an invoice of COL-01's first customer grown, as an import does): before,
  // it sent every agenda to planning live (the figure above); now that customer is planned live beside the store.
  await sql.exec(`UPDATE invoices SET open_amount = open_amount + 1000 WHERE id = (SELECT min(i.id) FROM invoices i
    WHERE i.open_amount > 0 AND i.customer_id = (SELECT min(id) FROM customers WHERE collector_id = 1))`);
  const changedWhole = await best(() => readAgenda(sql, wholeQuery));
  const changedOne = await best(() => readAgenda(sql, one));
  const liveAfter = (await plannedLive(sql, wholeQuery)).tasks.slice(0, wholeQuery.limit);
  // Deep equality, not JSON text: items read back from jsonb come with their keys in jsonb's order.
  const changedMatchesLive = isDeepStrictEqual(changedWhole.answer.items, liveAfter);
  console.log(`after one customer's change: the portfolio's agenda in ${changedWhole.seconds} s, COL-01's in ${changedOne.seconds} s, `
    + `from the ${changedWhole.answer.plan.source} plan with ${changedWhole.answer.plan.customersPlannedLive} customer(s) planned live; `
    + `the page ${changedMatchesLive ? 'equals' : 'DIFFERS from'} the live plan's`);
  // As many customers changed as the agenda plans live (MAX_CUSTOMERS_PLANNED_LIVE): the bound's cost.
  await sql.exec(`UPDATE invoices SET open_amount = open_amount + 1 WHERE id IN (SELECT min(id) FROM invoices
    WHERE open_amount > 0 AND customer_id IN (SELECT id FROM customers ORDER BY id LIMIT ${MAX_CUSTOMERS_PLANNED_LIVE}) GROUP BY customer_id)`);
  const atBound = await best(() => readAgenda(sql, wholeQuery));
  console.log(`after ${MAX_CUSTOMERS_PLANNED_LIVE} customers' changes: the portfolio's agenda in ${atBound.seconds} s from the `
    + `${atBound.answer.plan.source} plan with ${atBound.answer.plan.customersPlannedLive} customers planned live`);

  console.log(JSON.stringify({
    bench: 'agenda', customers: C, invoices: C * K, collectors: COLLECTORS, runs: RUNS,
    planned: { tasks: first.tasks, automatic: first.automatic, byKind: first.byKind },
    planSeconds, replanSeconds, planPeakRssMb,
    collectorSeconds: collector.seconds, collectorTasks: collector.answer.counts.tasks,
    portfolioSeconds: whole.seconds, portfolioTasks: whole.answer.counts.tasks, portfolioPlan: whole.answer.plan.source, portfolioHeapMb,
    portfolioLiveSeconds: live.seconds, portfolioLiveHeapMb,
    callListSeconds: callList.seconds, callListAccounts: callList.answer.length,
    afterOneChange: {
      portfolioSeconds: changedWhole.seconds, collectorSeconds: changedOne.seconds, plan: changedWhole.answer.plan.source,
      customersPlannedLive: changedWhole.answer.plan.customersPlannedLive, matchesLive: changedMatchesLive,
    },
    atBound: { portfolioSeconds: atBound.seconds, plan: atBound.answer.plan.source, customersPlannedLive: atBound.answer.plan.customersPlannedLive },
    csvSeconds: csv.seconds, csvBytes: csv.answer.length,
    peakRssMb: rss.stop(), cores: os.cpus().length, loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
  }));
} finally {
  // BENCH_KEEP_DB=1 keeps the database, to EXPLAIN the planner's queries on it (drop it after).
  if (process.env.BENCH_KEEP_DB) console.log(`kept ${db.url}`);
  else await db.drop();
}
