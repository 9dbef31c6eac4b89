import { describe, expect, it } from 'vitest';
import { extractEntities } from '../../../src/ml/inbound/entities/index.js';
import { extractAmounts } from '../../../src/ml/inbound/entities/amounts.js';
import { extractDates } from '../../../src/ml/inbound/entities/dates.js';

// Wednesday 12 March 2025
const received = new Date('2025-03-12T09:00:00Z');
const fr = (own: string, subject = '') => extractEntities(own, subject, 'fr', received);
const en = (own: string, subject = '') => extractEntities(own, subject, 'en', received);

describe('when a French customer promises to pay on a date', () => {
  it('extracts the written date as the promised date', () => {
    expect(fr('Le virement pour la facture F2024-1187 sera effectué le 28/03/2025.').promisedDate).toBe('2025-03-28');
    expect(fr('Nous réglerons la facture le 15 avril.').promisedDate).toBe('2025-04-15');
  });

  it('reads a bare day of the month at the end of a sentence, not a time or a day.month', () => {
    expect(fr('Nous paierons le 15.').promisedDate).toBe('2025-03-15');
    expect(en('We will pay on the 20th: ok').promisedDate).toBe('2025-03-20');
    expect(en('We will pay on the 15th.').promisedDate).toBe('2025-03-15');
    expect(extractDates('rappel le 14:30', received, 'fr')).toEqual([]);
  });

  it('resolves relative dates against the day received', () => {
    expect(fr('Le paiement partira vendredi prochain.').promisedDate).toBe('2025-03-14');
    expect(fr('Nous réglerons à la fin du mois.').promisedDate).toBe('2025-03-31');
    expect(fr('Le règlement interviendra la semaine prochaine.').promisedDate).toBe('2025-03-21');
  });

  it('does not take the date of a payment already made for a promise', () => {
    const e = fr('Le virement a été effectué le 7 mars.');
    expect(e.dates).toEqual(['2025-03-07']);
    expect(e.promisedDate).toBeNull();
  });
});

describe('when an English customer writes dates', () => {
  it('reads month-first, day-first and ordinal forms', () => {
    expect(en('We will settle the amount by Friday 21 March.').promisedDate).toBe('2025-03-21');
    expect(en('Payment is scheduled for April 2nd.').promisedDate).toBe('2025-04-02');
    expect(en('The wire will go out on 3/28/2025.').promisedDate).toBe('2025-03-28');
  });

  it('ignores a return date of an out-of-office', () => {
    expect(en('I am out of the office until 24 March.').promisedDate).toBeNull();
  });

  it('reads no year out of a longer number, and no year the service could not store', () => {
    expect(extractDates('payment on March 15, 275761', received, 'en')).toEqual([]);
    expect(extractDates('payment on March 15, 2757', received, 'en')).toEqual([]);
    expect(extractDates('Je paierai le 15 mars 2757 ou le 2300-01-01', received, 'fr')).toEqual([]);
    expect(fr('Je paierai le 15 mars 2757.').promisedDate).toBeNull();
    expect(extractDates('virement le 15/03/275761', received, 'fr')).toEqual([]);
    expect(extractDates('payment on 1/2/1899', received, 'en')).toEqual([]);
  });

  it('finds the day of a bare month date nearest to the message, across the new year', () => {
    const december = new Date('2024-12-20T09:00:00Z');
    expect(extractDates('we will pay on 10 January', december, 'en')[0].iso).toBe('2025-01-10');
  });
});

describe('when amounts are written', () => {
  it('reads French and English formats with their currency', () => {
    expect(extractAmounts('un solde de 1 250,00 € et 4.317 EUR').map((a) => [a.value, a.currency])).toEqual([[1250, 'EUR'], [4317, 'EUR']]);
    expect(extractAmounts('We owe $4,812.50, £2,000 and GBP 980.').map((a) => [a.value, a.currency])).toEqual([[4812.5, 'USD'], [2000, 'GBP'], [980, 'GBP']]);
    expect(extractAmounts('3 450 euros').map((a) => a.value)).toEqual([3450]);
  });

  it("reads Swiss thousands, a code written against its number, and no thousand in 0.001", () => {
    expect(extractAmounts("CHF 1'234.50 et EUR1234.56").map((a) => [a.value, a.currency])).toEqual([[1234.5, 'CHF'], [1234.56, 'EUR']]);
    expect(extractAmounts('€0.001')).toEqual([]);
  });

  it('does not read invoice numbers or dates as amounts', () => {
    expect(extractAmounts('facture 2025-0311 du 03/03/2025')).toEqual([]);
  });

  it('reads no amount out of the tail of another token, nor one past what an invoice can hold', () => {
    expect(extractAmounts('un avoir de 1e27 € et -5 EUR')).toEqual([]);
    expect(extractAmounts('we owe 99999999999999999 USD')).toEqual([]);
    expect(extractAmounts('EUR 1e27 and $5e9')).toEqual([]);
    expect(extractAmounts('$5k and EUR 1.5, then $12.')).toEqual([
      expect.objectContaining({ value: 5000, currency: 'USD' }),
      expect.objectContaining({ value: 1.5, currency: 'EUR' }),
      expect.objectContaining({ value: 12, currency: 'USD' }),
    ]);
  });
});

describe('when references are written', () => {
  it('lists every invoice of an enumeration', () => {
    expect(en('Please send copies of invoices 55012, 55013 and 55027.').invoiceNumbers).toEqual(['55012', '55013', '55027']);
    expect(fr('factures 2211 et 2212').invoiceNumbers).toEqual(['2211', '2212']);
  });

  it('takes the invoice of the subject and keeps hyphenated numbers whole', () => {
    expect(fr('Pouvez-vous me la renvoyer ?', 'RE: Relance facture FA-2025-0142').invoiceNumbers).toEqual(['FA-2025-0142']);
    expect(en('Invoice 2024-6808 has been approved.').invoiceNumbers).toEqual(['2024-6808']);
  });

  it('tells purchase orders from invoices', () => {
    const e = fr('Merci de rééditer la facture 10293 en mentionnant la commande 4500098812.');
    expect(e.poNumbers).toEqual(['4500098812']);
    expect(e.invoiceNumbers).toEqual(['10293']);
    expect(en('Please reissue it with PO 4500061578.').poNumbers).toEqual(['4500061578']);
  });

  it('reads INV-12345 and FACT-2291 as one reference each, not also the number after the prefix', () => {
    expect(en('Please pay INV-12345 today.').invoiceNumbers).toEqual(['INV-12345']);
    expect(en('We will pay INV123456 and INV-2026-0042 on Friday.').invoiceNumbers).toEqual(['INV123456', 'INV-2026-0042']);
    expect(fr('La FACT-2291 est erronée.').invoiceNumbers).toEqual(['FACT-2291']);
    expect(en('Inv. 4471 is wrong').invoiceNumbers).toEqual(['4471']);
  });

  it('does not take a year for an invoice number', () => {
    expect(fr('toutes les factures de 2024').invoiceNumbers).toEqual([]);
  });
});

describe('when a customer gives a new contact', () => {
  it('extracts the e-mail address and phone number', () => {
    const e = fr("merci d'adresser vos factures à julie.perrin@atelier-perrin.fr, tél. 04 72 10 33 58.");
    expect(e.emails).toEqual(['julie.perrin@atelier-perrin.fr']);
    expect(e.phones).toEqual(['04 72 10 33 58']);
    expect(en('Call +44 20 7946 0123 or (415) 555-0199.').phones).toEqual(['+44 20 7946 0123', '(415) 555-0199']);
  });
});
