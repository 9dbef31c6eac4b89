// How likely the logging policy was to take each decision's action. Offer rows
// carry the propensity of the lever chosen; "none" leaves no row, so its
// propensity is 1 minus the levers the policy could have chosen for that
// customer: the customer's own logged propensities where seen (the policy's
// odds are a property of the customer), else those logged for customers of
// the same segment and risk band, else the log's frequencies.
import type { Decision } from './decisions.js';
import { STAGE_LEVERS, type Lever, type Stage } from './types.js';

/** "none" is never treated as rarer than this (variance control). */
const MIN_NONE_PROPENSITY = 0.05;

export interface LeverOdds {
  /** Median logged propensity (null when the log never carries one). */
  logged: number | null;
  /** Share of the group's decisions that took the lever. */
  frequency: number;
}

export interface PropensityGroup {
  decisions: number;
  levers: Partial<Record<Lever, LeverOdds>>;
}

/** By stage, then by `segment|riskBand` and by `segment`. */
export type PropensityTable = Record<Stage, Record<string, PropensityGroup>>;

const groupKeys = (d: Decision) => [`${d.context.segment}|${d.context.riskBand}`, d.context.segment, '*'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

export function fitPropensities(decisions: Decision[]): PropensityTable {
  const acc: Record<Stage, Map<string, { n: number; taken: Map<Lever, number>; logged: Map<Lever, number[]> }>> = {
    pre_due: new Map(),
    overdue: new Map(),
  };
  for (const d of decisions) {
    for (const key of groupKeys(d)) {
      let g = acc[d.stage].get(key);
      if (!g) acc[d.stage].set(key, (g = { n: 0, taken: new Map(), logged: new Map() }));
      g.n++;
      if (d.action === 'none') continue;
      g.taken.set(d.action, (g.taken.get(d.action) ?? 0) + 1);
      if (d.loggedPropensity === null) continue;
      const logged = g.logged.get(d.action);
      if (logged) logged.push(d.loggedPropensity);
      else g.logged.set(d.action, [d.loggedPropensity]);
    }
  }
  const table = { pre_due: {}, overdue: {} } as PropensityTable;
  for (const stage of Object.keys(acc) as Stage[]) {
    for (const [key, g] of [...acc[stage]].sort(([a], [b]) => a.localeCompare(b))) {
      const levers: PropensityGroup['levers'] = {};
      for (const lever of STAGE_LEVERS[stage]) {
        const logged = g.logged.get(lever);
        levers[lever] = { logged: logged?.length ? round6(median(logged)) : null, frequency: round6((g.taken.get(lever) ?? 0) / g.n) };
      }
      table[stage][key] = { decisions: g.n, levers };
    }
  }
  return table;
}

function oddsFor(table: PropensityTable, d: Decision, lever: Lever): number {
  const groups = groupKeys(d).map((k) => table[d.stage][k]).filter((g): g is PropensityGroup => !!g);
  for (const g of groups) {
    const logged = g.levers[lever]?.logged;
    if (logged !== null && logged !== undefined) return logged;
  }
  for (const g of groups) if (g.decisions >= 20) return g.levers[lever]?.frequency ?? 0;
  return groups[groups.length - 1]?.levers[lever]?.frequency ?? 0;
}

/** Propensity of each decision's action; decisions must be one customer's (their own odds are reused). */
export function customerPropensities(decisions: Decision[], table: PropensityTable): number[] {
  const own = new Map<string, number>();
  for (const d of decisions) if (d.action !== 'none' && d.loggedPropensity !== null) own.set(`${d.stage}|${d.action}`, d.loggedPropensity);
  const odds = (d: Decision, lever: Lever) => own.get(`${d.stage}|${lever}`) ?? oddsFor(table, d, lever);
  return decisions.map((d) => {
    if (d.action !== 'none') return Math.max(1e-3, d.loggedPropensity ?? odds(d, d.action));
    const levers = STAGE_LEVERS[d.stage].reduce((s, l) => s + odds(d, l), 0);
    return Math.min(1, Math.max(MIN_NONE_PROPENSITY, 1 - levers));
  });
}
