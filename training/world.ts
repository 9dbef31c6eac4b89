// Generates a synthetic AR world in the import format, plus truth.json.
//   npx tsx training/world.ts --customers 2000 --months 24 --seed 42 --out data/world
// Prints progress lines, then one JSON line with the statistics.
import { resolveOptions, streamWorld, WorldOptionsError, type WorldOptions } from '../src/world/index.js';
import { orUsageExit, scriptOptions, UsageError } from './cli/options.js';

const values = scriptOptions({
  customers: { type: 'string', default: '2000' },
  months: { type: 'string', default: '24' },
  seed: { type: 'string', default: '42' },
  'end-date': { type: 'string', default: '2026-10-31' },
  out: { type: 'string', default: 'data/world' },
});

const options: WorldOptions = {
  customers: Number(values.customers),
  months: Number(values.months),
  seed: Number(values.seed),
  endDate: values['end-date'],
};
// Checked before the output folder is touched: a value no world can be made from is a usage error, not a crash.
orUsageExit(() => {
  try {
    return resolveOptions(options);
  } catch (err) {
    throw err instanceof WorldOptionsError ? new UsageError(err.message) : err;
  }
});

const started = performance.now();
const stats = streamWorld(
  options,
  values.out!,
  ({ done, total }) => {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`world: ${done}/${total} customers (${seconds}s)`);
  },
);
const seconds = Math.round((performance.now() - started) / 100) / 10;
console.log(JSON.stringify({ out: values.out, seconds, ...stats }));
