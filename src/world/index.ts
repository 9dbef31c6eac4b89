// Public API of the synthetic AR world generator (see README.md).
export { generateWorld, simulateCustomers, staticRows, truthHeader, type World } from './generate.js';
export { writeWorld, streamWorld, WorldWriter, type StreamProgress } from './write.js';
export { worldStats, StatsAccumulator, type WorldStatistics } from './stats.js';
export { resolveOptions, DRIFT_KINDS, WorldOptionsError, type WorldOptions, type ResolvedOptions } from './options.js';
export { emailSourceFromCorpus, emailSourceFromWriter, defaultEmailSource, type EmailSource, type EmailRequest, type SourcedEmail, type WriteEmail, type GenerateEmails } from './inbound/source.js';
export { fallbackEmailSource } from './inbound/fallback.js';
export { ENTITIES } from './types.js';
export type * from './types.js';
export type * from './truth.js';
