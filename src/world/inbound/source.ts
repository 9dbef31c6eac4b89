// Where the text of inbound emails comes from. The world decides *when* a
// customer writes and *what about* (type, sentiment, language); an EmailSource
// writes the words. The real grammar lives in src/ml/inbound/corpus/ (another
// engineer's); until it is plugged in, the tiny fallback in fallback.ts is used.
import type { InboundType, Language } from '../types.js';
import { fallbackEmailSource } from './fallback.js';
import { writeEmail } from '../../ml/inbound/corpus/index.js';

export type Sentiment = 'negative' | 'neutral' | 'positive';

export interface EmailRequest {
  type: InboundType;
  language: Language;
  sentiment: Sentiment;
  /** Uniform 0..1 from the customer's stream: picks a variant deterministically. */
  draw: number;
  context: {
    /** When the customer writes: anchors relative dates ("next Friday"). */
    receivedAt: string;
    customerName: string;
    contactName: string;
    invoiceNumbers: string[];
    amount: number;
    promisedDate: string | null;
    poNumber: string | null;
    reminderTemplate: string | null;
  };
}

/** What the corpus' generateEmails returns per email. */
export interface SourcedEmail {
  subject: string;
  body: string;
  language: string;
  type: string;
  secondaryTypes: string[];
  sentiment: string;
  entities?: unknown;
}

export interface EmailSource {
  kind: 'corpus' | 'fallback';
  write(request: EmailRequest): SourcedEmail;
}

export type GenerateEmails = (options: { n: number; seed: number; languages: string[] }) => SourcedEmail[];

/**
 * Adapts the corpus' batch `generateEmails` to per-event requests: a pool is
 * generated once and indexed by type and language (and sentiment when it
 * matches); each request picks a pool email with its draw.
 */
export function emailSourceFromCorpus(generateEmails: GenerateEmails, options: { seed?: number; poolSize?: number } = {}): EmailSource {
  let pool: Map<string, SourcedEmail[]> | null = null;
  const index = (): Map<string, SourcedEmail[]> => {
    if (pool) return pool;
    pool = new Map();
    for (const email of generateEmails({ n: options.poolSize ?? 6000, seed: options.seed ?? 7, languages: ['en', 'fr'] })) {
      for (const key of [`${email.type}|${email.language}|${email.sentiment}`, `${email.type}|${email.language}`, `${email.type}`]) {
        const list = pool.get(key);
        if (list) list.push(email);
        else pool.set(key, [email]);
      }
    }
    return pool;
  };
  return {
    kind: 'corpus',
    write(request) {
      const p = index();
      const candidates =
        p.get(`${request.type}|${request.language}|${request.sentiment}`) ??
        p.get(`${request.type}|${request.language}`) ??
        p.get(request.type);
      if (!candidates) return fallbackEmailSource.write(request);
      return candidates[Math.min(candidates.length - 1, Math.floor(request.draw * candidates.length))];
    },
  };
}

/** The corpus' per-event writer (`writeEmail` of src/ml/inbound/corpus/), typed by shape. */
export type WriteEmail = (request: {
  type: InboundType;
  language: Language;
  sentiment: Sentiment;
  seed: number;
  context?: {
    receivedAt?: Date;
    invoiceNumbers?: string[];
    amount?: number;
    currency?: string;
    promisedDate?: string | null;
    poNumber?: string | null;
    contactName?: string;
    customerName?: string;
  };
}) => SourcedEmail;

/** Adapts the corpus' writer: it honours the world's invoice numbers, amount and promised date. */
export function emailSourceFromWriter(writeEmail: WriteEmail): EmailSource {
  return {
    kind: 'corpus',
    write(request) {
      const c = request.context;
      return writeEmail({
        type: request.type,
        language: request.language,
        sentiment: request.sentiment,
        seed: Math.floor(request.draw * 2 ** 31),
        context: {
          receivedAt: new Date(c.receivedAt),
          invoiceNumbers: c.invoiceNumbers,
          amount: c.amount,
          currency: 'USD',
          promisedDate: c.promisedDate,
          poNumber: c.poNumber,
          contactName: c.contactName,
          customerName: c.customerName,
        },
      });
    },
  };
}

/** The bilingual inbound corpus, written around the world's own invoices, amounts and promised dates. */
export function defaultEmailSource(): EmailSource {
  return emailSourceFromWriter(writeEmail);
}
