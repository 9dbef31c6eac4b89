import { describe, expect, it } from 'vitest';
import { generateEmails, writeEmail } from '../../../src/ml/inbound/corpus/index.js';
import { PACKS, isHeldOut } from '../../../src/ml/inbound/corpus/frame.js';
import { expand, slotsOf } from '../../../src/ml/inbound/corpus/grammar.js';
import { Rng } from '../../../src/ml/inbound/corpus/random.js';
import { INBOUND_TYPES, SENTIMENTS } from '../../../src/ml/inbound/types.js';

const requestTemplates = (keys: string[]) => keys.filter((k) => /^(fr|en)\.[a-z_]+\.\d+$/.test(k) && !/\.(opener|closer|ooo)\./.test(k));

describe('when generating emails', () => {
  it('gives the same emails for the same seed', () => {
    expect(generateEmails({ n: 40, seed: 7 })).toEqual(generateEmails({ n: 40, seed: 7 }));
  });

  it('gives different emails for another seed', () => {
    const a = generateEmails({ n: 20, seed: 7 }).map((e) => e.body);
    const b = generateEmails({ n: 20, seed: 8 }).map((e) => e.body);
    expect(a.filter((body, i) => body === b[i]).length).toBeLessThan(3);
  });

  it('labels every email with a known type, sentiment and requested language', () => {
    const emails = generateEmails({ n: 60, seed: 3, languages: ['fr'] });
    for (const e of emails) {
      expect(INBOUND_TYPES).toContain(e.type);
      expect(SENTIMENTS).toContain(e.sentiment);
      expect(e.language).toBe('fr');
      expect(e.secondaryTypes).not.toContain(e.type);
    }
  });

  it('balances the request types', () => {
    const counts = new Map<string, number>();
    for (const e of generateEmails({ n: 200, seed: 4 })) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
    expect([...counts.values()]).toEqual(new Array(10).fill(20));
  });

  it('writes the invoice numbers and amounts of its ground truth into the text', () => {
    for (const e of generateEmails({ n: 100, seed: 5 })) {
      for (const inv of e.entities.invoiceNumbers) expect(`${e.subject}\n${e.body}`.toUpperCase()).toContain(inv.toUpperCase());
      for (const a of e.entities.amounts) expect(e.body).toContain(a.text);
    }
  });

  it('never uses a held-out request template in the training split', () => {
    const keys = generateEmails({ n: 300, seed: 6, split: 'train' }).flatMap((e) => requestTemplates(e.templates));
    expect(keys.length).toBeGreaterThan(250);
    expect(keys.filter((k) => isHeldOut(Number(k.split('.').pop())))).toEqual([]);
  });

  it('uses held-out request templates in the held-out split', () => {
    const keys = generateEmails({ n: 100, seed: 6, split: 'heldout' }).flatMap((e) => requestTemplates(e.templates));
    expect(keys.every((k) => isHeldOut(Number(k.split('.').pop())))).toBe(true);
  });

  it('marks the negative emails that carry a legal threat', () => {
    const emails = generateEmails({ n: 400, seed: 9 });
    const threats = emails.filter((e) => e.legalThreat);
    expect(threats.length).toBeGreaterThan(0);
    expect(threats.every((e) => e.sentiment === 'negative')).toBe(true);
  });
});

describe('when the grammar is read', () => {
  const knownSlots = ['QDATE', 'INV', 'INV2', 'AMOUNT', 'PO', 'PO2', 'PDATE', 'PREL', 'PASTDATE', 'DATE', 'DATE2', 'EMAIL', 'PHONE', 'PERSON', 'FIRST', 'COMPANY', 'ADDRESS', 'N', 'N2', 'PCT', 'MONTH', 'CHEQUE', 'BANKREF', 'AGENT', 'AGENTLAST'];
  const templates = Object.values(PACKS).flatMap((pack) => [
    ...Object.values(pack.intents).flat(),
    ...Object.values(pack.secondary).flat(),
    ...pack.frame.greetings,
    ...pack.frame.openers,
    ...pack.frame.outOfOffice,
    ...Object.values(pack.frame.tone).flat(),
  ]);

  it('uses only slots the filler knows, in templates that parse', () => {
    const rng = new Rng(1);
    for (const t of templates) {
      expect(slotsOf(t).filter((s) => !knownSlots.includes(s)), t).toEqual([]);
      expect(() => expand(t.replace(/^!(neg|pos) /, ''), rng, (s) => s)).not.toThrow();
    }
  });

  it('writes many paraphrases of every request type in both languages', () => {
    for (const pack of Object.values(PACKS)) for (const list of Object.values(pack.intents)) expect(list.length).toBeGreaterThanOrEqual(20);
  });
});

describe('when the world asks for one email', () => {
  it('uses its invoice numbers and promised date', () => {
    const email = writeEmail({
      type: 'promise_to_pay',
      language: 'en',
      sentiment: 'neutral',
      seed: 11,
      context: { invoiceNumbers: ['INV-424242'], promisedDate: '2025-04-30', receivedAt: new Date('2025-04-10T09:00:00Z') },
    });
    expect(email.type).toBe('promise_to_pay');
    expect(email.receivedAt).toBe('2025-04-10T09:00:00.000Z');
    if (email.entities.invoiceNumbers.length) expect(email.entities.invoiceNumbers[0]).toBe('INV-424242');
    expect(email).toEqual(writeEmail({ type: 'promise_to_pay', language: 'en', sentiment: 'neutral', seed: 11, context: { invoiceNumbers: ['INV-424242'], promisedDate: '2025-04-30', receivedAt: new Date('2025-04-10T09:00:00Z') } }));
  });
});
