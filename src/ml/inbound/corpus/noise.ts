// How real emails differ from clean templates: typos, missing accents, all
// lower case, abbreviations. Entities (numbers, addresses) are left intact so
// the ground truth stays true.
import type { Frame } from './frame.js';
import type { Rng } from './random.js';

const KEYBOARD_NEIGHBOURS: Record<string, string> = {
  a: 'zqs', z: 'aes', e: 'zrd', r: 'etf', t: 'ryg', y: 'tuh', u: 'yij', i: 'uok', o: 'ipl', p: 'om',
  q: 'asw', s: 'qdz', d: 'sfe', f: 'dgr', g: 'fht', h: 'gjy', j: 'hku', k: 'jli', l: 'kmo', m: 'lp',
  w: 'xqs', x: 'wcs', c: 'xvd', v: 'cbf', b: 'vng', n: 'bmh',
};

function typo(rng: Rng, word: string): string {
  const i = rng.int(1, word.length - 2);
  const kind = rng.int(0, 3);
  if (kind === 0) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2); // swap
  if (kind === 1) return word.slice(0, i) + word.slice(i + 1); // drop
  if (kind === 2) return word.slice(0, i) + word[i] + word.slice(i); // double
  const near = KEYBOARD_NEIGHBOURS[word[i].toLowerCase()];
  return near ? word.slice(0, i) + rng.pick([...near]) + word.slice(i + 1) : word;
}

export function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').normalize('NFC');
}

export interface NoiseProfile {
  typoRate: number;
  stripAccents: boolean;
  lowerCase: boolean;
  abbreviate: boolean;
}

export function drawNoise(rng: Rng): NoiseProfile {
  const sloppy = rng.chance(0.25);
  return {
    typoRate: sloppy ? 0.04 + rng.next() * 0.05 : rng.chance(0.5) ? 0.01 : 0,
    stripAccents: rng.chance(sloppy ? 0.6 : 0.15),
    lowerCase: rng.chance(sloppy ? 0.35 : 0.03),
    abbreviate: rng.chance(sloppy ? 0.5 : 0.05),
  };
}

/** Applies a noise profile to text the customer typed. */
export function applyNoise(rng: Rng, text: string, profile: NoiseProfile, frame: Frame): string {
  let out = text;
  if (profile.abbreviate) for (const [pattern, short] of frame.abbreviations) if (rng.chance(0.6)) out = out.replace(pattern, short);
  if (profile.typoRate > 0) {
    // Tokens with digits or @ are entities (invoice numbers, addresses), currency
    // words belong to amounts: never misspelt.
    out = out.replace(/\S+/g, (token) =>
      /[@\d]/.test(token) || /^(euros?|dollars?|livres?|pounds?)\W*$/i.test(token) ? token : token.replace(/\p{L}{4,}/gu, (word) => (rng.chance(profile.typoRate) ? typo(rng, word) : word)),
    );
  }
  if (profile.stripAccents) out = stripAccents(out);
  if (profile.lowerCase) out = out.replace(/[^\s@]+/g, (w) => (/\d/.test(w) ? w : w.toLowerCase()));
  return out;
}
