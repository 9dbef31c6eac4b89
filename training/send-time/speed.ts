// Scoring speed: 100,000 customers (a world's customers repeated) through the
// send-time predictor, reasons included.
//   npx tsx training/send-time/speed.ts --world DIR [--customers 100000]
import { createSendTimeModel, type SendTimeInput } from '../../src/ml/send-time/index.js';
import { sendTimeWorld } from './world-data.js';
import { readWorld } from './world-files.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ world: { type: 'string' }, customers: { type: 'string', default: '100000' } });
if (!values.world) {
  console.error('usage: npx tsx training/send-time/speed.ts --world DIR [--customers 100000]');
  process.exit(2);
}
const world = sendTimeWorld(readWorld(values.world, ['customers', 'communications', 'payments']), null);
const kind = createSendTimeModel();
const predictor = await kind.load(await kind.train({ customers: world.inputs }));
const n = Number(values.customers);
const inputs: SendTimeInput[] = Array.from({ length: n }, (_, i) => world.inputs[i % world.inputs.length]);
predictor.predictMany!(inputs.slice(0, 2000)); // warm-up
const cpu = process.cpuUsage();
const started = performance.now();
const out = predictor.predictMany!(inputs);
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const reminders = inputs.reduce((s, i) => s + i.communications.length, 0);
console.log(`${n} customers (${reminders} reminders) scored in ${seconds.toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU`);
console.log(JSON.stringify({ customers: n, reminders, seconds: Math.round(seconds * 100) / 100, cpuSeconds: Math.round((used.user + used.system) / 1e4) / 100, scored: out.length }));
