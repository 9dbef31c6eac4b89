// Engagement drop: "always answered collection emails, now ignores them".
// Two readings of a reminder, each tested for a drop: replied, opened by a
// person (privacy-proxy opens carry no signal and are not opens); plus "any
// reaction" (a click counts there). The strongest persistent, material drop
// wins. Clicks alone are not tested: rare and optional, a run without them says
// little, and each extra reading tested is one more chance of a false alert.
// One pooled rate per reading, the tail probability of the recent count: tried
// instead on the tuning worlds (threshold chosen on seed 1, highest recall at
// precision ≥ 0.9), and dropped as no better than the noise of ~80 drifters:
// - a rate per kind of reminder (email, proxy-opened email, call, SMS; each
//   shrunk to its segment rate; sum of Beta-Binomials): seed 1 0.538 @ 0.924
//   against 0.577 @ 0.902, seed 3 0.547 against 0.573 (each at its best);
//   kinds split a customer's few reminders, and most false alerts (seed 1)
//   are runs of unopened plain emails, which no kind tells apart;
// - the likelihood ratio of "reactions fell to 1/10 of the usual" instead of
//   the tail: seed 1 0.628 @ 0.902, but seed 3 at the seed-1 threshold 0.600
//   @ 0.899, the same as the tail's 0.600 @ 0.899;
// - with that ratio, a prior strength of 1, 2, 5 or 8: seed 1 0.51-0.60
//   against 0.628 at 3; with the tail, a response window of 3, 4 or 5 days:
//   seed 1 0.538-0.564 against 0.577 at 7;
// - with the tail, the prior strength the portfolio itself implies (empirical
//   Bayes: between-customer variance of stable customers' reaction rates,
//   7.9 on seed 7) instead of 3: seed 1 0.474 @ 0.914 against 0.577 @ 0.902,
//   lower at every threshold from 2.4 to 3.4. Rates are spread evenly across
//   customers (nothing else in a customer's record predicts them), so a
//   stronger pull to the segment only blurs the customers who did react.
import type { DriftConfig } from '../config.js';
import { dateOfDay } from '../dates.js';
import { percent, plural } from '../format.js';
import type { ReminderSequence } from '../prepare.js';
import type { DriftSignal, EngagementRates, EngagementWindow, SegmentPrior } from '../types.js';
import { rateChange, type RateWindow } from './rate.js';
import { signalScore } from './score.js';

type Measure = keyof EngagementRates;
const MEASURES: Measure[] = ['any', 'reply', 'open'];

interface Series {
  flags: number[];
  /** Position of each item in the full reminder sequence. */
  at: number[];
}

/**
 * Opens and clicks exist only for emails; answers for every channel. An email
 * a privacy proxy opened hides whether a person opened it too: for the open
 * rate it is unknown, not unopened (clicks and replies still show).
 */
function seriesOf(r: ReminderSequence, measure: Measure): Series {
  const at: number[] = [];
  for (let i = 0; i < r.n; i++) {
    if ((measure === 'open' || measure === 'click') && !r.email[i]) continue;
    if (measure === 'open' && r.machineOpen[i]) continue;
    at.push(i);
  }
  const flags = at.map((i) =>
    measure === 'reply' ? r.replied[i]
    : measure === 'open' ? r.opened[i]
    : measure === 'click' ? r.clicked[i]
    : r.replied[i] | r.opened[i] | r.clicked[i],
  );
  return { flags, at };
}

function lastIgnored(r: ReminderSequence, measure: Measure, persistence: number): boolean {
  let seen = 0;
  for (let i = r.n - 1; i >= 0 && seen < persistence; i--) {
    if ((measure === 'open' || measure === 'click') && !r.email[i]) continue;
    if (measure === 'open' && r.machineOpen[i]) continue;
    const reacted = measure === 'reply' ? r.replied[i] : measure === 'open' ? r.opened[i] : r.clicked[i];
    if (reacted) return false;
    seen++;
  }
  return seen === persistence;
}

function windowCounts(r: ReminderSequence, from: number, to: number): EngagementWindow {
  const w: EngagementWindow = { communications: to - from, trackable: 0, replied: 0, opened: 0, clicked: 0, engaged: 0, machineOpens: 0 };
  for (let i = from; i < to; i++) {
    w.trackable += r.email[i] & (1 - r.machineOpen[i]);
    w.replied += r.replied[i];
    w.opened += r.opened[i];
    w.clicked += r.clicked[i];
    w.engaged += r.replied[i] | r.opened[i] | r.clicked[i];
    w.machineOpens += r.machineOpen[i];
  }
  return w;
}

/**
 * How much the share of emails a privacy proxy opened rose from before `from`
 * to after it. A mailbox moved behind a proxy (Apple Mail Privacy Protection,
 * say) hides the person's opens from then on: in the "any reaction" reading its
 * emails look ignored although only the mail client changed.
 */
function proxyShareRise(r: ReminderSequence, from: number): number {
  const share = (lo: number, hi: number) => {
    let emails = 0;
    let proxied = 0;
    for (let i = lo; i < hi; i++) {
      emails += r.email[i];
      proxied += r.email[i] & r.machineOpen[i];
    }
    return emails ? proxied / emails : 0;
  };
  return share(from, r.n) - share(0, from);
}

export function detectEngagementDrop(
  reminders: ReminderSequence,
  prior: SegmentPrior,
  config: DriftConfig,
): DriftSignal<'engagement_drop'> {
  const persistence = config.persistence.engagement_drop;
  const threshold = config.evidenceThreshold.engagement_drop;
  let best: { measure: Measure; window: RateWindow; series: Series } | null = null;
  let soft: { measure: Measure; window: RateWindow; series: Series } | null = null;
  let proxySwitch = false;
  for (const measure of MEASURES) {
    // Only a measure whose latest reminders were all ignored can alert; 'any' also gives the reading below alerts.
    if (measure !== 'any' && !lastIgnored(reminders, measure, persistence)) continue;
    const series = seriesOf(reminders, measure);
    const window = rateChange(
      series.flags,
      prior.engagement[measure],
      'drop',
      persistence,
      config.engagement.minDrop,
      config,
      config.engagement.maxRecentItems,
    );
    // Replies do not depend on the mail client; opens already leave proxied emails out.
    const switched =
      measure === 'any' && window.valid &&
      proxyShareRise(reminders, series.at[series.flags.length - window.length]) >= config.engagement.proxySwitchShare;
    if (switched) proxySwitch = true;
    else if (window.valid && (!best || window.evidence > best.window.evidence)) best = { measure, window, series };
    if (measure === 'any') soft = { measure, window, series };
  }
  const chosen = (best ?? soft)!;
  const { window, series } = chosen;
  const n = reminders.n;
  const ownBaseline = series.flags.length - window.length;
  // The windows in the full sequence: from the first reminder of the recent window on.
  const nb = window.length === 0 ? n : series.at[ownBaseline];
  const flag = !!best && ownBaseline >= config.minBaselineItems && window.evidence >= threshold;
  const baseline = windowCounts(reminders, 0, nb);
  const recent = windowCounts(reminders, nb, n);
  return {
    kind: 'engagement_drop',
    score: signalScore(window.evidence, flag, threshold),
    flag,
    evidence: window.evidence,
    changeDate: flag ? dateOfDay(reminders.sentDay[nb]) : null,
    baselineItems: ownBaseline,
    segmentWeight: config.priorStrength / (ownBaseline + config.priorStrength),
    detail: { baseline, recent, measure: best ? chosen.measure : null },
    text: describe(baseline, recent, best ? chosen.measure : 'any', flag, prior, proxySwitch && !flag),
  };
}

const VERB: Record<Measure, string> = {
  any: 'reacted to (reply, open or click)',
  reply: 'replied to',
  open: 'opened',
  click: 'clicked',
};

function count(w: EngagementWindow, measure: Measure): number {
  return measure === 'any' ? w.engaged : measure === 'reply' ? w.replied : measure === 'open' ? w.opened : w.clicked;
}

/** Reminders that could show the measure: only emails no proxy opened can show an open or a click. */
function outOf(w: EngagementWindow, measure: Measure): number {
  return measure === 'open' || measure === 'click' ? w.trackable : w.communications;
}

function describe(
  b: EngagementWindow,
  r: EngagementWindow,
  measure: Measure,
  flag: boolean,
  prior: SegmentPrior,
  proxySwitch: boolean,
): string {
  const verb = VERB[measure];
  const noun = measure === 'open' || measure === 'click' ? 'email' : 'reminder';
  const before = outOf(b, measure);
  const usual =
    before === 0
      ? `no earlier ${noun}; the segment ${verb} ${percent(prior.engagement[measure])} of reminders`
      : `${verb} ${count(b, measure)} of ${plural(before, noun)} before (${percent(count(b, measure) / before)})`;
  if (outOf(r, measure) === 0) return `${usual}; no ${noun} to read yet`;
  let last = `${count(r, measure)} of the last ${plural(outOf(r, measure), noun)}`;
  if (r.machineOpens > 0) last += ` (${plural(r.machineOpens, 'open')} by a privacy proxy not counted)`;
  if (flag) return `${usual}; ${last}`;
  if (proxySwitch) return `${usual}; ${last}: a privacy proxy now opens their emails, so opens no longer show; replies did not drop`;
  return `${usual}; ${last}: no lasting change`;
}
