// In-process cost of one inbound triage (µs per email), stage by stage, with
// no HTTP around it: the figure to watch when optimising the scoring path, as
// it does not depend on what else the machine runs the way autocannon does.
// The trained artifact and the email sample are cached in --cache so that
// runs before and after a change score the same emails with the same weights;
// --dump writes each email's triage so two runs can be compared (--compare).
// Usage: npm run bench -- inbound-predict [--cache /tmp/ar-inbound-predict] [--corpus 3000]
//        [--rounds 5] [--dump out.json] [--compare before.json] [--retrain]
import fs from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../src/ml/model.js';
import { generateEmails, inboundModel, loadInboundModels, scoreInbound, trainInbound, trainingCorpus, type InboundMessage, type InboundTriage } from '../src/ml/inbound/index.js';
import { extractEntities } from '../src/ml/inbound/entities/index.js';
import { prepareMessage } from '../src/ml/inbound/text/prepare.js';
import { BENCH_EMAILS } from './inbound-emails.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({
  cache: { type: 'string', default: '/tmp/ar-inbound-predict' },
  corpus: { type: 'string', default: '3000' },
  sample: { type: 'string', default: '600' },
  rounds: { type: 'string', default: '5' },
  dump: { type: 'string' },
  compare: { type: 'string' },
  retrain: { type: 'boolean', default: false },
});

interface Cached {
  artifact: Artifact;
  sample: InboundMessage[];
}

function saveCache(file: string, cached: Cached): void {
  const files = Object.fromEntries(Object.entries(cached.artifact.files ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ state: cached.artifact.state, files, sample: cached.sample }));
}

function loadCache(file: string): Cached {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { state: unknown; files: Record<string, string>; sample: InboundMessage[] };
  const files = Object.fromEntries(Object.entries(raw.files).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, 'base64'))]));
  return { artifact: { state: raw.state, files }, sample: raw.sample };
}

async function cachedModel(): Promise<Cached> {
  const file = path.join(values.cache!, `artifact-${values.corpus}.json`);
  if (!values.retrain && fs.existsSync(file)) return loadCache(file);
  console.log(`training the inbound triage on ${values.corpus} generated emails (cached in ${file})`);
  const artifact = await trainInbound(trainingCorpus({ n: Number(values.corpus) }));
  // Emails the model never saw (another seed), frozen with the weights.
  const sample = generateEmails({ n: Number(values.sample), seed: 777 }).map(({ subject, body }) => ({ subject, body, receivedAt: '2025-03-12T09:00:00Z' }));
  const cached = { artifact, sample };
  saveCache(file, cached);
  return cached;
}

const { artifact, sample } = await cachedModel();
const models = { ...(await loadInboundModels(artifact)), now: () => new Date('2025-03-12T15:00:00Z') };
const predictor = await inboundModel.load(artifact);
const rounds = Number(values.rounds);
const bench = BENCH_EMAILS.map((e) => ({ ...e, receivedAt: '2025-03-12T09:00:00Z' }));

/** CPU time (not wall time: the machine is shared), best of `rounds` passes, µs per email. */
function perEmail(emails: InboundMessage[], fn: (e: InboundMessage) => unknown): number {
  const passes = Math.max(1, Math.ceil(2000 / emails.length));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    for (let p = 0; p < passes; p++) for (const e of emails) fn(e);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / (passes * emails.length));
  }
  return best;
}

const STAGES = ['prepare', 'language', 'type', 'sentiment', 'entities', 'whole'] as const;

/**
 * Stage costs inside one scoring (each email prepared afresh, as a request
 * would), and the whole scoring, µs per email: the fastest of the passes for each email and stage,
 * which leaves out the passes another process interrupted.
 */
function stages(emails: InboundMessage[]): Record<string, number> {
  const passes = Math.max(5, Math.ceil(3000 / emails.length));
  const best = emails.map(() => STAGES.map(() => Infinity));
  const at = new Date('2025-03-12T09:00:00Z');
  for (let p = 0; p < passes; p++) {
    emails.forEach((e, i) => {
      const t0 = performance.now();
      const prepared = prepareMessage(e);
      const t1 = performance.now();
      const language = models.language.detect(prepared);
      const t2 = performance.now();
      models.type.classify(prepared);
      const t3 = performance.now();
      models.sentiment.analyse(prepared);
      const t4 = performance.now();
      extractEntities(prepared.own, prepared.subject, language.language, at, false);
      const t5 = performance.now();
      scoreInbound(e, null, models);
      const t6 = performance.now();
      [t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5].forEach((t, s) => (best[i][s] = Math.min(best[i][s], t)));
    });
  }
  return Object.fromEntries(STAGES.map((name, s) => [name, Math.round((best.reduce((sum, b) => sum + b[s], 0) * 1000) / emails.length)]));
}

function summary(t: InboundTriage) {
  return {
    type: t.type,
    secondaryTypes: t.secondaryTypes,
    typeConfidence: t.typeConfidence,
    language: t.language,
    languageConfidence: t.languageConfidence,
    sentiment: { label: t.sentiment.label, score: t.sentiment.score },
    priority: { score: t.priority.score, level: t.priority.level },
    autoReply: { eligible: t.autoReply.eligible, template: t.autoReply.template },
    entities: t.entities,
  };
}

/** Labels must be identical; probabilities may move in the last float32 digits (summation order). */
function differences(before: unknown, after: unknown, where = ''): string[] {
  if (typeof before === 'number' && typeof after === 'number') return Math.abs(before - after) <= 1e-4 ? [] : [`${where}: ${before} → ${after}`];
  if (before === null || after === null || typeof before !== 'object' || typeof after !== 'object') return before === after ? [] : [`${where}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].flatMap((k) => differences((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k], `${where}.${k}`));
}

// Warm-up: let V8 optimise before timing.
for (let i = 0; i < 3; i++) for (const e of sample) scoreInbound(e, null, models);

const figures = {
  bench: 'inbound-predict',
  benchEmailsUs: Math.round(perEmail(bench, (e) => scoreInbound(e, null, models))),
  corpusEmailsUs: Math.round(perEmail(sample, (e) => scoreInbound(e, null, models))),
  predictorUs: Math.round(perEmail(sample, (e) => predictor.predict({ ...e, customer: null }))),
  stagesCorpusUs: stages(sample),
  stagesBenchUs: stages(bench),
  emails: { bench: bench.length, corpus: sample.length },
};

const triages = sample.concat(bench).map((e) => summary(scoreInbound(e, null, models)));
if (values.dump) fs.writeFileSync(values.dump, JSON.stringify(triages, null, 1));
if (values.compare) {
  const before = JSON.parse(fs.readFileSync(values.compare, 'utf8')) as unknown[];
  const diffs = triages.flatMap((t, i) => differences(before[i], t, `[${i}]`));
  console.log(diffs.length ? `${diffs.length} difference(s) from ${values.compare}:\n${diffs.slice(0, 20).join('\n')}` : `same triage as ${values.compare} on ${triages.length} emails`);
}
console.log(JSON.stringify(figures));
