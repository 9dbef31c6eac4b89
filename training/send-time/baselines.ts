// Simple send-hour rules the model is compared with: what a team would do
// without it (one hour for everyone, the mode of open times), and an oracle
// that knows each customer's true desk hour (the ceiling).
import { hourDistance, isKnownZone, localClock, type SendTimeInput } from '../../src/ml/send-time/index.js';

/** Most frequent local hour (±1 h smoothing) within the send window, or `fallback` without data. */
export function modeHour(hours: number[], window: [number, number], fallback: number): number {
  if (hours.length === 0) return fallback;
  const counts = new Float64Array(24);
  for (const h of hours) counts[Math.round(h) % 24]++;
  let best = fallback;
  let bestScore = -1;
  for (let h = window[0]; h <= window[1]; h++) {
    const score = 2 * counts[h] + counts[(h + 23) % 24] + counts[(h + 1) % 24];
    if (score > bestScore) [best, bestScore] = [h, score];
  }
  return best;
}

function openHours(input: SendTimeInput, fallbackZone: string, humanOnly: boolean): number[] {
  const zone = isKnownZone(input.timezone) ? input.timezone : fallbackZone;
  const asOf = input.asOf ? Date.parse(input.asOf) : Number.POSITIVE_INFINITY;
  const hours: number[] = [];
  for (const c of input.communications) {
    const stamps = humanOnly ? [c.machineOpen ? null : c.openedAt, c.clickedAt, c.repliedAt] : [c.openedAt];
    for (const s of stamps) if (s && Date.parse(s) < asOf) hours.push(localClock(zone, Date.parse(s)).hour);
  }
  return hours;
}

/** "Send when they open": every open, proxy opens included (the trap the model avoids). */
export function naiveOpenHour(input: SendTimeInput, window: [number, number], fallback: number, zone: string): number {
  return modeHour(openHours(input, zone, false), window, fallback);
}

/** Mode of a person's opens, clicks and replies, without shrinkage to the segment. */
export function humanModeHour(input: SendTimeInput, window: [number, number], fallback: number, zone: string): number {
  return modeHour(openHours(input, zone, true), window, fallback);
}

/** The true desk hour rounded to a whole hour inside the window (synthetic truth). */
export function oracleHour(preferred: number, window: [number, number]): number {
  let best = window[0];
  for (let h = window[0]; h <= window[1]; h++) if (hourDistance(h, preferred) < hourDistance(best, preferred)) best = h;
  return best;
}
