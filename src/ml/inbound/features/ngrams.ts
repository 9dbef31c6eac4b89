// Sparse text features: word unigrams and bigrams (the request), character
// n-grams inside words (typos, missing accents, inflections), subject words,
// hand-written concepts (features/concepts.ts) and a few flags. Numbers were already reduced to shapes by the tokenizer.
import type { PreparedMessage } from '../text/prepare.js';
import { conceptsOf } from './concepts.js';

export interface NgramOptions {
  /** Character n-gram lengths, e.g. [3, 4]. Empty for none. */
  charLengths: readonly number[];
  bigrams: boolean;
}

export const DEFAULT_NGRAMS: NgramOptions = { charLengths: [3, 4], bigrams: true };

function add(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

// The type and sentiment models read the same counts of the same message:
// count once per message and options.
const memo = new WeakMap<PreparedMessage, Map<string, Map<string, number>>>();

/** Feature → count for one prepared message (the map is shared: do not modify it). */
export function ngramCounts(message: PreparedMessage, options: NgramOptions = DEFAULT_NGRAMS): Map<string, number> {
  const key = `${options.charLengths.join(',')}|${options.bigrams}`;
  let byOptions = memo.get(message);
  const known = byOptions?.get(key);
  if (known) return known;
  const counts = countNgrams(message, options);
  if (!byOptions) memo.set(message, (byOptions = new Map()));
  byOptions.set(key, counts);
  return counts;
}

function countNgrams(message: PreparedMessage, options: NgramOptions): Map<string, number> {
  const counts = new Map<string, number>();
  const tokens = message.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    add(counts, `w:${t}`);
    if (options.bigrams && i + 1 < tokens.length) add(counts, `b:${t} ${tokens[i + 1]}`);
    if (options.charLengths.length && t.length >= 3 && t.charCodeAt(0) !== 60 /* < shape token */) {
      const padded = ` ${t} `;
      for (const n of options.charLengths) {
        for (let k = 0; k + n <= padded.length; k++) add(counts, `c:${padded.slice(k, k + n)}`);
      }
    }
  }
  for (const concept of conceptsOf(tokens)) add(counts, `k:${concept}`);
  for (const concept of conceptsOf(message.subjectTokens)) add(counts, `sk:${concept}`);
  for (const t of message.subjectTokens) add(counts, `s:${t}`);
  if (message.isAutoReply) add(counts, 'f:autoreply');
  if (message.isReply) add(counts, 'f:reply');
  if (tokens.length < 12) add(counts, 'f:short');
  return counts;
}
