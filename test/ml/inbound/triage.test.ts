import { beforeAll, describe, expect, it } from 'vitest';
import type { Artifact } from '../../../src/ml/model.js';
import { generateEmails } from '../../../src/ml/inbound/corpus/index.js';
import { inboundModel, loadInboundModels, trainInbound } from '../../../src/ml/inbound/model.js';
import { scoreInbound, type InboundModels } from '../../../src/ml/inbound/score.js';
import { inSenderZone } from '../../../src/inbound/triage.js';

// One small model for the whole file: enough to check behaviours, not to measure them
// (training/inbound/evaluate.ts does that).
let artifact: Artifact;
let models: InboundModels;
const now = () => new Date('2025-03-12T15:00:00Z');

beforeAll(async () => {
  artifact = await trainInbound(generateEmails({ n: 1000, seed: 101 }), { seed: 3 }, { type: { epochs: 5, maxFeatures: 3000 }, sentiment: { epochs: 4, maxFeatures: 1500 } });
  models = { ...(await loadInboundModels(artifact)), now };
});

const email = (body: string, subject = '') => ({ subject, body, receivedAt: '2025-03-12T09:00:00Z' });
const reminderQuote =
  'Le 10 mars 2025 à 08:02, Service Recouvrement <recouvrement@dalmas.fr> a écrit :\n' +
  '> Madame, Monsieur, la facture F-2025-0142 reste impayée. Vous pouvez la régler via notre lien de paiement.\n' +
  '> Vous trouverez une copie de la facture en pièce jointe. Sans règlement sous 8 jours, nous engagerons une procédure judiciaire.';

describe('when a French customer promises to pay on a date', () => {
  it('extracts the promised date', () => {
    const triage = scoreInbound(email('Bonjour,\nLe virement pour la facture F-2025-0142 sera effectué le 28 mars.\nCordialement,\nPaul'), null, models);
    expect(triage.entities.promisedDate).toBe('2025-03-28');
    expect(triage.entities.invoiceNumbers).toEqual(['F-2025-0142']);
    expect(triage.language).toBe('fr');
  });
});

describe('when an angry customer asks for an invoice copy', () => {
  it('is not answered automatically', () => {
    const triage = scoreInbound(
      email("C'est la troisième relance pour une facture que je n'ai JAMAIS reçue, c'est inadmissible ! Envoyez-moi la facture 7720 immédiatement."),
      null,
      models,
    );
    expect(triage.sentiment.label).toBe('negative');
    expect(triage.autoReply.eligible).toBe(false);
    expect(triage.autoReply.reasons.map((r) => r.factor)).toContain('negativeSentiment');
  });
});

describe('when the anger is only in emoji or capitals', () => {
  it.each([['😡😡😡', 'angry emoji ×3'], ['WE WILL NOT PAY THIS INVOICE', 'refusal in capitals: "WE WILL NOT PAY THIS INVOICE"']])(
    'reads "%s" as negative and says why',
    (body, reason) => {
      const triage = scoreInbound(email(body), null, models);
      expect(triage.sentiment.label).toBe('negative');
      expect(triage.sentiment.reasons.map((r) => r.text)).toEqual([reason]);
    },
  );
});

describe('when a copy request carries a dispute elsewhere', () => {
  it.each([
    ['below a closing line', email('Hello,\nPlease send me a copy of invoice INV-2231.\nThanks!\nAlso, we dispute invoice INV-2232: the goods arrived damaged and we will not pay it.')],
    ['in the subject', email('Please send me a copy of the invoice.', 'DISPUTE - invoice INV-5 wrong amount')],
  ])('sees the dispute %s and does not answer automatically', (_where, message) => {
    const triage = scoreInbound(message, null, models);
    expect(triage.autoReply.eligible).toBe(false);
    // Seen as a dispute, not only held back for low confidence (this small model is unsure of most emails).
    const seen = triage.type === 'dispute' || triage.autoReply.reasons.some((r) => r.factor === 'disputeWording');
    expect(seen).toBe(true);
  });
});

describe('when a promise is relative to the day it was written', () => {
  it.each([
    ['late evening in New York', '2025-03-12T23:30:00-05:00', '2025-03-13'],
    ['just after midnight in Paris', '2025-03-13T00:30:00+01:00', '2025-03-14'],
    ['in UTC', '2025-03-12T23:30:00Z', '2025-03-13'],
  ])('counts "tomorrow" from the sender\'s own day (%s)', (_where, receivedAt, promised) => {
    const triage = scoreInbound({ subject: '', body: 'We will pay tomorrow.', receivedAt }, null, models);
    expect(triage.entities.promisedDate).toBe(promised);
  });
});

describe('when a stored email is read on its customer\'s clock', () => {
  it.each([
    ['New York in winter', '2025-03-05T04:30:00Z', 'America/New_York', '2025-03-04T23:30:00-05:00'],
    ['New York in summer', '2025-07-05T03:30:00Z', 'America/New_York', '2025-07-04T23:30:00-04:00'],
    ['Kolkata', '2025-03-04T19:00:00Z', 'Asia/Kolkata', '2025-03-05T00:30:00+05:30'],
    ['no timezone', '2025-03-05T04:30:00Z', null, '2025-03-05T04:30:00Z'],
    ['an unknown timezone', '2025-03-05T04:30:00Z', 'Mars/Olympus', '2025-03-05T04:30:00Z'],
  ])('writes the same instant with the local offset (%s)', (_where, utc, zone, local) => {
    expect(inSenderZone(utc, zone)).toBe(local);
    expect(Date.parse(inSenderZone(utc, zone))).toBe(Date.parse(utc));
  });
});

describe('when the reply quotes our reminder', () => {
  const body = `Bonjour,\nLe virement a été effectué hier, vous trouverez ci-joint l'avis de virement.\nCordialement,\nPaul\n\n${reminderQuote}`;

  it('classifies what the customer wrote, not what we wrote', () => {
    const triage = scoreInbound(email(body, 'RE: Relance facture F-2025-0142'), null, models);
    expect(triage.type).toBe('payment_confirmation');
    expect(triage.legalThreat).toBe(false);
    expect(triage.sentiment.label).not.toBe('negative');
  });

  it('would have read a legal threat had the quote been the customer’s words', () => {
    const quoteAsOwnWords = reminderQuote.split('\n').slice(1).map((l) => l.replace(/^> /, '')).join('\n');
    expect(scoreInbound(email(quoteAsOwnWords), null, models).legalThreat).toBe(true);
  });
});

describe('when a customer context is given', () => {
  it('ranks the same email higher for a risky customer owing a lot', () => {
    const e = email('Could you send me a copy of invoice INV-20931? Thanks.');
    const calm = scoreInbound(e, { openAmount: 1_000, overdueAmount: 0, riskScore: 0.05, driftScore: 0 }, models);
    const risky = scoreInbound(e, { openAmount: 500_000, overdueAmount: 300_000, riskScore: 0.9, driftScore: 0.7 }, models);
    expect(risky.priority.score).toBeGreaterThan(calm.priority.score);
    expect(risky.priority.reasons.map((r) => r.factor)).toEqual(expect.arrayContaining(['overdueAmount', 'riskScore', 'driftScore']));
  });
});

describe('when the artifact is stored and loaded again', () => {
  it('gives identical triage', async () => {
    const stored: Artifact = {
      state: JSON.parse(JSON.stringify(artifact.state)),
      files: Object.fromEntries(Object.entries(artifact.files ?? {}).map(([k, v]) => [k, Uint8Array.from(v)])),
    };
    const reloaded = { ...(await loadInboundModels(stored)), now };
    for (const e of generateEmails({ n: 20, seed: 202 })) expect(scoreInbound(e, null, reloaded)).toEqual(scoreInbound(e, null, models));
  });

  it('refuses an artifact written in another version of the format, rather than reading it wrong', async () => {
    const other: Artifact = { state: { ...(artifact.state as object), version: 2 }, files: artifact.files };
    await expect(loadInboundModels(other)).rejects.toThrow(/version 2, this code reads version 1/);
    await expect(inboundModel.load(other)).rejects.toThrow(/retrain the model/);
  });

  it('serves as a registry model with a prediction, a confidence and reasons', async () => {
    const predictor = await inboundModel.load(artifact);
    const prediction = predictor.predict({ subject: 'RIB', body: 'Bonjour, pouvez-vous nous transmettre votre RIB ? Merci.' });
    expect(prediction.value.type).toBe('payment_link');
    expect(prediction.confidence).toBe(prediction.value.typeConfidence);
    expect(prediction.reasons.length).toBeGreaterThan(1);
  });
});
