// Issue 7 bench, criteria part: 100 saved searches × 100,000 customers in
// memory. Customers are random synthetic records (seeded) used only to time
// evaluation: there is no ground truth to recover, so the only check is that
// the generated-code and closure compilers select the same customers.
// Run: npx tsx bench/rules-criteria.ts   (prints a final JSON line)

import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  compileInMemory,
  compileInMemoryBatch,
  defineFieldRegistry,
  parseCriteria,
  type CompiledBatch,
  type CompiledCriteria,
  type FieldDef,
} from '../src/criteria/index.js';
import { mulberry32 } from '../src/util/random.js';
import { scriptOptions } from '../training/cli/options.js';

const field = (name: string, type: FieldDef['type'], source: FieldDef['source'], sql: string): FieldDef => ({
  name, type, source, sql, nullable: true, label: name, description: name,
});

export const benchRegistry = defineFieldRegistry([
  field('openAmount', 'number', 'derived', 'c.open_amount'),
  field('daysLate', 'number', 'derived', 'c.days_late'),
  field('creditLimit', 'number', 'column', 'c.credit_limit'),
  field('lateProbability', 'number', 'model', 'cf_late.value_num'),
  field('driftScore', 'number', 'model', 'cf_drift.value_num'),
  field('bestSendHour', 'number', 'model', 'cf_hour.value_num'),
  field('segment', 'string', 'column', 'c.segment'),
  field('country', 'string', 'column', 'c.country'),
  field('recommendedLever', 'string', 'model', 'cf_lever.value_text'),
  field('strategic', 'boolean', 'column', 'c.strategic'),
  field('dueDate', 'date', 'column', 'c.due_date'),
  field('lastPaymentDate', 'date', 'derived', 'c.last_payment_date'),
  field('groups', 'stringList', 'column', 'c.groups'),
]);


const SEGMENTS = ['key', 'strategic', 'standard', 'small'];
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT'];
const LEVERS = ['discount', 'reminder', 'call', 'none'];
const GROUPS = ['vip', 'risky', 'new', 'legal', 'watch'];
const DATES = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i * 3)).toISOString().slice(0, 10));

export function customers(n: number, seed = 7): Record<string, unknown>[] {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const maybe = <T>(v: T): T | null => (rnd() < 0.1 ? null : v);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    openAmount: maybe(Math.round(rnd() * 5_000_000) / 100),
    daysLate: maybe(Math.floor(rnd() * 120) - 10),
    creditLimit: maybe(Math.round(rnd() * 100_000)),
    lateProbability: maybe(Math.round(rnd() * 1000) / 1000),
    driftScore: maybe(Math.round(rnd() * 1000) / 1000),
    bestSendHour: maybe(Math.floor(rnd() * 24)),
    segment: maybe(pick(SEGMENTS)),
    country: maybe(pick(COUNTRIES)),
    recommendedLever: maybe(pick(LEVERS)),
    strategic: maybe(rnd() < 0.2),
    dueDate: maybe(pick(DATES)),
    lastPaymentDate: maybe(pick(DATES)),
    groups: maybe(GROUPS.filter(() => rnd() < 0.25)),
  }));
}

/** Ten shapes of saved search from the brief, with thresholds varied per rule. */
export function rules(n: number, seed = 11): unknown[] {
  const rnd = mulberry32(seed);
  const v = (name: string) => ({ var: name });
  const between = (lo: number, hi: number) => Math.round(lo + rnd() * (hi - lo));
  const templates: (() => unknown)[] = [
    () => ({ and: [{ '>': [v('lateProbability'), between(40, 90) / 100] }, { '>': [v('openAmount'), between(1_000, 20_000)] }] }),
    () => ({ or: [{ '==': [v('segment'), 'key'] }, v('strategic')] }),
    () => ({ '<': [v('openAmount'), between(500, 5_000)] }),
    () => ({ and: [{ '>': [v('daysLate'), between(20, 60)] }, { '!': { in: ['legal', v('groups')] } }] }),
    () => ({ '<=': [between(0, 30), v('daysLate'), between(31, 90)] }),
    () => ({ '>': [{ '*': [v('openAmount'), v('lateProbability')] }, between(1_000, 10_000)] }),
    () => ({ and: [{ in: [v('country'), ['FR', 'DE', 'ES']] }, { '>': [v('driftScore'), between(50, 95) / 100] }] }),
    () => ({ or: [{ '<': [v('dueDate'), DATES[between(0, 59)]] }, { missing: ['lastPaymentDate'] }] }),
    () => ({ and: [{ '==': [v('recommendedLever'), 'discount'] }, { '>=': [v('bestSendHour'), between(6, 12)] }, { '!=': [v('segment'), 'small'] }] }),
    () => ({ if: [v('strategic'), { '>': [v('daysLate'), between(40, 80)] }, { '>': [{ '-': [v('openAmount'), v('creditLimit')] }, 0] }] }),
  ];
  return Array.from({ length: n }, (_, i) => templates[i % templates.length]());
}

/** Wall time, and CPU time of this process (fairer on a machine shared with other jobs). */
function timeAll(compiled: CompiledCriteria[], records: Record<string, unknown>[]): { ms: number; cpuMs: number; matches: number } {
  const cpu = process.cpuUsage();
  const start = performance.now();
  let matches = 0;
  for (const f of compiled) {
    for (let i = 0; i < records.length; i++) if (f(records[i])) matches++;
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, matches };
}

/** The whole-portfolio path: every search on each customer in one call. */
function timeBatch(batch: CompiledBatch, ruleCount: number, records: Record<string, unknown>[]) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const out = new Uint8Array(ruleCount);
  let matches = 0;
  for (let i = 0; i < records.length; i++) {
    batch(records[i], out);
    for (let j = 0; j < ruleCount; j++) matches += out[j];
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, matches };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function runCriteriaBench(ruleCount = 100, customerCount = 100_000) {
  const records = customers(customerCount);
  const criteria = rules(ruleCount);
  const compileStart = performance.now();
  const asts = criteria.map((c) => parseCriteria(c, benchRegistry));
  const batch = compileInMemoryBatch(asts);
  const compileMs = performance.now() - compileStart;
  const perRule = asts.map((a) => compileInMemory(a));
  const closures = asts.map((a) => compileInMemory(a, { strategy: 'closures' }));

  const first = timeBatch(batch, ruleCount, records);
  const warm = median(Array.from({ length: 3 }, () => timeBatch(batch, ruleCount, records).ms));
  const single = timeAll(perRule, records);
  const closure = timeAll(closures, records);
  const loadAverage = os.loadavg()[0];
  if (single.matches !== first.matches || closure.matches !== first.matches) {
    throw new Error(`compilers disagree: batch ${first.matches}, per rule ${single.matches}, closures ${closure.matches}`);
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    inMemoryMs: round(first.ms),
    inMemoryCpuMs: round(first.cpuMs),
    inMemoryWarmMs: round(warm),
    perRuleMs: round(single.ms),
    perRuleCpuMs: round(single.cpuMs),
    closuresMs: round(closure.ms),
    compileMs: round(compileMs),
    rules: ruleCount,
    customers: customerCount,
    evaluations: ruleCount * customerCount,
    matches: first.matches,
    cores: os.cpus().length,
    loadAverage: round(loadAverage),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  scriptOptions({});
  console.log(JSON.stringify(runCriteriaBench()));
}
