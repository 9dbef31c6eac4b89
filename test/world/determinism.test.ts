import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTITIES, generateWorld, streamWorld, writeWorld } from '../../src/world/index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'world-determinism-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const files = [...ENTITIES.map((e) => `${e}.ndjson`), 'truth.json'];
const read = (dir: string, file: string): Buffer => fs.readFileSync(path.join(dir, file));
const options = { customers: 120, months: 12, seed: 11 };

describe('when the same seed is generated twice', () => {
  it('writes byte-identical files', () => {
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    writeWorld(generateWorld(options), a);
    writeWorld(generateWorld(options), b);
    for (const file of files) expect(read(a, file).equals(read(b, file)), file).toBe(true);
  });

  it('streams exactly what the in-memory world writes', () => {
    const memory = path.join(root, 'memory');
    const streamed = path.join(root, 'streamed');
    writeWorld(generateWorld(options), memory);
    streamWorld(options, streamed);
    for (const file of files) expect(read(memory, file).equals(read(streamed, file)), file).toBe(true);
    expect(fs.readdirSync(streamed).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});

describe('when the seed changes', () => {
  it('produces a different world', () => {
    const a = generateWorld(options);
    const b = generateWorld({ ...options, seed: 12 });
    expect(JSON.stringify(a.rows.invoices)).not.toBe(JSON.stringify(b.rows.invoices));
  });
});

describe('when customers are added', () => {
  it('leaves the first customers unchanged (independent streams)', () => {
    const small = generateWorld(options);
    const large = generateWorld({ ...options, customers: 150 });
    const first = (w: typeof small) => w.rows.invoices.filter((i) => i.customerExternalId === 'CUS-000042');
    expect(first(large)).toEqual(first(small));
    expect(large.truth.customers['CUS-000042']).toEqual(small.truth.customers['CUS-000042']);
  });
});

describe('when the world is written', () => {
  it('names each file after its entity and parses as NDJSON plus one truth JSON', () => {
    const dir = path.join(root, 'names');
    writeWorld(generateWorld({ ...options, customers: 20 }), dir);
    expect(fs.readdirSync(dir).sort()).toEqual([...files].sort());
    for (const entity of ENTITIES) {
      const lines = read(dir, `${entity}.ndjson`).toString('utf8').split('\n').filter(Boolean);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    }
    const truth = JSON.parse(read(dir, 'truth.json').toString('utf8'));
    expect(truth.generator.synthetic).toBe(true);
    expect(Object.keys(truth.customers)).toHaveLength(20);
  });
});
