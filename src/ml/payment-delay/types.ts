// Domain inputs and outputs of payment-delay prediction. Pure data: no DB, no HTTP.

/** Calendar date, ISO `YYYY-MM-DD`. */
export type IsoDate = string;

/**
 * One invoice as the AR platform knows it. Settled invoices are the customer's
 * payment history; open ones (settledDate null) are what we score.
 *
 * Leakage rule: the fields that change after issue (settledDate, paymentMethod,
 * promisedDate, remindersSent, remindersAnswered) are read only from invoices
 * settled before the scoring date, or from an open invoice scored as of now.
 * A settled invoice scored as of a past date contributes only what was known at
 * issue (dates, amount, terms, channel, dispute flag, external risk score).
 */
export interface InvoiceRecord {
  invoiceId: string;
  customerId: string;
  /** Segment used as the shrinkage prior when the customer's history is short (country, industry…). */
  segment?: string | null;
  issueDate: IsoDate;
  dueDate: IsoDate;
  amount: number;
  currency?: string | null;
  /** Whether the invoice is (or was) disputed. */
  disputed: boolean;
  settledDate: IsoDate | null;
  /** How the invoice was paid (cheque, card, transfer…); known once settled. */
  paymentMethod?: string | null;
  /** Sent electronically (true) or on paper (false); null when unknown. */
  paperless?: boolean | null;
  /** Date the customer promised to pay (promise to pay), if any. */
  promisedDate?: IsoDate | null;
  remindersSent?: number | null;
  remindersAnswered?: number | null;
  /** Credit-agency style risk score, 0 (safe) .. 100 (risky), as known at issue. */
  externalRiskScore?: number | null;
  paymentTermsDays: number;
}

/** Score one invoice as of a date, from the customer's history known by then. */
export interface FeatureRequest {
  invoice: InvoiceRecord;
  /** Scoring date: only invoices settled strictly before it are history. */
  asOf: IsoDate;
}

export type DelayClass = 'onTime' | 'late1to30' | 'lateOver30';

export interface DelayClassProbabilities {
  onTime: number;
  late1to30: number;
  lateOver30: number;
}

/** Quantile levels of every payment-date distribution the model returns. */
export const QUANTILE_LEVELS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95] as const;

/** Predicted payment date, as days after the due date (negative: paid early). */
export interface PaymentDateDistribution {
  dueDate: IsoDate;
  /** Days after due at each of QUANTILE_LEVELS, non-decreasing. */
  daysAfterDue: number[];
}

export interface PaymentDelayForecast {
  invoiceId: string;
  customerId: string;
  asOf: IsoDate;
  probabilities: DelayClassProbabilities;
  /** P(paid after the due date) = late1to30 + lateOver30. */
  lateProbability: number;
  mostLikely: DelayClass;
  /** Mean of the distribution, in days after due (negative: early). */
  expectedDaysAfterDue: number;
  expectedDaysToSettle: number;
  expectedPaymentDate: IsoDate;
  p10: IsoDate;
  p50: IsoDate;
  p90: IsoDate;
  distribution: PaymentDateDistribution;
}
