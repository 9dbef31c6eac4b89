// Change of a yes/no rate (reminder answered, invoice disputed) between the
// customer's baseline and a recent window. The baseline rate is a Beta
// posterior (segment rate as `priorStrength` pseudo-items plus own counts), so
// a customer seen five times is not "always" anything; the surprise of the
// recent window is its Beta-Binomial tail probability.
import type { DriftConfig } from '../config.js';
import { betaBinomialTailSurprise } from '../stats.js';

const MIN_PRIOR_RATE = 0.01;

export interface RateWindow {
  /** Recent items: [n - length, n). */
  length: number;
  baseCount: number;
  recentCount: number;
  /** Posterior mean of the baseline rate. */
  baseRate: number;
  evidence: number;
  /** Persistent and material: the last items all changed, and the rate moved enough. */
  valid: boolean;
}

function windowOf(
  flags: number[],
  length: number,
  priorRate: number,
  direction: 'drop' | 'rise',
  config: DriftConfig,
): Omit<RateWindow, 'valid'> {
  const nb = flags.length - length;
  let baseCount = 0;
  for (let i = 0; i < nb; i++) baseCount += flags[i];
  let recentCount = 0;
  for (let i = nb; i < flags.length; i++) recentCount += flags[i];
  // A segment that never did it (rate 0) still leaves the possibility open: Beta(0, b) is no prior.
  const rate = Math.min(1 - MIN_PRIOR_RATE, Math.max(MIN_PRIOR_RATE, priorRate));
  const a = config.priorStrength * rate + baseCount;
  const b = config.priorStrength * (1 - rate) + nb - baseCount;
  const evidence = length ? betaBinomialTailSurprise(recentCount, length, a, b, direction === 'drop') : 0;
  return { length, baseCount, recentCount, baseRate: a / (a + b), evidence };
}

/**
 * Persistent: the latest item shows the new behaviour and so do at least
 * `persistence` of the last `persistence + breaks` items. A break lets one
 * usual item (the one invoice in ten a disputing customer still accepts)
 * interrupt a run without hiding it.
 */
function isPersistent(flags: number[], changed: number, persistence: number, breaks: number): boolean {
  const n = flags.length;
  if (n < persistence || flags[n - 1] !== changed) return false;
  let count = 0;
  for (let i = Math.max(0, n - persistence - breaks); i < n; i++) if (flags[i] === changed) count++;
  return count >= persistence;
}

/**
 * The most surprising recent window that is persistent (see isPersistent)
 * and material (rate moved by `minChange`), or, when none is, the last
 * `persistence` items as a non-alerting reading.
 */
export function rateChange(
  flags: number[],
  priorRate: number,
  direction: 'drop' | 'rise',
  persistence: number,
  minChange: number,
  config: DriftConfig,
  maxRecentItems = config.maxRecentItems,
  breaks = 0,
): RateWindow {
  const n = flags.length;
  const changed = direction === 'drop' ? 0 : 1;
  const persistent = isPersistent(flags, changed, persistence, breaks);

  let best: RateWindow | null = null;
  if (persistent) {
    for (let length = persistence; length <= Math.min(maxRecentItems, n - config.minBaselineItems); length++) {
      const w = windowOf(flags, length, priorRate, direction, config);
      const move = direction === 'drop' ? w.baseRate - w.recentCount / length : w.recentCount / length - w.baseRate;
      if (move >= minChange && (!best || w.evidence > best.evidence)) best = { ...w, valid: true };
    }
  }
  return best ?? { ...windowOf(flags, Math.min(persistence, n), priorRate, direction, config), valid: false };
}
