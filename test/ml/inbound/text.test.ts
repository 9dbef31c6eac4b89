import { describe, expect, it } from 'vitest';
import { foldText, tokenize } from '../../../src/ml/inbound/text/normalize.js';
import { splitMessage, splitSubject } from '../../../src/ml/inbound/text/ownText.js';
import { prepareMessage } from '../../../src/ml/inbound/text/prepare.js';
import { extractEntities } from '../../../src/ml/inbound/entities/index.js';

describe('when folding text', () => {
  it('drops accents and case so "RÈGLEMENT" and "reglement" are one word', () => {
    expect(foldText('RÈGLEMENT reçu, Œuvre')).toBe('reglement recu, oeuvre');
  });

  it('turns numbers into shapes and keeps the negation of contractions', () => {
    expect(tokenize(foldText("We won't pay 1 250,00 € before 15/03/2025"))).toEqual(['we', 'will', 'not', 'pay', '<day>', '<num>', '<cur>', 'before', '<date>']);
    expect(tokenize(foldText("Je n'ai pas reçu"))).toEqual(['je', 'ne', 'ai', 'pas', 'recu']);
  });
});

describe('when a reply quotes our reminder', () => {
  it('keeps only what the customer wrote above a French "a écrit" header', () => {
    const parts = splitMessage('Bonjour,\nLe virement est parti hier.\nCordialement,\nPaul\n\nLe 3 mars 2025 à 10:02, Service Recouvrement <r@x.fr> a\nécrit :\n> Merci de régler la facture F-1 sous 8 jours.');
    expect(parts.own).toBe('Bonjour,\nLe virement est parti hier.');
    expect(parts.quoted).toContain('Merci de régler');
    expect(parts.signature).toBe('Cordialement,\nPaul');
  });

  it('cuts at an Outlook header block', () => {
    const parts = splitMessage('Paid today.\n\nFrom: Accounts Receivable <ar@x.com>\nSent: Tuesday, March 11, 2025 4:10 PM\nTo: me\nSubject: Overdue\n\nPlease pay now or we take legal action.');
    expect(parts.own).toBe('Paid today.');
    expect(parts.quoted).toContain('legal action');
  });

  it('finds the answer written below the quote', () => {
    const parts = splitMessage('> Your invoice INV-1 is overdue.\n> Please pay.\n\nWe paid it on Monday.');
    expect(parts.own).toBe('We paid it on Monday.');
  });

  it('keeps a sentence or a postscript written below a closing line as the customer\'s own words', () => {
    const below = splitMessage('Hello,\nPlease send me a copy of invoice INV-2231.\nThanks!\nAlso, we dispute invoice INV-2232: the goods arrived damaged and we will not pay it.');
    expect(below.own).toContain('we dispute invoice INV-2232');
    const ps = splitMessage('Please send a copy of INV-7.\nBest regards,\nJohn\nPS: we dispute INV-8');
    expect(ps.own).toContain('PS: we dispute INV-8');
    const signed = splitMessage('Please send a copy of INV-7.\nBest regards,\nJohn Smith\nHead of Accounts Payable\nACME Corp, +33 1 23 45 67 89');
    expect(signed.own).toBe('Please send a copy of INV-7.');
    expect(signed.signature).toContain('Head of Accounts Payable');
  });

  it('sets disclaimers apart from the message', () => {
    const parts = splitMessage('Please resend invoice 12345.\n\nThis email and any attachments are confidential and intended solely for the addressee.');
    expect(parts.own).toBe('Please resend invoice 12345.');
    expect(parts.signature).toContain('confidential');
  });

  it('does not take a greeting followed by "Merci" for a closing', () => {
    expect(splitMessage('Bonjour,\nMerci,\nJean').own).toBe('Bonjour,\nMerci,\nJean');
    expect(splitMessage('Bonjour,\nPouvez-vous renvoyer la facture ?\nMerci,\nJean').own).toBe('Bonjour,\nPouvez-vous renvoyer la facture ?');
  });
});

describe('when reading a subject', () => {
  it('recognises replies and automatic replies', () => {
    expect(splitSubject('RE: TR: Relance facture 12')).toEqual({ text: 'Relance facture 12', isReply: true, isAutoReply: false });
    expect(splitSubject('Réponse automatique : Relance').isAutoReply).toBe(true);
    expect(splitSubject('Automatic reply: Payment reminder').isAutoReply).toBe(true);
    expect(splitSubject('Undeliverable: Payment reminder').isAutoReply).toBe(true);
    expect(splitSubject('Non remis : Relance facture 12').isAutoReply).toBe(true);
    expect(splitSubject('Absent : Relance facture 12').isAutoReply).toBe(true);
    expect(splitSubject('Absent(e) du bureau : Relance facture 12').isAutoReply).toBe(true);
    expect(splitSubject('Absence du bureau').isAutoReply).toBe(true);
    // A customer's own subject about a missing PO is not an out-of-office.
    expect(splitSubject('Absence de bon de commande sur la facture 12').isAutoReply).toBe(false);
  });
});

describe('when the body is HTML', () => {
  const html = '<html><head><style>p{margin:0}</style></head><body><p>We will pay 1.234,56&nbsp;&euro; on 15&nbsp;March.</p>' +
    '<p>Best regards,<br>John</p><blockquote><p>Dear customer, invoice F-1 is overdue. Without payment we will take legal action.</p>' +
    '<blockquote>older &amp; nested</blockquote></blockquote></body></html>';

  it('reads the text a person sees, entities decoded, and sets the blockquote apart as quoted', () => {
    const prepared = prepareMessage({ subject: '', body: html });
    expect(prepared.own).toBe('We will pay 1.234,56\u00a0€ on 15\u00a0March.');
    expect(prepared.quoted).toContain('> Dear customer, invoice F-1 is overdue.');
    expect(prepared.quoted).toContain('> older & nested');
    const entities = extractEntities(prepared.own, '', 'en', new Date('2025-03-12T09:00:00Z'));
    expect(entities.amounts.map((a) => [a.value, a.currency])).toEqual([[1234.56, 'EUR']]);
    expect(entities.promisedDate).toBe('2025-03-15');
  });

  it('leaves a plain-text body that merely mentions a tag as it is', () => {
    expect(prepareMessage({ subject: '', body: 'Is 3 < 5? Yes.' }).own).toBe('Is 3 < 5? Yes.');
  });
});
