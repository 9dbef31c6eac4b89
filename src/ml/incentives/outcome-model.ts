// The outcome model of the doubly-robust estimator: what a decision's outcome
// would be under each action, from what was known at the decision. A ridge
// regression on the "none" decisions gives the baseline (how fast this kind of
// customer pays anyway); each lever adds a shift per segment, shrunk to the
// lever's overall shift. It only has to be roughly right: the DR correction
// removes its bias wherever the logging policy explored.
import type { Decision, DecisionContext } from './decisions.js';
import { STAGE_LEVERS, STAGES, type Action, type Lever, type Stage } from './types.js';

export const OUTCOMES = ['daysToPay', 'churned', 'paidEarly'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export type OutcomeVector = Record<Outcome, number>;

export const outcomeOf = (d: Decision): OutcomeVector => ({
  daysToPay: d.daysToPay,
  churned: d.churned ? 1 : 0,
  paidEarly: d.paidEarly ? 1 : 0,
});

const RIDGE = 1;
/** Pseudo-decisions pulling a segment's lever shift to the lever's overall shift. */
const SHIFT_PRIOR = 20;

export interface StageOutcomeModel {
  segments: string[];
  /** Coefficients per outcome, in `features()` order. */
  baseline: Record<Outcome, number[]>;
  /** Shift per lever: overall and per segment. */
  shifts: Partial<Record<Lever, { overall: OutcomeVector; bySegment: Record<string, OutcomeVector> }>>;
}

export type OutcomeModel = Record<Stage, StageOutcomeModel>;

/** Features besides the segment indicators. */
const FIXED_FEATURES = 7;

function features(c: DecisionContext, segments: string[]): number[] {
  const late = c.priorDaysLate === null ? 0 : Math.max(-30, Math.min(90, c.priorDaysLate)) / 30;
  return [
    1,
    ...segments.map((s) => (c.segment === s ? 1 : 0)),
    c.payerBand === 'late' ? 1 : 0,
    c.payerBand === 'unknown' ? 1 : 0,
    late,
    c.riskBand === 'high' ? 1 : 0,
    c.riskBand === 'unknown' ? 1 : 0,
    c.logAmount - 4,
  ];
}

/** Solves (XᵀX + λI') b = Xᵀy, the intercept unpenalised (Gaussian elimination, partial pivoting). */
export function ridge(rows: number[][], y: number[], lambda: number): number[] {
  const k = rows[0]?.length ?? 0;
  const a = Array.from({ length: k }, (_, i) => new Array<number>(k + 1).fill(0).map((_, j) => (j === i && i > 0 ? lambda : 0)));
  rows.forEach((x, r) => {
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) a[i][j] += x[i] * x[j];
      a[i][k] += x[i] * y[r];
    }
  });
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    if (Math.abs(a[col][col]) < 1e-12) continue;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let j = col; j <= k; j++) a[r][j] -= f * a[col][j];
    }
  }
  return a.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[k] / row[i]));
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const dot = (b: number[], x: number[]) => b.reduce((s, v, i) => s + v * x[i], 0);
const zero = (): OutcomeVector => ({ daysToPay: 0, churned: 0, paidEarly: 0 });

function fitStage(decisions: Decision[], stage: Stage): StageOutcomeModel {
  const own = decisions.filter((d) => d.stage === stage);
  const segments = [...new Set(own.map((d) => d.context.segment))].sort();
  const none = own.filter((d) => d.action === 'none');
  const rows = none.map((d) => features(d.context, segments));
  const baseline = {} as Record<Outcome, number[]>;
  // Without any 'none' decision the baseline stays at zero and the lever shifts carry the level.
  for (const o of OUTCOMES) baseline[o] = rows.length ? ridge(rows, none.map((d) => outcomeOf(d)[o]), RIDGE).map(round6) : new Array<number>(FIXED_FEATURES + segments.length).fill(0);
  const model: StageOutcomeModel = { segments, baseline, shifts: {} };
  for (const lever of STAGE_LEVERS[stage]) {
    const treated = own.filter((d) => d.action === lever);
    const residuals = treated.map((d) => {
      const base = predictBaseline(model, d.context);
      const y = outcomeOf(d);
      return { segment: d.context.segment, r: { daysToPay: y.daysToPay - base.daysToPay, churned: y.churned - base.churned, paidEarly: y.paidEarly - base.paidEarly } };
    });
    const mean = (xs: OutcomeVector[], prior: OutcomeVector, strength: number): OutcomeVector => {
      const out = zero();
      for (const o of OUTCOMES) out[o] = round6((xs.reduce((s, x) => s + x[o], 0) + strength * prior[o]) / (xs.length + strength));
      return out;
    };
    const overall = mean(residuals.map((r) => r.r), zero(), 0.5);
    const bySegment: Record<string, OutcomeVector> = {};
    for (const s of segments) {
      const mine = residuals.filter((r) => r.segment === s).map((r) => r.r);
      if (mine.length) bySegment[s] = mean(mine, overall, SHIFT_PRIOR);
    }
    model.shifts[lever] = { overall, bySegment };
  }
  return model;
}

export function fitOutcomeModel(decisions: Decision[]): OutcomeModel {
  return Object.fromEntries(STAGES.map((s) => [s, fitStage(decisions, s)])) as OutcomeModel;
}

function clampOutcome(v: OutcomeVector, cap: number): OutcomeVector {
  return {
    daysToPay: Math.max(0, Math.min(cap, v.daysToPay)),
    churned: Math.max(0, Math.min(1, v.churned)),
    paidEarly: Math.max(0, Math.min(1, v.paidEarly)),
  };
}

function predictBaseline(m: StageOutcomeModel, c: DecisionContext): OutcomeVector {
  const x = features(c, m.segments);
  return { daysToPay: dot(m.baseline.daysToPay, x), churned: dot(m.baseline.churned, x), paidEarly: dot(m.baseline.paidEarly, x) };
}

/** Predicted outcome of `action` for a decision in context `c` (clamped to the possible range). */
export function predictOutcome(model: OutcomeModel, stage: Stage, c: DecisionContext, action: Action, cap: number): OutcomeVector {
  return predictActions(model, stage, c, [action], cap)[action]!;
}

/** Predicted outcomes of several actions at once (the baseline is computed once). */
export function predictActions(model: OutcomeModel, stage: Stage, c: DecisionContext, actions: readonly Action[], cap: number): Partial<Record<Action, OutcomeVector>> {
  const m = model[stage];
  const base = predictBaseline(m, c);
  const out: Partial<Record<Action, OutcomeVector>> = {};
  for (const action of actions) {
    if (action === 'none') {
      out[action] = clampOutcome(base, cap);
      continue;
    }
    const shift = m.shifts[action];
    const s = shift?.bySegment[c.segment] ?? shift?.overall ?? zero();
    out[action] = clampOutcome({ daysToPay: base.daysToPay + s.daysToPay, churned: base.churned + s.churned, paidEarly: base.paidEarly + s.paidEarly }, cap);
  }
  return out;
}
