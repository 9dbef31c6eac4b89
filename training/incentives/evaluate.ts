// Evaluates the incentive recommender on a synthetic world (ground truth known).
//   npx tsx training/incentives/evaluate.ts --world DIR [--holdout-months 9]
// Trains on the decisions whose outcome was known before the holdout, then on
// the holdout's decisions compares, by their TRUE expected outcomes (the
// world's mechanics with each customer's hidden sensitivities): the platform's
// logging policy, the learned policy (with and without guardrails), doing
// nothing, and the best single lever per segment in hindsight. It also checks
// the off-policy estimates (doubly robust, IPS) against those true values, and
// the per-segment lever effects against the truth. Prints tables, then one
// JSON line. All figures come from a SYNTHETIC world.
import {
  createIncentiveModel,
  doublyRobustValue,
  loggedValue,
  NO_GUARDRAILS,
  selfNormalisedIpsValue,
  STAGE_LEVERS,
  STAGES,
  termsOf,
  type Action,
  type DecisionTerms,
  type IncentiveConfigPatch,
  type IncentivePredictor,
  type ObjectiveWeights,
  type Stage,
} from '../../src/ml/incentives/index.js';
import { monthsBefore, readWorld } from '../send-time/world-files.js';
import { effectTable, type Row } from './effects-report.js';
import { IncentiveOracle, incentiveCustomers, trueObjective, type TrueOutcome } from './world-data.js';
import { scriptOptions } from '../cli/options.js';
import { PROTOCOL_OPTIONS } from '../cli/protocol-options.js';

const values = scriptOptions(PROTOCOL_OPTIONS.incentives);
if (!values.world) {
  console.error('usage: npx tsx training/incentives/evaluate.ts --world DIR [--holdout-months 9]');
  process.exit(2);
}
const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

const world = readWorld(values.world, ['customers', 'invoices', 'incentive-offers', 'external-events']);
const endDate = world.truth.period.endDate;
const cutoff = monthsBefore(endDate, Number(values['holdout-months']));
const cutoffDay = Math.floor(Date.parse(cutoff) / 86_400_000);
const trainingCustomers = incentiveCustomers(world, cutoff);
const holdoutCustomers = incentiveCustomers(world, endDate);
const actionsOf = (stage: Stage): Action[] => ['none', ...STAGE_LEVERS[stage]];

interface Setting {
  predictor: IncentivePredictor;
  weights: ObjectiveWeights;
  holdout: DecisionTerms[];
  training: DecisionTerms[];
  truthOf: (x: DecisionTerms, a: Action) => TrueOutcome & { objective: number };
  trainSeconds: number;
}

async function setting(patch: IncentiveConfigPatch): Promise<Setting> {
  const kind = createIncentiveModel(patch);
  const started = performance.now();
  const artifact = await kind.train({ customers: trainingCustomers });
  const trainSeconds = (performance.now() - started) / 1000;
  const predictor = (await kind.load(artifact)) as IncentivePredictor;
  const weights = predictor.objectiveWeights();
  const oracle = new IncentiveOracle(world, predictor.state.points, predictor.state.config.outcomeCapDays);
  const truthOf = (x: DecisionTerms, a: Action) => {
    const o = oracle.outcome(x.decision, a);
    return { ...o, objective: trueObjective(o, a, weights.churnCostDays, weights.discountCostDays) };
  };
  return {
    predictor,
    weights,
    holdout: termsOf(holdoutCustomers, predictor.state).filter((x) => x.decision.day >= cutoffDay),
    training: termsOf(trainingCustomers, predictor.state),
    truthOf,
    trainSeconds,
  };
}

/** Best single action per segment in hindsight (true values on the holdout itself). */
function hindsight(s: Setting, terms: DecisionTerms[], stage: Stage): Map<string, Action> {
  const best = new Map<string, Action>();
  for (const segment of new Set(terms.map((x) => x.decision.context.segment))) {
    const mine = terms.filter((x) => x.decision.context.segment === segment);
    let bestAction: Action = 'none';
    let bestValue = Number.POSITIVE_INFINITY;
    for (const a of actionsOf(stage)) {
      const v = mine.reduce((sum, x) => sum + s.truthOf(x, a).objective, 0) / mine.length;
      if (v < bestValue) [bestAction, bestValue] = [a, v];
    }
    best.set(segment, bestAction);
  }
  return best;
}

type PolicyReport = Record<string, Record<string, Record<string, number>>>;

/** True value (oracle), off-policy estimates and lever shares of each policy, per stage; true value per segment. */
function policyReport(s: Setting): { overall: PolicyReport; bySegment: PolicyReport } {
  const overall: PolicyReport = {};
  const bySegment: PolicyReport = {};
  for (const stage of STAGES) {
    const terms = s.holdout.filter((x) => x.decision.stage === stage);
    if (terms.length === 0) continue;
    const best = hindsight(s, terms, stage);
    const policies: Record<string, (x: DecisionTerms) => Action> = {
      logging: (x) => x.decision.action,
      learned: (x) => s.predictor.policyAt(x),
      learnedNoGuardrails: (x) => s.predictor.policyAt(x, { guardrails: NO_GUARDRAILS }),
      nothing: () => 'none',
      bestPerSegmentInHindsight: (x) => best.get(x.decision.context.segment)!,
    };
    overall[stage] = {};
    bySegment[stage] = {};
    for (const [name, policy] of Object.entries(policies)) {
      const chosen = new Map(terms.map((x) => [x, policy(x)]));
      const truth = new Map(terms.map((x) => [x, s.truthOf(x, chosen.get(x)!)]));
      const mean = (rows: DecisionTerms[], f: (v: TrueOutcome & { objective: number }) => number) => rows.reduce((sum, x) => sum + f(truth.get(x)!), 0) / rows.length;
      // The platform's own value is observed, not estimated off-policy.
      const dr = name === 'logging' ? loggedValue(terms, s.weights) : doublyRobustValue(terms, (x) => chosen.get(x)!, s.weights);
      const ips = name === 'logging' ? dr : selfNormalisedIpsValue(terms, (x) => chosen.get(x)!, s.weights);
      const share: Record<string, number> = {};
      for (const a of chosen.values()) share[`share_${a}`] = (share[`share_${a}`] ?? 0) + 1 / chosen.size;
      overall[stage][name] = {
        trueDaysToPay: r2(mean(terms, (v) => v.daysToPay)),
        trueChurn: r4(mean(terms, (v) => v.churned)),
        trueObjective: r2(mean(terms, (v) => v.objective)),
        estimatedObjectiveDR: r2(dr.objective),
        estimatedObjectiveDRSe: r2(dr.objectiveStandardError),
        estimatedObjectiveIPS: r2(ips.objective),
        estimatedObjectiveIPSSe: r2(ips.objectiveStandardError),
        ...Object.fromEntries(Object.entries(share).map(([k, v]) => [k, r4(v)])),
      };
      for (const segment of [...best.keys()].sort()) {
        const rows = terms.filter((x) => x.decision.context.segment === segment);
        (bySegment[stage][segment] ??= {})[name] = r2(mean(rows, (v) => v.objective));
        bySegment[stage][segment].decisions = rows.length;
      }
    }
  }
  return { overall, bySegment };
}

function printPolicies(title: string, s: Setting, r: { overall: PolicyReport; bySegment: PolicyReport }, stages: readonly Stage[] = STAGES) {
  console.log(`\n== ${title}: objective = days-to-pay + ${s.weights.churnCostDays} × churn + ${r2(s.weights.discountCostDays)} days per discount taken (lower is better)`);
  for (const [stage, rows] of Object.entries(r.overall)) {
    if (!stages.includes(stage as Stage)) continue;
    console.log(`${stage} (${s.holdout.filter((x) => x.decision.stage === stage).length} holdout decisions)  policy: TRUE days / churn / objective | estimated DR (se) | SNIPS (se) | levers chosen`);
    for (const [name, m] of Object.entries(rows)) {
      const shares = Object.entries(m).filter(([k]) => k.startsWith('share_')).map(([k, v]) => `${k.slice(6)} ${(v * 100).toFixed(0)}%`).join(', ');
      console.log(`  ${name.padEnd(26)} ${m.trueDaysToPay.toFixed(1).padStart(5)} / ${(m.trueChurn * 100).toFixed(2)}% / ${m.trueObjective.toFixed(1).padStart(5)} | ${m.estimatedObjectiveDR.toFixed(1)} (${m.estimatedObjectiveDRSe.toFixed(1)}) | ${m.estimatedObjectiveIPS.toFixed(1)} (${m.estimatedObjectiveIPSSe.toFixed(1)}) | ${shares}`);
    }
    console.log(`  true objective per segment: ${JSON.stringify(r.bySegment[stage])}`);
  }
}

const main = await setting({});
const mainReport = policyReport(main);
// The same with discounts priced at zero: the pure DSO view, where the discount lever comes into play.
const dso = await setting({ costOfMoneyPerYear: null });
const dsoReport = policyReport(dso);
const { predictor, training } = main;
const state = predictor.state;
const effects: Row[] = effectTable(state, training, (x, a) => main.truthOf(x, a));

console.log(`SYNTHETIC world ${values.world}: ${state.training.customers} customers; ${training.length} decisions known before ${cutoff} train (${main.trainSeconds.toFixed(1)} s), ${main.holdout.length} holdout decisions from ${cutoff}`);
console.log(`decision points (learned from the offers): discount ${state.points.preDueDaysAfterIssue} day after issue, pressure ${state.points.overdueDaysAfterDue} days after due; discount ${state.points.discountPct} % within ${state.points.discountWithinDays} days`);
printPolicies('default settings (discounts priced at a 25 % cost of money)', main, mainReport);
printPolicies('pure DSO view (discounts free; overdue levers as above)', dso, dsoReport, ['pre_due']);
console.log('\nlever effects vs none on training decisions (days-to-pay; churn in points): true | DR raw | IPS raw | shrunk (n)');
for (const e of effects) {
  console.log(`  ${`${e.stage}/${e.segment}/${e.lever}`.padEnd(40)} ${e.trueDays.toFixed(1).padStart(6)} | ${e.drDays.toFixed(1).padStart(6)} | ${e.ipsDays.toFixed(1).padStart(6)} | ${e.shrunkDays.toFixed(1).padStart(6)} (${e.n})   churn ${(e.trueChurn * 100).toFixed(1)} | ${(e.drChurn * 100).toFixed(1)} | ${(e.ipsChurn * 100).toFixed(1)}`);
}
const absErr = (f: (e: Row) => number) => r2(effects.reduce((s, e) => s + Math.abs(f(e)) * e.n, 0) / Math.max(1, effects.reduce((s, e) => s + e.n, 0)));
const summary = {
  weightedAbsErrorDays: { dr: absErr((e) => e.drDays - e.trueDays), ips: absErr((e) => e.ipsDays - e.trueDays), shrunk: absErr((e) => e.shrunkDays - e.trueDays) },
};
console.log('decision-weighted mean absolute error of the effect on days-to-pay:', JSON.stringify(summary.weightedAbsErrorDays));
console.log(
  JSON.stringify({
    synthetic: true,
    world: values.world,
    cutoff,
    trainingDecisions: training.length,
    holdoutDecisions: main.holdout.length,
    objective: { churnCostDays: main.weights.churnCostDays, discountCostDays: r2(main.weights.discountCostDays) },
    policies: mainReport.overall,
    policiesBySegment: mainReport.bySegment,
    pureDsoPreDuePolicies: dsoReport.overall.pre_due,
    effectErrors: summary,
    effects,
    trainSeconds: r2(main.trainSeconds),
  }),
);
