import type { ModelEvent } from './types.js';

/**
 * The versions a rollback walks back through, oldest first: each activation
 * pushes its version and each rollback pops one. One pointer per version cannot
 * hold this once a version is activated twice (A, B, then A again): its pointer
 * would name B, and rollbacks would alternate between the two for ever.
 */
export function activationStack(events: readonly Pick<ModelEvent, 'action' | 'version'>[]): string[] {
  const stack: string[] = [];
  for (const e of events) {
    if (e.action === 'activated' || e.action === 'promoted') {
      stack.push(e.version);
    } else if (e.action === 'rolled-back') {
      stack.pop();
    }
  }
  return stack;
}
