// How much the type classifier moves with its training seed, alone and as an
// ensemble. Language and sentiment are trained once (seed 1) on the train
// split; one type network per seed; each seed is scored alone, then each
// group of seeds averaged. Same sets as evaluate.ts: held-out templates, the
// three hand-written hold-outs (the third is reported, its errors were read),
// Bitext mapped intents.
//   npx tsx training/inbound/seeds.ts [--n 6000] [--data-seed 1] [--seeds 1,2,3,4,5,6] [--groups "1,2,3;4,5,6"] [--config '{"hidden":32}']
import { generateEmails } from '../../src/ml/inbound/corpus/index.js';
import { evaluateTriage } from '../../src/ml/inbound/evaluation/evaluateTriage.js';
import { classificationReport } from '../../src/ml/inbound/evaluation/metrics.js';
import { loadLanguageDetector, trainLanguageDetector } from '../../src/ml/inbound/models/language.js';
import { loadSentimentModel, trainSentimentModel } from '../../src/ml/inbound/models/sentiment.js';
import { TypeClassifier, loadTypeClassifier, trainTypeClassifier, type TypeClassifierConfig } from '../../src/ml/inbound/models/typeClassifier.js';
import { scoreInbound, type InboundModels } from '../../src/ml/inbound/score.js';
import { INBOUND_TYPES } from '../../src/ml/inbound/types.js';
import { bitext, holdout2Emails, holdout3Emails, holdoutEmails } from './datasets.js';
import { round3 } from './report.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({
  n: { type: 'string', default: '6000' },
  'data-seed': { type: 'string', default: '1' },
  seeds: { type: 'string', default: '1,2,3,4,5,6' },
  groups: { type: 'string', default: '1,2,3;4,5,6' },
  config: { type: 'string', default: '{}' },
});
const dataSeed = Number(values['data-seed']);
const seeds = values.seeds.split(',').map(Number);
const groups = values.groups.split(';').map((g) => g.split(',').map(Number));
/** Overrides of the type classifier's settings, JSON (e.g. '{"hidden":32}'). */
const overrides = JSON.parse(values.config) as Partial<TypeClassifierConfig>;

const train = generateEmails({ n: Number(values.n), seed: dataSeed, split: 'train' });
const sets = {
  templates: generateEmails({ n: 1000, seed: dataSeed + 1000, split: 'heldout' }),
  ho1: holdoutEmails(),
  ho2: holdout2Emails(),
  ho3: holdout3Emails(),
};
const bt = bitext();

const language = loadLanguageDetector(trainLanguageDetector(train));
const sentiment = await loadSentimentModel(await trainSentimentModel(train, { seed: dataSeed }));

function score(type: TypeClassifier) {
  const models: InboundModels = { language, type, sentiment };
  const out: Record<string, number> = {};
  for (const [name, data] of Object.entries(sets)) {
    const e = evaluateTriage(models, data);
    out[`${name}.f1`] = round3(e.type.macroF1);
    out[`${name}.sent`] = round3(e.sentiment.accuracy);
    out[`${name}.arP`] = round3(e.autoReply.precision);
    out[`${name}.arFlagged`] = e.autoReply.flagged;
  }
  const btReport = classificationReport(INBOUND_TYPES, bt.map((e) => e.label), bt.map((e) => scoreInbound(e, null, models).type));
  out['bitext.acc'] = round3(btReport.accuracy);
  return out;
}

const singles = new Map<number, TypeClassifier>();
for (const seed of seeds) {
  const t0 = performance.now();
  const classifier = await loadTypeClassifier(await trainTypeClassifier(train, { seed }, overrides));
  const seconds = (performance.now() - t0) / 1000;
  singles.set(seed, classifier);
  console.log(JSON.stringify({ dataSeed, overrides, seeds: [seed], trainSeconds: Math.round(seconds), ...score(classifier) }));
}
for (const group of groups) {
  const members = group.map((s) => {
    const c = singles.get(s);
    if (!c) throw new Error(`seed ${s} of group ${group.join(',')} is not in --seeds`);
    return c;
  });
  console.log(JSON.stringify({ dataSeed, overrides, seeds: group, ...score(TypeClassifier.ensemble(members)) }));
}
