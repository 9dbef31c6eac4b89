// Rows of the import format (one interface per entity file) and the shapes of
// the ground truth. Field names follow /notes import format exactly.

export type PaymentMethod = 'transfer' | 'cheque' | 'card' | 'direct_debit';
export type Channel = 'email' | 'letter' | 'sms' | 'call';
export type Segment = 'strategic' | 'large' | 'standard' | 'small';
export type DriftKind = 'delay_creep' | 'method_shift' | 'engagement_drop' | 'dispute_spike';
export type Lever = 'discount' | 'late_penalty' | 'card_payment' | 'collection_agency' | 'service_termination';
export type InvoiceStatus =
  | 'promise_to_pay'
  | 'dispute'
  | 'litigation'
  | 'waiting_credit_note'
  | 'payment_plan'
  | 'paid_not_received';
export type InboundType =
  | 'dispute'
  | 'invoice_copy'
  | 'payment_link'
  | 'po_number'
  | 'unsubscribe'
  | 'promise_to_pay'
  | 'payment_confirmation'
  | 'payment_plan'
  | 'contact_update'
  | 'other';
export type Language = 'en' | 'fr';

export interface CollectorRow {
  externalId: string;
  name: string;
  email: string;
  active: boolean;
}

export interface DunningStep {
  dayOffset: number;
  channel: Channel;
  level: number;
  template: string;
  automatic: boolean;
}

export interface DunningScenarioRow {
  externalId: string;
  name: string;
  description: string;
  steps: DunningStep[];
}

export interface CustomerGroupRow {
  externalId: string;
  name: string;
  description: string;
}

export interface CustomerRow {
  externalId: string;
  name: string;
  country: string;
  sector: string;
  companyType: 'public' | 'private';
  businessLine: string;
  segment: Segment;
  paymentMethod: PaymentMethod;
  paymentTermsDays: number;
  creditLimit: number;
  riskScore: number;
  insurerCover: number | null;
  email: string | null;
  phone: string;
  timezone: string;
  currency: string;
  collectorExternalId: string;
  dunningScenarioExternalId: string;
  salesRep: string;
  adv: string;
  interactiveEmails: boolean;
  latePenalties: boolean;
  recoveryFee: boolean;
  ndCover: boolean;
}

export interface GroupMemberRow {
  groupExternalId: string;
  customerExternalId: string;
}

export interface InvoiceRow {
  externalId: string;
  customerExternalId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  dueDate: string;
  amount: number;
  openAmount: number;
  currency: string;
  disputed: boolean;
  settledDate: string | null;
  status: InvoiceStatus | null;
  statusDate: string | null;
  statusComment: string | null;
  resolutionOwner: string | null;
  promisedDate: string | null;
  poNumber: string | null;
}

export interface PaymentRow {
  externalId: string;
  customerExternalId: string;
  paymentDate: string;
  amount: number;
  currency: string;
  method: PaymentMethod;
}

export interface PaymentAllocationRow {
  externalId: string;
  paymentExternalId: string;
  invoiceExternalId: string;
  amount: number;
}

export interface CommunicationRow {
  externalId: string;
  customerExternalId: string;
  invoiceExternalIds: string[];
  channel: Channel;
  level: number;
  template: string;
  sentAt: string;
  openedAt: string | null;
  machineOpen: boolean;
  clickedAt: string | null;
  repliedAt: string | null;
  bouncedAt: string | null;
}

export interface InboundMessageRow {
  externalId: string;
  customerExternalId: string | null;
  receivedAt: string;
  sender: string;
  subject: string;
  body: string;
}

export interface IncentiveOfferRow {
  externalId: string;
  customerExternalId: string;
  lever: Lever;
  offeredAt: string;
  invoiceExternalIds: string[];
  terms: Record<string, number | string>;
  propensity: number;
  outcome: 'paid' | 'partially_paid' | 'ignored' | 'churned' | null;
  outcomeAt: string | null;
  daysToPay: number | null;
}

export interface ExternalEventRow {
  externalId: string;
  customerExternalId: string;
  kind: 'risk_score_change' | 'insolvency' | 'address_change' | 'director_change' | 'credit_limit_decision';
  occurredAt: string;
  source: string;
  value: number | null;
  payload: Record<string, unknown>;
}

/** Entity files in import order; the file name is `<entity>.ndjson`. */
export const ENTITIES = [
  'collectors',
  'dunning-scenarios',
  'customer-groups',
  'customers',
  'group-members',
  'invoices',
  'payments',
  'payment-allocations',
  'communications',
  'inbound-messages',
  'incentive-offers',
  'external-events',
] as const;
export type Entity = (typeof ENTITIES)[number];

export interface EntityRows {
  collectors: CollectorRow;
  'dunning-scenarios': DunningScenarioRow;
  'customer-groups': CustomerGroupRow;
  customers: CustomerRow;
  'group-members': GroupMemberRow;
  invoices: InvoiceRow;
  payments: PaymentRow;
  'payment-allocations': PaymentAllocationRow;
  communications: CommunicationRow;
  'inbound-messages': InboundMessageRow;
  'incentive-offers': IncentiveOfferRow;
  'external-events': ExternalEventRow;
}

export type Rows = { [E in Entity]: EntityRows[E][] };
