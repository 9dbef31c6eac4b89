// Synthetic inbound emails with ground truth (type, secondary types,
// sentiment, language, entities). Everything here is generated: the labels are
// true by construction, the text is only as varied as the grammar.
import type { Entities, InboundType, LabeledEmail, Language, SentimentLabel } from '../types.js';
import { INBOUND_TYPES } from '../types.js';
import { addDays, formatDate } from './dates.js';
import { PACKS, pickTemplate, type TemplateSplit } from './frame.js';
import { expand } from './grammar.js';
import { applyNoise, drawNoise } from './noise.js';
import { Rng, hashString } from './random.js';
import { SlotFillerState, companyName, emailAddress, formatAmount, invoiceNumber, personName, phoneNumber, type SlotContext } from './slots.js';

export interface GeneratedEmail extends LabeledEmail {
  receivedAt: string;
  entities: Entities;
  /** A legal threat was written (avocat, tribunal, lawyer…). */
  legalThreat: boolean;
  outOfOffice: boolean;
  /** Keys of the templates used, to audit splits. */
  templates: string[];
}

export interface EmailSpec {
  type: InboundType;
  language: Language;
  sentiment?: SentimentLabel;
  /** Omit to draw (about one email in five has a secondary intent). */
  secondaryTypes?: InboundType[];
  split?: TemplateSplit;
  /** Values the caller imposes: invoice numbers, amount, promised date… */
  context?: Partial<Omit<SlotContext, 'language'>>;
}

// Tone is drawn nearly independently of the request: an angry customer may
// ask for a PDF and a polite one may dispute. Were disputes mostly angry, the
// type model would learn "angry = dispute" and misfile angry copy requests.
const SENTIMENT_PRIOR: Record<InboundType, [number, number, number]> = {
  // negative, neutral, positive
  dispute: [0.35, 0.55, 0.1],
  invoice_copy: [0.25, 0.55, 0.2],
  payment_link: [0.25, 0.55, 0.2],
  po_number: [0.25, 0.55, 0.2],
  unsubscribe: [0.3, 0.55, 0.15],
  promise_to_pay: [0.2, 0.55, 0.25],
  payment_confirmation: [0.2, 0.55, 0.25],
  payment_plan: [0.25, 0.55, 0.2],
  contact_update: [0.2, 0.6, 0.2],
  other: [0.2, 0.55, 0.25],
};

/** Which secondary intents plausibly ride along with a primary one, and how often. */
const SECONDARY_PAIRS: Record<InboundType, Array<[InboundType, number]>> = {
  dispute: [['promise_to_pay', 4], ['invoice_copy', 3], ['payment_plan', 1], ['contact_update', 1], ['payment_confirmation', 1]],
  invoice_copy: [['promise_to_pay', 5], ['po_number', 2], ['payment_link', 2], ['dispute', 2]],
  payment_link: [['promise_to_pay', 5], ['invoice_copy', 3], ['contact_update', 1], ['dispute', 1]],
  po_number: [['invoice_copy', 3], ['promise_to_pay', 5], ['payment_link', 2]],
  unsubscribe: [['contact_update', 1]],
  // No dispute here: a dispute riding along a promise is the primary type
  // (models/primaryType.ts); dispute's own pairs write that combination.
  promise_to_pay: [['invoice_copy', 3], ['payment_link', 3], ['contact_update', 2]],
  payment_confirmation: [['invoice_copy', 3], ['dispute', 3], ['promise_to_pay', 2], ['contact_update', 2]],
  payment_plan: [['dispute', 3], ['invoice_copy', 3], ['payment_link', 4]],
  contact_update: [['unsubscribe', 5], ['invoice_copy', 5]],
  other: [],
};

/** Copy requests for the files rather than for paying (see composeEmail). */
const FOR_THE_FILES = /\b(records|auditors?|audit|year-end|archives|clôture|commissaire aux comptes|contrôleur de gestion)\b/i;

const AGENTS = [
  ['Claire', 'Dumas'], ['Marc', 'Olivier'], ['Sarah', 'Collins'], ['Paul', 'Henry'], ['Julie', 'Renard'], ['Anna', 'Price'],
] as const;

function drawReceivedAt(rng: Rng): Date {
  const start = Date.UTC(2024, 0, 1);
  for (;;) {
    const day = new Date(start + rng.int(0, 729) * 86_400_000);
    const dow = day.getUTCDay();
    if ((dow === 0 || dow === 6) && !rng.chance(0.15)) continue;
    return new Date(day.getTime() + (rng.int(7, 19) * 60 + rng.int(0, 59)) * 60_000);
  }
}

function drawSentiment(rng: Rng, type: InboundType): SentimentLabel {
  const [neg, neu, pos] = SENTIMENT_PRIOR[type];
  return rng.weighted<SentimentLabel>([['negative', neg], ['neutral', neu], ['positive', pos]]);
}

function layout(rng: Rng, sentences: string[]): string {
  const style = rng.int(0, 2);
  if (style === 0) return sentences.join(' ');
  if (style === 1) return sentences.join('\n');
  const out: string[] = [];
  let current: string[] = [];
  for (const s of sentences) {
    current.push(s);
    if (rng.chance(0.5)) {
      out.push(current.join(' '));
      current = [];
    }
  }
  if (current.length) out.push(current.join(' '));
  return out.join('\n\n');
}

/** One email with its ground truth. */
export function composeEmail(rng: Rng, spec: EmailSpec): GeneratedEmail {
  const { type, language } = spec;
  const split = spec.split ?? 'all';
  const pack = PACKS[language];
  const f = pack.frame;
  const templates: string[] = [];
  const receivedAt = spec.context?.receivedAt ?? drawReceivedAt(rng);
  let sentiment = spec.sentiment ?? drawSentiment(rng, type);
  const year = receivedAt.getUTCFullYear();
  const invoiceNumbers = spec.context?.invoiceNumbers?.length ? spec.context.invoiceNumbers : [invoiceNumber(rng, year), invoiceNumber(rng, year)];

  // Our side of the conversation: the reminder being answered.
  const agent = rng.pick(AGENTS);
  const reminderLang = rng.chance(0.92) ? language : language === 'fr' ? 'en' : 'fr';
  const qf = PACKS[reminderLang].frame;
  const qinv = rng.chance(0.65) ? invoiceNumbers[0] : invoiceNumber(rng, year);
  const qdate = addDays(receivedAt, -rng.int(1, 20));
  const customer = spec.context?.customerName ?? companyName(rng, language);
  const contact = spec.context?.contactName ? { first: spec.context.contactName.split(' ')[0], last: spec.context.contactName.split(' ').slice(1).join(' ') } : personName(rng, language);
  const quote: Record<string, string> = {
    QINV: qinv,
    QAMOUNT: formatAmount(rng, rng.int(200, 30000), reminderLang === 'fr' ? 'EUR' : rng.pick(['USD', 'GBP', 'EUR']), reminderLang),
    QDATE: formatDate(rng, qdate, reminderLang, receivedAt, 'past'),
    AGENT: spec.context?.agentName?.split(' ')[0] ?? agent[0],
    AGENTLAST: agent[1],
    SENDER: rng.pick([`${agent[0]} ${agent[1]}`, reminderLang === 'fr' ? 'Service Recouvrement' : 'Accounts Receivable', 'Credit Control']),
    SENDERMAIL: rng.pick(['recouvrement@dalmas-industrie.fr', 'ar@brightsupply.com', 'credit.control@vectra-group.eu']),
    CONTACTMAIL: emailAddress(rng, contact.first, contact.last, customer),
  };
  quote.QSUBJ = expand(rng.pick(qf.reminderSubjects), rng, (n) => quote[n] ?? n);
  quote.SUBJ = quote.QSUBJ;

  const slots = new SlotFillerState(rng, { ...spec.context, language, receivedAt, invoiceNumbers }, quote);
  const fill = slots.fill;
  let lastTemplate = '';
  // Filler (openers, closers, neutral remarks) is shared by both splits: it is
  // noise every model must learn to ignore, not a phrasing of a request.
  const render = (list: readonly string[], key: string, accept?: (t: string) => boolean, filler = false): string => {
    const picked = pickTemplate(list, key, filler ? 'all' : split, rng, accept);
    templates.push(picked.key);
    lastTemplate = picked.template;
    return expand(picked.template.replace(/^!(neg|pos) /, ''), rng, fill);
  };

  // Out-of-office replies are written by a machine: neutral, so only when the tone asked for is neutral.
  const isOutOfOffice = type === 'other' && sentiment === 'neutral' && rng.chance(0.5);
  const secondaryTypes: InboundType[] = spec.secondaryTypes ?? (!isOutOfOffice && SECONDARY_PAIRS[type].length && rng.chance(0.22) ? [rng.weighted(SECONDARY_PAIRS[type])] : []);
  const noise = drawNoise(rng);
  const isReply = isOutOfOffice || rng.chance(0.65);

  let subject: string;
  let own: string;
  let legalThreat = false;
  if (isOutOfOffice) {
    subject = rng.chance(0.85) ? expand(rng.pick(f.autoReplySubjects), rng, fill) : quote.QSUBJ;
    own = render(f.outOfOffice, `${language}.ooo`);
    if (rng.chance(0.6)) own += `\n\n${rng.pick(f.signOffs)}\n${contact.first} ${contact.last}`;
  } else {
    subject = isReply ? rng.pick(f.replyPrefixes) + quote.QSUBJ : rng.chance(0.75) ? expand(rng.pick(f.subjects[type]), rng, fill) : '';
    // A template whose wording carries a tone is only used for that sentiment.
    const toneOf = (t: string): SentimentLabel => (t.startsWith('!neg ') ? 'negative' : t.startsWith('!pos ') ? 'positive' : 'neutral');
    // A copy wanted only for the files (records, audit) does not hold the
    // payment up, so next to a promise it is the secondary intent: an email
    // labelled invoice_copy with a promise must ask for a copy it needs to pay.
    const filesOnly = type === 'invoice_copy' && secondaryTypes.includes('promise_to_pay');
    const core = render(
      pack.intents[type],
      `${language}.${type}`,
      (t) => (toneOf(t) === 'neutral' || toneOf(t) === sentiment) && !(filesOnly && FOR_THE_FILES.test(t)),
    );
    const coreHasTone = toneOf(lastTemplate) === sentiment && sentiment !== 'neutral';

    const tone: string[] = [];
    if (sentiment === 'negative') {
      const count = coreHasTone && rng.chance(0.5) ? 0 : rng.chance(0.7) ? 1 : 2;
      for (let i = 0; i < count; i++) tone.push(render(f.tone.negative, `${language}.tone.negative`));
      if (rng.chance(type === 'dispute' ? 0.3 : 0.12)) {
        tone.push(render(f.tone.legal, `${language}.tone.legal`));
        legalThreat = true;
      }
    } else if (sentiment === 'positive') {
      const count = coreHasTone && rng.chance(0.5) ? 0 : rng.chance(0.75) ? 1 : 2;
      for (let i = 0; i < count; i++) tone.push(render(f.tone.positive, `${language}.tone.positive`));
    } else if (rng.chance(0.3)) {
      tone.push(render(f.tone.neutral, `${language}.tone.neutral`, undefined, true));
    }

    const sentences: string[] = [];
    if (rng.chance(0.35)) sentences.push(render(f.openers, `${language}.opener`, undefined, true));
    const toneFirst = rng.chance(0.4);
    if (toneFirst) sentences.push(...tone);
    const secondary = secondaryTypes.map((t) => render(pack.secondary[t] ?? pack.intents[t], `${language}.sec.${t}`));
    if (secondary.length && rng.chance(0.2)) sentences.push(...secondary, core);
    else sentences.push(core, ...secondary);
    if (!toneFirst) sentences.push(...tone);
    if (rng.chance(0.4)) sentences.push(render(f.closers, `${language}.closer`, undefined, true));

    const parts: string[] = [];
    if (rng.chance(0.85)) parts.push(expand(rng.pick(f.greetings), rng, fill));
    parts.push(layout(rng, sentences));
    const signature: string[] = [];
    if (rng.chance(0.8)) signature.push(rng.pick(f.signOffs));
    if (rng.chance(0.85)) signature.push(rng.chance(0.7) ? `${contact.first} ${contact.last}` : contact.first);
    if (rng.chance(0.4)) signature.push(rng.pick(f.titles));
    if (rng.chance(0.4)) signature.push(customer);
    if (rng.chance(0.2)) signature.push(`${language === 'fr' ? rng.pick(['Tél : ', 'Tel. ', '']) : rng.pick(['Tel: ', 'Phone: ', 'T: '])}${phoneNumber(rng, language)}`);
    own = parts.join(rng.chance(0.7) ? '\n\n' : '\n');
    if (signature.length) own += `\n\n${signature.join('\n')}`;
  }

  // Phones and webmail add their footer below everything the customer typed.
  if (!isOutOfOffice && rng.chance(0.12)) own += `\n\n${rng.pick(f.mobileFooters)}`;
  own = applyNoise(rng, own, noise, f);
  if (noise.lowerCase) subject = subject.toLowerCase();
  let body = own;
  if (!isOutOfOffice && rng.chance(0.12)) body += `\n\n${rng.pick(f.disclaimers)}`;
  if (isReply && !isOutOfOffice && rng.chance(0.55)) {
    const header = expand(rng.pick(qf.quoteHeaders), rng, (n) => quote[n] ?? n);
    const reminder = expand(rng.pick(qf.reminders), rng, (n) => quote[n] ?? n);
    const quoted = rng.chance(0.4) ? reminder.split('\n').map((l) => `> ${l}`).join('\n') : reminder;
    body += `\n\n${header}\n${quoted}`;
  }

  return {
    subject,
    body,
    receivedAt: receivedAt.toISOString(),
    language,
    type,
    secondaryTypes,
    sentiment,
    entities: slots.entities,
    legalThreat,
    outOfOffice: isOutOfOffice,
    templates,
  };
}

export interface GenerateOptions {
  n: number;
  seed: number;
  languages?: readonly string[];
  /** 'train' and 'heldout' use disjoint request templates; default 'all'. */
  split?: TemplateSplit;
  types?: readonly InboundType[];
}

/** A deterministic batch of labelled emails, balanced over types and languages. */
export function generateEmails(options: GenerateOptions): GeneratedEmail[] {
  const languages = (options.languages ?? ['fr', 'en']).filter((l): l is Language => l === 'fr' || l === 'en');
  if (languages.length === 0) throw new Error('generateEmails: no supported language (fr, en)');
  const types = options.types ?? INBOUND_TYPES;
  const rng = new Rng(options.seed);
  const out: GeneratedEmail[] = [];
  for (let i = 0; i < options.n; i++) {
    const type = types[i % types.length];
    const language = languages[Math.floor(i / types.length) % languages.length];
    out.push(composeEmail(rng.fork(i), { type, language, split: options.split }));
  }
  return out;
}

export interface WriteRequest {
  type: InboundType;
  language: Language;
  sentiment: SentimentLabel;
  /** Any number; the same request and seed give the same email. */
  seed: number;
  context?: EmailSpec['context'];
}

/** One email for a world event, honouring the world's invoices, amount and promised date. */
export function writeEmail(request: WriteRequest): GeneratedEmail {
  const rng = new Rng(request.seed ^ hashString(`${request.type}|${request.language}|${request.sentiment}`));
  return composeEmail(rng, { type: request.type, language: request.language, sentiment: request.sentiment, context: request.context });
}
