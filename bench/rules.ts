// Issue 7 bench: 100 assignment rules over 100,000 customers in a fresh
// PostgreSQL database filled set-based. Synthetic portfolio: balances come
// from generated invoices, model outputs are generated computed fields (hash
// of the customer id), so there is no ground truth to recover; the checks are
// that a full apply changes what the preview said and that a second run finds
// nothing left to change.
// Usage: npx tsx bench/rules.ts [--customers 100000] [--rules 100]
//   (or npm run bench -- rules); prints a final JSON line.
import os from 'node:os';
import { freshDatabase, rssSampler } from './pg.js';
import { parseCriteria } from '../src/criteria/index.js';
import { CUSTOMER_FIELDS } from '../src/fields/registry.js';
import { customerFactsSql, type CustomerFacts } from '../src/fields/facts.js';
import { compileRuleSet } from '../src/assign/compile.js';
import { loadRuleRows } from '../src/assign/rules.js';
import { loadSettings } from '../src/assign/settings.js';
import { SqlMatcher, compilePairs, matchRecords } from '../src/assign/match.js';
import { previewPlan } from '../src/assign/plan.js';
import { searchResults, searchResultsTable } from '../src/searches/results.js';
import { tableCsv } from '../src/reports/index.js';
import { createRun, executeRun } from '../src/assign/runs.js';
import type { Action } from '../src/assign/actions.js';
import { Random } from '../src/world/rng.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({ customers: { type: 'string', default: '100000' }, rules: { type: 'string', default: '100' } });
const C = Number(values.customers);
const R = Number(values.rules);

const SECTORS = ['energy', 'retail', 'health', 'construction', 'public', 'transport', 'software', 'food'];
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'BE', 'NL'];
const COLLECTORS = Array.from({ length: 20 }, (_, i) => `col-${i + 1}`);
const SCENARIOS = ['standard', 'standard-no-email', 'automatic', 'risky', 'pre-litigation', 'litigation', 'strategic', 'none'];
const SCORE_GROUPS = ['risk-low', 'risk-medium', 'risk-high'];
const GROUPS = [...SCORE_GROUPS, 'very-late', 'risky', 'strategic', 'small', 'watch', 'vip', 'public', 'export', 'new'];

/** 100 rules: a "super score" built into groups, then rules reading it, then rules on columns and model outputs. */
function ruleSpecs(n: number): { criteria: unknown; actions: Action[] }[] {
  const rng = new Random(7, 'bench-rules');
  const rnd = () => rng.next();
  const pick = <T>(xs: readonly T[]): T => rng.pick(xs);
  const num = (lo: number, hi: number, digits = 0) => Number(rng.uniform(lo, hi).toFixed(digits));
  const v = (name: string) => ({ var: name });
  const specs: { criteria: unknown; actions: Action[] }[] = [
    { criteria: { and: [{ '<': [v('lateProbability'), 0.3] }, { '<': [v('riskScore'), 40] }] }, actions: [{ type: 'addToGroup', group: 'risk-low' }] },
    { criteria: { and: [{ '<=': [0.3, v('lateProbability'), 0.6] }, { '<': [v('riskScore'), 70] }] }, actions: [{ type: 'addToGroup', group: 'risk-medium' }] },
    { criteria: { or: [{ '>': [v('lateProbability'), 0.6] }, { '>': [v('driftScore'), 0.8] }, { '>=': [v('riskScore'), 70] }] }, actions: [{ type: 'addToGroup', group: 'risk-high' }] },
    { criteria: { in: ['risk-high', v('groups')] }, actions: [{ type: 'setDunningScenario', dunningScenario: 'risky' }, { type: 'setCollector', collector: 'col-20' }] },
    { criteria: { and: [{ in: ['risk-low', v('groups')] }, { '==': [v('segment'), 'strategic'] }] }, actions: [{ type: 'setDunningScenario', dunningScenario: 'strategic' }] },
    { criteria: { '>': [v('unqualifiedOverdue30Amount'), 0] }, actions: [{ type: 'addToGroup', group: 'very-late' }] },
  ];
  const templates: (() => { criteria: unknown; actions: Action[] })[] = [
    () => ({ criteria: { '==': [v('sector'), pick(SECTORS)] }, actions: [{ type: 'setDunningScenario', dunningScenario: pick(SCENARIOS) }] }),
    () => ({ criteria: { and: [{ in: [v('country'), [pick(COUNTRIES), pick(COUNTRIES)]] }, { '==': [v('segment'), pick(['strategic', 'standard', 'small'])] }] }, actions: [{ type: 'setCollector', collector: pick(COLLECTORS) }] }),
    () => ({ criteria: { and: [{ '>': [v('driftScore'), num(0.5, 0.9, 2)] }, { '>': [v('overdueAmount'), num(1000, 20000)] }] }, actions: [{ type: 'addToGroup', group: pick(['watch', 'risky']) }, { type: 'switchFeature', feature: 'latePenalties', enabled: true }] }),
    () => ({ criteria: { and: [{ '>': [v('maxDaysOverdue'), num(15, 60)] }, { '>': [v('lateProbability'), num(0.3, 0.7, 2)] }] }, actions: [{ type: 'switchFeature', feature: 'recoveryFee', enabled: true }] }),
    () => ({ criteria: { and: [{ '==': [v('businessLine'), pick(['north', 'south', 'east', 'west'])] }, { '>': [v('turnover12m'), num(5000, 50000)] }] }, actions: [{ type: 'setInternalActor', actor: 'salesRep', value: `rep-${Math.floor(rnd() * 30)}` }] }),
    () => ({ criteria: { and: [{ '==': [v('recommendedLever'), pick(['discount', 'late_penalty', 'card_payment'])] }, { '>': [v('lateProbability'), num(0.2, 0.7, 2)] }] }, actions: [{ type: 'switchFeature', feature: 'interactiveEmails', enabled: rnd() < 0.7 }] }),
    () => ({ criteria: { and: [{ '==': [v('companyType'), 'public'] }, { '!': v('hasEmail') }] }, actions: [{ type: 'addToGroup', group: 'public' }, { type: 'setInternalActor', actor: 'adv', value: `adv-${Math.floor(rnd() * 10)}` }] }),
    () => ({ criteria: { and: [{ '<': [v('openAmount'), num(500, 3000)] }, { '==': [v('segment'), 'small'] }] }, actions: [{ type: 'setDunningScenario', dunningScenario: 'automatic' }] }),
    () => ({ criteria: { or: [{ '>': [v('expectedDaysLate'), num(20, 45)] }, { '<': [v('sentimentTrend'), num(-0.6, -0.2, 2)] }] }, actions: [{ type: 'setCollector', collector: pick(COLLECTORS) }] }),
    () => ({ criteria: { and: [{ '>': [v('creditLimit'), num(10000, 80000)] }, { '<': [v('riskScore'), num(20, 50)] }] }, actions: [{ type: 'switchFeature', feature: 'ndCover', enabled: true }] }),
  ];
  for (let i = specs.length; i < n; i++) specs.push(templates[i % templates.length]());
  return specs.slice(0, n);
}

const db = await freshDatabase('ar_bench_rules');
const rss = rssSampler();
try {
  const q = db.storage.db;
  const t0 = performance.now();
  await q.exec(`
    INSERT INTO collectors (external_id, name) SELECT x, 'Collector ' || x FROM unnest(ARRAY[${COLLECTORS.map((c) => `'${c}'`).join(',')}]) x;
    INSERT INTO dunning_scenarios (external_id, name) SELECT x, 'Scenario ' || x FROM unnest(ARRAY[${SCENARIOS.map((c) => `'${c}'`).join(',')}]) x;
    INSERT INTO customer_groups (external_id, name) SELECT x, 'Group ' || x FROM unnest(ARRAY[${GROUPS.map((c) => `'${c}'`).join(',')}]) x;
    INSERT INTO customers (external_id, name, country, sector, company_type, business_line, segment, payment_method,
                           credit_limit, risk_score, has_email, collector_id, dunning_scenario_id, locked_fields)
    SELECT 'C' || g, 'Customer ' || g,
      (ARRAY[${COUNTRIES.map((c) => `'${c}'`).join(',')}])[1 + g % ${COUNTRIES.length}],
      (ARRAY[${SECTORS.map((c) => `'${c}'`).join(',')}])[1 + (g / 7) % ${SECTORS.length}],
      CASE WHEN g % 9 = 0 THEN 'public' ELSE 'private' END,
      (ARRAY['north','south','east','west'])[1 + (g / 3) % 4],
      (ARRAY['strategic','standard','standard','small','small'])[1 + (g * 7) % 5],
      (ARRAY['transfer','cheque','card','direct_debit'])[1 + g % 4],
      ((g * 7919) % 100) * 1000, (g * 37) % 100, g % 5 <> 0,
      1 + g % 20, 1 + g % 8,
      CASE WHEN g % 97 = 0 THEN ARRAY['collector'] ELSE ARRAY[]::text[] END
    FROM generate_series(1, ${C}) g;
    INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, settled_date, status)
    SELECT 'I' || c || '-' || k, c, 'F' || c || '-' || k, current_date - d - 30, current_date - d, a,
      CASE WHEN k <= 2 THEN a ELSE 0 END,
      CASE WHEN k <= 2 THEN NULL ELSE current_date - d + (c % 20) END,
      CASE WHEN k = 1 AND c % 4 = 0 THEN 'promise_to_pay' END
    FROM generate_series(1, ${C}) c, generate_series(1, 4) k,
      -- d: days past due. Open invoices (k <= 2) of ~88 % of customers are not yet due, ~10 % are
      -- 1-30 days late and ~2 % more than 30 (the brief's demo portfolio); k = 3, 4 were paid.
      LATERAL (SELECT CASE WHEN k > 2 THEN 30 + k * 30 + c % 30
                           WHEN c % 50 = 0 THEN 31 + (c * 7 + k) % 90
                           WHEN c % 8 = 0 THEN 1 + (c * 3 + k) % 30
                           ELSE -1 - (c + k * 11) % 40 END AS d,
                      round((100 + (c * 31 + k * 17) % 9000)::numeric, 2) AS a) x;
    INSERT INTO computed_fields (entity_type, entity_id, name, value_num, value_text, model_version)
    SELECT 'customer', c, f.name,
      CASE f.name WHEN 'lateProbability' THEN ((c * 2654435761::bigint) % 1000) / 1000.0
                  WHEN 'driftScore' THEN ((c * 40503::bigint) % 1000) / 1000.0
                  WHEN 'expectedDaysLate' THEN (c * 7) % 60 - 5
                  WHEN 'sentimentTrend' THEN ((c * 131) % 200) / 100.0 - 1 END,
      CASE WHEN f.name = 'recommendedLever' THEN (ARRAY['discount','late_penalty','card_payment','none'])[1 + c % 4] END,
      'bench@1'
    FROM generate_series(1, ${C}) c,
      (VALUES ('lateProbability'), ('driftScore'), ('expectedDaysLate'), ('sentimentTrend'), ('recommendedLever')) f(name);
    ANALYZE;
  `);
  const specs = ruleSpecs(R);
  for (const [i, spec] of specs.entries()) {
    parseCriteria(spec.criteria, CUSTOMER_FIELDS);
    const [{ id }] = await q.query<{ id: number }>('INSERT INTO saved_searches (name, criteria) VALUES ($1, $2::jsonb) RETURNING id', [`search ${i + 1}`, JSON.stringify(spec.criteria)]);
    await q.query('INSERT INTO assignment_rules (name, search_id, priority, actions) VALUES ($1, $2, $3, $4::jsonb)', [`rule ${i + 1}`, id, i + 1, JSON.stringify(spec.actions)]);
  }
  const t1 = performance.now();
  console.log(`portfolio: ${C} customers, ${C * 4} invoices, ${C * 5} model outputs, ${R} rules, loaded in ${((t1 - t0) / 1000).toFixed(1)} s`);

  const set = compileRuleSet(await loadRuleRows(q), (await loadSettings(q)).hysteresis);
  console.log(`stages: ${set.stages.map((s) => s.length).join(' + ')} rules; ${set.rules.filter((r) => r.keep).length} with hysteresis`);

  let t = performance.now();
  const facts = await q.query<CustomerFacts>(customerFactsSql());
  const factsMs = performance.now() - t;
  const pairs = compilePairs(set.rules);
  const noMembers = new Map<number, number[]>();
  matchRecords(facts.slice(0, 1000), pairs, noMembers); // warm the compiled functions
  const cpu = process.cpuUsage();
  t = performance.now();
  const inMemory = matchRecords(facts, pairs, noMembers);
  const inMemoryMs = performance.now() - t;
  const inMemoryCpu = process.cpuUsage(cpu);
  let memoryMatches = 0;
  for (const m of inMemory.values()) memoryMatches += m.length;
  console.log(`facts of ${facts.length} customers loaded in ${Math.round(factsMs)} ms; ${R} × ${facts.length} in memory: ${Math.round(inMemoryMs)} ms (cpu ${Math.round((inMemoryCpu.user + inMemoryCpu.system) / 1000)} ms), ${memoryMatches} matches`);

  t = performance.now();
  const sqlRows = await q.transaction((tx) => new SqlMatcher(tx, set.rules.flatMap((r) => r.ast.fields)).match(set.rules));
  const sqlMs = performance.now() - t;
  const sqlMatches = [...sqlRows.values()].reduce((n, m) => n + m.length, 0);
  console.log(`${R} rules over ${C} customers in SQL: ${Math.round(sqlMs)} ms, ${sqlMatches} matches`);
  if (sqlMatches !== memoryMatches) throw new Error(`SQL and memory disagree: ${sqlMatches} vs ${memoryMatches}`);

  t = performance.now();
  const preview = await previewPlan(q);
  const previewMs = performance.now() - t;
  console.log(`preview: ${Math.round(previewMs)} ms; ${preview.summary.sentences.slice(0, 4).join('; ')}; ` +
    `${preview.summary.changes} changes, held ${JSON.stringify(preview.summary.held)}, ${preview.conflicts.length} conflicting rule pairs`);

  t = performance.now();
  const runId = await createRun(q, { trigger: 'api', expectPlanHash: preview.hash });
  const applied = await executeRun(q, runId);
  const applyMs = performance.now() - t;
  console.log(`apply: ${Math.round(applyMs)} ms, ${applied.changes} changes written`);

  t = performance.now();
  const again = await previewPlan(q);
  const steadyMs = performance.now() - t;
  console.log(`second preview: ${Math.round(steadyMs)} ms, ${again.summary.changes} changes left (held by dwell: ${again.summary.held.dwell})`);
  if (again.summary.changes !== 0) throw new Error('a second run right after the apply should change nothing');

  // A saved search's list, as a credit manager pages it and exports it: the first search's.
  const [first] = await q.query<{ criteria: unknown }>('SELECT criteria FROM saved_searches ORDER BY id LIMIT 1');
  const ast = parseCriteria(first.criteria, CUSTOMER_FIELDS);
  t = performance.now();
  const firstPage = await searchResults(q, ast, { limit: 50 });
  const listPageMs = performance.now() - t;
  t = performance.now();
  const listCsv = tableCsv(await searchResultsTable(q, ast));
  const listCsvMs = performance.now() - t;
  console.log(`saved search 1's list: first page of 50 in ${Math.round(listPageMs)} ms (${firstPage.count} customers); every row as CSV in ${Math.round(listCsvMs)} ms (${listCsv.length} characters)`);

  const some = Array.from({ length: 100 }, (_, i) => 1 + ((i * 997) % C));
  t = performance.now();
  await previewPlan(q, { scope: { customerIds: some } });
  const customerChangeMs = performance.now() - t;
  console.log(`on customer change, 100 customers in memory: ${Math.round(customerChangeMs)} ms`);

  const round = (x: number) => Math.round(x);
  console.log(JSON.stringify({
    inMemoryMs: round(inMemoryMs), sqlMs: round(sqlMs), previewMs: round(previewMs), applyMs: round(applyMs),
    factsMs: round(factsMs), steadyPreviewMs: round(steadyMs), customerChangeMs: round(customerChangeMs),
    listPageMs: round(listPageMs), listCsvMs: round(listCsvMs), listCount: firstPage.count,
    customers: C, rules: R, stages: set.stages.length, changes: applied.changes, conflicts: preview.conflicts.length,
    peakRssMiB: rss.stop(), cores: os.cpus().length, loadAverage: Math.round(os.loadavg()[0] * 10) / 10,
  }));
} finally {
  if (process.env.BENCH_KEEP_DB) console.log(`kept ${db.url}`);
  else await db.drop();
}
