// Folding and tokenising. Customers write "reglement", "règlement" and
// "RÈGLEMENT" for the same word, so every model sees accent-free lower case.

// What folding changes once the text is decomposed and in lower case: accents
// (combining marks) go, ligatures open, quotes, dashes and spaces become one kind.
const FOLDED_AWAY = /[\u0300-\u036fœæß\u2018\u2019\u02bc\u00b4`\u201c\u201d\u00ab\u00bb\u2010-\u2015\u2212\u00a0\u202f\u2009\t]/g;
const FOLD: Record<string, string> = {
  'œ': 'oe', 'æ': 'ae', 'ß': 'ss',
  '\u2018': "'", '\u2019': "'", '\u02bc': "'", '\u00b4': "'", '`': "'",
  '\u201c': '"', '\u201d': '"', '\u00ab': '"', '\u00bb': '"',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2013': '-', '\u2014': '-', '\u2015': '-', '\u2212': '-',
  '\u00a0': ' ', '\u202f': ' ', '\u2009': ' ', '\t': ' ',
};
/** Combining marks fold to nothing. */
const foldChar = (c: string): string => FOLD[c] ?? '';
const NOT_ASCII = /[^\x00-\x7f]/;

/** Lower case, no accents, one kind of apostrophe, dash and space. */
export function foldText(text: string): string {
  // Most emails are plain ASCII, where decomposing changes nothing: skip it.
  if (!NOT_ASCII.test(text)) {
    const lower = text.toLowerCase();
    return lower.includes('`') || lower.includes('\t') ? lower.replace(FOLDED_AWAY, foldChar) : lower;
  }
  // Lower case before the accents go (the reverse of the obvious order) gives
  // the same text: lower-casing a decomposed text adds or moves no accent.
  return text.normalize('NFD').toLowerCase().replace(FOLDED_AWAY, foldChar);
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
  // Every pattern but "cannot" has an apostrophe: most English and many French emails have none.
  if (!folded.includes("'") && !folded.includes('cannot')) return folded;
  let out = folded;
  for (const [pattern, replacement] of CONTRACTIONS) out = out.replace(pattern, replacement);
  return out;
}

const EMAIL = /[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}/g;
const PHONE = /(?:\+|00)?\d[\d .()-]{7,}\d/g;
const TOKEN = /<[a-z]+>|[a-z]+(?:-[a-z]+)*|\d+(?:[.,/-]\d+)*|[€$£?!]|[.;\n]/g;

// Some customers put their tone nowhere but in emoji ("😡😡😡"): these become
// words the lexicon knows; other emoji say too little and are dropped.
const FROWN_EMOJI = /[😡😠🤬😤👎😒🙄😞😩😫😖😣💢]/gu;
const SMILE_EMOJI = /[😊🙂😀😃😄😁👍🙏😉🥰😍❤]/gu;
export const FROWN = '<frown>';
export const SMILE = '<smile>';

function emojiAsWords(text: string): string {
  return NOT_ASCII.test(text) ? text.replace(FROWN_EMOJI, ` ${FROWN} `).replace(SMILE_EMOJI, ` ${SMILE} `) : text;
}

/** Token marking the end of a sentence or line: negation does not reach across it. */
export const SENTENCE_END = '<s>';

/**
 * Tokens of folded text. Numbers become shape tokens: an invoice number or an
 * amount says nothing about the intent, but that there is one does.
 */
export function tokenize(folded: string): string[] {
  const expanded = expandContractions(folded);
  const text = emojiAsWords((expanded.includes('@') ? expanded.replace(EMAIL, ' <email> ') : expanded).replace(PHONE, ' <phone> '));
  const tokens: string[] = [];
  // exec rather than matchAll: no iterator result per token (TOKEN never matches empty).
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(text); match !== null; match = TOKEN.exec(text)) {
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
