// PostgreSQL counts the characters of a text in code points; a JavaScript
// string's length counts UTF-16 units, two for a character past U+FFFF (an emoji).

/**
 * Characters of `s` when more than `max`, else null. Its UTF-16 length is
 * never below the count: most strings are passed on that alone.
 */
export function charactersOver(s: string, max: number): number | null {
  if (s.length <= max) return null;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // The low half of a pair is not counted (imports refuse a lone one before their lengths are checked).
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n > max ? n : null;
}
