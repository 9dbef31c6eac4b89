import { describe, expect, it } from 'vitest';
import { scoreLexicon } from '../../../src/ml/inbound/sentiment/lexiconScore.js';
import { foldText, tokenize } from '../../../src/ml/inbound/text/normalize.js';

const score = (text: string) => scoreLexicon(tokenize(foldText(text)), text);
const net = (text: string) => {
  const s = score(text);
  return s.positive - s.negative;
};

describe('when the tone is in emoji or in capitals', () => {
  it('reads angry and friendly emoji, counting each', () => {
    expect(score('😡😡😡').hits).toEqual(Array(3).fill(expect.objectContaining({ text: 'angry emoji', cue: 'emoji' })));
    expect(net('Invoice 4411 😤')).toBeLessThan(0);
    expect(net('Paid today 👍')).toBeGreaterThan(0);
    expect(net('Paid today 📎')).toBe(0);
  });

  it('reads a refusal in capitals as negative, in both languages', () => {
    for (const text of ['WE WILL NOT PAY THIS INVOICE', 'NOUS NE PAIERONS PAS CETTE FACTURE', 'STOP SENDING ME THESE EMAILS', "DON'T SEND ANY MORE REMINDERS"]) {
      expect(score(text).hits, text).toEqual([expect.objectContaining({ text, cue: 'capitals' })]);
    }
  });

  it('does not read capitals without a refusal, or a refusal written calmly, as negative', () => {
    for (const text of ['PAYMENT SENT FOR INVOICE 123', 'Please find the PO NUMBER attached', 'We will not pay this invoice, the goods were damaged.', 'NOT PAID: see attached']) {
      expect(net(text), text).toBe(0);
    }
  });
});

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

  it('reads waiting for an answer that never came as irritation, strongly enough to block an automatic reply', () => {
    for (const text of [
      'Still no answer on the query we raised last month.',
      'We have still not heard back from your team.',
      'Nous attendons toujours la copie demandée le 12 février.',
      "J'attends toujours votre retour.",
      "Toujours pas de réponse à notre réclamation du 3 février.",
      "Nous n'avons toujours pas eu de retour.",
      'Notre demande est restée sans réponse.',
    ]) {
      expect(score(text).negative, text).toBeGreaterThanOrEqual(1.5);
    }
  });

  it('keeps a complaint about one more reminder negative when the customer writes it as a negation', () => {
    expect(net("I don't expect another reminder on this.")).toBeLessThan(0);
    expect(net('There is no need to email us every two days.')).toBeLessThan(0);
    expect(net('Pas la peine de nous relancer tous les deux jours.')).toBeLessThan(0);
  });

  it('does not read an offer to settle things together as impatience', () => {
    expect(net("I'd rather sort it out with you than let it drag on.")).toBeGreaterThanOrEqual(0);
    expect(net('Please sort it out.')).toBeLessThan(0);
  });

  it('does not take the first name Sue for a lawsuit', () => {
    expect(score('For urgent matters please contact Sue in accounts.').legal).toBe(false);
    expect(score('Thanks Sue, you are a star.').legal).toBe(false);
    expect(score('We will sue you if this goes on.').legal).toBe(true);
  });

  it('reads paying in instalments as a plan, not as being told three times', () => {
    expect(net('Pourrions-nous payer en trois fois ?')).toBe(0);
    expect(net('Je vous l\'ai dit trois fois.')).toBeLessThan(0);
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
