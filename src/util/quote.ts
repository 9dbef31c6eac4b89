// How a refused value is quoted back in an import's row errors: whole when it
// is short, else its start, an ellipsis and its length. A cell of ten
// megabytes was quoted whole, and the list of a hundred row errors with it.
import { charactersOver } from './characters.js';

/** Characters quoted: any date, timestamp, amount, code or time zone fits whole. */
export const QUOTED_CHARACTERS = 60;

/** The first QUOTED_CHARACTERS UTF-16 units of `s`, without half a character at the cut. */
function head(s: string): string {
  const last = s.charCodeAt(QUOTED_CHARACTERS - 1);
  return s.slice(0, last >= 0xd800 && last <= 0xdbff ? QUOTED_CHARACTERS - 1 : QUOTED_CHARACTERS);
}

/** `text` as it is, or its start, an ellipsis and its length in characters. */
export function excerpt(text: string): string {
  const n = charactersOver(text, QUOTED_CHARACTERS);
  return n === null ? text : `${head(text)}… (${n} characters)`;
}

/** `value` as JSON (text in quotes, escaped), shortened as excerpt does: the length is the value's own. */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return excerpt(JSON.stringify(value) ?? String(value));
  const n = charactersOver(value, QUOTED_CHARACTERS);
  return n === null ? JSON.stringify(value) : `${JSON.stringify(`${head(value)}…`)} (${n} characters)`;
}
