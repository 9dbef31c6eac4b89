// Values for template slots, written the many ways customers write them, with
// the ground truth recorded as they are drawn.
//   $INV $INV2 invoice numbers      $AMOUNT amount with currency   $PO $PO2 purchase orders
//   $PDATE promised date (written)  $PREL promised date (relative) $PASTDATE $DATE $DATE2 dates
//   $EMAIL $PHONE new contact       $PERSON $FIRST $COMPANY $ADDRESS      $N $N2 $PCT $MONTH $CHEQUE $BANKREF
// Quote-only slots ($Q…, $SENDER…, $AGENT…) are not entities of the customer's message.
import type { Amount, Entities, Language } from '../types.js';
import { addDays, formatDate, monthName, relativeDate, type RelativeDate } from './dates.js';
import type { Rng } from './random.js';

const FIRST_FR = ['Sophie', 'Julien', 'Nathalie', 'Thomas', 'Claire', 'Nicolas', 'Isabelle', 'Laurent', 'Céline', 'Mathieu', 'Amélie', 'François', 'Hélène', 'Stéphane', 'Inès', 'Karim', 'Aurélie', 'Benoît', 'Élodie', 'Yannick'];
const LAST_FR = ['Martin', 'Bernard', 'Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Fournier', 'Mercier', 'Bonnet', 'Lambert', 'Fontaine', 'Rousseau', 'Chevalier', 'Benali', 'Perrin', 'Garnier', 'Faure', 'André', 'Masson', 'Leclerc'];
const FIRST_EN = ['James', 'Emily', 'Michael', 'Sarah', 'David', 'Laura', 'Daniel', 'Rachel', 'Chris', 'Hannah', 'Mark', 'Olivia', 'Steven', 'Priya', 'Tom', 'Grace', 'Kevin', 'Megan', 'Raj', 'Lucy'];
const LAST_EN = ['Smith', 'Johnson', 'Brown', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Clarke', 'Walker', 'Wright', 'Hughes', 'Patel', 'Green', 'Baker', 'Hall', 'Turner', 'Cooper', 'Morgan', 'Shaw', 'Reed'];
const COMPANY_FR = ['Menuiserie Dufour', 'Transports Leroy', 'SARL Bati-Ouest', 'Boulangeries Réunies', 'Atelier Mécanique du Rhône', 'Clinique des Lilas', 'Groupe Hexa Services', 'Imprimerie Moderne', 'Garage Central', 'Cabinet Vidal & Associés', 'Agri-Sud Coopérative', 'Hôtel Belle Vue'];
const COMPANY_EN = ['Northwind Logistics', 'Brightline Retail', 'Apex Engineering Ltd', 'Harbor Foods Inc.', 'Crescent Health', 'Summit Builders', 'Bluewave Media', 'Oakridge Manufacturing', 'Pioneer Labs', 'Kestrel Hotels', 'Granite Systems', 'Evergreen Farms'];
const STREETS_FR = ['12 rue des Lilas, 69003 Lyon', '4 avenue Jean Jaurès, 31000 Toulouse', '27 boulevard Voltaire, 75011 Paris', 'ZI des Pins, 33700 Mérignac'];
const STREETS_EN = ['14 King Street, Manchester M2 4LQ', '220 Market Street, Suite 400, San Francisco, CA 94105', 'Unit 5, Riverside Park, Leeds LS10 1AB', '88 Harbour Road, Bristol BS1 5TT'];

export interface SlotContext {
  language: Language;
  receivedAt: Date;
  /** Values the caller imposes (e.g. the world's real invoice numbers). */
  invoiceNumbers?: string[];
  amount?: number;
  currency?: string;
  promisedDate?: string | null;
  poNumber?: string | null;
  contactName?: string;
  customerName?: string;
  agentName?: string;
}

export function emptyEntities(): Entities {
  return { invoiceNumbers: [], amounts: [], dates: [], promisedDate: null, poNumbers: [], emails: [], phones: [] };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function personName(rng: Rng, language: Language): { first: string; last: string } {
  return language === 'fr' ? { first: rng.pick(FIRST_FR), last: rng.pick(LAST_FR) } : { first: rng.pick(FIRST_EN), last: rng.pick(LAST_EN) };
}

export function companyName(rng: Rng, language: Language): string {
  return rng.pick(language === 'fr' ? COMPANY_FR : COMPANY_EN);
}

function asciiSlug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

export function emailAddress(rng: Rng, first: string, last: string, company: string): string {
  const domain = `${asciiSlug(company).slice(0, 14)}.${rng.pick(['fr', 'com', 'co.uk', 'eu', 'net'])}`;
  const local = rng.pick([`${asciiSlug(first)}.${asciiSlug(last)}`, `${asciiSlug(first)[0]}${asciiSlug(last)}`, rng.pick(['compta', 'ap', 'accounts', 'factures', 'finance', 'invoices', 'comptabilite'])]);
  return `${local}@${domain}`;
}

export function phoneNumber(rng: Rng, language: Language): string {
  const d = () => pad(rng.int(0, 99), 2);
  if (language === 'fr') {
    return rng.pick([`0${rng.int(1, 7)} ${d()} ${d()} ${d()} ${d()}`, `+33 ${rng.int(1, 7)} ${d()} ${d()} ${d()} ${d()}`, `0${rng.int(1, 7)}.${d()}.${d()}.${d()}.${d()}`]);
  }
  return rng.pick([`+44 20 ${rng.int(7000, 8999)} ${rng.int(1000, 9999)}`, `(${rng.int(201, 989)}) ${rng.int(200, 999)}-${rng.int(1000, 9999)}`, `+1 ${rng.int(201, 989)} 555 ${rng.int(1000, 9999)}`, `0161 ${rng.int(200, 999)} ${rng.int(1000, 9999)}`]);
}

export function invoiceNumber(rng: Rng, year: number): string {
  const n = rng.int(1, 99999);
  return rng.weighted<string>([
    [`F-${year}-${pad(n % 10000, 4)}`, 2],
    [`FA${year}-${pad(n % 10000, 4)}`, 1],
    [`INV-${rng.int(10000, 99999)}`, 2],
    [`INV${rng.int(100000, 999999)}`, 1],
    [String(rng.int(1000, 99999)), 2],
    [`${year}/${pad(n % 1000, 3)}`, 1],
    [`FC-${rng.int(1000, 9999)}`, 1],
    [`${year}-${pad(n % 10000, 4)}`, 1],
  ]);
}

export function poNumber(rng: Rng): string {
  return rng.weighted<string>([
    [`45000${rng.int(10000, 99999)}`, 3],
    [`PO-${rng.int(10000, 99999)}`, 2],
    [`BC-${rng.int(1000, 9999)}`, 1],
    [`PO${rng.int(100000, 999999)}`, 1],
  ]);
}

function groupThousands(intPart: number, sep: string): string {
  return String(intPart).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

/** An amount written the way a French or English writer would. */
export function formatAmount(rng: Rng, value: number, currency: string, language: Language): string {
  const cents = Math.round(value * 100) % 100;
  const whole = Math.floor(Math.round(value * 100) / 100);
  const showCents = cents !== 0 || rng.chance(0.4);
  if (language === 'fr') {
    const number = `${groupThousands(whole, rng.pick([' ', ' ', '.', '']))}${showCents ? `,${pad(cents, 2)}` : ''}`;
    const sym = currency === 'EUR' ? rng.pick(['€', ' €', ' EUR', ' euros', ' €']) : currency === 'USD' ? rng.pick([' $', ' USD', ' dollars']) : ` ${currency}`;
    return `${number}${sym}`;
  }
  const number = `${groupThousands(whole, rng.pick([',', ',', '']))}${showCents ? `.${pad(cents, 2)}` : ''}`;
  const symbol = currency === 'USD' ? '$' : currency === 'GBP' ? '£' : '€';
  return rng.pick([`${symbol}${number}`, `${symbol}${number}`, `${currency} ${number}`, `${number} ${currency}`]);
}

/**
 * Fills the slots of one email and records what it wrote. The same slot name
 * gives the same value within an email, as a writer repeats the same invoice.
 */
export class SlotFillerState {
  readonly entities: Entities = emptyEntities();
  private readonly values = new Map<string, string>();
  private readonly year: number;

  constructor(
    private readonly rng: Rng,
    private readonly ctx: SlotContext,
    private readonly quote: Record<string, string>,
  ) {
    this.year = ctx.receivedAt.getUTCFullYear();
  }

  fill = (name: string): string => {
    if (name in this.quote) return this.quote[name];
    const known = this.values.get(name);
    if (known !== undefined) return known;
    const value = this.draw(name);
    this.values.set(name, value);
    return value;
  };

  private draw(name: string): string {
    const { rng, ctx, entities } = this;
    const lang = ctx.language;
    switch (name) {
      case 'INV':
      case 'INV2': {
        const given = ctx.invoiceNumbers?.[name === 'INV' ? 0 : 1];
        const inv = given ?? invoiceNumber(rng, this.year - (rng.chance(0.2) ? 1 : 0));
        entities.invoiceNumbers.push(inv);
        return inv;
      }
      case 'AMOUNT': {
        const currency = ctx.currency ?? (lang === 'fr' ? rng.weighted([['EUR', 9], ['USD', 1]]) : rng.weighted([['USD', 5], ['GBP', 3], ['EUR', 2]]));
        const value = ctx.amount ?? rng.weighted<number>([[rng.int(80, 999) + rng.int(0, 99) / 100, 3], [rng.int(1000, 25000) + (rng.chance(0.5) ? rng.int(0, 99) / 100 : 0), 4], [rng.int(20, 300) * 100, 2]]);
        const text = formatAmount(rng, value, currency, lang);
        const amount: Amount = { value: Math.round(value * 100) / 100, currency, text };
        entities.amounts.push(amount);
        return text;
      }
      case 'PO':
      case 'PO2': {
        const po = (name === 'PO' ? ctx.poNumber : null) ?? poNumber(rng);
        entities.poNumbers.push(po);
        return po;
      }
      case 'PDATE': {
        const iso = ctx.promisedDate ?? addDays(ctx.receivedAt, rng.int(3, 40));
        const text = formatDate(rng, iso, lang, ctx.receivedAt, 'future');
        entities.dates.push(iso);
        entities.promisedDate ??= iso;
        return text;
      }
      case 'PREL': {
        const rel: RelativeDate = relativeDate(rng, lang, ctx.receivedAt);
        entities.dates.push(rel.iso);
        entities.promisedDate ??= rel.iso;
        return rel.text;
      }
      case 'PASTDATE': {
        const iso = addDays(ctx.receivedAt, -rng.int(1, 25));
        entities.dates.push(iso);
        return formatDate(rng, iso, lang, ctx.receivedAt, 'past');
      }
      case 'DATE':
      case 'DATE2': {
        const iso = addDays(ctx.receivedAt, name === 'DATE' ? rng.int(2, 20) : rng.int(21, 35));
        entities.dates.push(iso);
        return formatDate(rng, iso, lang, ctx.receivedAt, 'future');
      }
      case 'EMAIL': {
        const p = personName(rng, lang);
        const email = emailAddress(rng, p.first, p.last, ctx.customerName ?? companyName(rng, lang));
        entities.emails.push(email);
        return email;
      }
      case 'PHONE': {
        const phone = phoneNumber(rng, lang);
        entities.phones.push(phone);
        return phone;
      }
      case 'PERSON': {
        const p = personName(rng, lang);
        return `${rng.chance(0.3) ? (lang === 'fr' ? rng.pick(['M. ', 'Mme ']) : rng.pick(['Mr ', 'Ms '])) : ''}${p.first} ${p.last}`;
      }
      case 'FIRST':
        return personName(rng, lang).first;
      case 'COMPANY':
        return companyName(rng, lang);
      case 'ADDRESS':
        return rng.pick(lang === 'fr' ? STREETS_FR : STREETS_EN);
      case 'N':
        return String(rng.int(2, 6));
      case 'N2':
        return String(rng.int(8, 40));
      case 'PCT':
        return String(rng.pick([2, 3, 5, 8, 10, 15]));
      case 'MONTH':
        return monthName((ctx.receivedAt.getUTCMonth() + 11) % 12, lang);
      case 'CHEQUE':
        return String(rng.int(1000000, 9999999));
      case 'BANKREF':
        return `${rng.pick(['VIR', 'TRF', 'REF', 'SEPA'])}${rng.int(100000, 999999)}`;
      default:
        throw new Error(`corpus: unknown slot $${name}`);
    }
  }
}
