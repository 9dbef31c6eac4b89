// Delay creep: "always paid 7-10 days after the due date, now day 15".
// The baseline is the customer's own median / MAD of days late (undisputed
// invoices) before the recent run, with its yearly rhythm (Laplace model:
// heavy tails, so one 40-day invoice does not move it), shrunk toward the
// segment when the history is short. The recent run is the longest suffix of
// invoices that are all materially and surprisingly later than that baseline.
import type { DriftConfig } from '../config.js';
import { dateOfDay } from '../dates.js';
import { daysLateList, daysLatePhrase, plural, range, round } from '../format.js';
import type { DelaySequence } from '../prepare.js';
import {
  laplaceTailDistance,
  laplaceUpperSurprise,
  medianOf,
  robustSummary,
  segmentWeight,
  shrunkScale,
} from '../stats.js';
import type { DelayBaseline, DriftSignal, SegmentPrior } from '../types.js';
import { searchRun } from './run.js';
import { capped, signalScore } from './score.js';
import { fitSeason, NO_SEASON, seasonAt, yearPhase, type Season, type YearPhase } from './season.js';

interface Baseline {
  location: number;
  season: Season;
  scale: number;
  weight: number;
  summary: DelayBaseline;
}

function baselineOf(seq: DelaySequence, phase: YearPhase, nb: number, prior: SegmentPrior, config: DriftConfig): Baseline {
  const x = seq.daysLate;
  const own = robustSummary(x, 0, nb);
  // The yearly rhythm moves the expected delay; the spread stays the raw one
  // (measured: narrowing it by the fit made small baselines overconfident).
  const season =
    nb >= 3 && config.delay.seasonStrength > 0
      ? fitSeason(
          x,
          nb,
          phase,
          own.median,
          Math.max(3 * config.delay.minScaleDays, (2.5 * own.mad) / Math.LN2),
          config.delay.seasonStrength,
          config.delay.maxSeasonDays,
        )
      : NO_SEASON;
  const scale = shrunkScale(
    own,
    prior.daysLate.scale,
    config.scalePriorStrength,
    config.delay.minScaleDays,
    config.smallSampleWidening,
  );
  const weight = segmentWeight(nb, scale, prior.daysLate.between);
  const location = nb > 0 ? limitedShrink(own.median, prior.daysLate.median, weight, scale, nb) : prior.daysLate.median;
  return {
    location,
    season,
    scale,
    weight,
    summary: {
      invoices: nb,
      medianDaysLate: nb > 0 ? own.median : location,
      expectedDaysLate: location,
      low: nb > 0 ? own.p10 : location,
      high: nb > 0 ? own.p90 : location,
      scaleDays: scale,
      seasonalAmplitudeDays: Math.hypot(season.a, season.b),
    },
  };
}

/**
 * Empirical-Bayes shrinkage with limited translation (Efron & Morris): the
 * customer's median moves toward the segment's by at most one standard error,
 * so a customer whose few invoices are all 30 days late is not pulled to a
 * segment that pays early (which would make its usual 35 look like a creep).
 */
function limitedShrink(own: number, segment: number, weight: number, scale: number, n: number): number {
  const standardError = Math.sqrt((2 * scale * scale) / n);
  const move = Math.max(-standardError, Math.min(standardError, weight * (segment - own)));
  return own + move;
}

/**
 * Reads items [from, n) against the baseline (its level plus the customer's
 * usual seasonal offset at each due date). An item paid much earlier than
 * usual (an early-payment discount, a pre-payment) says nothing about the
 * payer's lateness habit and is skipped rather than ending the run; an item
 * paid as usual ends it.
 */
function runOf(seq: DelaySequence, phase: YearPhase, from: number, base: Baseline, config: DriftConfig) {
  const distance = Math.max(config.delay.minEffectDays, laplaceTailDistance(base.scale, config.itemTailProbability));
  // Later than the customer's own usual range too: a guard when a small sample's MAD is too narrow.
  const margin = config.delay.aboveRangeDays;
  const aboveRange = margin !== null && base.summary.invoices >= 5 ? base.summary.high + margin : -Infinity;
  let evidence = 0;
  let affected = 0;
  let unbroken = true;
  for (let i = from; i < seq.n; i++) {
    const x = seq.daysLate[i];
    const usual = base.location + seasonAt(base.season, phase, i);
    if (x >= Math.max(config.delay.minDaysLate, usual + distance, aboveRange)) {
      affected++;
      evidence += capped(laplaceUpperSurprise(x, usual, base.scale), config.maxItemEvidence);
    } else if (x > usual - distance) {
      unbroken = false;
    }
  }
  return { evidence, affected, unbroken };
}

interface Level {
  /** Latest invoices read, and those of them paid later than the segment usually pays. */
  read: number;
  items: number;
  evidence: number;
}

/**
 * Level, not change: the latest invoices read against the segment's usual
 * delays (its median, with the customers' spread around it added to the
 * within-customer one). It ranks customers below the alert band: one that
 * always pays two months late while its segment pays on time is no drift, but
 * is a risk a change score alone would rank last.
 */
function levelOf(seq: DelaySequence, prior: SegmentPrior, config: DriftConfig): Level {
  const scale = Math.max(config.delay.minScaleDays, Math.hypot(prior.daysLate.scale, prior.daysLate.between));
  const late = Math.max(
    config.delay.minDaysLate,
    prior.daysLate.median + Math.max(config.delay.minEffectDays, laplaceTailDistance(scale, config.itemTailProbability)),
  );
  const from = Math.max(0, seq.n - config.delay.levelItems);
  let items = 0;
  let evidence = 0;
  for (let i = from; i < seq.n; i++) {
    const x = seq.daysLate[i];
    if (x < late) continue;
    items++;
    evidence += capped(laplaceUpperSurprise(x, prior.daysLate.median, scale), config.maxItemEvidence);
  }
  return { read: seq.n - from, items, evidence };
}

export function detectDelayCreep(
  invoices: DelaySequence,
  prior: SegmentPrior,
  config: DriftConfig,
): DriftSignal<'delay_creep'> {
  const n = invoices.n;
  const x = invoices.daysLate;
  const phase = yearPhase(invoices.dueDay);
  const persistence = config.persistence.delay_creep;
  const threshold = config.evidenceThreshold.delay_creep;

  // Cheap exact screen: a run needs `persistence` invoices paid materially late among the recent ones.
  let lateRecent = 0;
  const window = Math.min(config.maxRecentItems, n - config.minBaselineItems);
  for (let i = Math.max(0, n - window); i < n; i++) if (x[i] >= config.delay.minDaysLate) lateRecent++;
  const { length, base, evidence, found } = searchRun(
    n,
    persistence,
    lateRecent >= persistence ? config.maxRecentItems : 0,
    config.minBaselineItems,
    (end) => baselineOf(invoices, phase, end, prior, config),
    (from, b) => {
      const run = runOf(invoices, phase, from, b, config);
      return { evidence: run.evidence, holds: run.unbroken && run.affected >= persistence };
    },
  );
  const flag = found && evidence >= threshold;
  const recentDays = x.slice(n - length).map(round);
  const level = levelOf(invoices, prior, config);
  const ranking = flag ? evidence : Math.max(evidence, config.delay.levelWeight * level.evidence);

  return {
    kind: 'delay_creep',
    score: signalScore(ranking, flag, threshold),
    flag,
    evidence,
    changeDate: flag ? dateOfDay(invoices.dueDay[n - length]) : null,
    baselineItems: n - length,
    segmentWeight: base.weight,
    detail: {
      baseline: base.summary,
      recent: {
        invoices: length,
        daysLate: recentDays,
        medianDaysLate: length ? medianOf(recentDays) : null,
        aboveSegment: level.items,
        levelEvidence: level.evidence,
      },
    },
    text: describe(base, recentDays, flag, prior, invoices.disputedLeftOut) + levelClause(level, flag, prior, config),
  };
}

/** Said only when it ranks the customer: a level the alert sentence does not already tell. */
function levelClause(level: Level, flag: boolean, prior: SegmentPrior, config: DriftConfig): string {
  if (flag || level.items === 0 || config.delay.levelWeight <= 0) return '';
  return `; ${level.items} of the latest ${plural(level.read, 'invoice')} paid later than the segment usually pays (${daysLatePhrase(prior.daysLate.median)})`;
}

function describe(base: Baseline, recent: number[], flag: boolean, prior: SegmentPrior, disputedLeftOut: number): string {
  const b = base.summary;
  let usual: string;
  if (b.invoices === 0) {
    usual = `no earlier settled invoice; the segment usually pays ${daysLatePhrase(prior.daysLate.median)}`;
  } else {
    usual = `usually pays ${daysLatePhrase(b.medianDaysLate)} (median of ${plural(b.invoices, 'invoice')}, range ${range(b.low, b.high)})`;
    if (base.weight >= 0.2) {
      usual += `; with so few invoices the baseline leans toward the segment's ${daysLatePhrase(prior.daysLate.median)}: ${daysLatePhrase(b.expectedDaysLate)}`;
    }
  }
  // Said where it explains a thin history, not on every customer with a dispute or two.
  const leftOut = disputedLeftOut > b.invoices;
  if (leftOut) usual += `; ${plural(disputedLeftOut, 'disputed invoice')} left out (a dispute's delay is not the habit)`;
  if (recent.length === 0) return leftOut ? usual : `${usual}; no settled invoice yet`;
  const last = `last ${plural(recent.length, 'invoice')} paid ${daysLateList(recent)}`;
  return flag ? `${usual}; ${last}` : `${usual}; ${last}: no lasting change`;
}
