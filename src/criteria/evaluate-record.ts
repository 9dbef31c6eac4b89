// POST /v1/criteria/evaluate: run any JsonLogic rule on an explicit record
// (any JSON value) and say why it matches or not. `var` resolves inside that
// record with json-logic-js semantics (dot paths, array indices, defaults);
// prototype paths are refused here too.

import { explanationOf, show, type ExplainNode, type Explanation } from './explanation.js';
import { truthy } from './jsonlogic/coerce.js';
import { Interpreter, type EvaluateOptions } from './jsonlogic/evaluate.js';
import { parseLogic } from './jsonlogic/parse.js';
import { Tracer } from './jsonlogic/trace.js';
import { DEFAULT_LIMITS, type CriteriaLimits } from './shape.js';

export interface EvaluateRecordOptions extends Omit<EvaluateOptions, 'tracer'> {
  limits?: CriteriaLimits;
}

export interface EvaluationResult {
  /** What the rule returns (any JSON value, as JsonLogic defines it). */
  result: unknown;
  explanation: Explanation;
}

/** Just the JsonLogic result, without tracing. */
export function applyJsonLogic(json: unknown, record: unknown, options: EvaluateRecordOptions = {}): unknown {
  const node = parseLogic(json, options.limits ?? DEFAULT_LIMITS);
  return new Interpreter(options).run(node, { data: record ?? null, parent: null });
}

export function evaluateRecord(json: unknown, record: unknown, options: EvaluateRecordOptions = {}): EvaluationResult {
  const node = parseLogic(json, options.limits ?? DEFAULT_LIMITS);
  const tracer = new Tracer();
  const result = new Interpreter({ ...options, tracer }).run(node, { data: record ?? null, parent: null });
  const top = tracer.top;
  const tree: ExplainNode =
    node.k === 'op' && top.length === 1
      ? top[0]
      : {
          path: '',
          operator: node.k === 'list' ? 'list' : 'value',
          outcome: truthy(result),
          value: result,
          text: node.k === 'list' ? `a list of rules → ${show(result)}` : `the rule is the plain value ${show(result)}`,
          ...(top.length > 0 ? { children: top } : {}),
        };
  return { result, explanation: explanationOf(tree) };
}
