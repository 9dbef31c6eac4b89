// Pure input and output types of behaviour-drift detection. A customer's
// history is plain arrays in the import format's words, so the same code scores
// rows loaded from the database, a replayed synthetic world or a public dataset.

export const DRIFT_KINDS = ['delay_creep', 'method_shift', 'engagement_drop', 'dispute_spike'] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** An invoice of the customer; only invoices settled on or before `asOf` carry a delay. */
export interface HistoryInvoice {
  externalId?: string;
  issueDate: string; // YYYY-MM-DD
  dueDate: string;
  /** Date fully paid; null (or later than asOf) means still open as of asOf. */
  settledDate: string | null;
  amount: number;
  disputed: boolean;
  /**
   * When the dispute became known (e.g. the statusDate of a 'dispute' status).
   * A disputed invoice still open counts from this date; without it a dispute
   * is known only once the invoice is settled.
   */
  disputedDate?: string | null;
}

export interface HistoryPayment {
  externalId?: string;
  paymentDate: string; // YYYY-MM-DD
  amount: number;
  /** 'transfer' | 'cheque' | 'card' | 'direct_debit' (any string is accepted). */
  method: string;
}

/** An outbound reminder. Events later than asOf are ignored (not known yet). */
export interface HistoryCommunication {
  externalId?: string;
  /** Only emails carry open / click tracking; other channels are ignored. Missing = email. */
  channel?: string | null;
  sentAt: string; // ISO 8601 timestamp
  openedAt?: string | null;
  /** A privacy proxy fetched the pixel: the open says nothing about the reader. */
  machineOpen?: boolean | null;
  clickedAt?: string | null;
  repliedAt?: string | null;
  bouncedAt?: string | null;
}

/**
 * What a customer's segment usually looks like. A customer with a short history
 * is pulled toward it; the artifact holds one per segment plus a global one.
 */
export interface SegmentPrior {
  segment: string | null;
  /** Customers the prior was fitted on (0 for the built-in default). */
  customers: number;
  daysLate: {
    /** Median over customers of their median days late. */
    median: number;
    /** Typical within-customer Laplace scale of days late (MAD / ln 2). */
    scale: number;
    /** Spread of customers' medians around the segment median (empirical Bayes τ). */
    between: number;
  };
  /** Share of payments by method (sums to 1 over the methods seen). */
  paymentMethodShares: Record<string, number>;
  /** Typical within-customer Laplace scale of log payment amounts. */
  logPaymentAmountScale: number;
  /** Typical within-customer Laplace scale of log days between payments. */
  logPaymentGapScale: number;
  /** Average per-customer rates of reminders replied / opened by a person / clicked / any of these. */
  engagement: EngagementRates;
  /** Average per-customer share of settled invoices disputed. */
  disputeRate: number;
}

export interface EngagementRates {
  reply: number;
  open: number;
  click: number;
  any: number;
}

export interface CustomerHistory {
  customerExternalId?: string;
  segment?: string | null;
  /** The date the assessment is made (YYYY-MM-DD or a timestamp); later events are ignored. */
  asOf: string;
  invoices: HistoryInvoice[];
  payments: HistoryPayment[];
  communications: HistoryCommunication[];
  /** Overrides the artifact's prior for this customer's segment. */
  prior?: SegmentPrior;
}

// ---- Outputs -------------------------------------------------------------

export interface DelayBaseline {
  invoices: number;
  /** The customer's own median (the segment's when there is no invoice yet). */
  medianDaysLate: number;
  /** What the test expects, after shrinkage toward the segment (before the seasonal offset). */
  expectedDaysLate: number;
  /** 10th-90th percentile of the baseline days late ("usual range"). */
  low: number;
  high: number;
  /** Laplace scale used for the test, after shrinkage. */
  scaleDays: number;
  /** Amplitude of the customer's yearly rhythm (days above / below the median at peak / trough). */
  seasonalAmplitudeDays: number;
}
export interface DelayRecent {
  invoices: number;
  daysLate: number[];
  medianDaysLate: number | null;
  /** Of the latest invoices (config.delay.levelItems), those paid later than the segment usually pays. */
  aboveSegment: number;
  /** Their surprise under the segment's usual delays (log10): the level that ranks customers below the alert band. */
  levelEvidence: number;
}

export interface MethodBaseline {
  payments: number;
  mainMethod: string | null;
  mainMethodShare: number;
  medianAmount: number | null;
  medianGapDays: number | null;
}
export interface MethodRecent {
  payments: number;
  methods: Record<string, number>;
  medianAmount: number | null;
  medianGapDays: number | null;
}

export interface EngagementWindow {
  communications: number;
  /** Emails no privacy proxy opened: the ones whose opens and clicks can be seen. */
  trackable: number;
  replied: number;
  opened: number;
  clicked: number;
  engaged: number;
  /** Opens by a privacy proxy, not counted as opens. */
  machineOpens: number;
}

export interface DisputeWindow {
  invoices: number;
  disputed: number;
}

export interface SignalDetail {
  delay_creep: { baseline: DelayBaseline; recent: DelayRecent };
  method_shift: { baseline: MethodBaseline; recent: MethodRecent };
  engagement_drop: { baseline: EngagementWindow; recent: EngagementWindow; measure: keyof EngagementRates | null };
  dispute_spike: { baseline: DisputeWindow; recent: DisputeWindow };
}

export interface DriftSignal<K extends DriftKind = DriftKind> {
  kind: K;
  /** 0..1; ≥ 0.5 exactly when `flag` is set. */
  score: number;
  /** Material and persistent change: an alert for a collector. */
  flag: boolean;
  /** Surprise of the recent items under the customer's baseline, in log10 units. */
  evidence: number;
  /** First affected item's date when flagged. */
  changeDate: string | null;
  /** Items that told the baseline apart from the segment prior; 0 = prior only. */
  baselineItems: number;
  /** Weight of the segment prior in the baseline (0 = own history only). */
  segmentWeight: number;
  detail: SignalDetail[K];
  /** A sentence a collector can read, with the numbers behind it. */
  text: string;
}

export type DriftSignals = { [K in DriftKind]: DriftSignal<K> };

export interface DriftAssessment {
  /** 0..1; ≥ 0.5 exactly when at least one signal alerts. */
  score: number;
  alert: boolean;
  /** Kinds that alert, strongest first. */
  kinds: DriftKind[];
  /** Earliest change date among alerting signals. */
  changeDate: string | null;
  signals: DriftSignals;
}
