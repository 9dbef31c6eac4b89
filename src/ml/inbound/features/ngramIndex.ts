// The n-gram features of a message that one vocabulary knows, counted straight
// into vocabulary indices: the scoring-time twin of ngramCounts, which names
// every feature of the message as a string (what training needs). Building
// and hashing those strings was most of the cost of scoring an email; here
// each word the vocabulary knows comes with its features listed once, at
// load (one lookup by the token string, whose hash V8 keeps), and the
// character n-grams of other words are looked up by an integer code of their letters.
import type { PreparedMessage } from '../text/prepare.js';
import { conceptsOf } from './concepts.js';
import type { NgramOptions } from './ngrams.js';

// Letters of character n-grams: tokens are [a-z-] once folded (numbers become
// shapes, which have no character n-grams), padded with a space. Each letter
// takes 5 bits, numbered from 1 so that a 3-gram and a 4-gram never share a code.
const LETTER = new Int8Array(128);
' abcdefghijklmnopqrstuvwxyz-'.split('').forEach((c, i) => (LETTER[c.charCodeAt(0)] = i + 1));
const BITS = 5;
/** Longest character n-gram with a code that stays a small integer. */
const MAX_CODED_LENGTH = 6;
const SPACE = LETTER[32];

function letterOf(code: number): number {
  return code < 128 ? LETTER[code] : 0;
}

/** The code of a character n-gram, or -1 when a letter has none (then the string is looked up). */
function gramCode(gram: string): number {
  if (gram.length > MAX_CODED_LENGTH) return -1;
  let code = 0;
  for (let i = 0; i < gram.length; i++) {
    const l = letterOf(gram.charCodeAt(i));
    if (l === 0) return -1;
    code = (code << BITS) | l;
  }
  return code;
}

// Concepts of a message are read by every model that counts n-grams: find them once.
const conceptMemo = new WeakMap<PreparedMessage, { own: Set<string>; subject: Set<string> }>();

function messageConcepts(message: PreparedMessage): { own: Set<string>; subject: Set<string> } {
  let found = conceptMemo.get(message);
  if (!found) conceptMemo.set(message, (found = { own: conceptsOf(message.tokens), subject: conceptsOf(message.subjectTokens) }));
  return found;
}

/** Vocabulary indices of a message in order of occurrence, repeated as often as they occur. */
export class FeatureList {
  indices = new Int32Array(256);
  length = 0;

  push(index: number): void {
    if (this.length === this.indices.length) {
      const grown = new Int32Array(2 * this.length);
      grown.set(this.indices);
      this.indices = grown;
    }
    this.indices[this.length++] = index;
  }
}

/** What a known word brings: its own feature, the bigrams it starts, its character n-grams. */
interface WordEntry {
  word: number;
  next: Map<string, number> | undefined;
  grams: Int32Array;
}

const NO_GRAMS = new Int32Array(0);

export class NgramIndex {
  /** Words of the vocabulary (in words, bigrams or subjects) with their features found once, at load. */
  private readonly entries = new Map<string, WordEntry>();
  private readonly charCodes = new Map<number, number>();
  private readonly charStrings = new Map<string, number>();
  private readonly subjectWords = new Map<string, number>();
  private readonly concepts = new Map<string, number>();
  private readonly subjectConcepts = new Map<string, number>();
  private readonly flags = new Map<string, number>();
  private letters = new Int8Array(64);

  /** `features`: the vocabulary, feature names as ngramCounts writes them ("w:…", "c:…"). */
  constructor(features: readonly string[], private readonly options: NgramOptions) {
    const words = new Map<string, number>();
    const bigrams = new Map<string, Map<string, number>>();
    const known = new Set<string>();
    features.forEach((f, i) => {
      const colon = f.indexOf(':');
      const kind = f.slice(0, colon);
      const name = f.slice(colon + 1);
      if (kind === 'w') words.set(name, i);
      else if (kind === 'b') {
        const space = name.indexOf(' ');
        const first = name.slice(0, space);
        let next = bigrams.get(first);
        if (!next) bigrams.set(first, (next = new Map()));
        next.set(name.slice(space + 1), i);
        known.add(name.slice(space + 1));
      } else if (kind === 'c') {
        const code = gramCode(name);
        if (code < 0) this.charStrings.set(name, i);
        else this.charCodes.set(code, i);
      } else if (kind === 's') this.subjectWords.set(name, i);
      else if (kind === 'k') this.concepts.set(name, i);
      else if (kind === 'sk') this.subjectConcepts.set(name, i);
      else if (kind === 'f') this.flags.set(name, i);
    });
    const grams = new FeatureList();
    for (const w of [...words.keys(), ...bigrams.keys(), ...known, ...this.subjectWords.keys()]) {
      if (this.entries.has(w)) continue;
      grams.length = 0;
      if (this.hasCharGrams(w)) this.charGrams(w, grams);
      this.entries.set(w, { word: words.get(w) ?? -1, next: bigrams.get(w), grams: grams.length ? grams.indices.slice(0, grams.length) : NO_GRAMS });
    }
  }

  private hasCharGrams(token: string): boolean {
    return this.options.charLengths.length > 0 && token.length >= 3 && token.charCodeAt(0) !== 60; /* < shape token */
  }

  /** Adds to `out` the vocabulary index of every counted feature of the message, as ngramCounts would count them. */
  collect(message: PreparedMessage, out: FeatureList): void {
    const { tokens, subjectTokens } = message;
    const bigrams = this.options.bigrams;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      const entry = this.entries.get(t);
      if (entry) {
        if (entry.word >= 0) out.push(entry.word);
        if (bigrams && entry.next && i + 1 < tokens.length) {
          const b = entry.next.get(tokens[i + 1]);
          if (b !== undefined) out.push(b);
        }
        const grams = entry.grams;
        for (let g = 0; g < grams.length; g++) out.push(grams[g]);
      } else if (this.hasCharGrams(t)) this.charGrams(t, out);
    }
    const concepts = messageConcepts(message);
    for (const c of concepts.own) {
      const k = this.concepts.get(c);
      if (k !== undefined) out.push(k);
    }
    for (const c of concepts.subject) {
      const k = this.subjectConcepts.get(c);
      if (k !== undefined) out.push(k);
    }
    for (const t of subjectTokens) {
      const s = this.subjectWords.get(t);
      if (s !== undefined) out.push(s);
    }
    if (message.isAutoReply) this.flag('autoreply', out);
    if (message.isReply) this.flag('reply', out);
    if (tokens.length < 12) this.flag('short', out);
  }

  private flag(name: string, out: FeatureList): void {
    const f = this.flags.get(name);
    if (f !== undefined) out.push(f);
  }

  /** Character n-grams of ` token `. */
  private charGrams(token: string, out: FeatureList): void {
    const length = token.length + 2;
    if (this.letters.length < length) this.letters = new Int8Array(2 * length);
    const letters = this.letters;
    letters[0] = SPACE;
    letters[length - 1] = SPACE;
    for (let k = 0; k < token.length; k++) {
      const l = letterOf(token.charCodeAt(k));
      if (l === 0) return this.charGramStrings(token, out);
      letters[k + 1] = l;
    }
    for (const n of this.options.charLengths) {
      if (n > MAX_CODED_LENGTH) {
        this.charGramStringsOf(` ${token} `, n, out);
        continue;
      }
      for (let k = 0; k + n <= length; k++) {
        let code = 0;
        for (let j = 0; j < n; j++) code = (code << BITS) | letters[k + j];
        const c = this.charCodes.get(code);
        if (c !== undefined) out.push(c);
      }
    }
  }

  private charGramStrings(token: string, out: FeatureList): void {
    for (const n of this.options.charLengths) this.charGramStringsOf(` ${token} `, n, out);
  }

  private charGramStringsOf(padded: string, n: number, out: FeatureList): void {
    for (let k = 0; k + n <= padded.length; k++) {
      const gram = padded.slice(k, k + n);
      const code = gramCode(gram);
      const c = code < 0 ? this.charStrings.get(gram) : this.charCodes.get(code);
      if (c !== undefined) out.push(c);
    }
  }
}
