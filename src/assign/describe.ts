// The words of a plan: why a customer changes (which rule, which criteria
// values), why a change was held back, and the summary a credit manager reads
// first ("412 customers change collector, 37 change dunning scenario").
import { SCALAR_TARGETS, groupOf, groupTarget, isGroupTarget, targetLabel, type ScalarTargetName, type Value } from './targets.js';

export interface RuleRef {
  id: number;
  name: string;
  priority: number;
}

const MAX_TEXT = 60;

export function shown(v: unknown): string {
  if (v === null || v === undefined) return 'no value';
  if (typeof v === 'number') return String(Math.round(v * 10_000) / 10_000);
  const text = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v);
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

export function valueText(target: string, v: Value): string {
  if (isGroupTarget(target)) return v ? 'member' : 'not a member';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return shown(v);
}

const valuesText = (values: Record<string, unknown>) =>
  Object.entries(values).map(([k, v]) => `${k} = ${shown(v)}`).join(', ');

/** The reason of a change in words, from what the audit keeps of it. */
export function becauseOf(reasons: { rule?: RuleRef; values?: Record<string, unknown>; leaving?: boolean; because?: string }): string {
  if (reasons.because) return reasons.because;
  if (!reasons.rule) return '';
  return becauseText(reasons.rule, reasons.values ?? {}, reasons.leaving ?? false);
}

export function becauseText(rule: RuleRef, values: Record<string, unknown>, leaving: boolean): string {
  const facts = Object.keys(values).length > 0 ? `: ${valuesText(values)}` : '';
  return leaving
    ? `rule "${rule.name}" no longer selects the customer${facts}`
    : `rule "${rule.name}" (priority ${rule.priority}) selects the customer${facts}`;
}

/** `heldWith`: the other side of a move between groups, which the dwell time holds (resolve.ts). */
export function heldText(outcome: 'locked' | 'dwell' | 'manualMember', target: string, wanted: Value, rule: RuleRef, heldUntil?: Date, heldWith?: string): string {
  const wish = `rule "${rule.name}" wanted ${targetLabel(target)} ${valueText(target, wanted)}`;
  switch (outcome) {
    case 'locked':
      return `skipped: locked by a person (${wish})`;
    case 'dwell':
      return heldWith
        ? `held: one move with ${targetLabel(heldWith)}, which the dwell time keeps until ${heldUntil!.toISOString().slice(0, 10)} (${wish})`
        : `held: set recently, kept until ${heldUntil!.toISOString().slice(0, 10)} by the dwell time (${wish})`;
    case 'manualMember':
      return `skipped: a person put the customer in ${targetLabel(target)}; rules never take them out (${wish})`;
  }
}

/**
 * Why a band's rule selects the customer for nothing yet (oneBandEach in
 * resolve.ts): it is in, or goes with, a band beside. The explanation and the
 * preview's held changes both begin with it.
 */
export function bandWaitText(beside: readonly string[]): string {
  return `waits: one band at a time, ${beside.map((g) => targetLabel(groupTarget(g))).join(', ')} first`;
}

/** A change a rule would make, held while the rule waits for the band beside (`bandWaitText`). */
export function bandHeldText(target: string, wanted: Value, rule: RuleRef, beside: readonly string[]): string {
  return `${bandWaitText(beside)} (a band beside this rule's): rule "${rule.name}" wanted ${targetLabel(target)} ${valueText(target, wanted)}`;
}

/** One sentence per kind of change, the largest first: "412 customers change collector". */
export function summarySentences(changes: readonly { field: string; new: Value }[]): string[] {
  const counts = new Map<string, { verb: [string, string]; what: string; n: number }>();
  const add = (verb: [string, string], what: string) => {
    const key = `${verb[0]} ${what}`;
    const entry = counts.get(key) ?? { verb, what, n: 0 };
    entry.n += 1;
    counts.set(key, entry);
  };
  for (const c of changes) {
    if (isGroupTarget(c.field)) add(c.new ? ['joins', 'join'] : ['leaves', 'leave'], `group ${groupOf(c.field)}`);
    else if (SCALAR_TARGETS[c.field as ScalarTargetName].kind === 'boolean') {
      add(['gets', 'get'], `${targetLabel(c.field)} switched ${c.new ? 'on' : 'off'}`);
    } else add(['changes', 'change'], targetLabel(c.field));
  }
  return [...counts.values()]
    .sort((a, b) => b.n - a.n || a.what.localeCompare(b.what))
    .map(({ verb, what, n }) => (n === 1 ? `1 customer ${verb[0]} ${what}` : `${n} customers ${verb[1]} ${what}`));
}
