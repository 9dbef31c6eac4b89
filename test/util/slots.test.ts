// A few places for costly work and a bounded line for the rest: work driven
// by promises the test settles, so every state is known, no timing involved.
import { describe, it, expect } from 'vitest';
import { LineFull, Slots } from '../../src/util/slots.js';

/** Work that holds its place until `finish` is called. */
function held() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => { finish = resolve; });
  let started = false;
  return { work: () => { started = true; return done; }, finish: () => finish(), started: () => started };
}

describe('when every place is held', () => {
  it('lines up to `mostWaiting` and refuses the next at once', async () => {
    const slots = new Slots(1);
    const first = held();
    const second = held();
    const running = slots.run(first.work, { mostWaiting: 1 });
    const waiting = slots.run(second.work, { mostWaiting: 1 });
    await expect(slots.run(async () => 'never', { mostWaiting: 1 })).rejects.toBeInstanceOf(LineFull);
    expect(slots.state).toEqual({ held: 1, waiting: 1 });
    expect(second.started()).toBe(false);
    first.finish();
    await running;
    // The place went to the one in line, not back to the pool.
    expect(second.started()).toBe(true);
    expect(slots.state).toEqual({ held: 1, waiting: 0 });
    second.finish();
    await waiting;
    expect(slots.state).toEqual({ held: 0, waiting: 0 });
  });

  it('lets a waiting one leave the line when its signal aborts, and never starts its work', async () => {
    const slots = new Slots(1);
    const first = held();
    const quitter = held();
    const running = slots.run(first.work);
    const gone = new AbortController();
    const leaving = slots.run(quitter.work, { mostWaiting: 1, signal: gone.signal });
    expect(slots.state.waiting).toBe(1);
    gone.abort(new Error('client gone'));
    await expect(leaving).rejects.toThrow('client gone');
    expect(slots.state).toEqual({ held: 1, waiting: 0 });
    // Its place in line is free: one more may wait where the line holds one.
    const next = held();
    const after = slots.run(next.work, { mostWaiting: 1 });
    first.finish();
    await running;
    expect(next.started()).toBe(true);
    expect(quitter.started()).toBe(false);
    next.finish();
    await after;
    expect(slots.state).toEqual({ held: 0, waiting: 0 });
  });
});

describe('when work fails', () => {
  it('gives its place back', async () => {
    const slots = new Slots(1);
    await expect(slots.run(async () => { throw new Error('broken'); })).rejects.toThrow('broken');
    expect(slots.state).toEqual({ held: 0, waiting: 0 });
    expect(await slots.run(async () => 'next')).toBe('next');
  });
});
