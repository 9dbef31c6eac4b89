// The dispute-spike detector's settings swept on one world: which persistence,
// breaks, evidence threshold and material rise give the highest recall within
// the window at precision ≥ 0.9. Only the dispute signal is replayed (settlement
// by settlement, as evaluate-world does), so a sweep of a hundred settings
// takes about a minute. Choose on the tuning world (seed 1); report on seed 7.
//   npx tsx training/drift/dispute-sweep.ts --world DIR [--window 2]
//     [--persistence 2,3] [--breaks 0,1,2] [--thresholds 1,1.25,1.5,2] [--min-increase 0.3,0.4,0.5]
// Prints one JSON line per setting, then the best setting as the final line.
import { driftConfig, type DriftConfig } from '../../src/ml/drift/config.js';
import { prepareHistory } from '../../src/ml/drift/prepare.js';
import { fitSegmentPriors, priorFor } from '../../src/ml/drift/prior.js';
import { detectDisputeSpike } from '../../src/ml/drift/signals/dispute.js';
import type { CustomerHistory } from '../../src/ml/drift/types.js';
import { scoreReplays, type Replay } from './replay.js';
import { loadWorld } from './world-data.js';
import { scriptOptions } from '../cli/options.js';

const TARGET_PRECISION = 0.9;

const values = scriptOptions({
  world: { type: 'string' },
  window: { type: 'string', default: '2' },
  persistence: { type: 'string', default: '2,3' },
  breaks: { type: 'string', default: '0,1,2' },
  thresholds: { type: 'string', default: '1,1.25,1.5,1.75,2,2.5,3' },
  'min-increase': { type: 'string', default: '0.3,0.4,0.5' },
});
if (!values.world) throw new Error('usage: dispute-sweep.ts --world DIR [--window 2] [--persistence 2,3] ...');
const list = (s: string | undefined) => s!.split(',').map(Number);

function settings(base: DriftConfig): DriftConfig[] {
  const out: DriftConfig[] = [];
  for (const persistence of list(values.persistence))
    for (const breaks of list(values.breaks))
      for (const threshold of list(values.thresholds))
        for (const minIncrease of list(values['min-increase']))
          out.push(
            driftConfig({
              persistence: { ...base.persistence, dispute_spike: persistence },
              evidenceThreshold: { ...base.evidenceThreshold, dispute_spike: threshold },
              dispute: { minIncrease, breaks },
            }),
          );
  return out;
}

/** One customer replayed under every setting: the same prepared history per settlement date. */
function replayDisputes(h: CustomerHistory, configs: DriftConfig[], base: DriftConfig, prior: ReturnType<typeof priorFor>): Replay[] {
  const settled = h.invoices
    .filter((i) => i.settledDate)
    .map((i, k) => ({ id: i.externalId ?? `#${k}`, date: i.settledDate!, due: i.dueDate }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  const on = configs.map(() => false);
  const events = configs.map((): Replay['events'] => []);
  for (let step = 0; step < settled.length; step++) {
    if (step > 0 && settled[step].date === settled[step - 1].date) continue;
    const disputes = prepareHistory({ ...h, asOf: settled[step].date }, base).disputes;
    configs.forEach((config, k) => {
      const flag = detectDisputeSpike(disputes, prior, config).flag;
      if (flag && !on[k]) events[k].push({ kind: 'dispute_spike', date: settled[step].date, step });
      on[k] = flag;
    });
  }
  return configs.map((_, k) => ({ customerExternalId: h.customerExternalId ?? '', settled: settled.map((s) => s.id), events: events[k] }));
}

const world = loadWorld(values.world);
const base = driftConfig();
const priors = fitSegmentPriors(world.histories, base);
const configs = settings(base);
const replays: Replay[][] = configs.map(() => []);
for (const h of world.histories) {
  replayDisputes(h, configs, base, priorFor(priors, h.segment)).forEach((r, k) => replays[k].push(r));
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const rows = configs.map((c, k) => {
  const r = scoreReplays(replays[k], world.drifts, world.noisyStable, Number(values.window)).find((x) => x.kind === 'dispute_spike')!;
  return {
    persistence: c.persistence.dispute_spike,
    breaks: c.dispute.breaks,
    threshold: c.evidenceThreshold.dispute_spike,
    minIncrease: c.dispute.minIncrease,
    recall: r3(r.recall),
    precision: r3(r.precision),
    falseAlertCustomers: r.falseAlertCustomers,
  };
});
for (const row of rows) console.log(JSON.stringify(row));
const best = rows
  .filter((r) => r.precision >= TARGET_PRECISION)
  .sort((a, b) => b.recall - a.recall || b.precision - a.precision || b.threshold - a.threshold)[0];
console.log(JSON.stringify({ dataset: 'world', kind: 'dispute_spike', targetPrecision: TARGET_PRECISION, best: best ?? null }));
