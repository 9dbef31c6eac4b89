// The plan of a run: for every customer in scope, which targets change, to
// what, by which rule and why; which changes are held back (locked, dwell
// time, manual group member); which rules disagree. Computing it writes
// nothing, so a preview and an apply run exactly the same code.
import crypto from 'node:crypto';
import type { Db, Queryable } from '../db/sql.js';
import { compileRuleSet, type CompiledRule, type RuleSet } from './compile.js';
import { loadRuleRows } from './rules.js';
import { loadSettings } from './settings.js';
import { loadCustomerStates, loadRuleMembers, type Scope } from './state.js';
import { MemoryMatcher, SqlMatcher, type Matcher, type PlannedFacts } from './match.js';
import { plannedFacts, resolveCustomer, type ConflictHit, type CustomerState, type Outcome, type ResolveContext } from './resolve.js';
import { becauseText, heldText, summarySentences, type RuleRef } from './describe.js';
import type { Value } from './targets.js';

export interface ChangeReasons {
  because: string;
  rule: RuleRef;
  /** The facts the rule's criteria read, as the run saw them. */
  values: Record<string, unknown>;
  leaving: boolean;
  /** Rules that selected the customer too but wanted another value, and lost on priority. */
  overruled?: (RuleRef & { value: Value })[];
}

export interface PlannedChange {
  customerId: number;
  externalId: string;
  field: string;
  old: Value;
  new: Value;
  ruleId: number;
  reasons: ChangeReasons;
}

export interface HeldChange {
  customerId: number;
  externalId: string;
  field: string;
  current: Value;
  wanted: Value;
  ruleId: number;
  outcome: Exclude<Outcome, 'change'>;
  because: string;
  heldUntil?: string;
}

export interface ConflictReport {
  field: string;
  winner: RuleRef & { value: Value };
  loser: RuleRef & { value: Value };
  customers: number;
  /** A few of the customers concerned (externalId). */
  sample: string[];
}

export interface PlanSummary {
  evaluatedCustomers: number;
  customersChanged: number;
  changes: number;
  byField: Record<string, number>;
  sentences: string[];
  held: Record<Exclude<Outcome, 'change'>, number>;
  conflicts: number;
  stages: RuleRef[][];
}

export interface Plan {
  now: Date;
  scope: Scope;
  changes: PlannedChange[];
  held: HeldChange[];
  conflicts: ConflictReport[];
  /** For rules with hysteresis: who is inside after this run. */
  memberships: Map<number, number[]>;
  summary: PlanSummary;
  /** Fingerprint of the changes: an apply can require the plan its preview showed. */
  hash: string;
}

export interface PlanOptions {
  scope?: Scope;
  now?: Date;
  progress?: (fraction: number, message: string) => Promise<void>;
}

const CONFLICT_SAMPLE = 20;
const EMPTY: ReadonlySet<number> = new Set();

const refOf = (r: CompiledRule): RuleRef => ({ id: r.id, name: r.name, priority: r.priority });

/** Targets all of whose writers have run: later stages may read them as planned. */
function completeTargets(set: RuleSet, done: ReadonlySet<number>): Set<string> {
  const complete = new Set<string>();
  const pending = new Set<string>();
  for (const r of set.rules) for (const t of r.writes) (done.has(r.id) ? complete : pending).add(t);
  for (const t of pending) complete.delete(t);
  return complete;
}

function pick(values: Record<string, unknown> | undefined, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[f] = values?.[f] ?? null;
  return out;
}

export function planHash(changes: readonly PlannedChange[]): string {
  const h = crypto.createHash('sha256');
  for (const c of changes) h.update(JSON.stringify([c.customerId, c.field, c.old, c.new, c.ruleId]) + '\n');
  return h.digest('hex');
}

/**
 * A dry run: the plan, with nothing written. It runs in a transaction only
 * because later stages read the planned values from a temporary table.
 */
export function previewPlan(db: Db, options: PlanOptions = {}): Promise<Plan> {
  return db.transaction((tx) => computePlan(tx, options));
}

/** `db` must be one connection (a transaction): stages share a temporary table. */
export async function computePlan(db: Queryable, options: PlanOptions = {}): Promise<Plan> {
  const now = options.now ?? new Date();
  const scope = options.scope ?? {};
  const progress = options.progress ?? (async () => undefined);
  const settings = await loadSettings(db);
  const set = compileRuleSet(await loadRuleRows(db), settings.hysteresis);
  const customers = await loadCustomerStates(db, scope, now, Math.max(...Object.values(settings.dwellDays)));
  const hysteresisRules = set.rules.filter((r) => r.keep).map((r) => r.id);
  const members = await loadRuleMembers(db, hysteresisRules, scope);
  const matcher: Matcher = scope.customerIds ? await MemoryMatcher.load(db, scope.customerIds) : new SqlMatcher(db);
  const ctx: ResolveContext = { rules: set.rules, managedGroups: set.managedGroups, dwellDays: settings.dwellDays, now };

  const matched = new Map<number, Set<number>>();
  const facts = new Map<number, Record<string, unknown>>();
  const done = new Set<number>();
  for (const [s, stage] of set.stages.entries()) {
    await progress(0.1 + (0.7 * s) / set.stages.length, `stage ${s + 1}/${set.stages.length}: evaluating ${stage.length} rules`);
    const fields = [...new Set(stage.flatMap((r) => r.ast.fields))];
    for (const row of await matcher.match(stage, fields, members)) {
      if (!customers.has(row.id)) continue;
      if (row.matched.length > 0) {
        const m = matched.get(row.id) ?? new Set<number>();
        for (const id of row.matched) m.add(id);
        matched.set(row.id, m);
      }
      if (fields.length > 0) facts.set(row.id, Object.assign(facts.get(row.id) ?? {}, row.values));
    }
    for (const r of stage) done.add(r.id);
    if (s < set.stages.length - 1) await handOver(matcher, customers, matched, { ...ctx, only: completeTargets(set, done) });
  }
  await progress(0.85, 'resolving priorities, locks and dwell times');
  const plan = resolveAll(set, customers, matched, facts, ctx);
  const memberships = new Map<number, number[]>(hysteresisRules.map((id) => [id, []]));
  for (const [customerId, m] of matched) for (const id of m) memberships.get(id)?.push(customerId);
  const summary: PlanSummary = {
    evaluatedCustomers: customers.size,
    customersChanged: new Set(plan.changes.map((c) => c.customerId)).size,
    changes: plan.changes.length,
    byField: countBy(plan.changes.map((c) => c.field)),
    sentences: summarySentences(plan.changes),
    held: { locked: 0, dwell: 0, manualMember: 0, ...countBy(plan.held.map((h) => h.outcome)) },
    conflicts: plan.conflicts.length,
    stages: set.stages.map((st) => st.map(refOf)),
  };
  return { now, scope, ...plan, memberships, summary, hash: planHash(plan.changes) };
}

async function handOver(matcher: Matcher, customers: Map<number, CustomerState>, matched: Map<number, Set<number>>, ctx: ResolveContext) {
  if (ctx.only!.size === 0) return;
  const planned: PlannedFacts[] = [];
  for (const c of customers.values()) {
    const { decisions } = resolveCustomer(c, matched.get(c.id) ?? EMPTY, ctx);
    if (decisions.some((d) => d.outcome === 'change')) planned.push({ id: c.id, ...plannedFacts(c, decisions) });
  }
  await matcher.override(planned);
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function resolveAll(
  set: RuleSet,
  customers: Map<number, CustomerState>,
  matched: Map<number, Set<number>>,
  facts: Map<number, Record<string, unknown>>,
  ctx: ResolveContext,
): Pick<Plan, 'changes' | 'held' | 'conflicts'> {
  const changes: PlannedChange[] = [];
  const held: HeldChange[] = [];
  const conflicts = new Map<string, ConflictReport>();
  const rule = (id: number) => set.byId.get(id)!;
  for (const c of [...customers.values()].sort((a, b) => a.id - b.id)) {
    const res = resolveCustomer(c, matched.get(c.id) ?? EMPTY, ctx);
    for (const hit of res.conflicts) addConflict(conflicts, hit, c, rule);
    for (const d of res.decisions.sort((a, b) => (a.target < b.target ? -1 : 1))) {
      const r = rule(d.ruleId);
      const base = { customerId: c.id, externalId: c.externalId, field: d.target, ruleId: d.ruleId };
      if (d.outcome === 'change') {
        const values = pick(facts.get(c.id), r.ast.fields);
        const overruled = res.conflicts
          .filter((h) => h.target === d.target && h.winner.ruleId === d.ruleId)
          .map((h) => ({ ...refOf(rule(h.loser.ruleId)), value: h.loser.value }));
        changes.push({
          ...base,
          old: d.current,
          new: d.wanted,
          reasons: {
            because: becauseText(refOf(r), values, d.leaving),
            rule: refOf(r),
            values,
            leaving: d.leaving,
            ...(overruled.length > 0 ? { overruled } : {}),
          },
        });
      } else {
        held.push({
          ...base,
          current: d.current,
          wanted: d.wanted,
          outcome: d.outcome,
          because: heldText(d.outcome, d.target, d.wanted, refOf(r), d.heldUntil),
          ...(d.heldUntil ? { heldUntil: d.heldUntil.toISOString() } : {}),
        });
      }
    }
  }
  const ordered = [...conflicts.values()].sort((a, b) => b.customers - a.customers || a.field.localeCompare(b.field));
  return { changes, held, conflicts: ordered };
}

function addConflict(into: Map<string, ConflictReport>, hit: ConflictHit, c: CustomerState, rule: (id: number) => CompiledRule) {
  const key = `${hit.target}|${hit.winner.ruleId}|${hit.loser.ruleId}`;
  let report = into.get(key);
  if (!report) {
    report = {
      field: hit.target,
      winner: { ...refOf(rule(hit.winner.ruleId)), value: hit.winner.value },
      loser: { ...refOf(rule(hit.loser.ruleId)), value: hit.loser.value },
      customers: 0,
      sample: [],
    };
    into.set(key, report);
  }
  report.customers += 1;
  if (report.sample.length < CONFLICT_SAMPLE) report.sample.push(c.externalId);
}

/** A page of a plan for the API: changes and held changes, optionally of one target. */
export function planPage(plan: Plan, page: { limit: number; offset: number; field?: string }) {
  const keep = <T extends { field: string }>(xs: T[]) => (page.field ? xs.filter((x) => x.field === page.field) : xs);
  const changes = keep(plan.changes);
  const held = keep(plan.held);
  const slice = <T>(xs: T[]) => xs.slice(page.offset, page.offset + page.limit);
  return {
    planHash: plan.hash,
    summary: plan.summary,
    conflicts: plan.conflicts,
    totalChanges: changes.length,
    changes: slice(changes).map((c) => ({
      externalId: c.externalId, field: c.field, old: c.old, new: c.new, ruleId: c.ruleId, ruleName: c.reasons.rule.name,
      because: c.reasons.because, values: c.reasons.values, ...(c.reasons.overruled ? { overruled: c.reasons.overruled } : {}),
    })),
    totalHeld: held.length,
    held: slice(held).map(({ customerId: _id, ...h }) => h),
  };
}
