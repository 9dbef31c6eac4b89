// Business settings of the incentive recommender (what a lost customer and a
// discount are worth, when escalation is acceptable) and statistical ones.
import type { Lever } from './types.js';

export interface EscalationGuardrail {
  /** The oldest overdue invoice must be at least this many days past due… */
  minDaysOverdue: number;
  /** …and at least this much must be overdue. */
  minOverdueAmount: number;
  /** Segments this lever is never recommended for (e.g. strategic accounts). */
  excludedSegments: string[];
}

export interface IncentiveConfig {
  /** A lost customer weighs as much as this many days of delay on the invoice at stake. */
  churnCostDays: number;
  /**
   * Annual cost of money used to price a discount: a 2 % discount taken is worth
   * 2 % × 365 / rate days of earlier cash. null = discounts are free (pure DSO view).
   */
  costOfMoneyPerYear: number | null;
  /** Recommend a lever only if it saves at least this many days-equivalent… */
  minGainDays: number;
  /** …with at least this probability of doing better than nothing. */
  minProbabilityBetter: number;
  guardrails: {
    collection_agency: EscalationGuardrail;
    service_termination: EscalationGuardrail;
    /** Only where the contract provides late penalties (customers.latePenalties). */
    latePenaltyNeedsContractClause: boolean;
    /**
     * Offer a discount to a customer whose own history says it pays on time
     * (its payer band is "prompt"). Off by default: the discount would mostly pay
     * for what the customer does anyway, unless its own past discounts show they
     * make it pay sooner. Absent in artifacts trained before it existed: off.
     */
    discountForPromptPayers?: boolean;
  };
  /** Payment methods that get no early-payment discount (the logging policy never offered one). */
  discountExcludedMethods: string[];
  /** When the platform decides (days after issue / after due); null = learned from the logged offers. */
  preDueDecisionDaysAfterIssue: number | null;
  overdueDecisionDaysAfterDue: number | null;
  /** Days to pay are counted up to this cap; decisions younger than this are not used for learning. */
  outcomeCapDays: number;
  /** A customer who stops ordering within this many days after a decision counts as lost to it. */
  churnWindowDays: number;
  /** No invoice for this long before asOf: the customer has stopped ordering. */
  stoppedOrderingDays: number;
  /** The customer's own evidence: their most recent decisions of the stage, at most this many. */
  customerEvidenceDecisions: number;
  /** Inverse-propensity weights are capped (variance control; a small bias, stated). */
  maxWeight: number;
  /** A customer with fewer settled invoices has no payer band. */
  minInvoicesForPayerBand: number;
  /** Median days late above this: a "late payer". */
  latePayerDays: number;
  /** Risk score at or above this: "high risk". */
  highRiskScore: number;
}

export const DEFAULT_INCENTIVE_CONFIG: IncentiveConfig = {
  churnCostDays: 120,
  costOfMoneyPerYear: 0.25,
  minGainDays: 2,
  minProbabilityBetter: 0.7,
  guardrails: {
    collection_agency: { minDaysOverdue: 45, minOverdueAmount: 1_000, excludedSegments: [] },
    service_termination: { minDaysOverdue: 60, minOverdueAmount: 5_000, excludedSegments: ['strategic'] },
    latePenaltyNeedsContractClause: true,
  },
  discountExcludedMethods: ['direct_debit'],
  preDueDecisionDaysAfterIssue: null,
  overdueDecisionDaysAfterDue: null,
  outcomeCapDays: 90,
  churnWindowDays: 60,
  stoppedOrderingDays: 120,
  customerEvidenceDecisions: 24,
  maxWeight: 50,
  minInvoicesForPayerBand: 2,
  latePayerDays: 5,
  highRiskScore: 50,
};

export type IncentiveConfigPatch = Partial<Omit<IncentiveConfig, 'guardrails'>> & {
  guardrails?: Partial<IncentiveConfig['guardrails']>;
};

export function incentiveConfig(patch: IncentiveConfigPatch = {}): IncentiveConfig {
  const config: IncentiveConfig = {
    ...DEFAULT_INCENTIVE_CONFIG,
    ...patch,
    guardrails: { ...DEFAULT_INCENTIVE_CONFIG.guardrails, ...patch.guardrails },
  };
  if (!(config.churnCostDays >= 0)) throw new RangeError('churnCostDays must be ≥ 0');
  if (config.costOfMoneyPerYear !== null && !(config.costOfMoneyPerYear > 0)) throw new RangeError('costOfMoneyPerYear must be > 0 or null');
  if (!(config.maxWeight >= 1)) throw new RangeError('maxWeight must be ≥ 1');
  if (!(config.minProbabilityBetter >= 0 && config.minProbabilityBetter <= 1)) throw new RangeError('minProbabilityBetter must be within 0..1');
  return config;
}

/** No guardrail at all: what the data alone would say (for evaluation). */
export const NO_GUARDRAILS: IncentiveConfig['guardrails'] = {
  collection_agency: { minDaysOverdue: -1e9, minOverdueAmount: -1e9, excludedSegments: [] },
  service_termination: { minDaysOverdue: -1e9, minOverdueAmount: -1e9, excludedSegments: [] },
  latePenaltyNeedsContractClause: false,
  discountForPromptPayers: true,
};

export const LEVER_LABEL: Record<Lever | 'none', string> = {
  none: 'no incentive',
  discount: 'early-payment discount',
  late_penalty: 'late penalties',
  card_payment: 'card payment link',
  collection_agency: 'collection agency',
  service_termination: 'service termination notice',
};
