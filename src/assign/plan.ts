// The plan of a run: for every customer in scope, which targets change, to
// what and by which rule; which changes are held back (locked, dwell time,
// manual group member); which rules disagree. Computing it writes nothing, so
// a preview and an apply run exactly the same code. Changes stay compact (a
// portfolio's first run changes hundreds of thousands of values): the facts a
// reason quotes are read only for what is shown, or by SQL when applying.
import crypto from 'node:crypto';
import type { Db, Queryable } from '../db/sql.js';
import { compileRuleSet, refOf, type CompiledRule, type RuleSet } from './compile.js';
import { ANY_GROUP } from './dependencies.js';
import { mutuallyExclusive } from './exclusive.js';
import { loadRuleRows } from './rules.js';
import { loadSettings } from './settings.js';
import { attachHeld, loadCustomerStates, loadRuleMembers, type Scope } from './state.js';
import { MemoryMatcher, SqlMatcher, type Matcher, type Members, type PlannedFacts } from './match.js';
import { asPassing, rulesPassing, type Passing } from './passing.js';
import {
  bandsWaitedFor, oneBandEach, plannedFacts, resolveCustomer, standsBeforeBandsBeside,
  type CustomerState, type Decision, type Outcome, type Resolution, type ResolveContext,
} from './resolve.js';
import { bandHeldText, heldText, summarySentences, type RuleRef } from './describe.js';
import { groupOf, groupTarget, isGroupTarget, isScalarTarget, type Value } from './targets.js';

export interface PlannedChange {
  customerId: number;
  externalId: string;
  field: string;
  old: Value;
  new: Value;
  ruleId: number;
  /** The rule no longer selects the customer (it leaves a rule-driven group). */
  leaving: boolean;
  /** Rules that selected the customer too but wanted another value, and lost on priority. */
  overruled?: { ruleId: number; value: Value }[];
}

export type HeldOutcome = Exclude<Outcome, 'change'> | 'oneBand';

export interface HeldChange {
  customerId: number;
  externalId: string;
  field: string;
  current: Value;
  wanted: Value;
  ruleId: number;
  /** oneBand: the rule waits for the customer to leave the band beside (resolve.ts, oneBandEach). */
  outcome: HeldOutcome;
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
  held: Record<HeldOutcome, number>;
  conflicts: number;
  stages: RuleRef[][];
}

export interface Plan {
  now: Date;
  scope: Scope;
  /** The enabled rules as this plan ran them. */
  rules: RuleSet;
  /** By customer, then field. */
  changes: PlannedChange[];
  held: HeldChange[];
  conflicts: ConflictReport[];
  /** Customer → hysteresis rules it is inside after this run (customers inside none left out). */
  memberships: Map<number, number[]>;
  /** The same before this run, as stored. */
  previousMemberships: Map<number, number[]>;
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
const DAY_MS = 86_400_000;

/**
 * Targets all of whose writers have run: later stages may read them as
 * planned. `provisional`: those of them a band's rule writes while rules
 * adding to the bands beside are still to match; later stages read them as
 * planned only where the decision stands whatever those match
 * (standsBeforeBandsBeside), and as before the run elsewhere.
 */
function completeTargets(set: RuleSet, done: ReadonlySet<number>): { complete: Set<string>; provisional: Set<string>; pendingBands: CompiledRule[] } {
  const complete = new Set<string>();
  const pending = new Set<string>();
  // A rule reading the value it sets comes after every other rule setting it
  // (dependencies.ts): it reads that value as they plan it, as any later rule does.
  const readsOwn = (r: CompiledRule, t: string) => isScalarTarget(t) && r.reads.includes(t);
  for (const r of set.rules) for (const t of r.writes) (done.has(r.id) || readsOwn(r, t) ? complete : pending).add(t);
  for (const t of pending) complete.delete(t);
  // Whether a band's rule applies is settled once the rules adding to the bands
  // beside are matched too (oneBandEach weighs those alone; holdMovesTogether
  // holds a join with the leave beside): read earlier, a join the later match
  // drops would stay in what later stages read, and so would the scenario or
  // collector the rule sets with it. A rule taking customers out of the band
  // beside drops no join. Only a rule that cannot wait for the bands beside
  // (planStages) runs in between; it reads what stands already.
  const pendingBands = set.rules.filter((r) => !done.has(r.id) && r.effects.some((e) => e.value === true && isGroupTarget(e.target) && set.bands.has(groupOf(e.target))));
  const adding = new Set(pendingBands.flatMap((r) => r.effects.filter((e) => e.value === true).map((e) => e.target)));
  const waits = (r: CompiledRule) => r.effects.some((e) => e.value === true && isGroupTarget(e.target)
    && [...(set.bands.get(groupOf(e.target)) ?? [])].some((h) => adding.has(groupTarget(h))));
  const provisional = new Set<string>();
  for (const r of set.rules) {
    if (!done.has(r.id) || !waits(r)) continue;
    for (const t of r.writes) {
      if (complete.delete(t)) provisional.add(t);
    }
  }
  return { complete, provisional, pendingBands };
}

/** Whether some of these rules read a target. */
function readBy(rules: CompiledRule[]): (target: string) => boolean {
  const reads = new Set(rules.flatMap((r) => r.reads));
  return (target) => reads.has(target) || (isGroupTarget(target) && reads.has(ANY_GROUP));
}

export function planHash(changes: readonly PlannedChange[]): string {
  const h = crypto.createHash('sha256');
  for (const c of changes) h.update(`${c.customerId}\t${c.field}\t${JSON.stringify(c.old)}\t${JSON.stringify(c.new)}\t${c.ruleId}\n`);
  return h.digest('hex');
}

/** A dry run: the plan, with nothing written (a transaction only for the run's temporary tables). */
export function previewPlan(db: Db, options: PlanOptions = {}): Promise<Plan> {
  return db.transaction(async (tx) => (await planWithFacts(tx, options)).plan);
}

/** `db` must be one connection (a transaction). */
export async function computePlan(db: Queryable, options: PlanOptions = {}): Promise<Plan> {
  return (await planWithFacts(db, options)).plan;
}

/** The plan and the matcher holding the facts it read, for quoting them in reasons. */
export async function planWithFacts(db: Queryable, options: PlanOptions = {}): Promise<{ plan: Plan; matcher: Matcher }> {
  const now = options.now ?? new Date();
  const scope = options.scope ?? {};
  const progress = options.progress ?? (async () => undefined);
  const settings = await loadSettings(db);
  const set = compileRuleSet(await loadRuleRows(db), settings.hysteresis);
  const customers = await loadCustomerStates(db, scope);
  const members = await loadRuleMembers(db, scope);
  const matcher: Matcher = scope.customerIds
    ? await MemoryMatcher.load(db, scope.customerIds)
    : new SqlMatcher(db, set.rules.flatMap((r) => r.ast.fields));
  const ctx: ResolveContext = { managedGroups: set.managedGroups, bands: set.bands, dwellDays: settings.dwellDays, now };
  const held = new HeldLookup(db, customers, new Date(now.getTime() - Math.max(...Object.values(settings.dwellDays)) * DAY_MS));
  const rank = new Map(set.rules.map((r, i) => [r.id, i]));

  // Customer → ranks (positions by priority) of the rules selecting it.
  const matched = new Map<number, number[]>();
  // Customer → ranks of the rules oneBandEach left out: they wait for the band beside.
  const waiting = new Map<number, number[]>();
  const done = new Set<number>();
  // Customer → rules already judged passing (passing.ts): they join no band, so they keep none from the customer.
  const passing: Passing = new Map();
  for (const [s, stage] of set.stages.entries()) {
    await progress(0.1 + (0.6 * s) / set.stages.length, `stage ${s + 1}/${set.stages.length}: evaluating ${stage.length} rules`);
    for (const [id, ids] of await matcher.match(stage, members)) {
      if (!customers.has(id)) continue;
      const m = matched.get(id);
      const ranks = ids.map((ruleId) => rank.get(ruleId)!);
      if (m) m.push(...ranks);
      else matched.set(id, ranks);
    }
    keepOneBandEach(matched, waiting, customers, set, rank, passing);
    for (const r of stage) done.add(r.id);
    if (s === set.stages.length - 1) break;
    const { complete, provisional, pendingBands } = completeTargets(set, done);
    const readLater = readBy(set.stages.slice(s + 1).flat());
    const only = new Set([...complete, ...[...provisional].filter(readLater)]);
    if (![...only].some(readLater)) continue;
    const { resolved } = await resolveReleasing(customers, matched, waiting, set, rank, passing, { ...ctx, only }, held, { matcher, members });
    const stands = await bandDecisionsStanding(resolved, provisional, pendingBands, set, ctx, held, passing, members);

    const planned: PlannedFacts[] = [];
    for (const [c, res] of resolved) {
      const decisions = res.decisions.filter((d) => !provisional.has(d.target) || stands(c, d));
      if (decisions.some((d) => d.outcome === 'change' && readLater(d.target))) planned.push({ id: c.id, ...plannedFacts(c, decisions) });
    }
    await matcher.override(planned);
  }
  await progress(0.75, 'resolving priorities, locks and dwell times');
  const { resolved, passing: passingAtEnd } = await resolveReleasing(customers, matched, waiting, set, rank, passing, ctx, held, { matcher, members });
  const { changes, held: resolvedHeld, conflicts } = collect(set, resolved);
  const heldBack = withBandWaits(resolvedHeld, bandWaits(customers, matched, waiting, resolved, set, ctx));
  const hysteresisRules = new Set(set.rules.filter((r) => r.keep).map((r) => r.id));
  const memberships = new Map<number, number[]>();
  for (const [customerId, ranks] of matched) {
    // A rule that passes no longer selects the customer at the next run: no member of it.
    const inside = ranks.map((i) => set.rules[i].id).filter((id) => hysteresisRules.has(id) && !passingAtEnd.get(customerId)?.has(id)).sort((a, b) => a - b);
    if (inside.length > 0) memberships.set(customerId, inside);
  }
  const summary: PlanSummary = {
    evaluatedCustomers: customers.size,
    ...changeCounts(changes),
    held: { locked: 0, dwell: 0, manualMember: 0, oneBand: 0, ...countBy(heldBack.map((h) => h.outcome)) },
    conflicts: conflicts.length,
    stages: set.stages.map((st) => st.map(refOf)),
  };
  const plan: Plan = {
    now, scope, rules: set, changes, held: heldBack, conflicts, memberships, previousMemberships: members, summary, hash: planHash(changes),
  };
  return { plan, matcher };
}

/**
 * Which decisions on a band's targets stand before the rules adding to the
 * bands beside are matched (standsBeforeBandsBeside), the dwell clocks of the
 * bands beside a leave loaded first. A rule left to match can drop a join only
 * if it selects the customer too: not when the two rules' criteria are apart
 * on a field no rule sets (`riskScore < 40`, `40 <= riskScore < 70`), which
 * reads the same at every stage, and neither keeps the customer by its margin
 * (hysteresis: a member is judged by looser criteria, which may meet).
 */
async function bandDecisionsStanding(
  resolved: Map<CustomerState, Resolution>, provisional: ReadonlySet<string>, pendingBands: CompiledRule[], set: RuleSet, ctx: ResolveContext, held: HeldLookup,
  passing: Passing, members: Members,
): Promise<(c: CustomerState, d: Decision) => boolean> {
  if (provisional.size === 0) return () => true;
  const leaves = [...resolved].flatMap(([c, res]) => res.decisions
    .filter((d) => d.leaving && d.outcome === 'change' && provisional.has(d.target))
    .flatMap((d) => [...(set.bands.get(groupOf(d.target)) ?? [])].map((g) => ({ customerId: c.id, target: groupTarget(g) }))));
  await held.load(leaves);
  const setDuringRun = new Set(set.rules.flatMap((r) => r.writes).filter(isScalarTarget));
  const apartOnData = new Map<string, boolean>();
  const apart = (a: CompiledRule, b: CompiledRule) => {
    const key = `${a.id}|${b.id}`;
    if (!apartOnData.has(key)) apartOnData.set(key, mutuallyExclusive(a.ast, b.ast, setDuringRun));
    return apartOnData.get(key)!;
  };
  return (c, d) => {
    if (d.outcome !== 'change') return true;
    const rule = set.byId.get(d.ruleId)!;
    const kept = members.get(c.id) ?? [];
    const rivals = kept.includes(rule.id) ? pendingBands : pendingBands.filter((p) => kept.includes(p.id) || !apart(rule, p));
    // A passing rule joins no band: nothing beside can drop what it does.
    return standsBeforeBandsBeside(c, d, asPassing([rule], passing.get(c.id))[0], rivals, ctx);
  };
}

/**
 * resolveEach, then the rules oneBandEach left waiting for a rule the plan
 * finds passing (passing.ts) weighed again: passing, it joins no band, yet
 * oneBandEach weighed its join when its stage was matched, before anything
 * was resolved. Those let back in, the customers are resolved again, once:
 * else a member kept in low whose move takes it out of low's criteria left
 * low in the run and joined medium only at the next. `passing` gathers the
 * rules found passing, for the stages after.
 */
async function resolveReleasing(
  customers: Map<number, CustomerState>, matched: Map<number, number[]>, waiting: Map<number, number[]>, set: RuleSet, rank: Map<number, number>,
  passing: Passing, ctx: ResolveContext, held: HeldLookup, facts: { matcher: Matcher; members: Members },
): Promise<{ resolved: Map<CustomerState, Resolution>; passing: Passing }> {
  const out = await resolveEach(customers, matched, set, ctx, held, facts);
  const before = new Map<number, number>();
  for (const [id, ids] of out.passing) {
    const had = passing.get(id);
    passing.set(id, new Set([...(had ?? []), ...ids]));
    const left = waiting.get(id);
    if (!left || [...ids].every((r) => had?.has(r))) continue;
    before.set(id, left.length);
    matched.set(id, [...(matched.get(id) ?? []), ...left]);
    waiting.delete(id);
  }
  if (before.size === 0) return out;
  keepOneBandEach(matched, waiting, customers, set, rank, passing);
  if ([...before].every(([id, n]) => (waiting.get(id)?.length ?? 0) >= n)) return out;
  return resolveEach(customers, matched, set, ctx, held, facts);
}

/**
 * Drops, customer by customer, the rules selecting it into a band beside the
 * one it is kept in (oneBandEach), after each stage: later stages read the
 * groups as planned, and the hysteresis members recorded are the rules left.
 * Both matchers answer the same, so SQL and in-memory plans agree.
 */
function keepOneBandEach(
  matched: Map<number, number[]>, waiting: Map<number, number[]>, customers: Map<number, CustomerState>, set: RuleSet, rank: Map<number, number>,
  passing: Passing,
): void {
  if (set.bands.size === 0) return;
  for (const [id, ranks] of matched) {
    if (ranks.length < 2) continue;
    const rules = asPassing(ranks.sort((a, b) => a - b).map((i) => set.rules[i]), passing.get(id));
    const kept = oneBandEach(customers.get(id)!, rules, set.bands);
    if (kept === rules) continue;
    const left = kept.map((r) => rank.get(r.id)!);
    matched.set(id, left);
    waiting.set(id, [...(waiting.get(id) ?? []), ...ranks.filter((i) => !left.includes(i))]);
  }
}

/**
 * What the rules left out by oneBandEach would have changed, held while they
 * wait for the band beside: the decisions of those rules when they are let
 * back in, on targets the run leaves as they are. The credit manager sees in
 * the preview who waits and for which band, as the explanation says it.
 */
function bandWaits(
  customers: Map<number, CustomerState>, matched: Map<number, number[]>, waiting: Map<number, number[]>,
  resolved: Map<CustomerState, Resolution>, set: RuleSet, ctx: ResolveContext,
): HeldChange[] {
  const out: HeldChange[] = [];
  for (const [id, left] of waiting) {
    const c = customers.get(id)!;
    const kept = (matched.get(id) ?? []).map((i) => set.rules[i]);
    const all = [...(matched.get(id) ?? []), ...left].sort((a, b) => a - b).map((i) => set.rules[i]);
    const decided = new Set((resolved.get(c)?.decisions ?? []).map((d) => d.target));
    const leftIds = new Set(left.map((i) => set.rules[i].id));
    for (const d of resolveCustomer(c, all, ctx).decisions) {
      if (d.leaving || !leftIds.has(d.ruleId) || decided.has(d.target)) continue;
      const rule = set.byId.get(d.ruleId)!;
      out.push({
        customerId: c.id, externalId: c.externalId, field: d.target, current: d.current, wanted: d.wanted, ruleId: d.ruleId,
        outcome: 'oneBand', because: bandHeldText(d.target, d.wanted, refOf(rule), bandsWaitedFor(rule, kept, set.bands)),
      });
    }
  }
  return out;
}

/** The held changes in the plan's order: by customer, then field. */
function withBandWaits(held: HeldChange[], waits: HeldChange[]): HeldChange[] {
  if (waits.length === 0) return held;
  return [...held, ...waits].sort((a, b) => a.customerId - b.customerId || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/** Fetches the assignment state of a (customer, target) pair once, when a rule first wants to change it. */
class HeldLookup {
  private readonly asked = new Set<string>();
  private recentRuns: boolean | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly customers: Map<number, CustomerState>,
    private readonly cutoff: Date,
  ) {}

  /** Loads what was not asked yet; true if something was. */
  async load(pending: { customerId: number; target: string }[]): Promise<boolean> {
    // No run since the cutoff: nothing can be held, whatever the history.
    this.recentRuns ??= (await this.db.query<{ any: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM assignment_runs WHERE status IN ('applied', 'undone') AND started_at > $1) AS any`,
      [this.cutoff],
    ))[0].any;
    if (!this.recentRuns) return false;
    const fresh = pending.filter((p) => {
      const key = `${p.customerId}|${p.target}`;
      if (this.asked.has(key)) return false;
      this.asked.add(key);
      return true;
    });
    await attachHeld(this.db, this.customers, fresh, this.cutoff);
    return fresh.length > 0;
  }
}

/**
 * Resolves every customer a rule selects or that is in a rule-driven group;
 * those a dwell time may hold are resolved again once their state is known,
 * and so are those whose plan takes them out of a rule reading the value it
 * sets (passing.ts).
 */
async function resolveEach(
  customers: Map<number, CustomerState>, matched: Map<number, number[]>, set: RuleSet, ctx: ResolveContext, held: HeldLookup,
  facts: { matcher: Matcher; members: Members },
): Promise<{ resolved: Map<CustomerState, Resolution>; passing: Passing }> {
  const rulesOf = (id: number) => (matched.get(id) ?? []).sort((a, b) => a - b).map((i) => set.rules[i]);
  const out = await resolveSome(customers.values(), rulesOf, ctx, held);
  const passing = await rulesPassing(set, facts.matcher, facts.members, out, rulesOf);
  if (passing.size === 0) return { resolved: out, passing };
  const again = await resolveSome([...passing.keys()].map((id) => customers.get(id)!), (id) => asPassing(rulesOf(id), passing.get(id)), ctx, held);
  for (const id of passing.keys()) {
    const c = customers.get(id)!;
    const res = again.get(c);
    if (res) out.set(c, res);
    else out.delete(c);
  }
  return { resolved: out, passing };
}

async function resolveSome(
  customers: Iterable<CustomerState>, rulesOf: (id: number) => readonly CompiledRule[], ctx: ResolveContext, held: HeldLookup,
): Promise<Map<CustomerState, Resolution>> {
  const out = new Map<CustomerState, Resolution>();
  const pending: { customerId: number; target: string }[] = [];
  for (const c of customers) {
    const rules = rulesOf(c.id);
    if (rules.length === 0 && c.groups.size === 0) continue;
    const res = resolveCustomer(c, rules, ctx);
    if (res.decisions.length === 0 && res.conflicts.length === 0) continue;
    out.set(c, res);
    for (const d of res.decisions) if (d.outcome === 'change') pending.push({ customerId: c.id, target: d.target });
  }
  if (await held.load(pending)) {
    const byId = new Map([...out.keys()].map((c) => [c.id, c]));
    for (const id of new Set(pending.map((p) => p.customerId))) {
      const c = byId.get(id)!;
      if (c.held.size > 0) out.set(c, resolveCustomer(c, rulesOf(id), ctx));
    }
  }
  return out;
}

function collect(set: RuleSet, resolved: Map<CustomerState, Resolution>): Pick<Plan, 'changes' | 'held' | 'conflicts'> {
  const rule = (id: number) => set.byId.get(id)!;
  const changes: PlannedChange[] = [];
  const held: HeldChange[] = [];
  const conflicts = new Map<string, ConflictReport>();
  for (const [c, res] of [...resolved].sort((a, b) => a[0].id - b[0].id)) {
    for (const hit of res.conflicts) {
      const key = `${hit.target}|${hit.winner.ruleId}|${hit.loser.ruleId}`;
      let report = conflicts.get(key);
      if (!report) {
        report = {
          field: hit.target,
          winner: { ...refOf(rule(hit.winner.ruleId)), value: hit.winner.value },
          loser: { ...refOf(rule(hit.loser.ruleId)), value: hit.loser.value },
          customers: 0,
          sample: [],
        };
        conflicts.set(key, report);
      }
      report.customers += 1;
      if (report.sample.length < CONFLICT_SAMPLE) report.sample.push(c.externalId);
    }
    for (const d of res.decisions.sort((a, b) => (a.target < b.target ? -1 : 1))) {
      if (d.outcome === 'change') {
        const change: PlannedChange = {
          customerId: c.id, externalId: c.externalId, field: d.target, old: d.current, new: d.wanted, ruleId: d.ruleId, leaving: d.leaving,
        };
        if (res.conflicts.length > 0) {
          const overruled = res.conflicts
            .filter((h) => h.target === d.target && h.winner.ruleId === d.ruleId)
            .map((h) => ({ ruleId: h.loser.ruleId, value: h.loser.value }));
          if (overruled.length > 0) change.overruled = overruled;
        }
        changes.push(change);
      } else {
        held.push({
          customerId: c.id, externalId: c.externalId, field: d.target, current: d.current, wanted: d.wanted, ruleId: d.ruleId,
          outcome: d.outcome,
          because: heldText(d.outcome, d.target, d.wanted, refOf(rule(d.ruleId)), d.heldUntil, d.heldWith),
          ...(d.heldUntil ? { heldUntil: d.heldUntil.toISOString() } : {}),
        });
      }
    }
  }
  const ordered = [...conflicts.values()].sort((a, b) => b.customers - a.customers || a.field.localeCompare(b.field));
  return { changes, held, conflicts: ordered };
}

/** What a summary says of the changes: how many, of whom, of which field, in words. */
export function changeCounts(changes: readonly PlannedChange[]): Pick<PlanSummary, 'customersChanged' | 'changes' | 'byField' | 'sentences'> {
  return {
    customersChanged: new Set(changes.map((c) => c.customerId)).size,
    changes: changes.length,
    byField: countBy(changes.map((c) => c.field)),
    sentences: summarySentences(changes),
  };
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

