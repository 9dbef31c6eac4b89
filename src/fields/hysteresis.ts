// Hysteresis margins of numeric customer fields whose values jitter from one
// scoring to the next (model outputs above all). A customer who entered a rule
// with driftScore > 0.7 leaves it only when driftScore falls to 0.7 − 0.05 or
// below, so noise around a threshold never flips an assignment. Margins are in
// the field's own unit; settings may add or override them per field.
import { CUSTOMER_FIELDS } from './registry.js';

export const HYSTERESIS_MARGINS: Readonly<Record<string, number>> = Object.freeze({
  lateProbability: 0.05,
  lateOver30Probability: 0.05,
  expectedDaysLate: 3,
  driftScore: 0.05,
  sentimentTrend: 0.1,
  bestSendHour: 1,
});

for (const [name, margin] of Object.entries(HYSTERESIS_MARGINS)) {
  if (CUSTOMER_FIELDS.get(name)?.type !== 'number' || !(margin >= 0)) {
    throw new Error(`hysteresis margin for "${name}" needs a numeric registry field and a margin >= 0`);
  }
}
