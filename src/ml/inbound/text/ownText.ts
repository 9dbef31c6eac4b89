// What the customer wrote, apart from what they quoted and their signature.
// Replies to dunning emails quote our own reminder ("invoice overdue, pay via
// this link, legal action…"): left in, it would decide the type and the
// sentiment for them.
import { foldText } from './normalize.js';

export interface MessageParts {
  /** The customer's own words, original casing and accents. */
  own: string;
  /** Quoted earlier messages (ours or theirs). */
  quoted: string;
  /** Closing formula, signature block and disclaimers. */
  signature: string;
}

const QUOTE_LINE = /^\s*>/;
const SEPARATOR =
  /^\s*(-{2,}\s*(original message|message d'origine|message original|forwarded message|message transfere|mail original)|_{8,}\s*$|-{8,}\s*$|begin forwarded message|debut du message reexpedie)/;
const WROTE_END = /(a ecrit|wrote|schrieb)\s*:?\s*$/;
const WROTE_START = /^\s*(le|on|el|am)\s/;
const HEADER_FROM = /^\s*\*?(de|from|expediteur)\s*\*?\s*:/;
const HEADER_NEXT = /^\s*\*?(envoye|sent|date|a|to|objet|subject|cc|pour)\s*\*?\s*:/;
const MOBILE_FOOTER = /^\s*(envoye de mon|envoye depuis|sent from my|get outlook for|telecharger outlook)/;
const SIGNATURE_DASHES = /^\s*--\s*$/;
const CLOSING =
  /^\s*((bien|tres|tres bien|bien tres)\s+)?(cordialement|cordiales salutations|amicalement|sinceres salutations|salutations( distinguees)?|bien a (vous|toi)|a bientot|bonne (journee|soiree|fin de journee|semaine)|cdlt|cdt|slt|bav|merci( d'avance| par avance| beaucoup| bcp)?( et bonne journee)?|(best|kind|warm|warmest|many thanks and( best| kind)?)?\s*regards|best( wishes)?|all the best|cheers|thanks( again| in advance| a lot)?|thank you( in advance)?|many thanks|br|rgds|yours (sincerely|faithfully|truly)|sincerely( yours)?|respectfully)\s*[,.!]*\s*$/;
const DISCLAIMER =
  /(confidenti|intended (solely )?(only )?for|destinataire|unauthori[sz]ed|non autoris|avant d'imprimer|before printing|pensez a l'environnement|consider the environment|virus)/;

/** Index of the first line that starts a quoted message, or -1. */
function quoteStart(folded: string[]): number {
  for (let i = 0; i < folded.length; i++) {
    const line = folded[i];
    if (QUOTE_LINE.test(line) || SEPARATOR.test(line) || MOBILE_FOOTER.test(line)) return i;
    if (WROTE_START.test(line) && (WROTE_END.test(line) || WROTE_END.test(`${line} ${folded[i + 1] ?? ''}`))) return i;
    if (HEADER_FROM.test(line)) {
      for (let k = i + 1; k <= i + 4 && k < folded.length; k++) if (HEADER_NEXT.test(folded[k])) return i;
    }
  }
  return -1;
}

// A postscript, or a sentence, below a closing is still the customer's own
// word: "Thanks!\nAlso, we dispute INV-2232" must not hide the dispute.
const POSTSCRIPT = /^\s*(p\.?\s?s\.?|n\.?\s?b\.?)(\s|:|-|$)/;
const SENTENCE_WORDS = 8;

/** For each line, whether it and every line below it could be a signature block: names, titles, numbers, disclaimers. */
function signatureFrom(folded: string[]): boolean[] {
  const ok = new Array<boolean>(folded.length + 1);
  ok[folded.length] = true;
  for (let k = folded.length - 1; k >= 0; k--) {
    const line = folded[k];
    const prose = POSTSCRIPT.test(line) || ((line.match(/\p{L}+/gu)?.length ?? 0) >= SENTENCE_WORDS && !DISCLAIMER.test(line));
    ok[k] = !prose && ok[k + 1];
  }
  return ok;
}

/** Index of the line that starts the closing/signature of the own text, or -1. */
function signatureStart(folded: string[]): number {
  const below = signatureFrom(folded);
  let seenContent = false;
  for (let i = 0; i < folded.length; i++) {
    const line = folded[i];
    if (seenContent && (SIGNATURE_DASHES.test(line) || CLOSING.test(line)) && below[i + 1]) return i;
    // A greeting alone does not count as content: "Bonjour,\nMerci," is not a closing.
    if (/[a-z]{3,}/.test(line) && !/^\s*(bonjour|bonsoir|hello|hi|hey|dear|cher|chere|madame|monsieur)\b[^.!?]{0,40}$/.test(line)) {
      seenContent = true;
    }
  }
  return -1;
}

export function splitMessage(body: string): MessageParts {
  const lines = body.replace(/\r\n?/g, '\n').split('\n');
  const folded = lines.map(foldText);

  let quoteAt = quoteStart(folded);
  let ownLines = quoteAt < 0 ? lines : lines.slice(0, quoteAt);
  let quotedLines = quoteAt < 0 ? [] : lines.slice(quoteAt);
  // Bottom-posting: the quote comes first and the answer below it.
  if (quoteAt >= 0 && !ownLines.some((l) => /\p{L}{3,}/u.test(l))) {
    const after = lines.slice(quoteAt);
    const foldedAfter = folded.slice(quoteAt);
    const answer = after.filter((_, i) => !QUOTE_LINE.test(foldedAfter[i]) && i > 0);
    ownLines = answer;
    quotedLines = after.filter((_, i) => QUOTE_LINE.test(foldedAfter[i]) || i === 0);
    quoteAt = -1;
    const nested = quoteStart(ownLines.map(foldText));
    if (nested >= 0) {
      quotedLines = quotedLines.concat(ownLines.slice(nested));
      ownLines = ownLines.slice(0, nested);
    }
  }

  // Folded once: the own lines are the first lines unless the answer is below the quote.
  const ownFolded = ownLines === lines ? folded : quoteAt >= 0 ? folded.slice(0, quoteAt) : ownLines.map(foldText);
  const sigAt = signatureStart(ownFolded);
  const signatureLines = sigAt < 0 ? [] : ownLines.slice(sigAt);
  const above = sigAt < 0 ? ownLines : ownLines.slice(0, sigAt);
  const isDisclaimer = above.map((l, i) => l.length >= 25 && DISCLAIMER.test(ownFolded[i]));
  const kept = above.filter((_, i) => !isDisclaimer[i]);
  const disclaimers = above.filter((_, i) => isDisclaimer[i]);

  return {
    own: kept.join('\n').trim(),
    quoted: quotedLines.join('\n').trim(),
    signature: signatureLines.concat(disclaimers).join('\n').trim(),
  };
}

const SUBJECT_PREFIX = /^\s*((re|tr|fw|fwd|aw|wg|rif|r|ref)\s*(\[\d+\])?\s*:\s*)+/i;
// Written by a machine: out-of-office replies and delivery failures (bounces).
const AUTO_REPLY_SUBJECT =
  /^\s*((automatic reply|auto(matic)?[- ]?reply|out of (the )?office|reponse automatique|undeliverable|undelivered mail|delivery status notification|mail delivery (failed|failure|subsystem)|delivery failure|returned mail|non remis|non distribue|echec de (la )?(remise|distribution))\b|(absence|absent(e|\(e\))?)\s*(:|du bureau|jusqu))/i;

export interface SubjectParts {
  /** The subject without RE:/TR:/FW: prefixes. */
  text: string;
  /** It answers or forwards an earlier message: its words are often ours. */
  isReply: boolean;
  /** The mail client says it is an automatic reply. */
  isAutoReply: boolean;
}

export function splitSubject(subject: string): SubjectParts {
  const folded = foldText(subject);
  const prefix = folded.match(SUBJECT_PREFIX);
  const text = prefix ? subject.slice(prefix[0].length) : subject;
  return { text: text.trim(), isReply: !!prefix, isAutoReply: AUTO_REPLY_SUBJECT.test(foldText(text)) };
}
