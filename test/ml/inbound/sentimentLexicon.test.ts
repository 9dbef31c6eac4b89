import { describe, expect, it } from 'vitest';
import { scoreLexicon } from '../../../src/ml/inbound/sentiment/lexiconScore.js';
import { foldText, tokenize } from '../../../src/ml/inbound/text/normalize.js';

const score = (text: string) => scoreLexicon(tokenize(foldText(text)), text);
const net = (text: string) => {
  const s = score(text);
  return s.positive - s.negative;
};

describe('when scoring sentiment words', () => {
  it('turns a negated positive into a negative', () => {
    expect(net('Nous ne sommes pas du tout satisfaits.')).toBeLessThan(0);
    expect(net('I am not happy at all with your reply.')).toBeLessThan(0);
    expect(score('Nous ne sommes pas satisfaits.').negatedPositives).toBe(1);
  });

  it('reads the French "ne … pas" around a verb, but not a "ne" inside a negative phrase', () => {
    expect(net("Je n'apprécie pas du tout ce genre de mail.")).toBeLessThan(0);
    expect(net("Nous n'avons jamais eu autant de problèmes avec un fournisseur.")).toBeLessThan(-2);
  });

  it('does not carry a negation over the end of a sentence', () => {
    expect(net("Je ne l'ai jamais reçue. Merci mille fois !")).toBeGreaterThan(0);
  });

  it('does not count "pas de souci" or "no problem" as negative', () => {
    expect(net('Pas de souci, nous réglerons vendredi.')).toBeGreaterThanOrEqual(0);
    expect(net('No problem, we will pay on Friday.')).toBeGreaterThanOrEqual(0);
  });

  it('reads anger without accents and with intensifiers', () => {
    expect(net("C'est inadmissible !")).toBeLessThan(-2);
    expect(net('cest vraiment inadmissible')).toBeLessThan(net("c'est inadmissible"));
  });

  it('reads quiet irritation (said before, still waiting) as negative wording in both languages', () => {
    for (const text of ['As I already told your colleague, it is approved.', 'Still waiting for an answer on this.', 'Comme déjà indiqué, la commande est en cours.', 'Toujours en attente de votre retour.', 'Encore une relance pour une facture réglée.']) {
      expect(net(text), text).toBeLessThanOrEqual(-1);
    }
    expect(net('As discussed, we will pay on Friday.')).toBe(0);
  });

  it('flags legal threats in both languages, but not a legal entity', () => {
    expect(score('Notre avocat vous adressera une mise en demeure.').legal).toBe(true);
    expect(score('We will take legal action.').legal).toBe(true);
    expect(score('The invoice was issued to the wrong legal entity.').legal).toBe(false);
    expect(score('Le délai est trop court.').legal).toBe(false);
  });

  it('takes "merci d\'avance" for a formula, not for warmth', () => {
    expect(net("Merci d'avance.")).toBe(0);
    expect(net('Merci infiniment pour votre patience !')).toBeGreaterThan(2);
  });
});
