// The vocabulary of the collectors' agenda: the facts the planner reads, the
// suggestions it writes, and the policy (delays, thresholds) it follows.
import type { Reason } from '../ml/model.js';

/** 'YYYY-MM-DD', a calendar day with no time zone. */
export type IsoDate = string;

export type ActionOrigin = 'scenario' | 'qualification' | 'ml' | 'risk' | 'manual';

/** What the collector does: a channel of the dunning scenario, or a piece of work. */
export type ActionType = 'call' | 'email' | 'letter' | 'sms' | 'review' | 'follow_up' | 'answer_email' | 'incentive';

export type SuggestionKind =
  | 'scenario_step'
  | 'promise_broken'
  | 'payment_plan_missed'
  | 'dispute_follow_up'
  | 'litigation_review'
  | 'credit_note_chase'
  | 'credit_offset'
  | 'payment_check'
  | 'drift_review'
  | 'pre_due_call'
  | 'missed_debit'
  | 'answer_email'
  | 'incentive'
  | 'credit_limit_exceeded'
  | 'cover_exceeded'
  | 'insolvency'
  | 'risk_downgrade'
  | 'company_change'
  | 'limit_review';

/**
 * A reason stored with an action (`actions.reasons`). The scenario step reason
 * also says which invoices and which step it covered: once a person closes the
 * action, the planner counts that step as done for those invoices.
 */
export interface ActionReason extends Reason {
  invoiceIds?: number[];
  level?: number;
  channel?: string;
  template?: string | null;
}

export interface InvoiceRef {
  invoiceId: number;
  externalId: string;
  number: string;
  openAmount: number;
  dueDate: IsoDate;
  /** Days past due on the planning date; negative before the due date. */
  daysOverdue: number;
}

export interface Priority {
  /** amountAtStake × urgency × risk, rounded: the agenda sorts on it. */
  score: number;
  amountAtStake: number;
  urgency: number;
  risk: number;
  text: string;
}

export interface Suggestion {
  /** Stable identity: the same situation always yields the same key (see keys.ts). */
  dedupeKey: string;
  origin: Exclude<ActionOrigin, 'manual'>;
  kind: SuggestionKind;
  type: ActionType;
  /** False for automatic scenario steps: the platform sends them, nobody has to. */
  task: boolean;
  customerId: number;
  collectorId: number | null;
  /** Set when the suggestion is about exactly one invoice. */
  invoiceId: number | null;
  /** The day the action became due (trigger date); earlier = waiting longer. */
  dueDate: IsoDate;
  reason: string;
  reasons: ActionReason[];
  invoices: InvoiceRef[];
  currency: string;
  priority: Priority;
}

/** What a customer owes in one currency. */
export interface CurrencyBalance {
  currency: string;
  open: number;
  overdue: number;
}

export interface CustomerContext {
  customerId: number;
  externalId: string;
  name: string;
  segment: string | null;
  collectorId: number | null;
  collector: string | null;
  currency: string;
  /** External risk score, 0 (safe) to 100 (risky). */
  riskScore: number | null;
  salesRep: string | null;
  adv: string | null;
  openAmount: number;
  overdueAmount: number;
  /** Of overdueAmount, what is neither flagged disputed nor qualified as contested (dispute, litigation, waiting for a credit note). */
  undisputedOverdueAmount: number;
  /** Open and overdue in every currency the customer owes in, `currency` too. */
  byCurrency: CurrencyBalance[];
  maxDaysOverdue: number | null;
  lateProbability: number | null;
  driftScore: number | null;
  driftAlert: boolean | null;
  driftReasons: unknown;
  /** Day the drift fields were last computed. */
  driftOn: IsoDate | null;
  recommendedLever: string | null;
  leverConfidence: number | null;
  leverReasons: unknown;
  leverOn: IsoDate | null;
  lastIncentiveOn: IsoDate | null;
}

export interface OpenInvoice {
  invoiceId: number;
  externalId: string;
  number: string;
  customerId: number;
  dueDate: IsoDate;
  amount: number;
  openAmount: number;
  currency: string;
}

/** A reminder sent for an invoice, or a scenario action a person closed. */
export interface SendRecord {
  level: number;
  channel: string | null;
  template: string | null;
  on: IsoDate;
}

export interface ScenarioInvoice extends OpenInvoice {
  scenarioId: number;
  sends: SendRecord[];
}

export interface DunningStep {
  dayOffset: number;
  channel: string;
  level: number;
  template: string | null;
  automatic: boolean;
}

export interface DunningScenario {
  id: number;
  externalId: string;
  name: string;
  steps: DunningStep[];
}

export type QualificationStatus =
  | 'promise_to_pay' | 'dispute' | 'litigation' | 'waiting_credit_note' | 'payment_plan' | 'paid_not_received';

export interface QualifiedInvoice extends OpenInvoice {
  status: QualificationStatus;
  statusDate: IsoDate | null;
  statusComment: string | null;
  resolutionOwner: string | null;
  promisedDate: IsoDate | null;
  /** Last payment allocated to this invoice. */
  lastPaymentOn: IsoDate | null;
}

/**
 * An overdue invoice the payment-delay model expected on its due date by the
 * customer's habit (a direct debit) and not paid then: its stored forecast
 * carries the reason `missedDueDate`.
 */
export interface MissedDebitInvoice extends OpenInvoice {
  /** The lateProbability field's reasons, the missedDueDate one among them. */
  modelReasons: unknown;
}

export interface PreDueInvoice extends OpenInvoice {
  lateProbability: number;
  /** 'invoice' when the payment-delay model scored this invoice, 'customer' for the customer's summary. */
  probabilitySource: 'invoice' | 'customer';
  modelReasons: unknown;
}

/** A computed field on an inbound message, as stored (read defensively). */
export interface InboundField {
  name: string;
  num: number | null;
  text: string | null;
  bool: boolean | null;
  confidence: number | null;
  reasons: unknown;
}

export interface InboundEmail {
  messageId: number;
  externalId: string;
  customerId: number;
  receivedOn: IsoDate;
  subject: string;
  fields: InboundField[];
}

/**
 * An open invoice of a customer whose latest dated promise to pay came by
 * email: the inbound triage read the promise (type promise_to_pay, reason
 * `promisedDate`). One row per open, unqualified invoice of that customer.
 */
export interface EmailPromiseInvoice extends OpenInvoice {
  messageId: number;
  messageExternalId: string;
  receivedOn: IsoDate;
  subject: string;
  promisedDate: IsoDate;
  /** The email named this invoice. */
  named: boolean;
  /** The email named invoices the customer has (open or paid): the promise is about those only. */
  namedKnown: boolean;
  /** Last payment allocated to this invoice. */
  lastPaymentOn: IsoDate | null;
}

/**
 * An unapplied credit note (open, kind credit_note), with the overdue totals
 * of its customer's invoices in its currency (zeros when none is overdue).
 */
export interface UnappliedCredit {
  creditNoteId: number;
  externalId: string;
  number: string;
  customerId: number;
  issueDate: IsoDate;
  openAmount: number;
  currency: string;
  /** Open amount past due of the customer's invoices in `currency`. */
  overdueAmount: number;
  overdueInvoices: number;
  maxDaysOverdue: number;
}

/** One `currency` is worth `rate` of `quoteCurrency` from `rateDate` on: a pair's latest rate on the planning day. */
export interface ExchangeRate {
  currency: string;
  quoteCurrency: string;
  rateDate: IsoDate;
  rate: number;
}

/** Closed actions of a recurring suggestion (keys `<base>#<n>`). */
export interface Closure {
  /** Done or cancelled, by a person or by the planner. */
  closed: number;
  /** Last day a person marked one done or cancelled it (the planner's cancellations leave no date). */
  lastClosedByPersonOn: IsoDate | null;
}

/** The day an overrun began: the exposure went over and stayed over until the planning day. */
export interface OverrunStart {
  on: IsoDate;
  /** Over on every day the ledger was read back to (`risk.overrunLookbackDays`): it began then or earlier. */
  atLeast: boolean;
  /**
   * When `atLeast`: the latest day a review of this customer and kind was
   * keyed by, at or before `on` (`risk:limit:c12:2025-09-01#n`), the day the
   * overrun began as read back when it was within the look-back.
   */
  keyedOn?: IsoDate;
}

/** What the risk agenda reads of a customer: its limit, its cover, its open amounts, the providers' latest events. */
export interface RiskFacts {
  customerId: number;
  /** The account currency: the credit limit and the insurer cover are in it. */
  accountCurrency: string;
  creditLimit: number | null;
  insurerCover: number | null;
  /** Under the insurer's unnamed-buyer cover (ND / discretionary credit limit). */
  ndCover: boolean;
  /** Open invoices by currency, issued by the planning day. */
  open: { currency: string; amount: number }[];
  /**
   * Since when the balance has been over the credit limit (`limit`) or the
   * insurer cover (`cover`), for those it is over on the planning day.
   */
  overSince: { limit?: OverrunStart; cover?: OverrunStart };
  /**
   * The latest insolvency event on or before the planning day (a later
   * proceeding, a liquidation after a safeguard plan, needs its own claim),
   * with the procedure the provider named and the day of the first event:
   * the debts are frozen from then on, as no event says a proceeding ended.
   */
  insolvency: { eventId: number; on: IsoDate; source: string | null; procedure: string | null; firstOn: IsoDate } | null;
  /** The latest risk-score change on or before the planning day, with the score before it when known. */
  scoreChange: { eventId: number; on: IsoDate; to: number; from: number | null; source: string | null } | null;
  /** The latest address and director change on or before the planning day, each with what the registry said changed. */
  companyChanges: CompanyChange[];
  /** The credit committee's latest credit-limit decision on or before the planning day. */
  limitDecision: { eventId: number; on: IsoDate; source: string | null; reason: string | null } | null;
}

/** The company changes the risk agenda watches (brief 002: "changement d'adresse, de dirigeant"). */
export type CompanyChangeKind = 'address_change' | 'director_change';

export interface CompanyChange {
  eventId: number;
  kind: CompanyChangeKind;
  on: IsoDate;
  source: string | null;
  /** What changed, as the registry put it ("CFO: Jane Doe", "12 Main St"); null when it said nothing readable. */
  detail: string | null;
}

export interface PlanningFacts {
  asOf: IsoDate;
  customers: Map<number, CustomerContext>;
  scenarios: Map<number, DunningScenario>;
  scenarioInvoices: ScenarioInvoice[];
  qualifiedInvoices: QualifiedInvoice[];
  preDueInvoices: PreDueInvoice[];
  missedDebitInvoices: MissedDebitInvoice[];
  inbound: InboundEmail[];
  emailPromises: EmailPromiseInvoice[];
  unappliedCredits: UnappliedCredit[];
  rates: ExchangeRate[];
  closures: Map<string, Closure>;
  risk: RiskFacts[];
}
