// Generator options. The defaults are the brief's demo platform "My Company
// North America": ~2,000 active customers, ~700 M USD a year, 24 months of history.
import type { DriftKind } from './types.js';
import type { EmailSource } from './inbound/source.js';
import { isIsoDate } from '../agenda/dates.js';

export interface WorldOptions {
  customers?: number;
  months?: number;
  seed?: number;
  /** Last day of history (the "today" of the snapshot), YYYY-MM-DD. */
  endDate?: string;
  /** Share of customers drifting, per kind (each kind drawn independently). */
  driftShare?: Partial<Record<DriftKind, number>>;
  /** Share of customers with high variance but no change (hard negatives). */
  noisyStableShare?: number;
  /** Mean yearly turnover per customer, USD (heavy-tailed around it). */
  meanAnnualTurnover?: number;
  /** Writes the inbound email text; defaults to the tiny internal fallback. */
  emailSource?: EmailSource;
}

export interface ResolvedOptions {
  customers: number;
  months: number;
  seed: number;
  endDate: string;
  driftShare: Record<DriftKind, number>;
  noisyStableShare: number;
  meanAnnualTurnover: number;
}

export const DRIFT_KINDS: readonly DriftKind[] = ['delay_creep', 'method_shift', 'engagement_drop', 'dispute_spike'];

/** Options no world can be generated from: what to fix, not a failure of the generator. */
export class WorldOptionsError extends Error {}

export function resolveOptions(options: WorldOptions = {}): ResolvedOptions {
  const customers = options.customers ?? 2000;
  const months = options.months ?? 24;
  const endDate = options.endDate ?? '2026-10-31';
  if (!Number.isInteger(customers) || customers < 1) throw new WorldOptionsError(`customers must be a positive integer, got ${customers}`);
  if (!Number.isInteger(months) || months < 6) throw new WorldOptionsError(`months must be an integer >= 6, got ${months}`);
  // The day arithmetic rolls a month 13 or a 45th over (2026-13-45 is 2027-02-14): a world ending on another day than asked.
  if (!isIsoDate(endDate)) throw new WorldOptionsError(`endDate must be a calendar day YYYY-MM-DD, got "${endDate}"`);
  return {
    customers,
    months,
    seed: options.seed ?? 42,
    endDate,
    driftShare: {
      delay_creep: 0.04,
      method_shift: 0.04,
      engagement_drop: 0.04,
      dispute_spike: 0.04,
      ...options.driftShare,
    },
    noisyStableShare: options.noisyStableShare ?? 0.04,
    meanAnnualTurnover: options.meanAnnualTurnover ?? 400_000,
  };
}
