// May this email be answered without a person? Only requests whose correct
// answer needs no judgement (a PDF, payment details, a PO reference, an
// unsubscribe, a contact change), only when the classifier is sure, and never
// when the customer is upset, threatens, disputes or asks two things at once.
// A wrong automatic answer to an angry customer costs more than a slow one.
import type { Reason } from '../model.js';
import type { InboundType, SentimentLabel } from './types.js';

/** How a reason names each type: "a dispute needs a person", "an email of another kind needs a person". */
const TYPE_PHRASE: Record<InboundType, string> = {
  dispute: 'a dispute',
  invoice_copy: 'an invoice copy request',
  payment_link: 'a payment link request',
  po_number: 'a PO number request',
  unsubscribe: 'an unsubscribe request',
  promise_to_pay: 'a promise to pay',
  payment_confirmation: 'a payment confirmation',
  payment_plan: 'a payment plan request',
  contact_update: 'a contact update',
  other: 'an email of another kind',
};

export const AUTO_REPLY_TYPES = ['invoice_copy', 'payment_link', 'po_number', 'unsubscribe', 'contact_update'] as const;
export type AutoReplyType = (typeof AUTO_REPLY_TYPES)[number];

export const AUTO_REPLY_TEMPLATES: Record<AutoReplyType, string> = {
  invoice_copy: 'invoice_copy.send_pdf',
  payment_link: 'payment_link.send_payment_details',
  po_number: 'po_number.confirm_po_reference',
  unsubscribe: 'unsubscribe.confirm_removal',
  contact_update: 'contact_update.confirm_new_contact',
};

/** Secondary intents that an automatic answer would leave unanswered. */
const NEEDS_A_PERSON: readonly InboundType[] = ['dispute', 'payment_plan'];

/** Intents that would each need their own answer (a template or a person), besides the primary one. */
const ANSWERED_INTENTS: readonly InboundType[] = [...AUTO_REPLY_TYPES, 'payment_plan'];

/** The likeliest other intent needing an answer, with its probability, or null. */
function likelyOtherRequest(primary: InboundType, present: Partial<Record<InboundType, number>> | undefined): [InboundType, number] | null {
  let best: [InboundType, number] | null = null;
  for (const t of ANSWERED_INTENTS) {
    const p = present?.[t] ?? 0;
    if (t !== primary && (!best || p > best[1])) best = [t, p];
  }
  return best;
}

export interface AutoReplyConfig {
  /** Minimum primary-type probability, per type (an admin may raise or lower them). */
  minConfidence: Record<AutoReplyType, number>;
  /** Minimum gap between the top two type probabilities. */
  minMargin: number;
  /** Above this probability that a dispute is present anywhere in the email, no automatic answer. */
  maxDisputeProbability: number;
  /** Above this probability that the tone is negative, no automatic answer, even if "neutral" won. */
  maxNegativeProbability: number;
  /** Above this probability that another request (or a plan) is also in the email, no automatic answer. */
  maxOtherRequestProbability: number;
}

export const DEFAULT_AUTO_REPLY_CONFIG: AutoReplyConfig = {
  minConfidence: { invoice_copy: 0.88, payment_link: 0.88, po_number: 0.88, unsubscribe: 0.88, contact_update: 0.88 },
  minMargin: 0.6,
  maxDisputeProbability: 0.2,
  maxNegativeProbability: 0.15,
  maxOtherRequestProbability: 0.2,
};

export interface AutoReplyInput {
  type: InboundType;
  typeConfidence: number;
  /** Top-1 minus top-2 type probability. */
  margin: number;
  secondaryTypes: readonly InboundType[];
  /** Probability that a dispute is in the email at all (primary or secondary). */
  disputeProbability: number;
  /**
   * Probability, per type, that the intent is present at all (the classifier's
   * sigmoid head). A second request below the secondary-type threshold still
   * blocks an automatic answer when it is fairly likely.
   */
  presentProbabilities?: Partial<Record<InboundType, number>>;
  /** Words that contest something ("litige", "credit note", "damaged"), if any. */
  disputeWording?: string | null;
  /**
   * The copy is asked for the files (records, archive, audit), not to pay: the
   * email may then be a promise or a payment statement with a copy on the side.
   */
  copyForTheFiles?: boolean;
  sentiment: SentimentLabel;
  /** Probability of a negative tone (the sentiment model's). */
  negativeProbability: number;
  /** Signs of irritation the sentiment model may have missed (shouting, "!" without a kind word). */
  toneWarnings?: readonly string[];
  legalThreat: boolean;
  /** The email is itself an automatic reply (out of office). */
  isAutoReply: boolean;
}

export interface AutoReplyDecision {
  eligible: boolean;
  /** The reply template for this type, suggested even when a person must send it. */
  template: string | null;
  reasons: Reason[];
}

export function isAutoReplyType(type: InboundType): type is AutoReplyType {
  return (AUTO_REPLY_TYPES as readonly string[]).includes(type);
}

/** Merges an admin's partial settings over the defaults. */
export function autoReplyConfig(overrides: Partial<Omit<AutoReplyConfig, 'minConfidence'>> & { minConfidence?: Partial<Record<AutoReplyType, number>> } = {}): AutoReplyConfig {
  return {
    ...DEFAULT_AUTO_REPLY_CONFIG,
    ...overrides,
    minConfidence: { ...DEFAULT_AUTO_REPLY_CONFIG.minConfidence, ...overrides.minConfidence },
  };
}

export function decideAutoReply(input: AutoReplyInput, config: AutoReplyConfig = DEFAULT_AUTO_REPLY_CONFIG): AutoReplyDecision {
  if (!isAutoReplyType(input.type)) {
    return {
      eligible: false,
      template: null,
      reasons: [{ factor: 'typeNeedsPerson', text: `${TYPE_PHRASE[input.type]} needs a person`, value: input.type }],
    };
  }
  const template = AUTO_REPLY_TEMPLATES[input.type];
  const blockers: Reason[] = [];
  const threshold = config.minConfidence[input.type];
  if (input.isAutoReply) blockers.push({ factor: 'automaticEmail', text: 'the email is itself an automatic reply', value: true });
  if (input.legalThreat) blockers.push({ factor: 'legalThreat', text: 'the customer threatens legal action', value: true });
  if (input.sentiment === 'negative') blockers.push({ factor: 'negativeSentiment', text: 'the customer is upset', value: input.sentiment });
  else if (input.negativeProbability > config.maxNegativeProbability) {
    blockers.push({ factor: 'possiblyUpset', text: `the customer may be upset (probability ${input.negativeProbability.toFixed(2)})`, weight: input.negativeProbability, value: config.maxNegativeProbability });
  } else if (input.toneWarnings?.length) {
    blockers.push({ factor: 'possiblyUpset', text: `the customer may be upset (${input.toneWarnings.join(', ')})`, value: input.toneWarnings.join(',') });
  }
  const pending = input.secondaryTypes.filter((t) => NEEDS_A_PERSON.includes(t));
  if (pending.length) blockers.push({ factor: 'secondaryNeedsPerson', text: `the email also contains a ${pending.join(' and ').replace(/_/g, ' ')}`, value: pending.join(',') });
  else if (input.disputeWording) {
    blockers.push({ factor: 'disputeWording', text: `the email contests something ("${input.disputeWording}")`, value: input.disputeWording });
  } else if (input.disputeProbability > config.maxDisputeProbability) {
    blockers.push({ factor: 'possibleDispute', text: `a dispute may be hidden in the email (probability ${input.disputeProbability.toFixed(2)})`, weight: input.disputeProbability, value: config.maxDisputeProbability });
  }
  // Two simple requests need two templates: one automatic answer would leave
  // half unanswered, and the two are what the classifier most often swaps.
  const otherRequests = input.secondaryTypes.filter((t) => t !== input.type && isAutoReplyType(t));
  const likely = likelyOtherRequest(input.type, input.presentProbabilities);
  if (otherRequests.length) {
    blockers.push({ factor: 'twoRequests', text: `the email also asks for a ${otherRequests.join(' and ').replace(/_/g, ' ')}`, value: otherRequests.join(',') });
  } else if (likely && likely[1] > config.maxOtherRequestProbability) {
    blockers.push({
      factor: 'possibleSecondRequest',
      text: `the email may also ask for a ${likely[0].replace(/_/g, ' ')} (probability ${likely[1].toFixed(2)})`,
      weight: likely[1],
      value: config.maxOtherRequestProbability,
    });
  }
  // A promise or a payment with "a copy for our records" on the side is that
  // statement first; even when the classifier is unsure the statement is there,
  // the copy template would answer the wrong intent.
  const statement = Math.max(input.presentProbabilities?.promise_to_pay ?? 0, input.presentProbabilities?.payment_confirmation ?? 0);
  if (input.type === 'invoice_copy' && input.copyForTheFiles && statement > config.maxOtherRequestProbability) {
    blockers.push({ factor: 'statementWithCopy', text: `a copy for the files next to a likely promise or payment (probability ${statement.toFixed(2)})`, weight: statement, value: config.maxOtherRequestProbability });
  }
  if (input.typeConfidence < threshold) {
    blockers.push({ factor: 'lowConfidence', text: `type confidence ${input.typeConfidence.toFixed(2)} is below the ${threshold.toFixed(2)} threshold`, weight: input.typeConfidence, value: threshold });
  }
  if (input.margin < config.minMargin) {
    blockers.push({ factor: 'ambiguousType', text: `the top two types are too close (margin ${input.margin.toFixed(2)} < ${config.minMargin.toFixed(2)})`, weight: input.margin, value: config.minMargin });
  }
  if (blockers.length) return { eligible: false, template, reasons: blockers };
  return {
    eligible: true,
    template,
    reasons: [{ factor: 'confidentSimpleRequest', text: `a plain ${input.type.replace(/_/g, ' ')} request (confidence ${input.typeConfidence.toFixed(2)}), calm tone, nothing else asked`, weight: input.typeConfidence, value: template }],
  };
}
