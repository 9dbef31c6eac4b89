// Why this hour, in a collector's words and with the numbers behind them.
import type { Reason } from '../model.js';
import type { SendTimeEstimate } from './estimate.js';
import { hourDistance } from './local-time.js';
import type { SendTimeState } from './state.js';
import type { CustomerObservations, SendTimeRecommendation } from './types.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function formatHour(hour: number): string {
  const h = ((Math.round(hour) % 24) + 24) % 24;
  if (h === 0) return 'midnight';
  if (h === 12) return 'noon';
  return h < 12 ? `${h} am` : `${h - 12} pm`;
}

/** "8–10 am", "11 am–1 pm". */
export function formatHourRange(from: number, to: number): string {
  const a = formatHour(from);
  const b = formatHour(to);
  const [an, as] = a.split(' ');
  const [bn, bs] = b.split(' ');
  return as && as === bs ? `${an}–${bn} ${bs}` : `${a}–${b}`;
}

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function sendTimeReasons(
  obs: CustomerObservations,
  est: SendTimeEstimate,
  rec: SendTimeRecommendation,
  state: SendTimeState,
): Reason[] {
  const reasons: Reason[] = [];
  const best = rec.bestHour;
  const window = formatHourRange(best - 1, best + 1);
  // One pass: reminders sent near the best hour vs the others, and where the person's actions fall.
  const near = { sent: 0, reacted: 0, replied: 0 };
  const far = { sent: 0, reacted: 0, replied: 0 };
  let actions = 0;
  let actionsNear = 0;
  for (const s of obs.sends) {
    const side = hourDistance(s.localHour, best) <= 1 ? near : far;
    side.sent++;
    if (s.actionHours.length > 0) side.reacted++;
    if (s.replied) side.replied++;
    for (const h of s.actionHours) {
      actions++;
      if (hourDistance(h, best) <= 1) actionsNear++;
    }
  }
  if (near.replied + far.replied > 0) {
    reasons.push({
      factor: 'repliedNearBestHour',
      text: `replied to ${near.replied} of ${plural(near.sent, 'reminder')} sent ${window}, ${far.replied} of ${far.sent} sent at other hours`,
      value: near.sent ? near.replied / near.sent : null,
    });
  }
  if (obs.sends.length > 0) {
    reasons.push({
      factor: 'reactedNearBestHour',
      text: `a person opened, clicked or replied to ${near.reacted} of ${plural(near.sent, 'reminder')} sent ${window}, ${far.reacted} of ${far.sent} sent at other hours`,
      value: near.sent ? near.reacted / near.sent : null,
    });
  }
  if (actions > 0) {
    reasons.push({
      factor: 'humanActionHours',
      text: `${actionsNear} of the person's ${plural(actions, 'open')}, clicks and replies happened ${window}`,
      value: actions ? actionsNear / actions : null,
    });
  }
  if (obs.machineOpensIgnored > 0) {
    reasons.push({
      factor: 'machineOpensIgnored',
      text: `${plural(obs.machineOpensIgnored, 'open')} by a privacy proxy ignored (no person behind them)`,
      value: obs.machineOpensIgnored,
    });
  }
  if (obs.paymentResponses > 0 && est.actions < 3) {
    reasons.push({
      factor: 'paymentsAfterReminder',
      text: `${plural(obs.paymentResponses, 'payment')} within ${state.config.paymentWindowDays} days of a reminder counted as weak responses`,
      value: obs.paymentResponses,
    });
  }
  if (est.actions < 3 || est.confidence < 0.5) {
    const who = est.segmentPrior ? `${obs.segment} customers` : 'the portfolio';
    reasons.push({
      factor: 'segmentHabit',
      text: `little own evidence (${plural(est.actions, 'human action')}): leaning on the usual hour of ${who}, ${formatHour(est.prior.usualHour)} (${est.prior.customersWithActions} customers with timed answers)`,
      weight: 1 - est.confidence,
      value: est.prior.usualHour,
    });
  }
  reasons.push({
    factor: 'vsDefault',
    text: `expected response ${pct(rec.expectedResponseRate)} at ${formatHour(best)} vs ${pct(rec.defaultResponseRate)} at the portfolio default of ${formatHour(rec.defaultHour)}`,
    weight: rec.vsDefault,
    value: rec.vsDefault,
  });
  if (rec.bestWeekday !== undefined) {
    reasons.push({ factor: 'bestWeekday', text: `answers clearly more often on ${WEEKDAYS[rec.bestWeekday]}s`, value: WEEKDAYS[rec.bestWeekday] });
  }
  reasons.push({
    factor: 'timezone',
    text: obs.timezoneKnown
      ? `hours are the customer's local time (${obs.timezone})`
      : `timezone unknown: hours read in ${obs.timezone}, the portfolio's most common zone`,
    value: obs.timezone,
  });
  return reasons;
}
