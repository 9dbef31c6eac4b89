// Evaluates the send-time model on a synthetic world (ground truth known).
//   npx tsx training/send-time/evaluate.ts --world DIR [--holdout-months 6]
// Trains on the reminders before the holdout, recommends an hour per customer,
// then (1) checks it against each customer's true desk hour and (2) estimates
// off-policy, on the reminders of the holdout months, the response-rate uplift
// of sending at the recommended hour instead of the platform's current hours;
// the world's formulas give the true uplift to compare with. Prints a table,
// then one JSON line. All figures come from a SYNTHETIC world.
import {
  createSendTimeModel,
  hourDistance,
  loggingHistogram,
  offPolicyUplift,
  sendsAfterAsOf,
  supportsHour,
  type LoggedSend,
  type SendTimePredictor,
} from '../../src/ml/send-time/index.js';
import { humanModeHour, naiveOpenHour, oracleHour } from './baselines.js';
import { sendTimeWorld, trueResponse, type SendTimeWorld } from './world-data.js';
import { monthsBefore, readWorld } from './world-files.js';
import { scriptOptions } from '../cli/options.js';
import { PROTOCOL_OPTIONS } from '../cli/protocol-options.js';

const values = scriptOptions(PROTOCOL_OPTIONS.sendTime);
if (!values.world) {
  console.error('usage: npx tsx training/send-time/evaluate.ts --world DIR [--holdout-months 6]');
  process.exit(2);
}
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

const loaded = readWorld(values.world, ['customers', 'communications', 'payments']);
const endDate = loaded.truth.period.endDate;
const cutoff = monthsBefore(endDate, Number(values['holdout-months']));
const world = sendTimeWorld(loaded, cutoff);
const kind = createSendTimeModel();

let t = performance.now();
const artifact = await kind.train({ customers: world.inputs });
const trainSeconds = (performance.now() - t) / 1000;
const predictor = (await kind.load(artifact)) as SendTimePredictor;
const { config, defaultHour, defaultTimezone } = predictor.state;
t = performance.now();
const details = world.inputs.map((i) => predictor.detail(i));
const predictMsPerCustomer = (performance.now() - t) / world.inputs.length;

const truthOf = (i: number) => world.engagement.get(world.inputs[i].customerExternalId!)!;
const emailable = world.inputs.map((_, i) => i).filter((i) => truthOf(i).hasEmail && !truthOf(i).emailBounces);
const policies: Record<string, (i: number) => number> = {
  model: (i) => details[i].recommendation.bestHour,
  portfolioDefault: () => defaultHour,
  segmentUsualHour: (i) => (predictor.state.segments[world.inputs[i].segment ?? ''] ?? predictor.state.portfolio).usualHour,
  naiveAllOpens: (i) => naiveOpenHour(world.inputs[i], config.sendWindow, defaultHour, defaultTimezone),
  humanActionsMode: (i) => humanModeHour(world.inputs[i], config.sendWindow, defaultHour, defaultTimezone),
  oracle: (i) => oracleHour(truthOf(i).preferredReplyHour, config.sendWindow),
};
const cache = new Map(Object.entries(policies).map(([name, f]) => [name, world.inputs.map((_, i) => f(i))]));

const log: LoggedSend[] = world.inputs.flatMap((input, i) => sendsAfterAsOf(input, i, config, defaultTimezone, endDate));
const histogram = loggingHistogram(log);

function within1h(rows: number[], hours: number[]): number {
  return r4(rows.filter((i) => hourDistance(hours[i], truthOf(i).preferredReplyHour) <= 1).length / Math.max(1, rows.length));
}

/** True uplift (world formulas) over the reminders the off-policy estimate can use. */
function trueUplift(hours: number[], w: SendTimeWorld) {
  let reply = 0;
  let response = 0;
  let n = 0;
  for (const s of log) {
    if (!supportsHour(histogram, s, hours[s.customer])) continue;
    const traits = truthOf(s.customer);
    const target = trueResponse(traits, w.effect, hours[s.customer]);
    const logged = trueResponse(traits, w.effect, s.localHour);
    reply += target.reply - logged.reply;
    response += target.response - logged.response;
    n++;
  }
  return { reply: r4(reply / Math.max(1, n)), response: r4(response / Math.max(1, n)) };
}

const results: Record<string, Record<string, number>> = {};
for (const [name, hours] of cache) {
  const response = offPolicyUplift(log, (i) => hours[i], (s) => (s.humanResponse ? 1 : 0));
  const reply = offPolicyUplift(log, (i) => hours[i], (s) => (s.replied ? 1 : 0));
  const truth = trueUplift(hours, world);
  results[name] = {
    within1h: within1h(emailable, hours),
    opeResponseUplift: r4(response.uplift),
    opeResponseUpliftSe: r4(response.upliftStandardError),
    trueResponseUplift: truth.response,
    opeReplyUplift: r4(reply.uplift),
    opeReplyUpliftSe: r4(reply.upliftStandardError),
    trueReplyUplift: truth.reply,
    supportedShare: r4(response.supportedShare),
  };
}

// Accuracy by how much own evidence the customer has (timed human actions before the cutoff).
const modelHours = cache.get('model')!;
const buckets: Record<string, number[]> = { '0': [], '1-2': [], '3-9': [], '10+': [] };
for (const i of emailable) {
  const a = details[i].estimate.actions;
  buckets[a === 0 ? '0' : a < 3 ? '1-2' : a < 10 ? '3-9' : '10+'].push(i);
}
const byEvidence = Object.fromEntries(Object.entries(buckets).map(([k, rows]) => [k, { customers: rows.length, within1h: within1h(rows, modelHours) }]));
// Is the confidence honest? It claims P(desk hour within 1 h of the recommendation).
const calibration = [0, 0.25, 0.5, 0.75].map((lo) => {
  const rows = emailable.filter((i) => details[i].estimate.confidence >= lo && details[i].estimate.confidence < lo + 0.25 + (lo === 0.75 ? 1e-9 : 0));
  const conf = rows.reduce((a, i) => a + details[i].estimate.confidence, 0) / Math.max(1, rows.length);
  return { confidence: `${lo}-${lo + 0.25}`, customers: rows.length, meanConfidence: r4(conf), within1h: within1h(rows, modelHours) };
});

// The same model trained on the whole history: the hour the lead's nightly run would write.
const full = sendTimeWorld(loaded, null);
const fullPredictor = (await kind.load(await kind.train({ customers: full.inputs }))) as SendTimePredictor;
const fullHours = full.inputs.map((i) => fullPredictor.detail(i).recommendation.bestHour);

console.log(`SYNTHETIC world ${values.world}: ${world.inputs.length} customers (${emailable.length} reachable by email), ${world.startDate}..${endDate}`);
console.log(`trained on reminders before ${cutoff} in ${trainSeconds.toFixed(1)} s; ${predictMsPerCustomer.toFixed(3)} ms per customer to score`);
console.log(`gain by distance (h 0..12): ${predictor.state.gainByDistance.map((g) => g.toFixed(2)).join(' ')}; spread ${predictor.state.actionSpreadHours} h; default hour ${defaultHour}`);
const loggedRate = log.filter((s) => s.humanResponse).length / Math.max(1, log.length);
console.log(`holdout log: ${log.length} reminders after ${cutoff}; logged human response rate ${pct(loggedRate)}`);
console.log('policy               within±1h  OPE resp. uplift (se)   true resp.  OPE reply uplift (se)  true reply  supported');
for (const [name, m] of Object.entries(results)) {
  console.log(
    `${name.padEnd(20)} ${pct(m.within1h).padStart(8)}  ${pct(m.opeResponseUplift).padStart(8)} (${pct(m.opeResponseUpliftSe)})  ${pct(m.trueResponseUplift).padStart(9)}  ${pct(m.opeReplyUplift).padStart(8)} (${pct(m.opeReplyUpliftSe)})  ${pct(m.trueReplyUplift).padStart(9)}  ${pct(m.supportedShare).padStart(7)}`,
  );
}
console.log('model within ±1 h by own timed actions:', JSON.stringify(byEvidence));
console.log('confidence calibration:', JSON.stringify(calibration));
console.log(`full-history model: within ±1 h ${pct(within1h(emailable, fullHours))}`);
console.log(
  JSON.stringify({
    synthetic: true,
    world: values.world,
    customers: world.inputs.length,
    emailable: emailable.length,
    cutoff,
    holdoutSends: log.length,
    loggedResponseRate: r4(loggedRate),
    trainSeconds: r4(trainSeconds),
    predictMsPerCustomer: r4(predictMsPerCustomer),
    defaultHour,
    policies: results,
    byEvidence,
    calibration,
    fullHistoryWithin1h: within1h(emailable, fullHours),
  }),
);
