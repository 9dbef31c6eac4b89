// JsonLogic conformance of the generic evaluator (POST /v1/criteria/evaluate):
// the official suite (tests.json, 277 cases) and the community compat-tables
// suites (1,138 cases), read from the shared data folder, never copied here.
// Every case whose operators the evaluator supports must pass; any other case
// must be refused with a coded CriteriaError, never a crash.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedDataPath } from '../../training/datasets/shared-data.js';
import { CriteriaError, DATA_ONLY_OPERATORS, evaluateRecord, SAVED_SEARCH_OPERATORS } from '../../src/criteria/index.js';

const DIR = process.env.JSONLOGIC_SUITES_DIR ?? sharedDataPath('jsonlogic-tests');
const SUPPORTED = new Set<string>([...SAVED_SEARCH_OPERATORS, ...DATA_ONLY_OPERATORS]);

interface Case {
  description: string;
  rule: unknown;
  data: unknown;
  result?: unknown;
  error?: { type: string };
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(join(DIR, file), 'utf8'));

function officialCases(): Case[] {
  return (readJson('tests.json') as unknown[])
    .filter((t): t is [unknown, unknown, unknown] => Array.isArray(t))
    .map(([rule, data, result]) => ({ description: JSON.stringify(rule), rule, data, result }));
}

function communityFiles(): string[] {
  return readJson('compat-tables-suites/index.json') as string[];
}

function communityCases(file: string): Case[] {
  return (readJson(join('compat-tables-suites', file)) as unknown[]).filter((t): t is Case => typeof t === 'object' && t !== null);
}

function operatorsOf(rule: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(rule)) rule.forEach((r) => operatorsOf(r, into));
  else if (rule !== null && typeof rule === 'object') {
    const keys = Object.keys(rule);
    if (keys.length === 1) into.add(keys[0]);
    keys.forEach((k) => operatorsOf((rule as Record<string, unknown>)[k], into));
  }
  return into;
}

/** JSON equality (so -0 equals 0, as JSON has no -0). */
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

type Outcome = 'pass' | 'refused' | string;

function run(c: Case): Outcome {
  const inSubset = [...operatorsOf(c.rule)].every((op) => SUPPORTED.has(op));
  try {
    const { result } = evaluateRecord(c.rule, c.data ?? null);
    if (!inSubset) return `accepted an unsupported operator: ${c.description}`;
    if (c.error) return `${c.description}: expected error ${c.error.type}, got ${JSON.stringify(result)}`;
    return sameJson(result, c.result) ? 'pass' : `${c.description}: expected ${JSON.stringify(c.result)}, got ${JSON.stringify(result)}`;
  } catch (e) {
    if (!(e instanceof CriteriaError)) return `${c.description}: crashed with ${String(e)}`;
    if (!inSubset) return e.code === 'AR_ERR_CRITERIA_UNKNOWN_OPERATOR' ? 'refused' : `${c.description}: refused with ${e.code}`;
    if (c.error && e.jsonLogicType === c.error.type) return 'pass';
    return `${c.description}: ${e.code} (${e.jsonLogicType ?? '-'}) ${e.message}`;
  }
}

const tally: Record<string, { cases: number; passed: number; refused: number }> = {};

function check(suite: string, cases: Case[]): void {
  const outcomes = cases.map(run);
  const t = (tally[suite] ??= { cases: 0, passed: 0, refused: 0 });
  t.cases += cases.length;
  t.passed += outcomes.filter((o) => o === 'pass').length;
  t.refused += outcomes.filter((o) => o === 'refused').length;
  expect(outcomes.filter((o) => o !== 'pass' && o !== 'refused')).toEqual([]);
}

describe.skipIf(!existsSync(DIR))('when the JsonLogic test suites run through evaluateRecord', () => {
  afterAll(() => {
    console.log(`jsonlogic conformance ${JSON.stringify(tally)}`);
  });

  it('passes the official suite (tests.json)', () => {
    const cases = officialCases();
    expect(cases).toHaveLength(277);
    check('official', cases);
  });

  it.each(existsSync(DIR) ? communityFiles() : [])('passes the community suite %s', (file) => {
    check('community', communityCases(file));
  });

  it('refuses an operator outside the supported set with a coded error', () => {
    expect(run({ description: 'log', rule: { log: [1] }, data: null, result: 1 })).toBe('refused');
  });
});
