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

export interface PrimaryResolution {
  type: InboundType;
  secondaryTypes: InboundType[];
}

/**
 * The primary type after precedence, the displaced primary becoming a
 * secondary intent. A message written by a machine (out-of-office, bounce)
 * asks nothing: it is "other" whatever words it carries.
 */
export function resolvePrimary(type: InboundType, secondaryTypes: readonly InboundType[], automatic = false): PrimaryResolution {
  if (automatic) return { type: 'other', secondaryTypes: [] };
  const winner = OUTRANKED_BY[type]?.find((t) => secondaryTypes.includes(t));
  if (!winner) return { type, secondaryTypes: secondaryTypes as InboundType[] };
  return { type: winner, secondaryTypes: [type, ...secondaryTypes.filter((t) => t !== winner)] };
}
