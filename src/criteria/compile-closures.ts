// In-memory evaluation by nested closures: the readable statement of the
// saved-search semantics. The generated-code compiler must agree with it (the
// differential test checks both against SQL), and the explainer reads operand
// values through it.
//
// The null rule: a field value that is absent, null, not a finite number
// (NaN, ±Infinity) or of the wrong type is "no value". A comparison (or
// in/contains/membership) involving no value is false; arithmetic on no value,
// division by zero, or a result beyond float8's range (arith.ts) gives no
// value; `!` negates the two-valued result, so `!(daysLate > 30)` holds for a
// customer without daysLate.

import { ARITH } from './arith.js';
import type { ArithOp, Condition, CustomerRecord, FieldRef, ValueNode } from './ast.js';
import type { FieldType } from './registry.js';

export type ValueFn = (r: CustomerRecord) => unknown;
export type ConditionFn = (r: CustomerRecord) => boolean;

/** A record value as the criteria see it: the typed value, or null. */
export function normalize(type: FieldType, v: unknown): unknown {
  switch (type) {
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? v : null;
    case 'string':
      return typeof v === 'string' ? v : null;
    case 'date':
      return typeof v === 'string' && v !== '' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'stringList':
      return Array.isArray(v) ? v : null;
  }
}

/** JsonLogic `missing`: no value, or an empty string. */
export function isMissing(type: FieldType, v: unknown): boolean {
  const n = normalize(type, v);
  return n === null || n === '';
}

export function isTruthy(type: FieldType, v: unknown): boolean {
  if (v === null) return false;
  switch (type) {
    case 'number':
      return v !== 0;
    case 'string':
      return v !== '';
    case 'boolean':
      return v === true;
    case 'date':
      return true;
    case 'stringList':
      return (v as unknown[]).length > 0;
  }
}

export function arith(op: string, xs: number[]): number | null {
  if (op === 'min') return Math.min(...xs);
  if (op === 'max') return Math.max(...xs);
  if (op === '-' && xs.length === 1) return -xs[0];
  const step = ARITH[op as ArithOp];
  if (!step) throw new Error(`unknown arithmetic ${op}`);
  // Left-nested, as JavaScript evaluates a + b + c; once no value, no value.
  return xs.slice(1).reduce<number | null>((acc, x) => step(acc, x), xs[0]);
}

export function compareValues(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
  throw new Error(`unknown comparison ${op}`);
}

export function readField(node: FieldRef): ValueFn {
  const { name, type } = node;
  const fallback = node.fallback?.value ?? null;
  return (r) => {
    const v = normalize(type, r[name]);
    return v === null ? fallback : v;
  };
}

export function compileValueFn(node: ValueNode): ValueFn {
  switch (node.kind) {
    case 'field':
      return readField(node);
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'arith':
    case 'minmax': {
      const args = node.args.map(compileValueFn);
      const op = node.op;
      return (r) => {
        const xs: number[] = [];
        for (const f of args) {
          const x = f(r);
          if (x === null) return null;
          xs.push(x as number);
        }
        return arith(op, xs);
      };
    }
    case 'choose': {
      const branches = node.branches.map((b) => ({ when: compileConditionFn(b.when), then: compileValueFn(b.then) }));
      const otherwise = compileValueFn(node.otherwise);
      return (r) => {
        for (const b of branches) if (b.when(r)) return b.then(r);
        return otherwise(r);
      };
    }
  }
}

export function compileConditionFn(node: Condition): ConditionFn {
  switch (node.kind) {
    case 'const': {
      const value = node.value;
      return () => value;
    }
    case 'and': {
      const args = node.args.map(compileConditionFn);
      return (r) => args.every((f) => f(r));
    }
    case 'or': {
      const args = node.args.map(compileConditionFn);
      return (r) => args.some((f) => f(r));
    }
    case 'not': {
      const arg = compileConditionFn(node.arg);
      return (r) => !arg(r);
    }
    case 'compare': {
      const operands = node.operands.map(compileValueFn);
      const op = node.op;
      return (r) => {
        let prev = operands[0](r);
        if (prev === null) return false;
        for (let i = 1; i < operands.length; i++) {
          const cur = operands[i](r);
          if (cur === null || !compareValues(op, prev, cur)) return false;
          prev = cur;
        }
        return true;
      };
    }
    case 'isNull': {
      const value = compileValueFn(node.value);
      return node.negate ? (r) => value(r) !== null : (r) => value(r) === null;
    }
    case 'inList': {
      const value = compileValueFn(node.value);
      const list = node.list.map(compileValueFn);
      return (r) => {
        const v = value(r);
        return v !== null && list.some((f) => f(r) === v);
      };
    }
    case 'contains':
    case 'affix': {
      const text = compileValueFn(node.text);
      const part = compileValueFn(node.part);
      const test =
        node.kind === 'contains'
          ? (t: string, p: string) => t.includes(p)
          : node.where === 'start'
            ? (t: string, p: string) => t.startsWith(p)
            : (t: string, p: string) => t.endsWith(p);
      return (r) => {
        const t = text(r);
        const p = part(r);
        return t !== null && p !== null && test(t as string, p as string);
      };
    }
    case 'member': {
      const list = compileValueFn(node.list);
      const item = compileValueFn(node.item);
      return (r) => {
        const l = list(r);
        const i = item(r);
        return l !== null && i !== null && (l as unknown[]).includes(i);
      };
    }
    case 'truthy': {
      const value = compileValueFn(node.value);
      const type = node.value.type;
      return (r) => isTruthy(type, value(r));
    }
    case 'missing': {
      const { fields, need } = node;
      return (r) => {
        const absent = fields.filter((f) => isMissing(f.type, r[f.name])).length;
        return need === null ? absent > 0 : fields.length - absent < need;
      };
    }
    case 'cond': {
      const branches = node.branches.map((b) => ({ when: compileConditionFn(b.when), then: compileConditionFn(b.then) }));
      const otherwise = compileConditionFn(node.otherwise);
      return (r) => {
        for (const b of branches) if (b.when(r)) return b.then(r);
        return otherwise(r);
      };
    }
  }
}
