// Scoring speed: 100,000 customers (a world's customers repeated) through the
// incentive recommender, reasons included; with full histories (invoices and
// offers: customer-level evidence) and with profiles only.
//   npx tsx training/incentives/speed.ts --world DIR [--customers 100000]
import { createIncentiveModel, type IncentiveInput } from '../../src/ml/incentives/index.js';
import { readWorld } from '../send-time/world-files.js';
import { incentiveCustomers } from './world-data.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ world: { type: 'string' }, customers: { type: 'string', default: '100000' } });
if (!values.world) {
  console.error('usage: npx tsx training/incentives/speed.ts --world DIR [--customers 100000]');
  process.exit(2);
}
const world = readWorld(values.world, ['customers', 'invoices', 'incentive-offers', 'external-events']);
const customers = incentiveCustomers(world, world.truth.period.endDate);
const kind = createIncentiveModel();
const predictor = await kind.load(await kind.train({ customers }));
const n = Number(values.customers);
const situations = [-5, 3, 25, 70].map((d) => ({ daysOverdue: d, overdueAmount: 2_500 }));

function time(label: string, inputs: IncentiveInput[]) {
  predictor.predictMany!(inputs.slice(0, 2000)); // warm-up
  const cpu = process.cpuUsage();
  const started = performance.now();
  predictor.predictMany!(inputs);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  console.log(`${label}: ${inputs.length} customers in ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`);
  return { seconds: Math.round(seconds * 100) / 100, cpuSeconds: Math.round((used.user + used.system) / 1e4) / 100 };
}

const full = time(
  'with invoices and offers',
  Array.from({ length: n }, (_, i) => ({ customer: customers[i % customers.length], situation: situations[i % situations.length] })),
);
const profiles = time(
  'profiles only (segment, risk, typical delay)',
  Array.from({ length: n }, (_, i) => {
    const c = customers[i % customers.length];
    return { customer: { ...c, invoices: undefined, offers: undefined, typicalDaysLate: 4 }, situation: situations[i % situations.length] };
  }),
);
const invoices = customers.reduce((s, c) => s + (c.invoices?.length ?? 0), 0) / customers.length;
console.log(JSON.stringify({ customers: n, invoicesPerCustomer: Math.round(invoices), full, profiles }));
