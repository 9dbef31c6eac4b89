// The vocabulary of inbound triage, shared by the corpus, the models and the
// scoring entry point.

export const INBOUND_TYPES = [
  'dispute',
  'invoice_copy',
  'payment_link',
  'po_number',
  'unsubscribe',
  'promise_to_pay',
  'payment_confirmation',
  'payment_plan',
  'contact_update',
  'other',
] as const;
export type InboundType = (typeof INBOUND_TYPES)[number];

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENTS)[number];

export interface Amount {
  value: number;
  /** ISO 4217 code; null when the writer gave none. */
  currency: string | null;
  /** The text as written, e.g. "1 234,56 €". */
  text: string;
}

export interface Entities {
  invoiceNumbers: string[];
  amounts: Amount[];
  /** Dates written in the message, resolved to ISO days (yyyy-mm-dd). */
  dates: string[];
  /** The date the customer commits to pay by, when one is stated near a payment verb. */
  promisedDate: string | null;
  poNumbers: string[];
  emails: string[];
  phones: string[];
}

/** An inbound email as it arrives. */
export interface InboundMessage {
  subject: string;
  body: string;
  /** ISO timestamp; anchors relative dates ("next Friday") and the age of the request. */
  receivedAt?: string;
}

/** An inbound email with its ground truth (generated or hand-labelled). */
export interface LabeledEmail extends InboundMessage {
  language: Language;
  type: InboundType;
  secondaryTypes: InboundType[];
  sentiment: SentimentLabel;
}

/** What the triage knows about the customer, when the caller knows it. */
export interface CustomerContext {
  openAmount: number;
  overdueAmount: number;
  /** 0..1, higher = riskier (the provider's 0..100 over 100); null when no provider scored the customer. */
  riskScore: number | null;
  /** 0..1, how far the customer's recent behaviour drifts from its habits. */
  driftScore: number;
}

export function isInboundType(value: string): value is InboundType {
  return (INBOUND_TYPES as readonly string[]).includes(value);
}
