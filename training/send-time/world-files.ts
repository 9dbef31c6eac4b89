// Reads a synthetic world directory (`<entity>.ndjson` + truth.json, written by
// training/world.ts) or takes a world generated in memory: the same rows either
// way. Shared by the send-time and incentives evaluations.
import fs from 'node:fs';
import path from 'node:path';
import type { Entity, EntityRows, Truth, World } from '../../src/world/index.js';

export type WorldRows = { [E in Entity]?: EntityRows[E][] };

export interface LoadedWorld {
  rows: WorldRows;
  truth: Truth;
}

function readNdjson<T>(file: string): T[] {
  if (!fs.existsSync(file)) return [];
  const out: T[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) if (line.trim()) out.push(JSON.parse(line) as T);
  return out;
}

/** Reads only the entities asked for (a 10,000-customer world is ~400 MB of rows). */
export function readWorld(dir: string, entities: Entity[]): LoadedWorld {
  const truthFile = path.join(dir, 'truth.json');
  if (!fs.existsSync(truthFile)) throw new Error(`${dir} is not a world directory (no truth.json); make one with: npx tsx training/world.ts --out ${dir}`);
  const rows: WorldRows = {};
  for (const e of entities) (rows as Record<string, unknown>)[e] = readNdjson(path.join(dir, `${e}.ndjson`));
  return { rows, truth: JSON.parse(fs.readFileSync(truthFile, 'utf8')) as Truth };
}

export function fromMemory(world: World): LoadedWorld {
  return { rows: world.rows, truth: world.truth };
}

/** Group rows by customer, keeping file order. */
export function byCustomer<T extends { customerExternalId: string | null }>(rows: T[] | undefined): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows ?? []) {
    if (!r.customerExternalId) continue;
    const list = m.get(r.customerExternalId);
    if (list) list.push(r);
    else m.set(r.customerExternalId, [r]);
  }
  return m;
}

export function monthsBefore(date: string, months: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d.toISOString().slice(0, 10);
}
