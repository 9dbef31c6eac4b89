import type { ModelEvent } from './types.js';

/**
 * The versions a rollback walks back through, oldest first: each activation
 * pushes its version and each rollback pops one. One pointer per version cannot
 * hold this once a version is activated twice (A, B, then A again): its pointer
 * would name B, and rollbacks would alternate between the two for ever.
 * Each event ends on the version it made live, whatever came before it: the
 * history older code wrote while rollbacks alternated (more rollbacks than
 * activations) still ends on the live version.
 */
export function activationStack(events: readonly Pick<ModelEvent, 'action' | 'version'>[]): string[] {
  const stack: string[] = [];
  for (const e of events) {
    if (e.action === 'activated' || e.action === 'promoted') {
      stack.push(e.version);
    } else if (e.action === 'rolled-back') {
      stack.pop();
      if (stack.at(-1) !== e.version) {
        stack.pop();
        stack.push(e.version);
      }
    }
  }
  return stack;
}
