// Which intent of a multi-intent email is the primary one: what the collector
// must act on first. The classifier learns this from the generator's
// conventions; this table states the one rule it must never get backwards.
// A promise that rides along a dispute or a plan request only covers the part
// not contested or not rescheduled, so the dispute or the plan is answered
// first and the promise is recorded as a secondary intent.
import type { InboundType } from '../types.js';

/** For each primary type, the secondary intents that take precedence over it, strongest first. */
const OUTRANKED_BY: Partial<Record<InboundType, readonly InboundType[]>> = {
  promise_to_pay: ['dispute', 'payment_plan'],
};

/**
 * A copy asked for the files (records, archive, audit) does not hold the
 * payment up: next to a promise or a payment made, that statement is what the
 * collector records first, and the copy is the secondary request.
 */
const OUTRANK_A_COPY_FOR_THE_FILES: readonly InboundType[] = ['promise_to_pay', 'payment_confirmation'];

export interface PrimaryResolution {
  type: InboundType;
  secondaryTypes: InboundType[];
}

/**
 * The primary type after precedence, the displaced primary becoming a
 * secondary intent; `copyForTheFiles` says the copy requested is only for the
 * files. A message written by a machine (out-of-office, bounce) asks nothing:
 * it is "other" whatever words it carries.
 */
export function resolvePrimary(type: InboundType, secondaryTypes: readonly InboundType[], automatic = false, copyForTheFiles = false): PrimaryResolution {
  if (automatic) return { type: 'other', secondaryTypes: [] };
  const outrankedBy = type === 'invoice_copy' && copyForTheFiles ? OUTRANK_A_COPY_FOR_THE_FILES : OUTRANKED_BY[type];
  const winner = outrankedBy?.find((t) => secondaryTypes.includes(t));
  if (!winner) return { type, secondaryTypes: secondaryTypes as InboundType[] };
  return { type: winner, secondaryTypes: [type, ...secondaryTypes.filter((t) => t !== winner)] };
}
