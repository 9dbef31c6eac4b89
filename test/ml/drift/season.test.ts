import { describe, expect, it } from 'vitest';
import { fitSeason, seasonAt, yearPhase } from '../../../src/ml/drift/signals/season.js';
import { rng } from './factories.js';

const days = Array.from({ length: 24 }, (_, i) => 20_000 + i * 30.4);

describe('when fitting a customer yearly rhythm', () => {
  it('finds the peak month and most of the amplitude of a seasonal payer', () => {
    const r = rng(3);
    const phase = yearPhase(days);
    const x = days.map((_, i) => 8 + 4 * phase.cos[i] + (r() - 0.5));
    const season = fitSeason(x, x.length, phase, 8, 20, 6, 8);
    expect(Math.hypot(season.a, season.b)).toBeGreaterThan(2.5);
    expect(Math.hypot(season.a, season.b)).toBeLessThan(4.5);
    const peak = days.reduce((best, _, i) => (seasonAt(season, phase, i) > seasonAt(season, phase, best) ? i : best), 0);
    expect(phase.cos[peak]).toBeGreaterThan(0.9);
  });

  it('finds next to nothing in a flat history', () => {
    const r = rng(4);
    const phase = yearPhase(days);
    const x = days.map(() => 8 + (r() - 0.5));
    const season = fitSeason(x, x.length, phase, 8, 20, 6, 8);
    expect(Math.hypot(season.a, season.b)).toBeLessThan(0.5);
  });

  it('does not turn one late invoice into a season', () => {
    const phase = yearPhase(days);
    const x = days.map((_, i) => (i === 5 ? 60 : 8));
    const season = fitSeason(x, x.length, phase, 8, 4.5, 6, 8);
    expect(Math.hypot(season.a, season.b)).toBeLessThan(1);
  });
});
