// Training: rebuild every decision of the log (offers and the silent "none"s),
// estimate the logging propensities, fit the outcome model, then the shrunk
// doubly-robust effects of each lever per segment and per similar customers.
import type { IncentiveConfig } from './config.js';
import { customerDecisions, inferDecisionPoints, type Decision } from './decisions.js';
import { decisionTerms, type DecisionTerms } from './estimators.js';
import { fitOutcomeModel } from './outcome-model.js';
import { fitPayerPrior } from './prompt-payer.js';
import { fitPropensities } from './propensity.js';
import { buildEffectTable } from './shrinkage.js';
import { INCENTIVES_FORMAT_VERSION, INCENTIVES_MODEL, type IncentiveState } from './state.js';
import type { IncentiveCustomer } from './types.js';

/** Decisions per customer, then their estimator terms, with the state's models. */
export function termsOf(customers: IncentiveCustomer[], state: Pick<IncentiveState, 'config' | 'points' | 'outcomeModel' | 'propensities'>): DecisionTerms[] {
  return customers.flatMap((c) => decisionTerms(customerDecisions(c, state.points, state.config), state.outcomeModel, state.propensities, state.config));
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

export function fitIncentives(
  customers: IncentiveCustomer[],
  config: IncentiveConfig,
  onProgress?: (fraction: number, message?: string) => void,
): IncentiveState {
  const points = inferDecisionPoints(customers, config);
  const perCustomer = customers.map((c) => customerDecisions(c, points, config));
  const all: Decision[] = perCustomer.flat();
  onProgress?.(0.3, `${all.length} decisions rebuilt from ${customers.length} customers`);
  const propensities = fitPropensities(all);
  const outcomeModel = fitOutcomeModel(all);
  onProgress?.(0.6, 'estimating lever effects');
  const terms = perCustomer.flatMap((d) => decisionTerms(d, outcomeModel, propensities, config));
  const decisions: IncentiveState['training']['decisions'] = { pre_due: {}, overdue: {} };
  for (const d of all) decisions[d.stage][d.action] = (decisions[d.stage][d.action] ?? 0) + 1;
  return {
    model: INCENTIVES_MODEL,
    formatVersion: INCENTIVES_FORMAT_VERSION,
    config,
    points,
    propensities,
    outcomeModel,
    effects: buildEffectTable(terms, points, config),
    ...optional('payers', fitPayerPrior(customers, config)),
    training: { customers: customers.length, decisions },
  };
}
