// Static checks of a generic JsonLogic rule before it runs on an arbitrary
// record: known operators only, argument shapes the operator can use, literal
// paths free of prototype keys. The result is a small tree the evaluator walks.

import { CriteriaError } from '../errors.js';
import { isJsonLogicOperator, refuseOperator, type JsonLogicOperator } from '../operators.js';
import { FORBIDDEN_SEGMENTS } from '../registry.js';
import { checkShape, DEFAULT_LIMITS, forbidden, isPlainObject, pointer, type CriteriaLimits } from '../shape.js';

export type LogicNode =
  | { k: 'lit'; v: unknown; path: string }
  | { k: 'list'; items: LogicNode[]; path: string }
  /**
   * `dynamic`: the operator was given one rule instead of an argument list;
   * its value (spread if it is an array) becomes the arguments.
   */
  | { k: 'op'; op: JsonLogicOperator; args: LogicNode[]; dynamic: boolean; path: string };

/** Operators whose arguments must be written as a list (they are lazy or positional). */
const LIST_ONLY = new Set<string>([
  'if', '?:', 'and', 'or', '==', '===', '!=', '!==', '<', '<=', '>', '>=',
  'map', 'filter', 'reduce', 'all', 'some', 'none',
]);
const COMPARISONS = new Set<string>(['==', '===', '!=', '!==', '<', '<=', '>', '>=']);
const ITERATORS = new Set<string>(['map', 'filter', 'reduce', 'all', 'some', 'none']);

export function parseLogic(json: unknown, limits: CriteriaLimits = DEFAULT_LIMITS): LogicNode {
  checkShape(json, limits);
  return parseNode(json, '');
}

function invalid(path: string, message: string): CriteriaError {
  return new CriteriaError('AR_ERR_CRITERIA_ARGUMENTS', message, { path, jsonLogicType: 'Invalid Arguments' });
}

function parseNode(json: unknown, path: string): LogicNode {
  if (Array.isArray(json)) return { k: 'list', items: json.map((x, i) => parseNode(x, pointer(path, i))), path };
  if (!isPlainObject(json)) return { k: 'lit', v: json, path };
  const keys = Object.keys(json);
  // json-logic-js: only a one-key object is a rule; {} and wider objects are data.
  if (keys.length !== 1) return { k: 'lit', v: json, path };
  const op = keys[0];
  if (!isJsonLogicOperator(op)) throw refuseOperator(op, path, false);
  const raw = json[op];
  if (op === 'preserve') return { k: 'op', op, args: [{ k: 'lit', v: raw, path: pointer(path, op) }], dynamic: false, path };

  const isList = Array.isArray(raw);
  const dynamic = !isList && isPlainObject(raw) && Object.keys(raw).length === 1;
  if (LIST_ONLY.has(op) && !isList) {
    throw invalid(path, `"${op}" takes its arguments as a list, e.g. {"${op}": [ … ]}`);
  }
  const args = isList ? raw.map((a, i) => parseNode(a, pointer(path, op, i))) : [parseNode(raw, pointer(path, op))];
  checkArity(op, raw, isList, dynamic, path);
  if (!dynamic) checkLiteralPaths(op, args);
  return { k: 'op', op, args, dynamic, path };
}

function checkArity(op: string, raw: unknown, isList: boolean, dynamic: boolean, path: string): void {
  const n = isList ? (raw as unknown[]).length : 1;
  if (COMPARISONS.has(op) && n < 2) throw invalid(path, `"${op}" compares at least two values`);
  if (op === '%' && !dynamic && n < 2) throw invalid(path, '"%" needs a dividend and a divisor');
  if ((op === '-' || op === '/') && isList && n === 0) throw invalid(path, `"${op}" needs at least one number`);
  if (ITERATORS.has(op)) {
    const list = raw as unknown[];
    const ok = op === 'reduce' ? n === 2 || n === 3 : n === 2;
    if (!ok) throw invalid(path, `"${op}" takes an array and a rule${op === 'reduce' ? ' (and an initial value)' : ''}`);
    if (list[0] === null) throw invalid(pointer(path, op, 0), `"${op}" needs an array, got null`);
    if ((op === 'map' || op === 'filter') && list[1] === null) throw invalid(pointer(path, op, 1), `"${op}" needs a rule, got null`);
  }
}

/** Literal path strings are checked now, so a forbidden path fails before any data is read. */
function checkLiteralPaths(op: string, args: LogicNode[]): void {
  const check = (node: LogicNode, split: boolean): void => {
    if (node.k === 'list') node.items.forEach((n) => check(n, split));
    if (node.k !== 'lit' || (typeof node.v !== 'string' && typeof node.v !== 'number')) return;
    for (const segment of split ? String(node.v).split('.') : [String(node.v)]) {
      if (FORBIDDEN_SEGMENTS.has(segment)) throw forbidden(node.path, segment);
    }
  };
  if (op === 'var') check(args[0] ?? { k: 'lit', v: '', path: '' }, true);
  if (op === 'missing') args.forEach((a) => check(a, true));
  if (op === 'missing_some' && args[1]) check(args[1], true);
  if (op === 'val' || op === 'exists') args.forEach((a) => check(a, false));
}
