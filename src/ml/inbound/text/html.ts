// An email body sent as HTML, read as the plain text a person sees: tags
// dropped, entities decoded ("1.234,56&nbsp;&euro;" is an amount), and what
// sits in a <blockquote> marked as quoted, as a plain-text reply quotes with
// "> ", so our own reminder inside it never speaks for the customer.
import { decode } from 'html-entities';

const LOOKS_HTML = /<(?:html|body|div|p|br|span|table|td|blockquote|font|b|i|a|ul|li|h[1-6])\b[^>]*>/i;
const BLOCK_END = /<\/?(?:p|div|br|tr|li|ul|ol|table|h[1-6]|hr)\b[^>]*>/gi;
const HIDDEN = /<(script|style|head|title)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const QUOTE_OPEN = '\u0001';
const QUOTE_CLOSE = '\u0002';

export const looksLikeHtml = (body: string): boolean => LOOKS_HTML.test(body);

export function htmlToText(html: string): string {
  const marked = html
    .replace(HIDDEN, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/[\u0001\u0002]/g, '')
    .replace(/<blockquote\b[^>]*>/gi, `\n${QUOTE_OPEN}`)
    .replace(/<\/blockquote\s*>/gi, `${QUOTE_CLOSE}\n`)
    .replace(BLOCK_END, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/[ \t\r\f\v]*\n/g, '\n');
  return markQuotes(decode(marked)).replace(/\n{3,}/g, '\n\n').trim();
}

/** Prefixes "> " to every line inside a blockquote, nested ones included. */
function markQuotes(text: string): string {
  let depth = 0;
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    let line = '';
    let quoted = depth > 0;
    for (const ch of raw) {
      if (ch === QUOTE_OPEN) {
        depth++;
        quoted = true;
      } else if (ch === QUOTE_CLOSE) depth = Math.max(0, depth - 1);
      else line += ch;
    }
    lines.push(quoted && line.trim() !== '' ? `> ${line.trim()}` : line.trim());
  }
  return lines.join('\n');
}
