// Does a rule set settle in one run? Random rule sets (score bands, segments,
// groups, scenarios and collectors read and written) over random customers on
// an in-memory PGlite: each set is run twice on the same data, and a set whose
// second run changes anything needed more than one run. Dwell times are off,
// so only the rules' own order and hysteresis decide. Seeded: the same
// options give the same sets and the same counts.
// `--generator cycles`: sets acyclic by construction (a rule reads only what
// rules made before it write) whose bands are guarded by what the readers of
// the bands beside write, so those readers cannot wait for them (planStages),
// with random priorities. `--runs N`: runs each set N times; a set whose state
// after a run is the one two runs before, and not the one before, flip-flops.
// Usage: npx tsx bench/one-run.ts [--sets 400] [--customers 30] [--seed 1] [--examples 3] [--set N] [--generator cycles] [--runs 2]
//   (or npm run bench -- one-run); prints the counts, a few sets that needed
//   two runs, and a final JSON line.
import { openStorage } from '../src/db/open.js';
import { isArError } from '../src/errors.js';
import { createSearch } from '../src/searches/store.js';
import { saveRule } from '../src/assign/rules.js';
import { saveSettings } from '../src/assign/settings.js';
import { createRun, executeRun } from '../src/assign/runs.js';
import type { Action } from '../src/assign/actions.js';
import { DWELL_KINDS } from '../src/assign/targets.js';
import { Random } from '../src/world/rng.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({
  sets: { type: 'string', default: '400' }, customers: { type: 'string', default: '30' }, seed: { type: 'string', default: '1' }, examples: { type: 'string', default: '3' }, set: { type: 'string' },
  generator: { type: 'string', default: 'random' }, runs: { type: 'string', default: '2' },
});
const CYCLES = values.generator === 'cycles';
const RUNS = Math.max(2, Number(values.runs));
const SETS = Number(values.sets);
const CUSTOMERS = Number(values.customers);
const SEED = Number(values.seed);
const EXAMPLES = Number(values.examples);
// One set alone (its number in the output), to look into it.
const ONLY = values.set === undefined ? null : Number(values.set);

const SEGMENTS = ['key', 'sme', 'standard'];
const SCENARIOS = ['standard', 'risky', 'legal'];
const COLLECTORS = ['col-a', 'col-b'];
const GROUPS = ['low', 'medium', 'high', 'vip', 'watch'];
// Score bands: rules adding to these read only their own range, so they are bands of each other (exclusive.ts).
const BANDS: Record<string, unknown> = {
  low: { '<': [{ var: 'riskScore' }, 40] },
  medium: { '<=': [40, { var: 'riskScore' }, 70] },
  high: { '>': [{ var: 'riskScore' }, 70] },
};

function atom(rng: Random): unknown {
  switch (rng.int(0, 3)) {
    case 0: return { '==': [{ var: 'segment' }, rng.pick(SEGMENTS)] };
    case 1: return { in: [rng.pick(GROUPS), { var: 'groups' }] };
    case 2: return { '==': [{ var: 'dunningScenario' }, rng.pick(SCENARIOS)] };
    default: return { '==': [{ var: 'collector' }, rng.pick(COLLECTORS)] };
  }
}

function ruleSpec(rng: Random): { criteria: unknown; actions: Action[] } {
  if (rng.chance(0.4)) {
    // A band's rule: its range, sometimes and something else, and perhaps a scenario or collector beside the group.
    const band = rng.pick(Object.keys(BANDS));
    const criteria = rng.chance(0.4) ? { and: [BANDS[band], atom(rng)] } : BANDS[band];
    const actions: Action[] = [{ type: 'addToGroup', group: band }];
    if (rng.chance(0.3)) actions.push({ type: 'setDunningScenario', dunningScenario: rng.pick(SCENARIOS) });
    return { criteria, actions };
  }
  const criteria = rng.chance(0.5) ? atom(rng) : { [rng.pick(['and', 'or'])]: [atom(rng), atom(rng)] };
  const actions: Action[] = [];
  const kinds = [0, 1, 2, 3].filter(() => rng.chance(0.45));
  for (const k of kinds.length > 0 ? kinds : [rng.int(0, 3)]) {
    if (k === 0) actions.push({ type: 'setDunningScenario', dunningScenario: rng.pick(SCENARIOS) });
    if (k === 1) actions.push({ type: 'setCollector', collector: rng.pick(COLLECTORS) });
    if (k === 2) actions.push({ type: 'addToGroup', group: rng.pick(['vip', 'watch']) });
    if (k === 3) actions.push({ type: 'removeFromGroup', group: rng.pick(GROUPS) });
  }
  return { criteria, actions };
}

const GUARDED_GROUPS = ['vip', 'watch'];
const targetOf = (a: Action): string => a.type === 'setDunningScenario' ? 'dunningScenario' : a.type === 'setCollector' ? 'collector' : `group:${(a as { group: string }).group}`;
const readOf = (rng: Random, t: string): unknown => t.startsWith('group:') ? { in: [t.slice(6), { var: 'groups' }] }
  : { '==': [{ var: t }, rng.pick(t === 'collector' ? COLLECTORS : SCENARIOS)] };

/** A rule set with no cycle of reads, where bands read what readers of the bands beside write. */
function cycleSpecs(rng: Random): { criteria: unknown; actions: Action[] }[] {
  const out: { criteria: unknown; actions: Action[] }[] = [];
  const written = new Set<string>();
  const read = new Set<string>();
  const bandsLeft = Object.keys(BANDS).filter(() => rng.chance(0.9));
  const n = rng.int(4, 8);
  for (let i = 0; i < n; i++) {
    const pool = [...written, ...(rng.chance(0.3) ? ['dunningScenario', 'collector'].filter((t) => !written.has(t)) : [])];
    const reads: string[] = [];
    let criteria: unknown;
    let actions: Action[];
    if (bandsLeft.length > 0 && (rng.chance(0.45) || n - i <= bandsLeft.length)) {
      const band = bandsLeft.splice(rng.int(0, bandsLeft.length - 1), 1)[0];
      if (pool.length > 0 && rng.chance(0.6)) reads.push(rng.pick(pool));
      criteria = reads.length > 0 ? { and: [BANDS[band], readOf(rng, reads[0])] } : BANDS[band];
      actions = [{ type: 'addToGroup', group: band }];
      if (rng.chance(0.35)) actions.push(rng.chance(0.5) ? { type: 'setDunningScenario', dunningScenario: rng.pick(SCENARIOS) } : { type: 'setCollector', collector: rng.pick(COLLECTORS) });
    } else {
      if (pool.length === 0) continue;
      reads.push(rng.pick(pool));
      if (rng.chance(0.4)) reads.push(rng.pick(pool));
      criteria = reads.length === 1 ? readOf(rng, reads[0]) : { [rng.pick(['and', 'or'])]: reads.map((t) => readOf(rng, t)) };
      actions = Array.from({ length: rng.int(1, 2) }, (): Action => {
        switch (rng.int(0, 3)) {
          case 0: return { type: 'setDunningScenario', dunningScenario: rng.pick(SCENARIOS) };
          case 1: return { type: 'setCollector', collector: rng.pick(COLLECTORS) };
          case 2: return { type: 'addToGroup', group: rng.pick(GUARDED_GROUPS) };
          default: return { type: 'removeFromGroup', group: rng.pick(GUARDED_GROUPS) };
        }
      });
    }
    // Writing what a rule made before reads would close a cycle, but the scalar a rule reads itself.
    actions = actions.filter((a) => !read.has(targetOf(a)) || (reads.includes(targetOf(a)) && !targetOf(a).startsWith('group:')));
    if (actions.length === 0) continue;
    for (const t of reads) read.add(t);
    for (const a of actions) written.add(targetOf(a));
    out.push({ criteria, actions });
  }
  return out;
}

async function stateOf(): Promise<string> {
  return JSON.stringify(await db.query(`SELECT c.collector_id, c.dunning_scenario_id,
    ARRAY(SELECT gm.group_id FROM group_members gm WHERE gm.customer_id = c.id ORDER BY 1) AS groups FROM customers c ORDER BY c.id`));
}

const started = Date.now();
const storage = await openStorage({ databaseUrl: null, pgliteDir: 'memory://' });
const db = storage.db;
const counts = { sets: 0, refused: 0, settled: 0, twoRuns: 0, flipFlops: 0 };
const examples: unknown[] = [];
try {
  for (let set = ONLY ?? 0; set < (ONLY === null ? SETS : ONLY + 1); set++) {
    const rng = new Random(SEED, `one-run-${set}`);
    await db.query(`TRUNCATE customers, assignment_rules, saved_searches, assignment_runs, assignment_changes,
      assignment_rule_members, assignment_member_changes, collectors, dunning_scenarios, customer_groups RESTART IDENTITY CASCADE`);
    await db.query(`DELETE FROM assignment_settings`);
    await saveSettings(db, { dwellDays: Object.fromEntries(DWELL_KINDS.map((k) => [k, 0])), hysteresis: { riskScore: 5 }, runOnRuleChange: false });
    await db.query(`INSERT INTO collectors (external_id, name) SELECT x, x FROM unnest($1::text[]) x`, [COLLECTORS]);
    await db.query(`INSERT INTO dunning_scenarios (external_id, name) SELECT x, x FROM unnest($1::text[]) x`, [SCENARIOS]);
    await db.query(`INSERT INTO customer_groups (external_id, name) SELECT x, x FROM unnest($1::text[]) x`, [GROUPS]);
    const customers = Array.from({ length: CUSTOMERS }, (_, i) => ({
      id: `C${i}`, segment: rng.pick(SEGMENTS), risk: rng.int(0, 100),
      scenario: rng.chance(0.5) ? rng.pick(SCENARIOS) : null, collector: rng.chance(0.5) ? rng.pick(COLLECTORS) : null,
    }));
    await db.query(
      `INSERT INTO customers (external_id, name, segment, risk_score, collector_id, dunning_scenario_id)
       SELECT x.id, x.id, x.segment, x.risk, (SELECT id FROM collectors WHERE external_id = x.col), (SELECT id FROM dunning_scenarios WHERE external_id = x.sc)
       FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[]) AS x(id, segment, risk, col, sc)`,
      [customers.map((c) => c.id), customers.map((c) => c.segment), customers.map((c) => c.risk), customers.map((c) => c.collector), customers.map((c) => c.scenario)],
    );
    const specs = CYCLES ? cycleSpecs(rng) : Array.from({ length: rng.int(2, 6) }, () => ruleSpec(rng));
    const priorities = specs.map((_, i) => i + 1);
    if (CYCLES) for (let i = priorities.length - 1; i > 0; i--) { const j = rng.int(0, i); [priorities[i], priorities[j]] = [priorities[j], priorities[i]]; }
    counts.sets += 1;
    try {
      for (const [i, spec] of specs.entries()) {
        const search = await createSearch(db, { name: `s${i}`, criteria: spec.criteria });
        await saveRule(db, null, { name: `r${i + 1}`, searchId: search.id, priority: priorities[i], actions: spec.actions });
      }
    } catch (err) {
      // A cycle or a swing: refused when saved, as a credit manager would see it.
      if (isArError(err)) {
        counts.refused += 1;
        continue;
      }
      throw err;
    }
    const first = await executeRun(db, await createRun(db, { trigger: 'api' }));
    if (ONLY !== null) console.log(JSON.stringify({ stages: first.stages, changes: first.changes }));
    const secondRun = await createRun(db, { trigger: 'api' });
    const second = await executeRun(db, secondRun);
    if (second.changes === 0) counts.settled += 1;
    else {
      counts.twoRuns += 1;
      if (examples.length < EXAMPLES) {
        const changes = await db.query(
          `SELECT c.external_id AS customer, ch.field, ch.old_value AS old, ch.new_value AS new, ch.rule_name AS rule
           FROM assignment_changes ch JOIN customers c ON c.id = ch.customer_id WHERE ch.run_id = $1 ORDER BY 1, 2`, [secondRun]);
        examples.push({ set, rules: specs.map((r, i) => ({ rule: i + 1, priority: priorities[i], ...r })), secondRun: changes });
      }
    }
    const states = [await stateOf()];
    for (let k = 2; k < RUNS; k++) {
      await executeRun(db, await createRun(db, { trigger: 'api' }));
      states.push(await stateOf());
      if (k >= 3 && states.at(-1) === states.at(-3) && states.at(-1) !== states.at(-2)) {
        counts.flipFlops += 1;
        break;
      }
    }
  }
} finally {
  await storage.close();
}
const seconds = (Date.now() - started) / 1000;
console.log(`${counts.sets} rule sets over ${CUSTOMERS} customers (seed ${SEED}): ${counts.refused} refused when saved, ` +
  `${counts.settled} settled in one run, ${counts.twoRuns} changed something at the second run, ${counts.flipFlops} flip-flopped over ${RUNS} runs; ${seconds.toFixed(1)} s`);
for (const e of examples) console.log(JSON.stringify(e));
console.log(JSON.stringify({ bench: 'one-run', seed: SEED, customers: CUSTOMERS, ...counts, seconds }));
