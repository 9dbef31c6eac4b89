// The delays and thresholds the planner follows. One policy per deployment:
// the plan job and the agenda endpoint must use the same one, or the agenda
// would hide actions the job planned under other rules.
import type { CompanyChangeKind } from './types.js';

export interface AgendaPolicy {
  /** A promise counts as broken this many days after the promised date (bank transfers take a day or two). */
  promiseGraceDays: number;
  /** A payment-plan instalment counts as missed this many days after its date. */
  paymentPlanGraceDays: number;
  /** A payment this many days before the instalment date still pays it. */
  paymentPlanEarlyDays: number;
  /** First follow-up of a dispute with its resolution owner, then again this long after each follow-up. */
  disputeFollowUpDays: number;
  /** Litigation files are reviewed with legal at this rhythm. */
  litigationReviewDays: number;
  /** Sales / ADV are chased for a credit note at this rhythm. */
  creditNoteChaseDays: number;
  /** "Paid, not received": ask for proof of payment after this many days. */
  paymentCheckDays: number;
  /**
   * An automatic step not recorded as sent after this many days is left to
   * the platform: it no longer holds back the manual steps after it.
   */
  automaticStepGraceDays: number;
  /** A reminder sent up to this many days before its step's date still counts for that step. */
  sendToleranceDays: number;
  preDue: {
    /** Courtesy calls are suggested this many days before the due date. */
    horizonDays: number;
    minLateProbability: number;
    /** Only invoices at least this large are worth a call before they are late. */
    minAmount: number;
  };
  /** A behaviour-change review is suggested again this long after the last one while the alert stays. */
  driftReviewEveryDays: number;
  /** No incentive is suggested within this many days of the last one offered or suggested. */
  incentiveEveryDays: number;
  /** Inbound emails older than this are left out (a backlog is a triage problem, not an agenda). */
  inboundLookbackDays: number;
  /** Promises to pay made by email this many days back are followed up when broken. */
  emailPromiseLookbackDays: number;
  /** Floor of the amount at stake, so an email from a customer with no balance still ranks. */
  minAmountAtStake: number;
  /** The risk agenda (brief 004: outstanding vs credit limit, cover, legal events, scores). */
  risk: {
    /** Open balance over this share of the credit limit is reviewed (1 = at the limit). */
    limitUsage: number;
    /** A limit or cover overrun is reviewed again this long after a person closed the last review, while it lasts. */
    reviewEveryDays: number;
    /** Risk scores run 0 (safe) to 100 (risky): reaching this is a downgrade to high risk. */
    highScore: number;
    /** A rise of this many points in one change is a downgrade, whatever the level. */
    scoreJump: number;
    /**
     * How far back the ledger is read to date a limit or cover overrun: one
     * over for longer is dated this many days back, "at least".
     */
    overrunLookbackDays: number;
    /** Provider events older than this are not acted on (insolvency: claims are declared within two months in France). */
    eventLookbackDays: number;
    /**
     * A credit limit is reviewed this long after the committee's last decision
     * on it (brief 004: "credit limit reviews"), then again this long after a
     * person closed the review without a new decision recorded.
     */
    limitReviewEveryDays: number;
    /** Company changes that call for a review (brief 002: which events are watched is the credit manager's choice). */
    watchedChanges: readonly CompanyChangeKind[];
  };
  /**
   * Amounts in other currencies are ranked in this one, with the latest
   * exchange rate of the planning day (REPORTING_CURRENCY).
   */
  reportingCurrency: string;
}

export const DEFAULT_AGENDA_POLICY: AgendaPolicy = {
  promiseGraceDays: 2,
  paymentPlanGraceDays: 3,
  paymentPlanEarlyDays: 7,
  disputeFollowUpDays: 14,
  litigationReviewDays: 30,
  creditNoteChaseDays: 7,
  paymentCheckDays: 5,
  automaticStepGraceDays: 3,
  sendToleranceDays: 3,
  preDue: { horizonDays: 7, minLateProbability: 0.6, minAmount: 10_000 },
  driftReviewEveryDays: 30,
  incentiveEveryDays: 30,
  inboundLookbackDays: 14,
  emailPromiseLookbackDays: 90,
  minAmountAtStake: 500,
  risk: { limitUsage: 1, reviewEveryDays: 30, highScore: 70, scoreJump: 20, overrunLookbackDays: 365, eventLookbackDays: 60, limitReviewEveryDays: 365,
    watchedChanges: ['address_change', 'director_change'] },
  reportingCurrency: 'USD',
};

export type AgendaPolicyOverrides = Partial<Omit<AgendaPolicy, 'preDue' | 'risk'>> & {
  preDue?: Partial<AgendaPolicy['preDue']>;
  risk?: Partial<AgendaPolicy['risk']>;
};

export function agendaPolicy(overrides: AgendaPolicyOverrides = {}): AgendaPolicy {
  return {
    ...DEFAULT_AGENDA_POLICY,
    ...overrides,
    preDue: { ...DEFAULT_AGENDA_POLICY.preDue, ...overrides.preDue },
    risk: { ...DEFAULT_AGENDA_POLICY.risk, ...overrides.risk },
  };
}
