// The model lifecycle, written once for every model: registry (versions on
// disk and in the database), safe promotion, serving with hot swap, training
// runs and jobs, the catalogue of models and datasets.
export * from './types.js';
export { ModelRegistry, type ActivateOptions, type OpenedVersion, type PromoteOptions, type PromotionDecision, type RegisterInput } from './registry.js';
export { ModelServer, type Served, type ModelServerOptions } from './server.js';
export { trainModel, servingReference, type TrainRequest, type TrainOutcome, type RunOptions, type TrainerDeps } from './trainer.js';
export { TRAIN_JOB, makeTrainHandler, scheduleRetraining, latestWindow, type TrainJobData } from './train-job.js';
export { createModelLifecycle, type ModelLifecycle, type ModelLifecycleOptions } from './lifecycle.js';
export { catalogue, withDatasets } from './catalogue.js';
export { evaluateWith, datasetOf, datasetNames } from './evaluation.js';
export { checkSettings, activeSettings } from './settings.js';
export { isNotWorse, DEFAULT_TOLERANCE } from './compare.js';
export { canonicalJson, fingerprintOf, fingerprintRows, fingerprintIds, codeVersion, sha256 } from './fingerprint.js';
