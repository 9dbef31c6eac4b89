// The incentives model kind behind the one model interface. Training is
// closed-form and deterministic, so `seed` has no effect.
import type { Artifact, Metrics, ModelKind, Prediction, Predictor, TrainOptions } from '../model.js';
import { incentiveConfig, type IncentiveConfigPatch } from './config.js';
import { dayNumber } from './decisions.js';
import { discountCostDays, type DecisionTerms } from './estimators.js';
import { fitIncentives, termsOf } from './fit.js';
import { doublyRobustValue, loggedValue, selfNormalisedIpsValue, type ObjectiveWeights } from './policy-value.js';
import { incentiveReasons } from './reasons.js';
import { IncentiveRecommender, type RecommendationDetail, type RecommendOptions } from './recommend.js';
import { INCENTIVES_MODEL, incentiveState, type IncentiveState } from './state.js';
import { STAGES, type Action, type IncentiveCustomer, type IncentiveInput, type IncentiveRecommendation } from './types.js';

export interface IncentiveDataset {
  /** Customers with their invoices and logged offers; each `asOf` ends what is known. */
  customers: IncentiveCustomer[];
  /** Evaluation scores only the decisions made on or after this date (a holdout). */
  evaluateFrom?: string | null;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export class IncentivePredictor implements Predictor<IncentiveInput, IncentiveRecommendation> {
  readonly recommender: IncentiveRecommender;

  constructor(readonly state: IncentiveState) {
    this.recommender = new IncentiveRecommender(state);
  }

  detail(input: IncentiveInput, options?: RecommendOptions): RecommendationDetail {
    return this.recommender.recommend(input, options);
  }

  predict(input: IncentiveInput): Prediction<IncentiveRecommendation> {
    const detail = this.detail(input);
    const rec = detail.recommendation;
    const chosen = rec.assessments.find((a) => a.lever === rec.lever);
    // For "none": how sure we are that no allowed lever clearly helps.
    const doubt = Math.max(0, ...rec.assessments.filter((a) => a.allowed && a.gainDays >= this.state.config.minGainDays).map((a) => a.probabilityBetter));
    return { value: rec, confidence: round4(chosen ? chosen.probabilityBetter : 1 - doubt), reasons: incentiveReasons(detail, this.state) };
  }

  predictMany(inputs: IncentiveInput[]): Prediction<IncentiveRecommendation>[] {
    return inputs.map((i) => this.predict(i));
  }

  /** The learned policy at a logged decision (its context as known then, no customer-level evidence). */
  policyAt(t: DecisionTerms, options?: RecommendOptions): Action {
    const d = t.decision;
    const situation = { daysOverdue: d.daysOverdue, overdueAmount: d.amount };
    const { assessments } = this.recommender.assess(d.stage, d.context, situation, { latePenalties: d.latePenalties }, [], options);
    return this.recommender.choose(d.stage, assessments).lever;
  }

  objectiveWeights(): ObjectiveWeights {
    const c = this.state.config;
    return { churnCostDays: c.churnCostDays, discountCostDays: discountCostDays(this.state.points, c), maxWeight: c.maxWeight };
  }
}

/** Off-policy value of the learned policy vs what the platform did, per stage, on the dataset's decisions. */
export function evaluateIncentives(predictor: IncentivePredictor, data: IncentiveDataset): Metrics {
  return incentiveEvaluation(predictor, data).metrics;
}

/** The metrics with the evaluated decisions (those on or after `evaluateFrom`) they were computed from. */
export function incentiveEvaluation(predictor: IncentivePredictor, data: IncentiveDataset): { metrics: Metrics; terms: DecisionTerms[] } {
  const from = dayNumber(data.evaluateFrom ?? null) ?? Number.NEGATIVE_INFINITY;
  const terms = termsOf(data.customers, predictor.state).filter((t) => t.decision.day >= from);
  const w = predictor.objectiveWeights();
  const metrics: Metrics = { decisions: terms.length };
  let gain = 0;
  for (const stage of STAGES) {
    const own = terms.filter((t) => t.decision.stage === stage);
    if (own.length === 0) continue;
    const policy = (t: DecisionTerms) => predictor.policyAt(t);
    const logged = loggedValue(own, w);
    const dr = doublyRobustValue(own, policy, w);
    const ips = selfNormalisedIpsValue(own, policy, w);
    metrics[`${stage}_decisions`] = own.length;
    metrics[`${stage}_loggedObjective`] = round4(logged.objective);
    metrics[`${stage}_policyObjectiveDR`] = round4(dr.objective);
    metrics[`${stage}_policyObjectiveIPS`] = round4(ips.objective);
    metrics[`${stage}_policyDaysToPayDR`] = round4(dr.daysToPay);
    metrics[`${stage}_policyChurnDR`] = round4(dr.churned);
    metrics[`${stage}_agreement`] = round4(dr.agreement / own.length);
    gain += (logged.objective - dr.objective) * own.length;
  }
  // Days-equivalent saved per decision by following the model instead of the platform's policy.
  // No decision in the holdout: the policy was not valued, which is not a gain of 0.
  metrics.policyGainDays = terms.length ? round4(gain / terms.length) : Number.NaN;
  return { metrics, terms };
}

export function createIncentiveModel(patch: IncentiveConfigPatch = {}): ModelKind<IncentiveDataset, IncentiveInput, IncentiveRecommendation> {
  const config = incentiveConfig(patch);
  return {
    name: INCENTIVES_MODEL,
    primaryMetric: 'policyGainDays',
    metricDirection: 'higher',

    async train(data: IncentiveDataset, options: TrainOptions = {}): Promise<Artifact> {
      const to = options.window?.to;
      const customers = to ? data.customers.map((c) => ({ ...c, asOf: c.asOf < to ? c.asOf : to })) : data.customers;
      options.onProgress?.(0, `rebuilding decisions of ${customers.length} customers`);
      const state = fitIncentives(customers, config, options.onProgress);
      options.onProgress?.(1, 'done');
      return { state };
    },

    async evaluate(artifact: Artifact, data: IncentiveDataset): Promise<Metrics> {
      return evaluateIncentives(new IncentivePredictor(incentiveState(artifact)), data);
    },

    async load(artifact: Artifact): Promise<IncentivePredictor> {
      return new IncentivePredictor(incentiveState(artifact));
    },
  };
}

export const incentiveModel = createIncentiveModel();
