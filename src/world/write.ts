// Writes a world as the import format: one `<entity>.ndjson` per entity, plus
// truth.json. Rows are buffered and flushed synchronously (deterministic
// bytes, bounded memory); the big truth sections go through part files so a
// 100,000-customer world never has to sit in memory.
import fs from 'node:fs';
import path from 'node:path';
import type { CustomerSlice } from './customer.js';
import { simulateCustomers, staticRows, truthHeader, type TruthHeader, type World } from './generate.js';
import { defaultEmailSource } from './inbound/source.js';
import { resolveOptions, type WorldOptions } from './options.js';
import { StatsAccumulator, type WorldStatistics } from './stats.js';
import type { Truth } from './truth.js';
import { ENTITIES, type Entity } from './types.js';

const FLUSH_AT = 1 << 20;

class BufferedFile {
  private fd: number;
  private buffer = '';
  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= FLUSH_AT) this.flush();
  }
  flush(): void {
    if (this.buffer) fs.writeSync(this.fd, this.buffer);
    this.buffer = '';
  }
  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

type SectionName = 'customers' | 'drifts' | 'openInvoices' | 'promises' | 'messages' | 'offers' | 'discounts';
const SECTIONS: ReadonlyArray<readonly [SectionName, 'object' | 'array']> = [
  ['customers', 'object'],
  ['drifts', 'array'],
  ['openInvoices', 'object'],
  ['promises', 'object'],
  ['messages', 'object'],
  ['offers', 'object'],
  ['discounts', 'array'],
];

/** Writes entity rows and truth sections incrementally; `finish` assembles truth.json. */
export class WorldWriter {
  private files = new Map<Entity, BufferedFile>();
  private sections = new Map<SectionName, { file: BufferedFile; count: number; path: string }>();

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    for (const entity of ENTITIES) this.files.set(entity, new BufferedFile(path.join(dir, `${entity}.ndjson`)));
    for (const [name] of SECTIONS) {
      const part = path.join(dir, `.truth-${name}.part`);
      this.sections.set(name, { file: new BufferedFile(part), count: 0, path: part });
    }
  }

  rows(entity: Entity, rows: readonly unknown[]): void {
    const file = this.files.get(entity)!;
    for (const row of rows) file.write(`${JSON.stringify(row)}\n`);
  }

  entry(section: SectionName, key: string | null, value: unknown): void {
    const s = this.sections.get(section)!;
    const prefix = s.count++ === 0 ? '' : ',';
    s.file.write(key === null ? `${prefix}${JSON.stringify(value)}` : `${prefix}${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }

  customer(slice: CustomerSlice): void {
    for (const entity of Object.keys(slice.rows) as Array<keyof CustomerSlice['rows']>) this.rows(entity, slice.rows[entity]);
    const t = slice.truth;
    this.entry('customers', slice.rows.customers[0].externalId, t.customer);
    if (t.drift) this.entry('drifts', null, t.drift);
    for (const [k, v] of Object.entries(t.openInvoices)) this.entry('openInvoices', k, v);
    for (const [k, v] of Object.entries(t.promises)) this.entry('promises', k, v);
    for (const [k, v] of Object.entries(t.messages)) this.entry('messages', k, v);
    for (const [k, v] of Object.entries(t.offers)) this.entry('offers', k, v);
    for (const d of t.discounts) this.entry('discounts', null, d);
  }

  finish(header: TruthHeader): void {
    for (const file of this.files.values()) file.close();
    const out = fs.openSync(path.join(this.dir, 'truth.json'), 'w');
    const head = JSON.stringify(header);
    fs.writeSync(out, head.slice(0, -1));
    const chunk = Buffer.alloc(FLUSH_AT);
    for (const [name, kind] of SECTIONS) {
      const s = this.sections.get(name)!;
      s.file.close();
      fs.writeSync(out, `,${JSON.stringify(name)}:${kind === 'object' ? '{' : '['}`);
      const input = fs.openSync(s.path, 'r');
      for (let n = fs.readSync(input, chunk); n > 0; n = fs.readSync(input, chunk)) fs.writeSync(out, chunk, 0, n);
      fs.closeSync(input);
      fs.rmSync(s.path);
      fs.writeSync(out, kind === 'object' ? '}' : ']');
    }
    fs.writeSync(out, '}');
    fs.closeSync(out);
  }
}

/** Writes an in-memory world; byte-identical to streaming the same options. */
export function writeWorld(world: World, dir: string): void {
  const writer = new WorldWriter(dir);
  for (const entity of ENTITIES) writer.rows(entity, world.rows[entity]);
  const t: Truth = world.truth;
  for (const [k, v] of Object.entries(t.customers)) writer.entry('customers', k, v);
  for (const d of t.drifts) writer.entry('drifts', null, d);
  for (const [k, v] of Object.entries(t.openInvoices)) writer.entry('openInvoices', k, v);
  for (const [k, v] of Object.entries(t.promises)) writer.entry('promises', k, v);
  for (const [k, v] of Object.entries(t.messages)) writer.entry('messages', k, v);
  for (const [k, v] of Object.entries(t.offers)) writer.entry('offers', k, v);
  for (const d of t.discounts) writer.entry('discounts', null, d);
  writer.finish({ generator: t.generator, options: t.options, period: t.period, models: t.models });
}

export interface StreamProgress {
  done: number;
  total: number;
}

/** Generates and writes without holding the world: what the CLI and benches use. */
export function streamWorld(
  input: WorldOptions,
  dir: string,
  onProgress?: (progress: StreamProgress) => void,
): WorldStatistics {
  const options = resolveOptions(input);
  const emailSource = input.emailSource ?? defaultEmailSource();
  const writer = new WorldWriter(dir);
  const statics = staticRows();
  writer.rows('collectors', statics.collectors);
  writer.rows('dunning-scenarios', statics['dunning-scenarios']);
  writer.rows('customer-groups', statics['customer-groups']);
  const stats = new StatsAccumulator(options);
  let done = 0;
  const step = Math.max(1, Math.floor(options.customers / 20));
  for (const slice of simulateCustomers(options, emailSource)) {
    writer.customer(slice);
    stats.addSlice(slice);
    if (++done % step === 0 || done === options.customers) onProgress?.({ done, total: options.customers });
  }
  writer.finish(truthHeader(options, emailSource));
  return stats.result();
}
