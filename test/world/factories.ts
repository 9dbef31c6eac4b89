// Small worlds shared by the world tests: 200 customers over 12 months
// generate in well under a second and still hold every kind of drift.
import { generateWorld, type World, type WorldOptions } from '../../src/world/index.js';

const cache = new Map<string, World>();

export function smallWorld(options: WorldOptions = {}): World {
  const key = JSON.stringify(options);
  let world = cache.get(key);
  if (!world) {
    world = generateWorld({ customers: 200, months: 12, seed: Number(process.env.WORLD_TEST_SEED ?? 7), ...options });
    cache.set(key, world);
  }
  return world;
}

export const dayNumber = (date: string): number => Date.parse(date.slice(0, 10)) / 86_400_000;

export { groupBy } from '../../src/util/collections.js';

export const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
