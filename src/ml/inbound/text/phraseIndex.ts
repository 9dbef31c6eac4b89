// Finds known phrases in a token stream: exact multi-word phrases (tokenised
// like messages, so "n'importe quoi" matches "ne importe quoi") and word
// prefixes written with a trailing * ("disappoint*"). Longest match wins.
import { tokenize } from './normalize.js';

export interface PhraseMatch<T> {
  length: number;
  value: T;
}

export class PhraseIndex<T> {
  private readonly phrases = new Map<string, Array<{ tokens: string[]; value: T }>>();
  private readonly prefixes: Array<{ prefix: string; value: T }> = [];

  constructor(entries: Iterable<[string, T]>) {
    for (const [text, value] of entries) {
      if (!text.includes(' ') && text.endsWith('*')) {
        this.prefixes.push({ prefix: text.slice(0, -1), value });
        continue;
      }
      const tokens = tokenize(text);
      if (tokens.length === 0) throw new Error(`PhraseIndex: empty phrase '${text}'`);
      const list = this.phrases.get(tokens[0]) ?? [];
      list.push({ tokens, value });
      this.phrases.set(tokens[0], list);
    }
    for (const list of this.phrases.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
    this.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
  }

  /** The longest phrase starting at token i, or null. */
  match(tokens: readonly string[], i: number): PhraseMatch<T> | null {
    const candidates = this.phrases.get(tokens[i]);
    if (candidates) {
      for (const c of candidates) {
        let ok = true;
        for (let k = 1; k < c.tokens.length && ok; k++) ok = tokens[i + k] === c.tokens[k];
        if (ok) return { length: c.tokens.length, value: c.value };
      }
    }
    const t = tokens[i];
    if (t.length >= 4) for (const p of this.prefixes) if (t.startsWith(p.prefix)) return { length: 1, value: p.value };
    return null;
  }
}
