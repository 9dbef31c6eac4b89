import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { smallWorld } from './factories.js';

const readme = fs.readFileSync(new URL('../../src/world/README.md', import.meta.url), 'utf8');

/** Every key of the truth, except inside `entities` (the email source's own report). */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      if (k !== 'entities') keysOf(v, out);
    }
  }
  return out;
}

describe('when truth.json is documented', () => {
  it('names every field of the truth sections in src/world/README.md', () => {
    const { truth } = smallWorld();
    const sections = { ...truth, customers: Object.values(truth.customers).slice(0, 50), messages: Object.values(truth.messages), offers: Object.values(truth.offers), promises: Object.values(truth.promises), openInvoices: Object.values(truth.openInvoices), options: {} , models: {} };
    const missing = [...keysOf(sections)].filter((k) => !readme.includes(k));
    expect(missing).toEqual([]);
  });
});
