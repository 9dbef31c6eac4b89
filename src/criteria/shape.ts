// The first gate for any criteria, typed or generic: is it plain JSON, small and
// shallow enough to walk, and free of prototype keys? Everything after this
// may recurse without fear of a stack overflow or a prototype lookup.

import { CriteriaError } from './errors.js';
import { FORBIDDEN_SEGMENTS } from './registry.js';

export interface CriteriaLimits {
  /** Nesting of arrays and objects; a saved search rarely needs more than 8. */
  maxDepth: number;
  /** Every JSON value counts as one node, list items included. */
  maxNodes: number;
  maxStringLength: number;
  /** Largest magnitude of a number in the criteria, the smallest non-zero one being its inverse; unset, any finite number. */
  maxNumber?: number;
}

export const DEFAULT_LIMITS: CriteriaLimits = { maxDepth: 32, maxNodes: 2000, maxStringLength: 10_000 };

/**
 * For criteria a user submits. Numbers in a credit-management search are
 * amounts, days, rates and scores: beyond 1e15 (a thousand trillion) or below
 * 1e-15 they are typos, and such literals are what make arithmetic overflow.
 * Stored criteria are read with DEFAULT_LIMITS, without this bound, so a search
 * saved before it keeps running (its arithmetic is guarded, see arith.ts)
 * instead of stopping every assignment run that uses it.
 */
export const INPUT_LIMITS: CriteriaLimits = { ...DEFAULT_LIMITS, maxNumber: 1e15 };

/** Appends segments to a JSON Pointer (RFC 6901). */
export function pointer(base: string, ...segments: (string | number)[]): string {
  let out = base;
  for (const s of segments) out += '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1');
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function checkShape(json: unknown, limits: CriteriaLimits = DEFAULT_LIMITS): void {
  let nodes = 0;
  const visit = (v: unknown, path: string, depth: number): void => {
    nodes += 1;
    if (nodes > limits.maxNodes) {
      throw new CriteriaError(
        'AR_ERR_CRITERIA_TOO_LARGE',
        `criteria have more than ${limits.maxNodes} values; split the search or use fewer list items`,
        { path, details: { maxNodes: limits.maxNodes } },
      );
    }
    if (v === null || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw malformed(path, 'numbers must be finite');
      if (limits.maxNumber !== undefined) checkMagnitude(v, path, limits.maxNumber);
      return;
    }
    if (typeof v === 'string') {
      if (v.length > limits.maxStringLength) {
        throw new CriteriaError('AR_ERR_CRITERIA_TOO_LARGE', `text longer than ${limits.maxStringLength} characters`, {
          path,
          details: { maxStringLength: limits.maxStringLength },
        });
      }
      return;
    }
    if (depth >= limits.maxDepth) {
      throw new CriteriaError(
        'AR_ERR_CRITERIA_TOO_DEEP',
        `criteria nest deeper than ${limits.maxDepth} levels; flatten nested and/or groups`,
        { path, details: { maxDepth: limits.maxDepth } },
      );
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) visit(v[i], pointer(path, i), depth + 1);
      return;
    }
    if (!isPlainObject(v)) throw malformed(path, `a ${typeof v} is not a JSON value`);
    for (const key of Object.keys(v)) {
      const at = pointer(path, key);
      if (FORBIDDEN_SEGMENTS.has(key)) throw forbidden(at, key);
      visit(v[key], at, depth + 1);
    }
  };
  visit(json, '', 0);
}

export function forbidden(path: string, segment: string): CriteriaError {
  return new CriteriaError(
    'AR_ERR_CRITERIA_FORBIDDEN_PATH',
    `"${segment}" is not allowed in a criteria path (it would reach object internals)`,
    { path, details: { segment } },
  );
}

function checkMagnitude(v: number, path: string, max: number): void {
  const size = Math.abs(v);
  if (size === 0 || (size <= max && size >= 1 / max)) return;
  throw new CriteriaError(
    'AR_ERR_CRITERIA_VALUE',
    `${v} is too ${size > max ? 'large' : 'small'} for a saved search: numbers are 0 or between ${1 / max} and ${max} in magnitude; is it a typo?`,
    { path, details: { minMagnitude: 1 / max, maxMagnitude: max } },
  );
}

function malformed(path: string, why: string): CriteriaError {
  return new CriteriaError('AR_ERR_CRITERIA_MALFORMED', `criteria must be plain JSON: ${why}`, { path });
}
