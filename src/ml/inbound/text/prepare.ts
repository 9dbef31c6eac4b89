// One pass over a message that every model then reads: own words folded and
// tokenised, quote and signature set apart, subject flags.
import { htmlToText, looksLikeHtml } from './html.js';
import type { InboundMessage } from '../types.js';
import { foldText, tokenize } from './normalize.js';
import { splitMessage, splitSubject } from './ownText.js';

export interface PreparedMessage {
  /** The customer's own words, original casing (for entities). */
  own: string;
  /** `own`, folded (lower case, no accents). */
  folded: string;
  tokens: string[];
  /** Subject words when the subject is the customer's own (not "RE: our reminder"). */
  subjectTokens: string[];
  subject: string;
  isReply: boolean;
  isAutoReply: boolean;
  quoted: string;
}

// Bounds on the text read, so one pasted log file cannot stall an endpoint:
// the request is near the top of an email, quotes and attachments below.
const MAX_BODY_CHARS = 50_000;
const MAX_OWN_CHARS = 8_000;

// HTML is read before it is cut: its markup would use up the bound.
const MAX_HTML_CHARS = 200_000;

export function prepareMessage(message: InboundMessage): PreparedMessage {
  const raw = message.body ?? '';
  const body = looksLikeHtml(raw) ? htmlToText(raw.slice(0, MAX_HTML_CHARS)) : raw;
  const parts = splitMessage(body.slice(0, MAX_BODY_CHARS));
  const subject = splitSubject(message.subject ?? '');
  // An email with nothing but a quote or a signature still says something:
  // fall back to the whole body rather than classify an empty string.
  const own = (parts.own || parts.signature || body).slice(0, MAX_OWN_CHARS);
  const folded = foldText(own);
  return {
    own,
    folded,
    tokens: tokenize(folded),
    subjectTokens: subject.isReply ? [] : tokenize(foldText(subject.text)),
    subject: subject.text,
    isReply: subject.isReply,
    isAutoReply: subject.isAutoReply,
    quoted: parts.quoted,
  };
}
