// Inbound request triage: type, sentiment, priority, auto-reply and entities
// of customers' replies to dunning emails, in French and English.
export { inboundModel, inboundModelOnThreads, loadInboundModels, trainInbound, trainingCorpus, type InboundRequest } from './model.js';
export { scoreInbound, type InboundModels, type InboundTriage } from './score.js';
export { scorePriority, DEFAULT_PRIORITY_CONFIG, type Priority, type PriorityConfig, type PriorityInput, type PriorityLevel } from './priority.js';
export {
  AUTO_REPLY_TEMPLATES,
  AUTO_REPLY_TYPES,
  DEFAULT_AUTO_REPLY_CONFIG,
  autoReplyConfig,
  decideAutoReply,
  type AutoReplyConfig,
  type AutoReplyDecision,
  type AutoReplyInput,
} from './autoReply.js';
export { extractEntities } from './entities/index.js';
export { inboundTypeModel } from './models/typeClassifier.js';
export { inboundTypeBaselineModel } from './models/naiveBayes.js';
export { inboundSentimentModel } from './models/sentiment.js';
export { inboundLanguageModel } from './models/language.js';
export { evaluateTriage, shouldAutoReply } from './evaluation/evaluateTriage.js';
export { generateEmails, writeEmail, type GeneratedEmail } from './corpus/index.js';
export * from './types.js';
