// How a customer reacts to one reminder: bounces, machine opens (privacy
// proxies that fetch the pixel within minutes, whatever the hour), and human
// opens, clicks and replies at the customer's own hours. A reminder sent near
// the customer's preferred local hour is opened and answered more often and
// faster: that is the effect the send-time model has to learn.
import { MS_PER_HOUR, MS_PER_MINUTE, weekday } from './dates.js';
import type { Random } from './rng.js';
import { fromLocal, localDay, localHour } from './timezones.js';
import type { EngagementTraits } from './truth.js';

export const SEND_TIME_EFFECT = {
  /** Gaussian width (hours) of the benefit of sending near the preferred hour. */
  widthHours: 2.5,
  /** Open probability multiplier = openFloor + (1 - openFloor) * f(distance). */
  openFloor: 0.75,
  /** Reply probability multiplier = replyFloor + (1 - replyFloor) * f(distance). */
  replyFloor: 0.35,
  /** Sent within this many hours of the preferred hour on a weekday: read right away. */
  immediateWindowHours: 1.5,
  immediateLagMinutes: 25,
  machineOpenDelayMinutes: [0.5, 5],
  formula: 'f(d) = exp(-d^2 / (2 * widthHours^2)), d = circular distance in hours between local send hour and preferredReplyHour',
};

export function hourDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 24;
  return Math.min(d, 24 - d);
}

export function sendTimeFactor(localSendHour: number, preferredHour: number): number {
  const d = hourDistance(localSendHour, preferredHour);
  return Math.exp(-(d * d) / (2 * SEND_TIME_EFFECT.widthHours ** 2));
}

/** Next moment, after `afterMs`, when the person sits at their inbox (weekdays, around their hour). */
function nextSlot(rng: Random, traits: EngagementTraits, afterMs: number): number {
  let day = localDay(traits.timezone, afterMs);
  for (let i = 0; i < 10; i++, day++) {
    const w = weekday(day);
    if (w === 0 || w === 6) continue;
    const hour = Math.min(22, Math.max(6, traits.preferredReplyHour + rng.gaussian(0, traits.replyHourSpread)));
    const t = fromLocal(traits.timezone, day, hour);
    if (t > afterMs + 5 * MS_PER_MINUTE) return t;
  }
  return afterMs + 24 * MS_PER_HOUR;
}

function atDesk(traits: EngagementTraits, ms: number): boolean {
  const w = weekday(localDay(traits.timezone, ms));
  if (w === 0 || w === 6) return false;
  return hourDistance(localHour(traits.timezone, ms), traits.preferredReplyHour) <= SEND_TIME_EFFECT.immediateWindowHours;
}

/** The person's next reaction time: now-ish if at their desk, else at their next slot. */
function reactionTime(rng: Random, traits: EngagementTraits, fromMs: number): number {
  if (atDesk(traits, fromMs)) return fromMs + rng.exponential(SEND_TIME_EFFECT.immediateLagMinutes) * MS_PER_MINUTE + MS_PER_MINUTE;
  return nextSlot(rng, traits, fromMs);
}

export interface Engagement {
  openedAt: number | null;
  machineOpen: boolean;
  clickedAt: number | null;
  repliedAt: number | null;
  bouncedAt: number | null;
}

/**
 * `factor` scales human engagement (1 normally, tiny after an engagement drop);
 * machine opens are not affected by it, which is what makes opens misleading.
 */
export function reactToEmail(rng: Random, traits: EngagementTraits, sentMs: number, factor: number): Engagement {
  const f = sendTimeFactor(localHour(traits.timezone, sentMs), traits.preferredReplyHour);
  const draws = { machine: rng.next(), open: rng.next(), click: rng.next(), reply: rng.next() };
  const none: Engagement = { openedAt: null, machineOpen: false, clickedAt: null, repliedAt: null, bouncedAt: null };
  if (traits.emailBounces) return { ...none, bouncedAt: sentMs + rng.uniform(1, 3) * MS_PER_MINUTE };
  const result = { ...none };
  if (draws.machine < traits.machineOpenShare) {
    const [lo, hi] = SEND_TIME_EFFECT.machineOpenDelayMinutes;
    result.openedAt = sentMs + rng.uniform(lo, hi) * MS_PER_MINUTE;
    result.machineOpen = true;
  }
  const openP = traits.openPropensity * (SEND_TIME_EFFECT.openFloor + (1 - SEND_TIME_EFFECT.openFloor) * f) * factor;
  if (draws.open >= openP) return result;
  const humanOpen = reactionTime(rng, traits, sentMs);
  // With a proxy the pixel was already fetched: the human open stays invisible.
  if (!result.machineOpen) result.openedAt = humanOpen;
  if (draws.click < traits.clickPropensity) result.clickedAt = humanOpen + rng.exponential(3) * MS_PER_MINUTE;
  const replyP = traits.replyPropensity * (SEND_TIME_EFFECT.replyFloor + (1 - SEND_TIME_EFFECT.replyFloor) * f);
  // Clicks and replies are conditional on a human open, whose probability already carries `factor`.
  if (draws.reply < replyP) result.repliedAt = reactionTime(rng, traits, humanOpen + MS_PER_MINUTE);
  return result;
}

/** A collector's call: reached or not, more often at the customer's hours. */
export function reactToCall(rng: Random, traits: EngagementTraits, callMs: number, factor: number): number | null {
  const f = sendTimeFactor(localHour(traits.timezone, callMs), traits.preferredReplyHour);
  const reached = rng.next() < traits.callReachPropensity * (0.5 + 0.5 * f) * factor;
  return reached ? callMs + rng.uniform(2, 12) * MS_PER_MINUTE : null;
}

export function reactToSms(rng: Random, traits: EngagementTraits, sentMs: number, factor: number): number | null {
  const f = sendTimeFactor(localHour(traits.timezone, sentMs), traits.preferredReplyHour);
  const replied = rng.next() < traits.replyPropensity * 0.4 * (SEND_TIME_EFFECT.replyFloor + (1 - SEND_TIME_EFFECT.replyFloor) * f) * factor;
  return replied ? reactionTime(rng, traits, sentMs) : null;
}
