// Lever effects per segment: the model's estimates (raw doubly robust, raw
// IPS, shrunk) beside the true average effect on the same decisions.
import { STAGE_LEVERS, STAGES, type Action, type DecisionTerms, type IncentiveState } from '../../src/ml/incentives/index.js';
import type { TrueOutcome } from './world-data.js';

export interface Row {
  stage: string;
  segment: string;
  lever: string;
  n: number;
  trueDays: number;
  drDays: number;
  ipsDays: number;
  shrunkDays: number;
  trueChurn: number;
  drChurn: number;
  ipsChurn: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;

export function effectTable(state: IncentiveState, terms: DecisionTerms[], truth: (x: DecisionTerms, a: Action) => TrueOutcome): Row[] {
  const rows: Row[] = [];
  for (const stage of STAGES) {
    for (const lever of STAGE_LEVERS[stage]) {
      const e = state.effects[stage][lever];
      if (!e) continue;
      for (const [segment, est] of Object.entries(e.segments)) {
        const mine = terms.filter((x) => x.decision.stage === stage && x.decision.context.segment === segment);
        if (mine.length === 0) continue;
        let days = 0;
        let churn = 0;
        for (const x of mine) {
          const a = truth(x, lever);
          const b = truth(x, 'none');
          days += a.daysToPay - b.daysToPay;
          churn += a.churned - b.churned;
        }
        rows.push({
          stage,
          segment,
          lever,
          n: est.raw.n,
          trueDays: r2(days / mine.length),
          drDays: r2(est.raw.daysToPay),
          ipsDays: r2(est.raw.ipsDaysToPay),
          shrunkDays: r2(est.daysToPay.mean),
          trueChurn: r4(churn / mine.length),
          drChurn: r4(est.raw.churned),
          ipsChurn: r4(est.raw.ipsChurned),
        });
      }
    }
  }
  return rows;
}
