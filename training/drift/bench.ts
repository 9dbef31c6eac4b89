// Scoring speed of drift detection: N synthetic customers (10 invoices, 10
// payments, 10 reminders each by default), assessed once as in a nightly run.
//   npx tsx training/drift/bench.ts [--customers 100000] [--invoices 10]
// Prints one JSON line: seconds for building inputs, for scoring (wall and CPU), per customer.
import { driftModel, DriftPredictor, driftState, type CustomerHistory } from '../../src/ml/drift/index.js';
import { Random } from '../../src/world/rng.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ customers: { type: 'string', default: '100000' }, invoices: { type: 'string', default: '10' } });
const customers = Number(values.customers);
const perCustomer = Number(values.invoices);

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 6);
const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const METHODS = ['transfer', 'cheque', 'card', 'direct_debit'];

/** Plausible histories; a tenth of them drift late in the period (the scoring cost does not depend on it). */
function history(i: number): CustomerHistory {
  const r = new Random(7, i);
  const usual = r.int(-5, 15);
  const method = METHODS[r.int(0, 3)];
  const drifting = r.chance(0.1);
  const h: CustomerHistory = { customerExternalId: `C${i}`, segment: `S${i % 4}`, asOf: date(START + (perCustomer * 30 + 90) * DAY), invoices: [], payments: [], communications: [] };
  for (let k = 0; k < perCustomer; k++) {
    const issue = START + k * 30 * DAY;
    const due = issue + 30 * DAY;
    const late = usual + r.int(-3, 3) + (drifting && k > perCustomer * 0.7 ? 12 : 0);
    const settled = due + late * DAY;
    const amount = Math.round(r.lognormal(8, 0.4));
    h.invoices.push({ issueDate: date(issue), dueDate: date(due), settledDate: date(settled), amount, disputed: r.chance(0.03) });
    h.payments.push({ paymentDate: date(settled), amount, method });
    const sent = new Date(due + 3 * DAY).toISOString();
    const opened = r.chance(0.6);
    h.communications.push({ channel: 'email', sentAt: sent, openedAt: opened ? new Date(due + 4 * DAY).toISOString() : null, machineOpen: false, clickedAt: null, repliedAt: opened && r.chance(0.3) ? new Date(due + 5 * DAY).toISOString() : null });
  }
  return h;
}

let t = performance.now();
const histories = Array.from({ length: customers }, (_, i) => history(i));
const buildSeconds = (performance.now() - t) / 1000;

// Priors from a sample, as a nightly job would reuse the promoted artifact.
const artifact = driftModel.trainSync({ examples: histories.slice(0, 5000).map((h) => ({ history: h })) });
const predictor = new DriftPredictor(driftState(artifact));

t = performance.now();
const cpu = process.cpuUsage();
let alerts = 0;
for (const h of histories) if (predictor.predict(h).value.alert) alerts++;
const scoreSeconds = (performance.now() - t) / 1000;
// CPU time too: on a shared machine wall time measures the neighbours as well.
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;

console.log(
  JSON.stringify({
    bench: 'drift-scoring',
    customers,
    invoices: customers * perCustomer,
    buildSeconds: Math.round(buildSeconds * 100) / 100,
    seconds: Math.round(scoreSeconds * 100) / 100,
    cpuSeconds: Math.round(cpuSeconds * 100) / 100,
    microsecondsPerCustomer: Math.round((scoreSeconds / customers) * 1e6),
    alertRate: Math.round((alerts / customers) * 1000) / 1000,
    peakRssMb: Math.round(process.memoryUsage().rss / 2 ** 20),
  }),
);
