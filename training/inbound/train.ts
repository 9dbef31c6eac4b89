// Trains the production inbound-triage model on the generated corpus (all
// templates), reports its time and its scores on our hand-written replies,
// and optionally writes the artifact (state.json + binary files) to a folder.
//   npx tsx training/inbound/train.ts [--n 6000] [--seed 20240601] [--out /tmp/inbound-model]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateTriage } from '../../src/ml/inbound/evaluation/evaluateTriage.js';
import { loadInboundModels, trainInbound, trainingCorpus } from '../../src/ml/inbound/model.js';
import { devEmails, handwritten, holdout2Emails, holdout3Emails, holdoutEmails } from './datasets.js';
import { batchScores, printErrors, printTriage, round3 } from './report.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '6000' }, seed: { type: 'string', default: '20240601' }, out: { type: 'string' } } });
const data = trainingCorpus({ n: Number(values.n), seed: Number(values.seed) });

const wall = performance.now();
const cpu = process.cpuUsage();
let lastReport = 0;
const artifact = await trainInbound(data, {
  seed: Number(values.seed),
  onProgress: (fraction, message) => {
    if (fraction - lastReport < 0.1) return;
    lastReport = fraction;
    console.log(`${(fraction * 100).toFixed(0).padStart(3)} % ${message ?? ''}`);
  },
});
const used = process.cpuUsage(cpu);
const trainSeconds = (performance.now() - wall) / 1000;
const cpuSeconds = (used.user + used.system) / 1e6;
console.log(`trained on ${data.length} generated emails in ${trainSeconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s of CPU)`);

if (values.out) {
  fs.mkdirSync(values.out, { recursive: true });
  fs.writeFileSync(path.join(values.out, 'state.json'), JSON.stringify(artifact.state));
  for (const [name, bytes] of Object.entries(artifact.files ?? {})) {
    const file = path.join(values.out, 'files', name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, bytes);
  }
  console.log(`artifact written to ${values.out}`);
}

// Loaded once: every set below is scored by the same production model.
const models = await loadInboundModels(artifact);
const hw = handwritten();
const evaluation = evaluateTriage(models, hw);
printTriage('hand-written replies, production model', evaluation);
printErrors(hw, evaluation);
const dev = devEmails();
const devEvaluation = evaluateTriage(models, dev);
printTriage('dev emails (seen during development), production model', devEvaluation);
printErrors(dev, devEvaluation);
const ho = holdoutEmails();
const holdoutEvaluation = evaluateTriage(models, ho);
printTriage('hold-out hand-written replies (never trained on), production model', holdoutEvaluation);
printErrors(ho, holdoutEvaluation, 60);
const late = batchScores(ho, holdoutEvaluation, 'late');
const ho2 = holdout2Emails();
const holdout2Evaluation = evaluateTriage(models, ho2);
printTriage('hold-out 2 hand-written replies (never trained on), production model', holdout2Evaluation);
printErrors(ho2, holdout2Evaluation, 60);
const ho3 = holdout3Emails();
const holdout3Evaluation = evaluateTriage(models, ho3);
printTriage('hold-out 3 hand-written replies (never trained on), production model', holdout3Evaluation);
printErrors(ho3, holdout3Evaluation, 60);
console.log(
  JSON.stringify({
    trainedOn: data.length,
    trainSeconds: Math.round(trainSeconds),
    cpuSeconds: Math.round(cpuSeconds),
    handwrittenMacroF1: round3(evaluation.type.macroF1),
    handwrittenSentimentAccuracy: round3(evaluation.sentiment.accuracy),
    handwrittenAutoReplyPrecision: round3(evaluation.autoReply.precision),
    handwrittenAutoReplyRecall: round3(evaluation.autoReply.recall),
    devMacroF1: round3(devEvaluation.type.macroF1),
    devSentimentAccuracy: round3(devEvaluation.sentiment.accuracy),
    devAutoReplyPrecision: round3(devEvaluation.autoReply.precision),
    holdoutMacroF1: round3(holdoutEvaluation.type.macroF1),
    holdoutSentimentAccuracy: round3(holdoutEvaluation.sentiment.accuracy),
    holdoutAutoReplyPrecision: round3(holdoutEvaluation.autoReply.precision),
    holdoutAutoReplyRecall: round3(holdoutEvaluation.autoReply.recall),
    holdoutLateMacroF1: round3(late.macroF1),
    holdoutLateSentimentAccuracy: round3(late.sentimentAccuracy),
    holdout2MacroF1: round3(holdout2Evaluation.type.macroF1),
    holdout2SentimentAccuracy: round3(holdout2Evaluation.sentiment.accuracy),
    holdout2AutoReplyPrecision: round3(holdout2Evaluation.autoReply.precision),
    holdout2AutoReplyRecall: round3(holdout2Evaluation.autoReply.recall),
    holdout2AutoReplyFlagged: holdout2Evaluation.autoReply.flagged,
    holdout3MacroF1: round3(holdout3Evaluation.type.macroF1),
    holdout3SentimentAccuracy: round3(holdout3Evaluation.sentiment.accuracy),
    holdout3AutoReplyPrecision: round3(holdout3Evaluation.autoReply.precision),
    holdout3AutoReplyRecall: round3(holdout3Evaluation.autoReply.recall),
    holdout3AutoReplyFlagged: holdout3Evaluation.autoReply.flagged,
  }),
);
