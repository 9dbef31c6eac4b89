// Inbound triage evaluation. Trains on one split of the generated corpus and
// evaluates on (a) generated emails written with templates held out of
// training, (b) Bitext intents mapped to our types, (c) French and English
// sentiment sets (evaluation only), (d) our hand-written replies.
// Every generated figure comes from synthetic data with known ground truth.
//   npx tsx training/inbound/evaluate.ts [--n 6000] [--seed 1]
import { generateEmails } from '../../src/ml/inbound/corpus/index.js';
import { evaluateTriage } from '../../src/ml/inbound/evaluation/evaluateTriage.js';
import { classificationReport, formatReport } from '../../src/ml/inbound/evaluation/metrics.js';
import { loadInboundModels, trainInbound } from '../../src/ml/inbound/model.js';
import { loadNaiveBayes, trainNaiveBayes } from '../../src/ml/inbound/models/naiveBayes.js';
import { scoreInbound } from '../../src/ml/inbound/score.js';
import { prepareMessage } from '../../src/ml/inbound/text/prepare.js';
import { INBOUND_TYPES, SENTIMENTS, type LabeledEmail } from '../../src/ml/inbound/types.js';
import { bitext, devEmails, financialPhrasebank, frenchSentiment, handwritten, holdout2Emails, holdout3Emails, holdoutEmails } from './datasets.js';
import { checkEntities } from './entityCheck.js';
import { batchScores, evaluateSet, printTriage, round3, section, setFigures } from './report.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ n: { type: 'string', default: '6000' }, seed: { type: 'string', default: '1' }, heldout: { type: 'string', default: '1000' } });
const n = Number(values.n);
const seed = Number(values.seed);

const train = generateEmails({ n, seed, split: 'train' });
const heldout = generateEmails({ n: Number(values.heldout), seed: seed + 1000, split: 'heldout' });
const seen = generateEmails({ n: 500, seed: seed + 2000, split: 'train' });

let t0 = performance.now();
const artifact = await trainInbound(train, { seed });
const trainSeconds = (performance.now() - t0) / 1000;
const models = await loadInboundModels(artifact);
const nb = loadNaiveBayes(trainNaiveBayes(train));
console.log(`trained on ${n} generated emails (train templates) in ${trainSeconds.toFixed(1)} s`);

// (a) held-out templates, and templates seen in training for comparison
const held = evaluateTriage(models, heldout);
printTriage('generated, held-out templates', held);
const nbHeld = classificationReport(INBOUND_TYPES, heldout.map((e) => e.type), heldout.map((e) => nb.classify(prepareMessage(e)).type));
console.log(formatReport(nbHeld, 'baseline naive Bayes · generated, held-out templates · type'));
const seenEval = evaluateTriage(models, seen);
console.log(`generated, templates seen in training: type macro-F1 ${(seenEval.type.macroF1 * 100).toFixed(1)} %, sentiment accuracy ${(seenEval.sentiment.accuracy * 100).toFixed(1)} %`);

// (b) Bitext, mapped intents only
section('Bitext customer support (mapped intents; see training/inbound/datasets.ts)');
const bt = bitext();
const btLabels = [...new Set(bt.map((e) => e.label))];
const btPred = bt.map((e) => scoreInbound(e, null, models).type);
const btReport = classificationReport(INBOUND_TYPES, bt.map((e) => e.label), btPred);
console.log(formatReport(btReport, 'Bitext · type (tfjs MLP)'));
const btNb = classificationReport(INBOUND_TYPES, bt.map((e) => e.label), bt.map((e) => nb.classify(prepareMessage(e)).type));
console.log(formatReport(btNb, 'Bitext · type (baseline naive Bayes)'));
const btMacroOnMapped = btReport.perClass.filter((c) => btLabels.includes(c.label)).reduce((s, c) => s + c.f1, 0) / btLabels.length;

// (c) sentiment sanity checks on other domains
section('sentiment on public sets (evaluation only)');
const fr = frenchSentiment();
const frPred = fr.map((e) => models.sentiment.analyse(prepareMessage(e)));
const frPolarity = frPred.filter((p, i) => (p.score >= 0 ? 'positive' : 'negative') === fr[i].label).length / fr.length;
console.log(formatReport(classificationReport(SENTIMENTS, fr.map((e) => e.label), frPred.map((p) => p.label)), 'French TV reviews (pos/neg) · 3-class output'));
console.log(`French TV reviews · polarity accuracy (sign of the score): ${(frPolarity * 100).toFixed(1)} %`);
const fin = financialPhrasebank();
const finPred = fin.map((e) => models.sentiment.analyse(prepareMessage(e)).label);
const finReport = classificationReport(SENTIMENTS, fin.map((e) => e.label), finPred);
console.log(formatReport(finReport, 'Financial PhraseBank (all agree) · sentiment'));

// (d) hand-written replies: our proxy for the hidden test set
const hw = handwritten();
const hwEval = evaluateSet(models, 'hand-written replies (test/ml/inbound/fixtures/handwritten.json)', hw, 20);
const entityScores = checkEntities(hw, hwEval.predictions);
console.log(`hand-written · entities: ${JSON.stringify(entityScores)}`);

// dev emails: hand-written too, but seen while developing
const devEval = evaluateSet(models, 'dev emails (training/inbound/dev-emails.json, seen during development)', devEmails(), 20);

// hold-out hand-written replies: written apart from the generator, never trained on
const ho = holdoutEmails();
const hoEval = evaluateSet(models, 'hold-out hand-written replies (training/inbound/holdout-emails.json)', ho);
const late = batchScores(ho, hoEval, 'late');
console.log(`hold-out, late batch only (n=${late.n}, written after the corpus work): type macro-F1 ${(late.macroF1 * 100).toFixed(1)} %, sentiment ${(late.sentimentAccuracy * 100).toFixed(1)} %`);
const nbHo = classificationReport(INBOUND_TYPES, ho.map((e) => e.type), ho.map((e) => nb.classify(prepareMessage(e)).type));
console.log(formatReport(nbHo, 'baseline naive Bayes · hold-out hand-written · type'));

// second hold-out: written in one sitting, before the first hold-out or the templates were read
const ho2Eval = evaluateSet(models, 'hold-out 2 hand-written replies (training/inbound/holdout2-emails.json)', holdout2Emails());

// third hold-out: written in one sitting, before the model's errors or the templates were read
const ho3Eval = evaluateSet(models, 'hold-out 3 hand-written replies (training/inbound/holdout3-emails.json)', holdout3Emails());

// latency of scoreInbound, models loaded
const sample: LabeledEmail[] = [...hw, ...heldout.slice(0, 300)];
for (const e of sample.slice(0, 50)) scoreInbound(e, null, models);
t0 = performance.now();
for (const e of sample) scoreInbound(e, null, models);
const msPerEmail = (performance.now() - t0) / sample.length;
console.log(`scoreInbound: ${msPerEmail.toFixed(3)} ms per email (${sample.length} emails)`);

console.log(
  JSON.stringify({
    macroF1: round3(held.type.macroF1),
    sentimentAccuracy: round3(held.sentiment.accuracy),
    autoReplyPrecision: round3(held.autoReply.precision),
    autoReplyRecall: round3(held.autoReply.recall),
    baselineNbMacroF1: round3(nbHeld.macroF1),
    seenTemplatesMacroF1: round3(seenEval.type.macroF1),
    handwrittenMacroF1: round3(hwEval.type.macroF1),
    handwrittenSentimentAccuracy: round3(hwEval.sentiment.accuracy),
    handwrittenAutoReplyPrecision: round3(hwEval.autoReply.precision),
    handwrittenAutoReplyFlagged: hwEval.autoReply.flagged,
    devMacroF1: round3(devEval.type.macroF1),
    ...setFigures('holdout', hoEval),
    holdoutBaselineNbMacroF1: round3(nbHo.macroF1),
    holdoutLateMacroF1: round3(late.macroF1),
    holdoutLateSentimentAccuracy: round3(late.sentimentAccuracy),
    ...setFigures('holdout2', ho2Eval),
    ...setFigures('holdout3', ho3Eval),
    devSentimentAccuracy: round3(devEval.sentiment.accuracy),
    devAutoReplyPrecision: round3(devEval.autoReply.precision),
    bitextMacroF1: round3(btMacroOnMapped),
    bitextAccuracy: round3(btReport.accuracy),
    bitextBaselineAccuracy: round3(btNb.accuracy),
    frenchReviewsPolarityAccuracy: round3(frPolarity),
    financialPhrasebankAccuracy: round3(finReport.accuracy),
    trainSeconds: Math.round(trainSeconds),
    msPerEmail: round3(msPerEmail),
  }),
);
