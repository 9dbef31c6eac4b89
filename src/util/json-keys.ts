// JSON.parse keeps the last of two values under one key without a word: a
// scenario step written {"dayOffset": 5, "dayOffset": 15} would silently be
// day 15. This finds such a key from the text the value was parsed from, and
// how a value was written, which JSON.parse does not keep.
import { quote } from './quote.js';

/** The first key an object of `text` names twice, and whether that object is the outermost one. */
export interface RepeatedKey {
  key: string;
  topLevel: boolean;
}

/** The refusal, in words: JSON.parse would have kept the last value without a word. */
export const namedTwice = ({ key }: RepeatedKey): string => `names the key ${quote(key)} twice in one object (JSON keeps only the last)`;

/**
 * `parsed` is JSON.parse(text): when the text holds no more key tokens than
 * the parsed value has keys, none can repeat, so the usual row costs one
 * native regex scan and one walk of the value.
 */
export function repeatedKey(text: string, parsed: unknown): RepeatedKey | null {
  const tokens = countKeyTokens(text);
  if (tokens === 0 || tokens <= countKeys(parsed)) return null;
  // One entry per open container: the keys an object has named so far, null for an array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      const keys = open.at(-1);
      if (keys && nextNonSpace(text, end + 1) === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (keys.has(key)) return { key, topLevel: open.length === 1 };
        keys.add(key);
      }
      i = end;
    } else if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
  }
  return null;
}

/**
 * Colons right after a closing quote (JSON whitespace between): every key has
 * one, and a colon inside a string rarely does. Counted without allocating,
 * which a regex match of each token did: it doubled the parse of a big body.
 */
function countKeyTokens(text: string): number {
  let n = 0;
  for (let i = text.indexOf(':'); i !== -1; i = text.indexOf(':', i + 1)) {
    let j = i - 1;
    while (j >= 0 && isJsonSpace(text.charCodeAt(j))) j--;
    if (text.charCodeAt(j) === QUOTE) n++;
  }
  return n;
}

const QUOTE = 0x22;
const isJsonSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/** Keys of every object inside `value`, counted without recursion. */
function countKeys(value: unknown): number {
  let n = 0;
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') stack.push(v[i]);
      continue;
    }
    const keys = Object.keys(v);
    n += keys.length;
    for (let i = 0; i < keys.length; i++) {
      const x = (v as Record<string, unknown>)[keys[i]];
      if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return n;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isJsonSpace(text.charCodeAt(i))) i++;
  return i;
}

const nextNonSpace = (text: string, from: number): string | undefined => text[skipSpace(text, from)];

/** The string token of `text` from `start` to `end` (its quotes) is `key`; one with escapes is decoded to tell. */
function isKey(text: string, start: number, end: number, key: string): boolean {
  if (end - start - 1 === key.length && text.startsWith(key, start + 1)) return true;
  return text.lastIndexOf('\\', end) > start && JSON.parse(text.slice(start, end + 1)) === key;
}

const isNumberChar = (c: number) => (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;

/**
 * The number the outermost object of the JSON `text` holds under `key`, as
 * written: JSON.parse reads 1e3, 1000.0 and 1000 alike (Node 20 gives a
 * reviver no source text). Null when that object has no such key; a key of a
 * nested object is not it.
 */
export function writtenNumber(text: string, key: string): string | null {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = endOfString(text, i);
      const colon = skipSpace(text, end + 1);
      if (depth === 1 && text[colon] === ':' && isKey(text, i, end, key)) {
        const from = skipSpace(text, colon + 1);
        let to = from;
        while (to < text.length && isNumberChar(text.charCodeAt(to))) to++;
        return text.slice(from, to);
      }
      i = end;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return null;
}

/** Index of the quote closing the string that opens at `start`. */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i;
  }
  return text.length;
}
