// Drift detection on a synthetic world: train (segment priors, no labels) on
// the world's histories as of its end date, replay every customer settlement
// by settlement, and score the alerts against truth.json.
//   npx tsx training/drift/evaluate-world.ts --world /tmp/world [--config '{"persistence":{"delay_creep":3}}']
// Prints a summary line, then one JSON line per drift kind (recall within
// --window settled invoices of the first affected one, precision over alerted
// customers, median delay in settled invoices; for every detection at any
// delay, the median count of reminders sent from the start to the alert: the
// evidence an engagement drop has, whatever the invoices do).
import { driftModel, DriftPredictor, driftState, type DriftConfigPatch } from '../../src/ml/drift/index.js';
import { replayCustomer, scoreReplays } from './replay.js';
import { loadWorld, markObservable } from './world-data.js';
import { scriptOptions } from '../cli/options.js';
import { PROTOCOL_OPTIONS } from '../cli/protocol-options.js';

const values = scriptOptions(PROTOCOL_OPTIONS.driftWorld);
if (!values.world) throw new Error('usage: evaluate-world.ts --world DIR');

const started = performance.now();
const world = loadWorld(values.world);
const windowInvoices = Number(values.window);
markObservable(world, windowInvoices);
const config = values.config ? (JSON.parse(values.config) as DriftConfigPatch) : undefined;
const artifact = driftModel.trainSync({ examples: world.histories.map((history) => ({ history })), config });
const predictor = new DriftPredictor(driftState(artifact));
const replays = world.histories.map((h) => replayCustomer(h, (x) => predictor.assess(x)));
const reports = scoreReplays(replays, world.drifts, world.noisyStable, windowInvoices);
const seconds = Math.round((performance.now() - started) / 100) / 10;

const r3 = (x: number | null) => (x === null || Number.isNaN(x) ? null : Math.round(x * 1000) / 1000);
console.log(
  JSON.stringify({
    dataset: 'world',
    customers: world.histories.length,
    noisyStable: world.noisyStable.size,
    model: driftState(artifact).id,
    windowInvoices,
    seconds,
  }),
);
// The final lines: one per drift kind.
for (const r of reports) {
  console.log(
    JSON.stringify({
      dataset: 'world',
      kind: r.kind,
      recall: r3(r.recall),
      precision: r3(r.precision),
      medianDelayInvoices: r.medianDelayInvoices,
      medianDelayReminders: r.medianDelayReminders,
      recallAnyDelay: r3(r.recallAnyDelay),
      recallObservable: r3(r.recallObservable),
      drifting: r.drifting,
      observable: r.observable,
      detected: r.detected,
      falseAlertCustomers: r.falseAlertCustomers,
      falseAlertNoisy: r.falseAlertNoisy,
    }),
  );
}
