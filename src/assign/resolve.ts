// Which value each target of one customer should get, from the rules that
// select that customer: the rule with the best priority wins, a disagreeing
// rule is a conflict (reported, never silent). Then the stability guards: a
// value a person locked is never changed, a value set recently by a rule is
// held for the dwell time of its kind (once the customer had invoices when it
// was set), and rules never take a customer out of
// a group a person put them in. Pure: the SQL and the in-memory paths share it.
import { dwellKindOf, groupOf, groupTarget, isGroupTarget, lockKeysOf, sameValue, type DwellKind, type ScalarTargetName, type Value } from './targets.js';
import type { Effect } from './actions.js';

export interface GroupMembership {
  source: 'manual' | 'rule';
  ruleId: number | null;
}

export interface HeldState {
  value: Value;
  since: Date;
  ruleId: number | null;
  /**
   * The customer had invoices on record when the value was set. A dwell time
   * keeps a scenario's actions coherent over the weeks it runs; a value set
   * before there was anything to dun (a customer imported before its invoices)
   * has run no action yet, so it holds nothing back.
   */
  onData: boolean;
}

export interface CustomerState {
  id: number;
  externalId: string;
  values: Record<ScalarTargetName, Value>;
  groups: Map<string, GroupMembership>;
  locked: ReadonlySet<string>;
  /** Assignment state rows recent enough to hold by dwell time, by target. */
  held: Map<string, HeldState>;
}

export interface RankedRule {
  id: number;
  priority: number;
  effects: Effect[];
}

export interface ResolveContext {
  /** Groups some rule adds to, with those rules (best first): members no rule selects any more leave them. */
  managedGroups: ReadonlyMap<string, readonly number[]>;
  /** Group → the groups it is a band beside (no customer belongs in both): left and joined as one move. */
  bands: ReadonlyMap<string, ReadonlySet<string>>;
  dwellDays: Readonly<Record<DwellKind, number>>;
  now: Date;
  /** Resolve only these targets (between stages); all when absent. */
  only?: ReadonlySet<string>;
}

export type Outcome = 'change' | 'locked' | 'dwell' | 'manualMember';

export interface Decision {
  target: string;
  current: Value;
  wanted: Value;
  ruleId: number;
  outcome: Outcome;
  /** The rule no longer selects the customer (group left), rather than selecting them. */
  leaving: boolean;
  heldUntil?: Date;
  /** Held with the other side of a move between groups, which the dwell time holds. */
  heldWith?: string;
}

export interface ConflictHit {
  target: string;
  winner: { ruleId: number; value: Value };
  loser: { ruleId: number; value: Value };
}

export interface Resolution {
  decisions: Decision[];
  conflicts: ConflictHit[];
}

const DAY_MS = 86_400_000;

export function currentValue(c: CustomerState, target: string): Value {
  return isGroupTarget(target) ? c.groups.has(groupOf(target)) : c.values[target as ScalarTargetName];
}

/** `matched`: the rules whose criteria select this customer, best priority first. */
export function resolveCustomer(c: CustomerState, matched: readonly RankedRule[], ctx: ResolveContext): Resolution {
  const winners = new Map<string, { ruleId: number; value: Value }>();
  let conflicts: ConflictHit[] | null = null;
  for (const rule of matched) {
    for (const e of rule.effects) {
      if (ctx.only && !ctx.only.has(e.target)) continue;
      const winner = winners.get(e.target);
      if (!winner) winners.set(e.target, { ruleId: rule.id, value: e.value });
      else if (!sameValue(winner.value, e.value)) {
        (conflicts ??= []).push({ target: e.target, winner, loser: { ruleId: rule.id, value: e.value } });
      }
    }
  }
  const decisions: Decision[] = [];
  for (const [target, w] of winners) {
    const d = decide(c, target, w.value, w.ruleId, false, ctx);
    if (d) decisions.push(d);
  }
  // A rule-driven group: members that no rule selects any more leave it.
  for (const [group, m] of c.groups) {
    if (m.source !== 'rule') continue;
    const target = groupTarget(group);
    if (winners.has(target) || (ctx.only && !ctx.only.has(target))) continue;
    const managers = ctx.managedGroups.get(group);
    if (managers === undefined) continue;
    // The rule that added the customer, if it still adds to this group; else the group's best rule.
    const responsible = m.ruleId !== null && managers.includes(m.ruleId) ? m.ruleId : managers[0];
    const d = decide(c, target, false, responsible, true, ctx);
    if (d) decisions.push(d);
  }
  holdMovesTogether(decisions, ctx.bands);
  return { decisions, conflicts: conflicts ?? NO_CONFLICTS };
}

/**
 * Leaving one group and joining another band beside it (score bands: low-risk
 * to risky, which no customer belongs in both of) is one move. Were only the
 * side the dwell time holds to wait, the customer would be in both bands for
 * up to the dwell time (or in neither); the other side waits with it, until
 * the later of the two dwell ends, and then both happen in one run. Groups
 * that are no bands of each other (compile.ts) each follow the data.
 */
function holdMovesTogether(decisions: Decision[], bands: ResolveContext['bands']): void {
  const held = decisions.filter((d) => d.outcome === 'dwell' && isGroupTarget(d.target));
  if (held.length === 0) return;
  const together = (a: Decision, b: Decision) => a.wanted !== b.wanted && (bands.get(groupOf(a.target))?.has(groupOf(b.target)) ?? false);
  for (const d of decisions) {
    if (d.outcome !== 'change' || !isGroupTarget(d.target)) continue;
    const other = held.filter((h) => together(h, d)).sort((a, b) => b.heldUntil!.getTime() - a.heldUntil!.getTime())[0];
    if (!other) continue;
    d.outcome = 'dwell';
    d.heldUntil = other.heldUntil;
    d.heldWith = other.target;
  }
}

/**
 * One band at a time. Bands are exclusive by the criteria a customer enters
 * by, but hysteresis keeps a member by looser ones, which reach into the band
 * beside: with `riskScore < 40` and `40 <= riskScore < 70` and a margin of 5, a
 * low-risk member at 42 is still kept in low (below 45) and selected into
 * medium (at or above 40). Only one of the two may hold: the band the customer
 * is in now, so a member kept by hysteresis joins the band beside only once it
 * leaves its own (at 45), then as one move (holdMovesTogether), and a member
 * of medium falling to 38 stays in medium down to 35. Letting the join end the
 * keep instead would bring back the flip-flop at 40 that the margin is there
 * to stop. A customer in neither band, or in both (rules edited into bands
 * while members of each), goes with the rule first by priority. A rule
 * dropped here selects the customer for none of its actions, and is no
 * hysteresis member of it: it judges the customer as entering when the keep
 * ends. `matched`: best priority first; the same rules, less those dropped.
 */
export function oneBandEach<R extends RankedRule>(c: CustomerState, matched: readonly R[], bands: ResolveContext['bands']): readonly R[] {
  const bandsAdded = (r: RankedRule) => bandsAddedBy(r, bands);
  const adding = matched.filter((r) => bandsAdded(r).length > 0);
  if (adding.length < 2) return matched;
  const inNow = (r: RankedRule) => bandsAdded(r).some((g) => c.groups.has(g));
  const kept = new Set<string>();
  const dropped = new Set<R>();
  for (const r of [...adding.filter(inNow), ...adding.filter((r) => !inNow(r))]) {
    const groups = bandsAdded(r);
    if (groups.some((g) => [...kept].some((k) => bands.get(k)!.has(g)))) dropped.add(r);
    else for (const g of groups) kept.add(g);
  }
  return dropped.size === 0 ? matched : matched.filter((r) => !dropped.has(r));
}

const bandsAddedBy = (r: RankedRule, bands: ResolveContext['bands']) =>
  r.effects.filter((e) => e.value === true && isGroupTarget(e.target) && bands.has(groupOf(e.target))).map((e) => groupOf(e.target));

/**
 * The bands a rule oneBandEach left out waits for: those the rules it kept add
 * to, beside one this rule adds to. Sorted, each once.
 */
export function bandsWaitedFor(rule: RankedRule, kept: readonly RankedRule[], bands: ResolveContext['bands']): string[] {
  const mine = bandsAddedBy(rule, bands);
  const beside = kept.flatMap((k) => bandsAddedBy(k, bands)).filter((g) => mine.some((m) => bands.get(m)!.has(g)));
  return [...new Set(beside)].sort();
}

const NO_CONFLICTS: ConflictHit[] = [];

function decide(c: CustomerState, target: string, wanted: Value, ruleId: number, leaving: boolean, ctx: ResolveContext): Decision | null {
  const current = currentValue(c, target);
  if (sameValue(current, wanted)) return null;
  const d: Decision = { target, current, wanted, ruleId, leaving, outcome: 'change' };
  if (c.locked.size > 0 && lockKeysOf(target).some((k) => c.locked.has(k))) d.outcome = 'locked';
  else if (wanted === false && isGroupTarget(target) && c.groups.get(groupOf(target))?.source === 'manual') d.outcome = 'manualMember';
  else {
    const heldUntil = dwellUntil(c, target, current, ctx);
    if (heldUntil) {
      d.outcome = 'dwell';
      d.heldUntil = heldUntil;
    }
  }
  return d;
}

/** When the dwell time holds a change of the target from its current value, until when. */
function dwellUntil(c: CustomerState, target: string, current: Value, ctx: Pick<ResolveContext, 'dwellDays' | 'now'>): Date | undefined {
  const held = c.held.get(target);
  if (!held?.onData || !sameValue(held.value, current)) return undefined;
  const heldUntil = new Date(held.since.getTime() + ctx.dwellDays[dwellKindOf(target)] * DAY_MS);
  return heldUntil > ctx.now ? heldUntil : undefined;
}

/**
 * Whether a decision on a band's targets, taken before the rules adding to the
 * bands beside are matched, stands whatever they match: what a rule that cannot
 * wait for them (planStages: waiting would close a cycle) may read as planned.
 * A rule's effects stand when no rule left to match could come before it in
 * oneBandEach's order (the bands the customer is in now first, then priority),
 * so none can drop it. A leave stands unless a join beside could be held by
 * the dwell time, which holds the leave with it (holdMovesTogether): the
 * customer's dwell clocks of those bands must be loaded (`c.held`).
 * `pending`: the rules adding to bands not matched yet.
 */
export function standsBeforeBandsBeside(
  c: CustomerState, d: Decision, rule: RankedRule, pending: readonly RankedRule[], ctx: Pick<ResolveContext, 'bands' | 'dwellDays' | 'now'>,
): boolean {
  if (d.leaving) {
    return ![...(ctx.bands.get(groupOf(d.target)) ?? [])].some((g) => !c.groups.has(g) && dwellUntil(c, groupTarget(g), false, ctx));
  }
  const mine = bandsAddedBy(rule, ctx.bands);
  if (mine.length === 0) return true;
  const inNow = (r: RankedRule) => bandsAddedBy(r, ctx.bands).some((g) => c.groups.has(g));
  const beside = (r: RankedRule) => bandsAddedBy(r, ctx.bands).some((g) => mine.some((m) => ctx.bands.get(m)!.has(g)));
  const better = (r: RankedRule) => r.priority < rule.priority || (r.priority === rule.priority && r.id < rule.id);
  return !pending.some((p) => beside(p) && ((inNow(p) && !inNow(rule)) || (inNow(p) === inNow(rule) && better(p))));
}

/** The customer as it will be once the changes are made: what later stages read. */
export function plannedFacts(c: CustomerState, decisions: readonly Decision[]): { values: Record<ScalarTargetName, Value>; groups: string[] } {
  const values = { ...c.values };
  const groups = new Set(c.groups.keys());
  for (const d of decisions) {
    if (d.outcome !== 'change') continue;
    if (isGroupTarget(d.target)) {
      if (d.wanted === true) groups.add(groupOf(d.target));
      else groups.delete(groupOf(d.target));
    } else values[d.target as ScalarTargetName] = d.wanted;
  }
  return { values, groups: [...groups].sort() };
}
