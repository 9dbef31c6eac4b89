// Payment incentives: which lever (discount, late penalties, card payment link,
// collection agency, service termination) or none, when, for whom.
export * from './types.js';
export { DEFAULT_INCENTIVE_CONFIG, incentiveConfig, LEVER_LABEL, NO_GUARDRAILS, type EscalationGuardrail, type IncentiveConfig, type IncentiveConfigPatch } from './config.js';
export { contextAt, customerDecisions, inferDecisionPoints, type Decision, type DecisionContext, type DecisionPoints, type PayerBand, type RiskBand } from './decisions.js';
export { fitPropensities, customerPropensities, type PropensityTable } from './propensity.js';
export { fitOutcomeModel, predictOutcome, type OutcomeModel, type OutcomeVector } from './outcome-model.js';
export { contrast, decisionTerms, discountCostDays, type DecisionTerms } from './estimators.js';
export { buildEffectTable, cellKey, type EffectTable, type LeverEstimate, type Posterior } from './shrinkage.js';
export { fitIncentives, termsOf } from './fit.js';
export { guardrailBlock, IncentiveRecommender, stageFor, type RecommendationDetail, type RecommendOptions } from './recommend.js';
export { doublyRobustValue, loggedValue, selfNormalisedIpsValue, type ObjectiveWeights, type PolicyEstimate } from './policy-value.js';
export { INCENTIVES_MODEL, IncentiveArtifactError, incentiveState, type IncentiveState } from './state.js';
export { createIncentiveModel, evaluateIncentives, incentiveModel, IncentivePredictor, type IncentiveDataset } from './model.js';
