// Folding and tokenising. Customers write "reglement", "règlement" and
// "RÈGLEMENT" for the same word, so every model sees accent-free lower case.

const COMBINING_MARKS = /[\u0300-\u036f]/g;

/** Lower case, no accents, one kind of apostrophe, dash and space. */
export function foldText(text: string): string {
  return text
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/ß/g, 'ss')
    .replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'")
    .replace(/[\u201c\u201d\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/[\u00a0\u202f\u2009\t]/g, ' ');
}

// English contractions become two words so "don't pay" carries a "not".
const CONTRACTIONS: Array<[RegExp, string]> = [
  [/\bcan't\b/g, 'can not'],
  [/\bcannot\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\bshan't\b/g, 'shall not'],
  [/n't\b/g, ' not'],
  [/\b(i|you|we|they|it|he|she|that|there)'ll\b/g, '$1 will'],
  [/\b(i|you|we|they)'ve\b/g, '$1 have'],
  [/\b(i|you|we|they)'re\b/g, '$1 are'],
  [/\b(i|you|we|they|it)'d\b/g, '$1 would'],
  [/\bi'm\b/g, 'i am'],
  // French elisions: keep the full word so "n'" is seen as the negation "ne".
  [/\bn'/g, 'ne '],
  [/\bqu'/g, 'que '],
  [/\bj'/g, 'je '],
  [/\bm'/g, 'me '],
  [/\bt'/g, 'te '],
  [/\bs'/g, 'se '],
  [/\bl'/g, 'le '],
  [/\bd'/g, 'de '],
  [/\bc'/g, 'ce '],
];

/** Expands contractions and elisions of folded text. */
export function expandContractions(folded: string): string {
  let out = folded;
  for (const [pattern, replacement] of CONTRACTIONS) out = out.replace(pattern, replacement);
  return out;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g;
const PHONE = /(?:\+|00)?\d[\d .()-]{7,}\d/g;
const TOKEN = /<[a-z]+>|[a-z]+(?:-[a-z]+)*|\d+(?:[.,/-]\d+)*|[€$£?!]|[.;\n]/g;

/** Token marking the end of a sentence or line: negation does not reach across it. */
export const SENTENCE_END = '<s>';

/**
 * Tokens of folded text. Numbers become shape tokens: an invoice number or an
 * amount says nothing about the intent, but that there is one does.
 */
export function tokenize(folded: string): string[] {
  const text = expandContractions(folded).replace(EMAIL, ' <email> ').replace(PHONE, ' <phone> ');
  const tokens: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const t = match[0];
    const c = t.charCodeAt(0);
    if (c >= 48 && c <= 57) tokens.push(numberShape(t));
    else if (t === '€' || t === '$' || t === '£') tokens.push('<cur>');
    else if (t === '.' || t === ';' || t === '\n') {
      if (tokens.length && tokens[tokens.length - 1] !== SENTENCE_END) tokens.push(SENTENCE_END);
    }
    else tokens.push(t);
  }
  return tokens;
}

function numberShape(token: string): string {
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(token) || /^\d{4}-\d{2}-\d{2}$/.test(token)) return '<date>';
  if (/^\d{1,2}$/.test(token)) return '<day>';
  if (/^(19|20)\d\d$/.test(token)) return '<year>';
  return '<num>';
}
