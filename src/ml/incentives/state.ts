// The incentives artifact: plain JSON (decision points, logging propensities,
// outcome model, shrunk effects per level), a few hundred kB at most.
import type { Artifact } from '../model.js';
import type { IncentiveConfig } from './config.js';
import type { DecisionPoints } from './decisions.js';
import type { OutcomeModel } from './outcome-model.js';
import type { PayerPrior } from './prompt-payer.js';
import type { PropensityTable } from './propensity.js';
import type { EffectTable } from './shrinkage.js';
import type { Action, Stage } from './types.js';

export const INCENTIVES_MODEL = 'incentives';
export const INCENTIVES_FORMAT_VERSION = 1;

export interface IncentiveState {
  model: typeof INCENTIVES_MODEL;
  formatVersion: typeof INCENTIVES_FORMAT_VERSION;
  config: IncentiveConfig;
  points: DecisionPoints;
  propensities: PropensityTable;
  outcomeModel: OutcomeModel;
  effects: EffectTable;
  /** How customers' delays spread, for the prompt-payer rule; absent in artifacts trained before it (raw medians then). */
  payers?: PayerPrior;
  training: { customers: number; decisions: Record<Stage, Partial<Record<Action, number>>> };
}

export class IncentiveArtifactError extends Error {
  readonly code = 'AR_ERR_INCENTIVES_ARTIFACT';
  readonly statusCode = 500;
  constructor(message: string) {
    super(message);
    this.name = 'IncentiveArtifactError';
  }
}

export function incentiveState(artifact: Artifact): IncentiveState {
  const s = artifact?.state as Partial<IncentiveState> | null | undefined;
  if (!s || s.model !== INCENTIVES_MODEL || s.formatVersion !== INCENTIVES_FORMAT_VERSION) {
    throw new IncentiveArtifactError(`artifact is not an ${INCENTIVES_MODEL} model (format version ${INCENTIVES_FORMAT_VERSION})`);
  }
  if (!s.effects || !s.outcomeModel || !s.propensities || !s.points) throw new IncentiveArtifactError('incentives artifact is incomplete');
  return s as IncentiveState;
}
