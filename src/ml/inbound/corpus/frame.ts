// The shape of a language's email frame, and the train / held-out split of
// templates: evaluation on held-out templates measures whether a model learnt
// the request or memorised our phrasings.
import type { InboundType, Language } from '../types.js';
import { FRAME_EN } from './frame.en.js';
import { FRAME_FR } from './frame.fr.js';
import { INTENTS_EN, SECONDARY_EN } from './intents.en.js';
import { INTENTS_FR, SECONDARY_FR } from './intents.fr.js';
import type { Rng } from './random.js';

export interface Frame {
  greetings: string[];
  /** Type-neutral context sentences ("Following your reminder,"). */
  openers: string[];
  closers: string[];
  signOffs: string[];
  titles: string[];
  disclaimers: string[];
  /** What a phone or webmail appends below the signature ("Sent from my iPhone"). */
  mobileFooters: string[];
  /** Whole out-of-office bodies (type `other`). */
  outOfOffice: string[];
  autoReplySubjects: string[];
  /** Our own dunning emails, as they appear quoted below an answer. */
  reminderSubjects: string[];
  reminders: string[];
  quoteHeaders: string[];
  replyPrefixes: string[];
  subjects: Record<InboundType, string[]>;
  tone: { negative: string[]; legal: string[]; positive: string[]; neutral: string[] };
  abbreviations: Array<[RegExp, string]>;
}

export interface LanguagePack {
  frame: Frame;
  intents: Record<InboundType, string[]>;
  secondary: Partial<Record<InboundType, string[]>>;
}

export const PACKS: Record<Language, LanguagePack> = {
  fr: { frame: FRAME_FR, intents: INTENTS_FR, secondary: SECONDARY_FR },
  en: { frame: FRAME_EN, intents: INTENTS_EN, secondary: SECONDARY_EN },
};

export type TemplateSplit = 'train' | 'heldout' | 'all';

/** Every fifth template of a list (from the fourth on) is held out of training. */
export function isHeldOut(index: number): boolean {
  return index % 5 === 3;
}

export interface PickedTemplate {
  key: string;
  template: string;
}

/** Picks a template of a list honouring the split; lists too short to split are shared. */
export function pickTemplate(list: readonly string[], key: string, split: TemplateSplit, rng: Rng, accept?: (t: string) => boolean): PickedTemplate {
  const indices: number[] = [];
  for (let i = 0; i < list.length; i++) {
    if (accept && !accept(list[i])) continue;
    if (split === 'all' || (split === 'heldout') === isHeldOut(i)) indices.push(i);
  }
  if (indices.length === 0) {
    for (let i = 0; i < list.length; i++) if (!accept || accept(list[i])) indices.push(i);
  }
  const i = rng.pick(indices);
  return { key: `${key}.${i}`, template: list[i] };
}
