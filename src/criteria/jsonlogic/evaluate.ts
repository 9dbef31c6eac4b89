// The generic JsonLogic interpreter for arbitrary records (the evaluate
// endpoint). Lazy where the specification is lazy (and/or/if/comparisons/??/
// try), with scopes for val's [[n], …] climbing, budgets so a rule cannot
// loop a server through nested iterators nor build values it cannot send back
// (steps, the weight of everything built, wall time), and optional tracing
// for explanations. Saved searches over customers never come here: they go
// through the typed parser and compilers.

import { CriteriaError } from '../errors.js';
import type { LogicNode } from './parse.js';
import { evalOperator, type Scope } from './operations.js';
import { weightOf } from './size.js';
import { Tracer } from './trace.js';

export interface EvaluateOptions {
  /** Node evaluations allowed before giving up (nested iterators multiply). */
  maxSteps?: number;
  /** Longest string or array an operator may build. */
  maxOutput?: number;
  /** Total weight (≈ serialized characters) of all strings and arrays built. */
  maxBuilt?: number;
  /** Wall time allowed, checked every few thousand steps. */
  maxMillis?: number;
  tracer?: Tracer;
}

export const DEFAULT_MAX_STEPS = 1_000_000;
export const DEFAULT_MAX_OUTPUT = 1_000_000;
export const DEFAULT_MAX_BUILT = 16_000_000;
export const DEFAULT_MAX_MILLIS = 2_000;
const CLOCK_EVERY_STEPS = 4_096;

export class Interpreter {
  private steps = 0;
  private built = 0;
  private readonly deadline: number;
  readonly maxSteps: number;
  readonly maxOutput: number;
  readonly maxBuilt: number;
  readonly maxMillis: number;
  readonly tracer?: Tracer;

  constructor(options: EvaluateOptions = {}) {
    this.maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
    this.maxOutput = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
    this.maxBuilt = options.maxBuilt ?? DEFAULT_MAX_BUILT;
    this.maxMillis = options.maxMillis ?? DEFAULT_MAX_MILLIS;
    this.deadline = Date.now() + this.maxMillis;
    this.tracer = options.tracer;
  }

  run(node: LogicNode, scope: Scope): unknown {
    if (++this.steps > this.maxSteps) {
      throw budget(`evaluation took more than ${this.maxSteps} steps`, node.path, { maxSteps: this.maxSteps });
    }
    if (this.steps % CLOCK_EVERY_STEPS === 0 && Date.now() > this.deadline) {
      throw budget(`evaluation took more than ${this.maxMillis} ms`, node.path, { maxMillis: this.maxMillis });
    }
    switch (node.k) {
      case 'lit':
        return node.v;
      case 'list': {
        const items = node.items.map((item) => this.run(item, scope));
        this.charge(weightOf(items), node.path);
        return items;
      }
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

  /** A string or array of `length` is about to be built. */
  checkSize(length: number, path: string): void {
    if (length > this.maxOutput) {
      throw budget(`a result longer than ${this.maxOutput} items or characters`, path, { maxOutput: this.maxOutput });
    }
    this.charge(length, path);
  }

  /** Something weighing `weight` (≈ characters once written out) was built. */
  charge(weight: number, path: string): void {
    this.built += weight;
    if (this.built > this.maxBuilt) {
      throw budget(`the values built add up to more than ${this.maxBuilt} characters`, path, { maxBuilt: this.maxBuilt });
    }
  }
}

function budget(message: string, path: string, details: Record<string, number>): CriteriaError {
  return new CriteriaError('AR_ERR_CRITERIA_BUDGET', message, { path, details });
}
