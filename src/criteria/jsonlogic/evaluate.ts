// The generic JsonLogic interpreter for arbitrary records (the evaluate
// endpoint). Lazy where the specification is lazy (and/or/if/comparisons/??/
// try), with scopes for val's [[n], …] climbing, a step budget so a rule
// cannot loop a server through nested iterators, and optional tracing for
// explanations. Saved searches over customers never come here: they go
// through the typed parser and compilers.

import { CriteriaError } from '../errors.js';
import type { LogicNode } from './parse.js';
import { evalOperator, type Scope } from './operations.js';
import { Tracer } from './trace.js';

export interface EvaluateOptions {
  /** Node evaluations allowed before giving up (nested iterators multiply). */
  maxSteps?: number;
  /** Longest string or array an operator may build. */
  maxOutput?: number;
  tracer?: Tracer;
}

export const DEFAULT_MAX_STEPS = 1_000_000;
export const DEFAULT_MAX_OUTPUT = 1_000_000;

export class Interpreter {
  private steps = 0;
  readonly maxSteps: number;
  readonly maxOutput: number;
  readonly tracer?: Tracer;

  constructor(options: EvaluateOptions = {}) {
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.maxOutput = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
    this.tracer = options.tracer;
  }

  run(node: LogicNode, scope: Scope): unknown {
    if (++this.steps > this.maxSteps) {
      throw new CriteriaError('AR_ERR_CRITERIA_BUDGET', `evaluation took more than ${this.maxSteps} steps`, {
        path: node.path,
        details: { maxSteps: this.maxSteps },
      });
    }
    switch (node.k) {
      case 'lit':
        return node.v;
      case 'list':
        return node.items.map((item) => this.run(item, scope));
      case 'op': {
        if (!this.tracer?.active) return evalOperator(this, node, scope);
        return this.tracer.around(node, scope, () => evalOperator(this, node, scope));
      }
    }
  }

  /** Runs `fn` without tracing (iterator bodies: one summary node, not one per item). */
  quietly<T>(fn: () => T): T {
    return this.tracer ? this.tracer.quietly(fn) : fn();
  }

  checkSize(length: number, path: string): void {
    if (length > this.maxOutput) {
      throw new CriteriaError('AR_ERR_CRITERIA_BUDGET', `a result longer than ${this.maxOutput} items or characters`, {
        path,
        details: { maxOutput: this.maxOutput },
      });
    }
  }
}
