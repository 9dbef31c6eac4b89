// Effects per lever at four levels, each pulled toward the level above by how
// much data it has (empirical Bayes, normal-normal): the portfolio, the
// segment, similar customers (segment × payer band × risk band), the customer.
// A group's raw doubly-robust mean counts with precision n / σ²; the level
// above counts with precision 1 / (τ² + its own variance), τ² being how much
// groups of that level really differ (method of moments, floored).
import type { IncentiveConfig } from './config.js';
import type { DecisionContext, DecisionPoints } from './decisions.js';
import { contrast, discountCostDays, Moments, type DecisionTerms } from './estimators.js';
import { STAGE_LEVERS, STAGES, type Lever, type Stage } from './types.js';

export const QUANTITIES = ['daysToPay', 'churned', 'gain'] as const;
export type Quantity = (typeof QUANTITIES)[number];

/** Smallest between-group variance allowed: groups may always differ a little. */
const BETWEEN_FLOOR: Record<Quantity, number> = { daysToPay: 1, churned: 1e-4, gain: 2 };
/** Groups smaller than this borrow the level's typical per-decision variance. */
const MIN_OWN_VARIANCE = 10;

export interface Posterior {
  mean: number;
  variance: number;
  /** Decisions of the group itself. */
  n: number;
  /** Share of the posterior mean resting on the group's own decisions (0…1). */
  ownWeight: number;
}

export interface LeverEstimate {
  daysToPay: Posterior;
  churned: Posterior;
  gain: Posterior;
  /** Unshrunk estimates of the group (for reports and checks against the truth). */
  raw: { n: number; daysToPay: number; churned: number; ipsDaysToPay: number; ipsChurned: number; paidEarlyUnderLever: number };
}

export interface LeverEffects {
  portfolio: LeverEstimate;
  segments: Record<string, LeverEstimate>;
  cells: Record<string, LeverEstimate>;
  /** For the customer level, computed at scoring time from the customer's own decisions. */
  customer: {
    between: Record<Quantity, number>;
    perDecisionVariance: Record<Quantity, number>;
    /** τ² of the share of offers a customer took (paid within the discount window) around its cell's; absent in artifacts trained before it. */
    takeUpBetween?: number;
  };
}

/** Smallest between-customer variance of a take-up share (a standard deviation of 0.05). */
const TAKE_UP_BETWEEN_FLOOR = 0.0025;

/** Binomial noise of one offer at a group's share, kept off 0 and 1 so one offer never counts as certain. */
const takeUpNoise = (share: number) => {
  const p = Math.min(0.95, Math.max(0.05, share));
  return p * (1 - p);
};

/**
 * The share of offers of a lever this customer will take: its own record
 * (`taken` of `offered`) pulled toward its group's share by how many offers it
 * rests on, as every other effect is (empirical Bayes, normal-normal). Without
 * an own record, or with an artifact that has no τ² for it, the group's share.
 */
export function shrunkTakeUp(groupShare: number, own: { taken: number; offered: number }, between: number | undefined): Posterior {
  const share = Math.min(1, Math.max(0, groupShare));
  if (own.offered === 0 || between === undefined) return { mean: round6(share), variance: 0, n: own.offered, ownWeight: 0 };
  const raw = { mean: own.taken / own.offered, variance: takeUpNoise(share) / own.offered, n: own.offered };
  return combine(raw, { mean: share, variance: between });
}

export type EffectTable = Record<Stage, Partial<Record<Lever, LeverEffects>>>;

export const cellKey = (c: DecisionContext) => `${c.segment}|${c.payerBand}|${c.riskBand}`;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

interface GroupStats {
  m: Record<Quantity, Moments>;
  ips: { daysToPay: Moments; churned: Moments };
  paidEarly: Moments;
}

function newStats(): GroupStats {
  return {
    m: { daysToPay: new Moments(), churned: new Moments(), gain: new Moments() },
    ips: { daysToPay: new Moments(), churned: new Moments() },
    paidEarly: new Moments(),
  };
}

/** Precision-weighted combination of a group's raw mean with its prior (the level above). */
export function combine(raw: { mean: number; variance: number; n: number }, prior: { mean: number; variance: number }): Posterior {
  if (raw.n === 0 || !(raw.variance > 0)) return { mean: prior.mean, variance: prior.variance, n: raw.n, ownWeight: 0 };
  const own = 1 / raw.variance;
  const parent = 1 / prior.variance;
  const ownWeight = own / (own + parent);
  return {
    mean: round6(ownWeight * raw.mean + (1 - ownWeight) * prior.mean),
    variance: round6(1 / (own + parent)),
    n: raw.n,
    ownWeight: round6(ownWeight),
  };
}

/** τ² of a level: spread of its groups' raw means around their parents beyond sampling noise. */
function betweenVariance(groups: Array<{ mean: number; variance: number; n: number; parentMean: number }>, q: Quantity): number {
  const usable = groups.filter((g) => g.n >= MIN_OWN_VARIANCE);
  if (usable.length < 2) return BETWEEN_FLOOR[q];
  const excess = usable.reduce((s, g) => s + (g.mean - g.parentMean) ** 2 - g.variance, 0) / usable.length;
  return Math.max(BETWEEN_FLOOR[q], excess);
}

function rawOf(s: GroupStats, q: Quantity, pooledVariance: number) {
  const m = s.m[q];
  const perDecision = m.n >= MIN_OWN_VARIANCE ? m.variance : pooledVariance;
  return { mean: m.mean, variance: m.n ? Math.max(perDecision, 1e-9) / m.n : Number.POSITIVE_INFINITY, n: m.n };
}

function estimateOf(s: GroupStats, posteriors: Record<Quantity, Posterior>): LeverEstimate {
  return {
    ...posteriors,
    raw: {
      n: s.m.gain.n,
      daysToPay: round6(s.m.daysToPay.mean),
      churned: round6(s.m.churned.mean),
      ipsDaysToPay: round6(s.ips.daysToPay.mean),
      ipsChurned: round6(s.ips.churned.mean),
      paidEarlyUnderLever: round6(s.paidEarly.mean),
    },
  };
}

function leverEffects(terms: DecisionTerms[], lever: Lever, costDays: number, config: IncentiveConfig): LeverEffects {
  const portfolio = newStats();
  const segments = new Map<string, GroupStats>();
  const cells = new Map<string, { segment: string; stats: GroupStats }>();
  const customers = new Map<string, { cell: string; stats: Record<Quantity, Moments>; takeUp: Moments }>();
  const add = (s: GroupStats, t: DecisionTerms, c: ReturnType<typeof contrast>, ips: ReturnType<typeof contrast>) => {
    for (const q of QUANTITIES) s.m[q].add(c[q]);
    s.ips.daysToPay.add(ips.daysToPay);
    s.ips.churned.add(ips.churned);
    s.paidEarly.add(t.dr[lever]!.paidEarly);
  };
  for (const t of terms) {
    const c = contrast(t, lever, costDays, config.churnCostDays);
    const ips = contrast(t, lever, costDays, config.churnCostDays, 'ips');
    const ctx = t.decision.context;
    add(portfolio, t, c, ips);
    if (!segments.has(ctx.segment)) segments.set(ctx.segment, newStats());
    add(segments.get(ctx.segment)!, t, c, ips);
    const key = cellKey(ctx);
    if (!cells.has(key)) cells.set(key, { segment: ctx.segment, stats: newStats() });
    add(cells.get(key)!.stats, t, c, ips);
    const id = t.decision.customerExternalId;
    if (id !== undefined) {
      if (!customers.has(id)) customers.set(id, { cell: key, stats: { daysToPay: new Moments(), churned: new Moments(), gain: new Moments() }, takeUp: new Moments() });
      const own = customers.get(id)!;
      for (const q of QUANTITIES) own.stats[q].add(c[q]);
      if (t.decision.action === lever) own.takeUp.add(t.decision.paidEarly ? 1 : 0);
    }
  }
  const pooled = Object.fromEntries(QUANTITIES.map((q) => [q, portfolio.m[q].variance])) as Record<Quantity, number>;
  const top = Object.fromEntries(
    QUANTITIES.map((q) => {
      const r = rawOf(portfolio, q, pooled[q]);
      return [q, { mean: round6(r.mean), variance: round6(r.variance), n: r.n, ownWeight: 1 }];
    }),
  ) as Record<Quantity, Posterior>;

  const shrinkLevel = <T>(groups: Map<string, T>, statsOf: (g: T) => GroupStats, parentOf: (key: string, g: T) => Record<Quantity, Posterior>) => {
    const out: Record<string, Record<Quantity, Posterior>> = {};
    for (const q of QUANTITIES) {
      const raws = [...groups].map(([key, g]) => ({ key, ...rawOf(statsOf(g), q, pooled[q]), parent: parentOf(key, g)[q] }));
      const tau2 = betweenVariance(raws.map((r) => ({ ...r, parentMean: r.parent.mean })), q);
      for (const r of raws) (out[r.key] ??= {} as Record<Quantity, Posterior>)[q] = combine(r, { mean: r.parent.mean, variance: tau2 + r.parent.variance });
    }
    return out;
  };
  const segmentPost = shrinkLevel(segments, (s) => s, () => top);
  const cellPost = shrinkLevel(cells, (c) => c.stats, (_, c) => segmentPost[c.segment]);

  // The customer level: τ² between customers of a cell, and the per-decision noise their own mean carries.
  const between = {} as Record<Quantity, number>;
  for (const q of QUANTITIES) {
    const rows = [...customers.values()].filter((c) => c.stats[q].n >= 2);
    const excess = rows.reduce((s, c) => s + (c.stats[q].mean - cellPost[c.cell][q].mean) ** 2 - pooled[q] / c.stats[q].n, 0) / Math.max(1, rows.length);
    between[q] = round6(Math.max(BETWEEN_FLOOR[q], rows.length >= 20 ? excess : 0));
  }
  // τ² of take-up: how far customers' own shares stray from their cell's beyond binomial noise.
  const offered = [...customers.values()].filter((c) => c.takeUp.n >= 2);
  const takeUpExcess = offered.reduce((s, c) => {
    const share = Math.min(1, Math.max(0, cells.get(c.cell)!.stats.paidEarly.mean));
    return s + (c.takeUp.mean - share) ** 2 - takeUpNoise(share) / c.takeUp.n;
  }, 0) / Math.max(1, offered.length);
  const takeUpBetween = round6(Math.max(TAKE_UP_BETWEEN_FLOOR, offered.length >= 20 ? takeUpExcess : 0));
  const sortedEntries = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => a.localeCompare(b));
  return {
    portfolio: estimateOf(portfolio, top),
    segments: Object.fromEntries(sortedEntries(segments).map(([k, s]) => [k, estimateOf(s, segmentPost[k])])),
    cells: Object.fromEntries(sortedEntries(cells).map(([k, c]) => [k, estimateOf(c.stats, cellPost[k])])),
    customer: { between, perDecisionVariance: Object.fromEntries(QUANTITIES.map((q) => [q, round6(pooled[q])])) as Record<Quantity, number>, takeUpBetween },
  };
}

export function buildEffectTable(terms: DecisionTerms[], points: DecisionPoints, config: IncentiveConfig): EffectTable {
  const costDays = discountCostDays(points, config);
  const table = { pre_due: {}, overdue: {} } as EffectTable;
  for (const stage of STAGES) {
    const own = terms.filter((t) => t.decision.stage === stage);
    if (own.length === 0) continue;
    for (const lever of STAGE_LEVERS[stage]) table[stage][lever] = leverEffects(own, lever, costDays, config);
  }
  return table;
}
