// Stored dunning steps are read with the import's rules: a step stored before
// the import checked them must not reach the planner.
import { describe, it, expect } from 'vitest';
import { readSteps, stepsProblem } from '../../src/agenda/steps.js';

describe('when stored steps are read for planning', () => {
  it('keeps the well-formed ones in day order and drops the rest', () => {
    const steps = readSteps([
      { dayOffset: 10, channel: 'call', level: 2 },
      { dayOffset: -1e9, channel: 'email' },
      { dayOffset: 3, channel: 'pigeon' },
      { dayOffset: -5, channel: 'email', automatic: true, template: 'courtesy' },
      { dayOffset: 20, channel: 'letter', level: -5 },
    ]);
    expect(steps).toEqual([
      { dayOffset: -5, channel: 'email', level: 2, template: 'courtesy', automatic: true },
      { dayOffset: 10, channel: 'call', level: 2, template: null, automatic: false },
    ]);
  });

  it('reads anything but a list as no steps', () => {
    expect(readSteps({ dayOffset: 3, channel: 'call' })).toEqual([]);
  });
});

describe('when an import sends steps', () => {
  it('accepts the bounds and names the first wrong step', () => {
    expect(stepsProblem([{ dayOffset: -365, channel: 'sms', level: 0 }, { dayOffset: 730, channel: 'letter', level: 10 }])).toBeNull();
    expect(stepsProblem([{ dayOffset: 1, channel: 'call' }, { dayOffset: 2.5, channel: 'call' }])).toMatch(/^steps\[1\] dayOffset/);
    expect(stepsProblem(Array.from({ length: 51 }, () => ({ dayOffset: 1, channel: 'call' })))).toMatch(/at most 50/);
  });
});
