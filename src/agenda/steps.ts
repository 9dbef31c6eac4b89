// A dunning scenario's steps as the AR platform writes them: the import
// refuses a malformed list whole, and the planner reads stored steps with the
// same rules, so a step the import would refuse never reaches a collector.
import type { DunningStep } from './types.js';
import { excerpt } from '../util/quote.js';

/** Also the channels of the communications the platform reports. */
export const STEP_CHANNELS = ['email', 'letter', 'sms', 'call'] as const;
// A pre-due reminder a year ahead or a step two years after the due date is a
// typo (days typed as hours, a sign lost), and a day far enough out breaks dates.
export const STEP_DAY_MIN = -365;
export const STEP_DAY_MAX = 730;
export const STEP_LEVEL_MAX = 10;
export const MAX_STEPS = 50;

const KEYS = new Set(['dayOffset', 'channel', 'level', 'template', 'automatic']);

const isInt = (v: unknown, min: number, max: number): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** What is wrong with one step, or null. */
export function stepProblem(raw: unknown): string | null {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return 'must be an object { dayOffset, channel, level, template, automatic }';
  const o = raw as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length > 0) return `has unknown keys ${excerpt(unknown.join(', '))} (known: ${[...KEYS].join(', ')})`;
  if (!isInt(o.dayOffset, STEP_DAY_MIN, STEP_DAY_MAX)) return `dayOffset must be a whole number of days from ${STEP_DAY_MIN} to ${STEP_DAY_MAX}`;
  if (!STEP_CHANNELS.includes(o.channel as (typeof STEP_CHANNELS)[number])) return `channel must be one of ${STEP_CHANNELS.join(', ')}`;
  if (o.level !== undefined && o.level !== null && !isInt(o.level, 0, STEP_LEVEL_MAX)) return `level must be a whole number from 0 to ${STEP_LEVEL_MAX}`;
  if (o.template !== undefined && o.template !== null && typeof o.template !== 'string') return 'template must be text';
  if (o.automatic !== undefined && o.automatic !== null && typeof o.automatic !== 'boolean') return 'automatic must be true or false';
  return null;
}

/** What is wrong with a list of steps, or null. */
export function stepsProblem(raw: unknown): string | null {
  if (!Array.isArray(raw)) return 'steps must be a list of steps';
  if (raw.length > MAX_STEPS) return `steps must hold at most ${MAX_STEPS} steps`;
  for (const [i, step] of raw.entries()) {
    const problem = stepProblem(step);
    if (problem) return `steps[${i}] ${problem}`;
  }
  return null;
}

/** Steps as stored JSON, kept only when well-formed, in day order. */
export function readSteps(raw: unknown): DunningStep[] {
  if (!Array.isArray(raw)) return [];
  const steps: DunningStep[] = [];
  for (const s of raw) {
    if (stepProblem(s) !== null) continue;
    const o = s as Record<string, unknown>;
    steps.push({
      dayOffset: o.dayOffset as number,
      channel: o.channel as string,
      level: typeof o.level === 'number' ? o.level : steps.length + 1,
      template: typeof o.template === 'string' ? o.template : null,
      automatic: o.automatic === true,
    });
  }
  // Stable sort: steps on the same day keep their written order.
  return steps.map((s, i) => ({ s, i })).sort((a, b) => a.s.dayOffset - b.s.dayOffset || a.i - b.i).map(({ s }) => s);
}
