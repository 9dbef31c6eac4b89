// Generates a synthetic AR world in the import format, plus truth.json.
//   npx tsx training/world.ts --customers 2000 --months 24 --seed 42 --out data/world
// Prints progress lines, then one JSON line with the statistics.
import { streamWorld } from '../src/world/index.js';
import { scriptOptions } from './cli/options.js';

const values = scriptOptions({
  customers: { type: 'string', default: '2000' },
  months: { type: 'string', default: '24' },
  seed: { type: 'string', default: '42' },
  'end-date': { type: 'string', default: '2026-10-31' },
  out: { type: 'string', default: 'data/world' },
});

const started = performance.now();
const stats = streamWorld(
  {
    customers: Number(values.customers),
    months: Number(values.months),
    seed: Number(values.seed),
    endDate: values['end-date'],
  },
  values.out!,
  ({ done, total }) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`world: ${done}/${total} customers (${seconds}s)`);
  },
);
const seconds = Math.round((performance.now() - started) / 100) / 10;
console.log(JSON.stringify({ out: values.out, seconds, ...stats }));
