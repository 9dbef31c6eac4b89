export * from './types.js';
export { defaultDriftConfig, driftConfig, type DriftConfig, type DriftConfigPatch } from './config.js';
export { assessDrift, toPrediction } from './assess.js';
export { DriftSettings } from './settings.js';
export { builtInPrior, fitSegmentPriors, priorFor, type FittedPriors } from './prior.js';
export {
  driftModel,
  driftState,
  DriftPredictor,
  type DriftArtifactState,
  type DriftDataset,
  type DriftExample,
  type PortfolioSummary,
} from './model.js';
