// A small seeded PRNG (sfc32) with named, independent streams. Every customer
// draws from its own streams (traits, invoices, dunning, ...) so that changing
// one part of the simulation, or the number of customers, does not reshuffle
// the draws of every other part.

/** 32-bit FNV-1a of a string: turns a stream name into seed material. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: decorrelates nearby integer seeds (customer 1 vs 2). */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number, ...keys: Array<number | string>) {
    let s = splitmix32(seed >>> 0);
    for (const key of keys) {
      s = splitmix32(s ^ (typeof key === 'number' ? splitmix32(key >>> 0) : hashString(key)));
    }
    this.a = splitmix32(s);
    this.b = splitmix32(this.a ^ 0x5bd1e995);
    this.c = splitmix32(this.b ^ 0x1b873593);
    this.d = 1;
    // sfc32 needs a few rounds to forget a weak seed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Integer in [low, high], both inclusive. */
  int(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal (Box-Muller, caching the second value). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    const theta = 2 * Math.PI * this.next();
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  gaussian(mean: number, sd: number): number {
    return mean + sd * this.normal();
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Student-t with `df` degrees of freedom: heavy tails for noisy payers. */
  studentT(df: number): number {
    let chi2 = 0;
    for (let i = 0; i < df; i++) {
      const z = this.normal();
      chi2 += z * z;
    }
    return this.normal() / Math.sqrt(chi2 / df);
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next());
  }

  beta2(alpha: number): number {
    // Symmetric-ish helper: mean of `alpha` uniforms, a cheap bell on [0,1].
    let s = 0;
    for (let i = 0; i < alpha; i++) s += this.next();
    return s / alpha;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks a key with probability proportional to its weight. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    let u = this.next() * total;
    for (const [value, w] of entries) {
      u -= w;
      if (u < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

/** The stream of one part of one customer's simulation. */
export function customerStream(seed: number, customerIndex: number, part: string): Random {
  return new Random(seed, 'customer', customerIndex, part);
}
