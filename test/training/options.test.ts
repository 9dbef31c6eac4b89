import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parseOptions, UsageError } from '../../training/cli/options.js';
import { parseTrainArgs } from '../../training/cli/args.js';

const WORLD_OPTIONS = { customers: { type: 'string', default: '2000' }, out: { type: 'string' }, verbose: { type: 'boolean' } } as const;

function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('no usage error');
}

describe('when an option that takes a number is given something else', () => {
  it('refuses a value that is no number for an option whose default is one', () => {
    expect(usageError(() => parseOptions(['--customers', 'abc'], WORLD_OPTIONS))).toBe('--customers takes a number (default 2000), got "abc"');
    expect(usageError(() => parseOptions(['--customers='], WORLD_OPTIONS))).toMatch(/^--customers takes a number/);
    expect(parseOptions(['--customers', '1e3', '--out', 'abc'], WORLD_OPTIONS).values).toMatchObject({ customers: '1e3', out: 'abc' });
  });

  it('refuses a negative or fractional count for an option whose default is a whole number', () => {
    expect(usageError(() => parseOptions(['--customers=-5'], WORLD_OPTIONS))).toBe('--customers takes a whole number (default 2000), got "-5"');
    expect(usageError(() => parseOptions(['--customers', '2.5'], WORLD_OPTIONS))).toBe('--customers takes a whole number (default 2000), got "2.5"');
    expect(parseOptions(['--customers', '0'], WORLD_OPTIONS).values.customers).toBe('0');
  });
});

describe('when a command is given an option it does not know', () => {
  it('refuses it in one line, naming it and the closest known option', () => {
    expect(usageError(() => parseOptions(['--custmers', '500'], WORLD_OPTIONS))).toBe('unknown option --custmers (did you mean --customers?)');
    expect(usageError(() => parseOptions(['--custmers=500'], WORLD_OPTIONS))).toBe('unknown option --custmers (did you mean --customers?)');
  });

  it('lists the options there are when none is close', () => {
    expect(usageError(() => parseOptions(['--zzz'], WORLD_OPTIONS))).toBe('unknown option --zzz (options: --customers, --out, --verbose)');
    expect(usageError(() => parseOptions(['--world', 'x'], {}))).toBe('unknown option --world (this command takes no options)');
  });

  it('refuses the negation of an option that is no switch, and suggests the switch\'s', () => {
    expect(usageError(() => parseOptions(['--no-out'], WORLD_OPTIONS))).toMatch(/^unknown option --no-out/);
    expect(usageError(() => parseOptions(['--no-verbos'], WORLD_OPTIONS))).toBe('unknown option --no-verbos (did you mean --no-verbose?)');
  });

  it('refuses a train option with the same line, then the usage', () => {
    const message = usageError(() => parseTrainArgs(['drift', '--no-promot']));
    expect(message.split('\n')[0]).toBe('unknown option --no-promot (did you mean --no-promote?)');
    expect(message).toMatch(/^usage: npm run train/m);
  });
});

describe('when the options are known', () => {
  it('reads them, defaults and negations included', () => {
    expect(parseOptions(['--out', 'dir', '--no-verbose'], WORLD_OPTIONS).values).toEqual({ customers: '2000', out: 'dir', verbose: false });
  });

  it('says in one line that a value is missing', () => {
    const message = usageError(() => parseOptions(['--customers', '--out', 'dir'], WORLD_OPTIONS));
    expect(message).toMatch(/'--customers'/);
    expect(message).not.toMatch(/\n/);
  });
});

describe('the world generator, the evaluation protocols and the benches', () => {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const tsx = (...args: string[]) => spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), args, { cwd: root, encoding: 'utf8', timeout: 90_000 });

  it('refuses a mistyped world option with exit 2, in one line, and generates nothing', () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-typo-'));
    const out = path.join(parent, 'world');
    const run = tsx(path.join(root, 'training', 'world.ts'), '--custmers', '5', '--out', out);
    const generated = fs.existsSync(out);
    fs.rmSync(parent, { recursive: true });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('error: unknown option --custmers (did you mean --customers?)');
    expect(generated).toBe(false);
  }, 120_000);

  // A month 13 rolled over into the next year: the world ended on 2027-02-14 and said nothing.
  it.each([
    [['--end-date', '2026-13-45'], 'error: endDate must be a calendar day YYYY-MM-DD, got "2026-13-45"'],
    [['--end-date', '31/10/2026'], 'error: endDate must be a calendar day YYYY-MM-DD, got "31/10/2026"'],
    [['--customers', '0'], 'error: customers must be a positive integer, got 0'],
    [['--months', '3'], 'error: months must be an integer >= 6, got 3'],
  ])('refuses the world option value %j with exit 2, in one line, and generates nothing', (args, line) => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-value-'));
    const out = path.join(parent, 'world');
    const run = tsx(path.join(root, 'training', 'world.ts'), '--customers', '5', '--months', '6', ...args, '--out', out);
    const generated = fs.existsSync(out);
    fs.rmSync(parent, { recursive: true });
    expect(run.stderr.trim()).toBe(line);
    expect(run.status).toBe(2);
    expect(generated).toBe(false);
  }, 120_000);

  it('refuses a mistyped protocol option through npm run evaluate with exit 2, before reading the world', () => {
    // truth.json is all evaluate.ts checks before handing over: an empty one shows the protocol never read it.
    const world = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-typo-world-'));
    fs.writeFileSync(path.join(world, 'truth.json'), '');
    const run = tsx(path.join(root, 'training', 'evaluate.ts'), 'send-time', '--dataset', 'world', '--world', world, '--holdout-mnths', '3');
    fs.rmSync(world, { recursive: true });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('error: unknown option --holdout-mnths (did you mean --holdout-months?)');
  }, 120_000);

  it('refuses a mistyped protocol option before generating the default world', () => {
    // The default world goes to the temporary folder: an empty one shows whether it was generated.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-typo-tmp-'));
    const run = spawnSync(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'training', 'evaluate.ts'), 'incentives', '--dataset', 'world', '--holdout-mnths', '3'], {
      cwd: root, encoding: 'utf8', timeout: 90_000, env: { ...process.env, TMPDIR: tmp },
    });
    const left = fs.readdirSync(tmp).filter((f) => f.startsWith('ar-eval-world'));
    fs.rmSync(tmp, { recursive: true });
    expect(run.stderr.trim()).toBe('error: unknown option --holdout-mnths (did you mean --holdout-months?)');
    expect(run.status).toBe(2);
    expect(left).toEqual([]);
  }, 120_000);

  it('refuses a mistyped bench option through npm run bench with exit 2, before building the portfolio', () => {
    const run = tsx(path.join(root, 'bench', 'index.ts'), 'rules', '--custmers', '5');
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('error: unknown option --custmers (did you mean --customers?)');
    expect(run.stdout).toBe('');
  }, 120_000);
});
