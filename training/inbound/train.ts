// Trains the production inbound-triage model on the generated corpus (all
// templates), reports its time and its scores on our hand-written replies,
// and optionally writes the artifact (state.json + binary files) to a folder.
//   npx tsx training/inbound/train.ts [--n 6000] [--seed 20240601] [--out /tmp/inbound-model]
import fs from 'node:fs';
import path from 'node:path';
import { loadInboundModels, trainInbound, trainingCorpus } from '../../src/ml/inbound/model.js';
import { devEmails, handwritten, holdout2Emails, holdout3Emails, holdoutEmails } from './datasets.js';
import { batchScores, evaluateSet, round3, setFigures } from './report.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ n: { type: 'string', default: '6000' }, seed: { type: 'string', default: '20240601' }, out: { type: 'string' } });
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
const evaluation = evaluateSet(models, 'hand-written replies, production model', hw, 20);
const devEvaluation = evaluateSet(models, 'dev emails (seen during development), production model', devEmails(), 20);
const ho = holdoutEmails();
const holdoutEvaluation = evaluateSet(models, 'hold-out hand-written replies (never trained on), production model', ho);
const late = batchScores(ho, holdoutEvaluation, 'late');
const holdout2Evaluation = evaluateSet(models, 'hold-out 2 hand-written replies (never trained on), production model', holdout2Emails());
const holdout3Evaluation = evaluateSet(models, 'hold-out 3 hand-written replies (never trained on), production model', holdout3Emails());
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
    ...setFigures('holdout', holdoutEvaluation),
    holdoutLateMacroF1: round3(late.macroF1),
    holdoutLateSentimentAccuracy: round3(late.sentimentAccuracy),
    ...setFigures('holdout2', holdout2Evaluation),
    ...setFigures('holdout3', holdout3Evaluation),
  }),
);
