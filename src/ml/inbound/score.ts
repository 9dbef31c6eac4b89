// The single entry point of inbound triage: one email (and what we know of its
// customer) in, type, sentiment, priority, auto-reply decision and entities
// out. Pure and synchronous once the models are loaded: it serves an HTTP
// endpoint under load.
import type { Reason } from '../model.js';
import { DEFAULT_AUTO_REPLY_CONFIG, decideAutoReply, type AutoReplyConfig } from './autoReply.js';
import { extractEntities } from './entities/index.js';
import { disputeWording } from './features/concepts.js';
import type { LanguageDetector } from './models/language.js';
import { sentimentReasons, type SentimentModel } from './models/sentiment.js';
import type { LexiconScore } from './sentiment/lexiconScore.js';
import type { TypeClassifier } from './models/typeClassifier.js';
import { DEFAULT_PRIORITY_CONFIG, scorePriority, type PriorityConfig, type PriorityLevel } from './priority.js';
import { prepareMessage } from './text/prepare.js';
import type { CustomerContext, Entities, InboundMessage, InboundType, Language, SentimentLabel } from './types.js';

export interface InboundModels {
  language: LanguageDetector;
  type: TypeClassifier;
  sentiment: SentimentModel;
  autoReply?: AutoReplyConfig;
  priority?: PriorityConfig;
  /** The clock for the age of a request; defaults to the system clock. */
  now?: () => Date;
}

export interface InboundTriage {
  type: InboundType;
  secondaryTypes: InboundType[];
  typeConfidence: number;
  typeScores: Record<InboundType, number>;
  language: Language;
  languageConfidence: number;
  sentiment: { label: SentimentLabel; score: number; reasons: Reason[] };
  legalThreat: boolean;
  priority: { score: number; level: PriorityLevel; reasons: Reason[] };
  autoReply: { eligible: boolean; template: string | null; reasons: Reason[] };
  entities: Entities;
}

const HOUR_MS = 3_600_000;
/** Lexicon weight of one mild irritation cue ("once again", "encore une fois"). */
const IRRITATION_WEIGHT = 1;

/**
 * Irritation the sentiment model may have weighed too lightly: capitals, "!"
 * with no kind word, or any irritated wording ("as already said", "toujours
 * pas") that a calm tone elsewhere in the email outvoted.
 */
function toneWarnings(lexicon: LexiconScore): string[] {
  const warnings: string[] = [];
  if (lexicon.negative >= IRRITATION_WEIGHT) warnings.push('irritated wording');
  if (lexicon.shouting > 0) warnings.push('words in capitals');
  if (lexicon.exclamations > 0 && lexicon.positive === 0) warnings.push('exclamation without a kind word');
  return warnings;
}

/**
 * The sender's wall clock as a Date read through its UTC fields: "tomorrow"
 * written at 23:30 in New York is the next New York day, not the day after
 * the UTC one. Without an offset in `receivedAt`, UTC.
 */
export function senderClock(receivedAt: string | undefined, instant: Date): Date {
  const m = receivedAt ? /([+-])(\d{2}):?(\d{2})$/.exec(receivedAt.trim()) : null;
  if (!m) return instant;
  const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return new Date(instant.getTime() + minutes * 60_000);
}

export function scoreInbound(message: InboundMessage, customer: CustomerContext | null | undefined, models: InboundModels): InboundTriage {
  const prepared = prepareMessage(message);
  const language = models.language.detect(prepared);
  const type = models.type.classify(prepared);
  const sentiment = models.sentiment.analyse(prepared);
  const now = models.now?.() ?? new Date();
  const receivedAt = message.receivedAt ? new Date(message.receivedAt) : now;
  const validReceivedAt = Number.isNaN(receivedAt.getTime()) ? now : receivedAt;

  const typeConfidence = type.scores[type.type];
  const priority = scorePriority(
    {
      type: type.type,
      secondaryTypes: type.secondaryTypes,
      sentiment: { label: sentiment.label, score: sentiment.score },
      legalThreat: sentiment.legalThreat,
      customer,
      ageHours: Math.max(0, (now.getTime() - validReceivedAt.getTime()) / HOUR_MS),
    },
    models.priority ?? DEFAULT_PRIORITY_CONFIG,
  );
  const autoReply = decideAutoReply(
    {
      type: type.type,
      typeConfidence,
      margin: type.margin,
      secondaryTypes: type.secondaryTypes,
      presentProbabilities: type.present,
      disputeProbability: type.type === 'dispute' ? 1 : Math.max(type.present.dispute, type.scores.dispute),
      // The subject counts: "DISPUTE - invoice INV-5 wrong amount" above "please send a copy" is a dispute.
      disputeWording: disputeWording(prepared.tokens) ?? disputeWording(prepared.subjectTokens),
      // Read by the classifier whenever its top type is a copy request, the only type the auto-reply checks it for.
      copyForTheFiles: type.copyForTheFiles ?? false,
      sentiment: sentiment.label,
      negativeProbability: sentiment.probabilities.negative,
      toneWarnings: toneWarnings(sentiment.lexicon),
      legalThreat: sentiment.legalThreat,
      isAutoReply: prepared.isAutoReply,
    },
    models.autoReply ?? DEFAULT_AUTO_REPLY_CONFIG,
  );
  const promiseLikely = type.type === 'promise_to_pay' || type.type === 'payment_plan' || type.secondaryTypes.includes('promise_to_pay');
  return {
    type: type.type,
    secondaryTypes: type.secondaryTypes,
    typeConfidence,
    typeScores: type.scores,
    language: language.language,
    languageConfidence: language.confidence,
    sentiment: { label: sentiment.label, score: Math.round(sentiment.score * 1000) / 1000, reasons: sentimentReasons(sentiment) },
    legalThreat: sentiment.legalThreat,
    priority,
    autoReply,
    entities: extractEntities(prepared.own, prepared.subject, language.language, validReceivedAt === receivedAt ? senderClock(message.receivedAt, receivedAt) : now, promiseLikely),
  };
}
