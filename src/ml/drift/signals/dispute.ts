// Dispute spike: "disputed about once a quarter, now every invoice". Settled
// invoices in the order they were settled; a Beta-Binomial test of the recent
// dispute count against the customer's (segment-smoothed) dispute rate.
import type { DriftConfig } from '../config.js';
import { dateOfDay } from '../dates.js';
import { oneIn, plural } from '../format.js';
import type { DisputeSequence } from '../prepare.js';
import type { DisputeWindow, DriftSignal, SegmentPrior } from '../types.js';
import { rateChange } from './rate.js';
import { signalScore } from './score.js';

export function detectDisputeSpike(
  invoices: DisputeSequence,
  prior: SegmentPrior,
  config: DriftConfig,
): DriftSignal<'dispute_spike'> {
  const threshold = config.evidenceThreshold.dispute_spike;
  const window = rateChange(
    invoices.disputed,
    prior.disputeRate,
    'rise',
    config.persistence.dispute_spike,
    config.dispute.minIncrease,
    config,
    config.maxRecentItems,
    config.dispute.breaks,
  );
  const nb = invoices.n - window.length;
  const flag = window.valid && nb >= config.minBaselineItems && window.evidence >= threshold;
  const baseline: DisputeWindow = { invoices: nb, disputed: window.baseCount };
  const recent: DisputeWindow = { invoices: window.length, disputed: window.recentCount };
  return {
    kind: 'dispute_spike',
    score: signalScore(window.evidence, flag, threshold),
    flag,
    evidence: window.evidence,
    changeDate: flag ? dateOfDay(invoices.issueDay[firstDisputed(invoices.disputed, nb)]) : null,
    baselineItems: nb,
    segmentWeight: config.priorStrength / (nb + config.priorStrength),
    detail: { baseline, recent },
    text: describe(baseline, recent, flag, prior),
  };
}

function firstDisputed(disputed: number[], from: number): number {
  for (let i = from; i < disputed.length; i++) if (disputed[i]) return i;
  return from;
}

function describe(b: DisputeWindow, r: DisputeWindow, flag: boolean, prior: SegmentPrior): string {
  const usual =
    b.invoices === 0
      ? `no earlier settled invoice; the segment disputes ${oneIn(prior.disputeRate)} invoices`
      : `disputed ${b.disputed} of ${plural(b.invoices, 'invoice')} before (${oneIn(b.disputed / b.invoices)})`;
  if (r.invoices === 0) return `${usual}; no settled invoice yet`;
  const last = `${r.disputed} of the last ${plural(r.invoices, 'invoice')} disputed`;
  return flag ? `${usual}; ${last}` : `${usual}; ${last}: no lasting change`;
}
