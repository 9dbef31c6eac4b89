// Pure input and output types of the incentive recommender, in the import
// format's words (incentive-offers, invoices) and the credit manager's.

export const LEVERS = ['discount', 'late_penalty', 'card_payment', 'collection_agency', 'service_termination'] as const;
export type Lever = (typeof LEVERS)[number];
export type Action = Lever | 'none';
export const ACTIONS: readonly Action[] = ['none', ...LEVERS];

/**
 * The two moments the platform decides on a lever: before the due date (an
 * early-payment discount or nothing) and once an invoice is overdue (pressure
 * or convenience levers, or nothing).
 */
export type Stage = 'pre_due' | 'overdue';
export const STAGES: readonly Stage[] = ['pre_due', 'overdue'];
export const STAGE_LEVERS: Record<Stage, readonly Lever[]> = {
  pre_due: ['discount'],
  overdue: ['late_penalty', 'card_payment', 'collection_agency', 'service_termination'],
};

export interface IncentiveInvoice {
  externalId: string;
  issueDate: string; // YYYY-MM-DD
  dueDate: string;
  /** Date fully paid; null = still open. */
  settledDate: string | null;
  amount: number;
  disputed?: boolean | null;
}

/** A logged offer (incentive-offers row). */
export interface IncentiveOffer {
  externalId?: string;
  lever: string;
  offeredAt: string;
  invoiceExternalIds?: string[] | null;
  /** Probability the logging policy chose this lever; missing → estimated from the log's frequencies. */
  propensity?: number | null;
  outcome?: 'paid' | 'partially_paid' | 'ignored' | 'churned' | null;
  outcomeAt?: string | null;
  daysToPay?: number | null;
  terms?: Record<string, number | string> | null;
}

export interface IncentiveCustomer {
  customerExternalId?: string;
  segment?: string | null;
  /** 0 safe … 100 risky (provider score). */
  riskScore?: number | null;
  paymentMethod?: string | null;
  /** The contract provides late penalties (customers.latePenalties). */
  latePenalties?: boolean | null;
  insolvencyDate?: string | null;
  /** What is known: invoices settled and offers made up to this date. */
  asOf: string;
  invoices?: IncentiveInvoice[];
  offers?: IncentiveOffer[];
  /** Median days late, when the caller has it and passes no invoices. */
  typicalDaysLate?: number | null;
}

/** Where the customer stands now: what the recommendation is for. */
export interface OverdueSituation {
  /** Days past due of the oldest open invoice; ≤ 0 = nothing overdue yet (pre-due advice). */
  daysOverdue: number;
  /** Amount overdue, in the currency the escalation thresholds are set in (the reporting currency when scored in the service); what no rate values is not in it. */
  overdueAmount: number;
  /** Each overdue invoice, when known, in that currency: escalation thresholds weigh only the amount that is late enough. */
  overdueInvoices?: OverdueInvoice[];
}

export interface OverdueInvoice {
  daysOverdue: number;
  /** In the thresholds' currency; null when no exchange rate values it (then `owed` says what it is). */
  amount: number | null;
  /** The amount as owed, when no rate values it: left out of the thresholds, named in the reason. */
  owed?: { amount: number; currency: string };
}

export interface IncentiveInput {
  customer: IncentiveCustomer;
  situation: OverdueSituation;
}

/** Whose reactions an estimate mostly rests on. */
export type EvidenceLevel = 'customer' | 'similar' | 'segment' | 'portfolio';

export interface LeverAssessment {
  lever: Lever;
  /** Expected change in days to pay vs doing nothing (negative = paid sooner). */
  daysToPayChange: number;
  /** Expected change in the probability the customer stops ordering (churn). */
  churnChange: number;
  /** Discount given away, as days of delay it is worth (0 for other levers): its full worth times the share that would take it. */
  costDays: number;
  /** The customer's own record of taking the discount, and the share it shrinks to (toward similar customers'); absent when never offered one. */
  takeUp?: { share: number; taken: number; offered: number };
  /** Days-equivalent saved vs nothing: −(daysToPayChange + churn weight × churnChange + costDays). */
  gainDays: number;
  gainStandardError: number;
  /** Probability the lever does better than nothing. */
  probabilityBetter: number;
  level: EvidenceLevel;
  /** Decisions behind the level's estimate. */
  decisions: number;
  allowed: boolean;
  /** Why a guardrail keeps the lever out. */
  blockedBy?: string;
}

export interface IncentiveRecommendation {
  lever: Action;
  stage: Stage;
  /** Of the recommended lever (0 for none). */
  expectedDaysToPayChange: number;
  expectedChurnChange: number;
  gainDays: number;
  /** Every lever of the stage, best first, allowed or not. */
  assessments: LeverAssessment[];
}
