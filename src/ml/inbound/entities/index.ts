// Entities of an inbound email, read from the customer's own words (original
// casing): quoted reminders carry our invoice numbers and amounts, not theirs.
import type { Entities, Language } from '../types.js';
import { extractAmounts } from './amounts.js';
import { extractEmails, extractPhones } from './contacts.js';
import { extractDates, promisedDateOf } from './dates.js';
import { extractInvoiceNumbers, extractPoNumbers } from './references.js';

/** `promiseLikely`: the email is a promise to pay or a payment plan, so a lone future date is the promised one. */
export function extractEntities(own: string, subject: string, language: Language, receivedAt: Date, promiseLikely = false): Entities {
  // The subject names the invoice the customer answers about, so it counts for references.
  const referenceText = `${subject}\n${own}`;
  const poNumbers = extractPoNumbers(referenceText);
  const dates = extractDates(own, receivedAt, language);
  return {
    invoiceNumbers: extractInvoiceNumbers(referenceText, poNumbers),
    amounts: extractAmounts(own),
    dates: [...new Set(dates.map((d) => d.iso))],
    promisedDate: promisedDateOf(own, dates, receivedAt, promiseLikely),
    poNumbers,
    emails: extractEmails(own),
    phones: extractPhones(own),
  };
}
