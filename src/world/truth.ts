// Shapes of truth.json: the hidden state every model is scored against.
// Every field is documented in README.md beside this file.
import type { DriftKind, InboundType, Language, Lever, PaymentMethod, Segment } from './types.js';

export type DelayProfile = 'early' | 'on_time' | 'slightly_late' | 'habitually_late' | 'very_late';

export interface PaymentTraits {
  profile: DelayProfile;
  delayLocationDays: number;
  delayScaleDays: number;
  heavyTails: boolean;
  seasonality: { amplitudeDays: number; peakMonth: number };
  partialPaymentPropensity: number;
  instalments: { propensity: number; minCount: number; maxCount: number; spacingDays: number };
  monthlyPayRunDay: number | null;
  preferredMethod: PaymentMethod;
  directDebitFailureRate: number;
  disputeRate: number;
  disputeDelayDays: number;
  promiseBiasDays: number;
}

export interface EngagementTraits {
  timezone: string;
  language: Language;
  hasEmail: boolean;
  emailBounces: boolean;
  preferredReplyHour: number;
  replyHourSpread: number;
  openPropensity: number;
  clickPropensity: number;
  replyPropensity: number;
  machineOpenShare: number;
  callReachPropensity: number;
}

export interface IncentiveTraits {
  discountSensitivity: number;
  pressureSensitivity: number;
  churnSensitivity: number;
}

export interface DriftTruth {
  customerExternalId: string;
  kind: DriftKind;
  startDate: string;
  firstAffectedInvoiceIndex: number;
  firstAffectedInvoiceExternalId: string | null;
  before: Record<string, number | string>;
  after: Record<string, number | string>;
  precededByRiskScoreChange: boolean;
}

export interface CustomerTruth {
  index: number;
  segment: Segment;
  annualTurnover: number;
  invoicesPerYear: number;
  startDate: string;
  baseDunningScenario: string;
  payment: PaymentTraits;
  engagement: EngagementTraits;
  incentives: IncentiveTraits;
  drift: DriftKind | null;
  noisyStable: boolean;
  insolvencyDate: string | null;
  churnDate: string | null;
  latentRiskScore: number;
}

export interface OpenInvoiceTruth {
  trueSettledDate: string | null;
  trueDaysLate: number | null;
  driftAffected: boolean;
}

export interface PromiseTruth {
  customerExternalId: string;
  recordedOn: string;
  promisedDate: string;
  kept: boolean | null;
  trueSettledDate: string | null;
}

export interface MessageTruth {
  customerExternalId: string;
  type: InboundType;
  secondaryTypes: string[];
  sentiment: string;
  language: string;
  event: 'reminder_reply' | 'dispute_raised' | 'contact_change' | 'promise_call_followup';
  inReplyTo: string | null;
  invoiceExternalIds: string[];
  source: 'corpus' | 'fallback';
  entities?: unknown;
}

export interface OfferTruth {
  customerExternalId: string;
  segment: Segment;
  lever: Lever;
  untreatedSettledDate: string | null;
  treatedSettledDate: string | null;
  effectDays: number;
  accepted: boolean;
  churned: boolean;
}

export interface DiscountTruth {
  invoiceExternalId: string;
  creditNoteExternalId: string;
  amount: number;
}

/** One customer's contribution to the truth, in generation order. */
export interface CustomerTruthSlice {
  customer: CustomerTruth;
  drift: DriftTruth | null;
  openInvoices: Record<string, OpenInvoiceTruth>;
  promises: Record<string, PromiseTruth>;
  messages: Record<string, MessageTruth>;
  offers: Record<string, OfferTruth>;
  discounts: DiscountTruth[];
}

export interface Truth {
  generator: { name: string; version: number; synthetic: true; note: string };
  options: Record<string, unknown>;
  period: { startDate: string; endDate: string };
  models: Record<string, unknown>;
  customers: Record<string, CustomerTruth>;
  drifts: DriftTruth[];
  openInvoices: Record<string, OpenInvoiceTruth>;
  promises: Record<string, PromiseTruth>;
  messages: Record<string, MessageTruth>;
  offers: Record<string, OfferTruth>;
  discounts: DiscountTruth[];
}
