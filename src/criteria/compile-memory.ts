// In-memory compiler by code generation: one small JavaScript function per
// saved search, built with `new Function`. It is safe because nothing from the
// criteria reaches the source text except JSON.stringify-ed literals and field
// names (read as `r["name"]`), operators come from fixed tables, and large
// literal lists are passed as Set constants, never as code; arithmetic calls
// the functions of arith.ts, passed in as `A`. The semantics are those of
// compile-closures.ts (see the null rule there).

import { ARITH } from './arith.js';
import type { ArithOp, Condition, CriteriaAst, CustomerRecord, FieldRef, ValueNode } from './ast.js';
import { compileConditionFn } from './compile-closures.js';
import type { FieldType } from './registry.js';

export type CompiledCriteria = (record: CustomerRecord) => boolean;

export interface InMemoryOptions {
  /** 'codegen' (default, fastest) or 'closures' (for hosts that forbid eval). */
  strategy?: 'codegen' | 'closures';
}

const JS_COMPARE: Record<string, string> = { '==': '===', '!=': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Lists longer than this are tested with a Set instead of a chain of ===. */
const SET_THRESHOLD = 8;

export function compileInMemory(ast: CriteriaAst, options: InMemoryOptions = {}): CompiledCriteria {
  if (options.strategy === 'closures') return compileConditionFn(ast.root);
  const gen = new Generator();
  const body = gen.condition(ast.root);
  const temps = gen.temps > 0 ? `let ${Array.from({ length: gen.temps }, (_, i) => `t${i}`).join(', ')};` : '';
  const source = `"use strict"; return function criteria(r) { ${temps} return ${body}; };`;
  return new Function('K', 'A', source)(gen.constants, ARITH) as CompiledCriteria;
}

/** Evaluates many saved searches on one record: `out[i]` = 1 when search i matches. */
export type CompiledBatch = (record: CustomerRecord, out: Uint8Array) => void;

/**
 * All searches in one generated function, for whole-portfolio passes: each
 * customer is read once for every search (cache-friendly) and there is one
 * call per customer instead of one per search.
 */
export function compileInMemoryBatch(asts: readonly CriteriaAst[]): CompiledBatch {
  const gen = new Generator();
  const lines = asts.map((ast, i) => `out[${i}] = ${gen.condition(ast.root)} ? 1 : 0;`);
  const temps = gen.temps > 0 ? `let ${Array.from({ length: gen.temps }, (_, i) => `t${i}`).join(', ')};` : '';
  const source = `"use strict"; return function criteriaBatch(r, out) { ${temps} ${lines.join(' ')} };`;
  return new Function('K', 'A', source)(gen.constants, ARITH) as CompiledBatch;
}

/** The generated source, for debugging and for the safety test. */
export function generatedSource(ast: CriteriaAst): string {
  return new Generator().condition(ast.root);
}

const lit = (v: unknown): string => JSON.stringify(v);

/** Min/max directly; the other steps through arith.ts, left-nested as JavaScript evaluates a + b + c. */
function arithSource(op: ArithOp | 'min' | 'max', refs: string[]): string {
  if (op === 'min' || op === 'max') return `Math.${op}(${refs.join(', ')})`;
  if (op === '-' && refs.length === 1) return `-(${refs[0]})`;
  return refs.slice(1).reduce((acc, ref) => `A[${lit(op)}](${acc}, ${ref})`, refs[0]);
}

class Generator {
  temps = 0;
  readonly constants: ReadonlySet<unknown>[] = [];

  private temp(): string {
    return `t${this.temps++}`;
  }

  /**
   * Binds each operand to a temp (literals inline) and lists the guards that
   * must hold for all of them to have a value. A plain field read needs only
   * its type test.
   */
  private bind(nodes: ValueNode[]): { refs: string[]; guards: string[] } {
    const refs: string[] = [];
    const guards: string[] = [];
    for (const n of nodes) {
      if (n.kind === 'literal' && n.value !== null) {
        refs.push(lit(n.value));
        continue;
      }
      const t = this.temp();
      refs.push(t);
      if (n.kind === 'field' && !n.fallback && n.type !== 'stringList') {
        guards.push(this.typeGuard(n.type, t, n.name));
      } else {
        guards.push(`(${t} = ${this.value(n)}) !== null`);
      }
    }
    return { refs, guards };
  }

  private typeGuard(type: Exclude<FieldType, 'stringList'>, t: string, name: string): string {
    const at = `typeof (${t} = r[${lit(name)}])`;
    switch (type) {
      case 'number':
        // t - t is 0 for finite numbers only (NaN and ±Infinity give NaN).
        return `${at} === "number" && ${t} - ${t} === 0`;
      case 'date':
        return `${at} === "string" && ${t} !== ""`;
      default:
        return `${at} === "${type}"`;
    }
  }

  private guarded(guards: string[], test: string): string {
    return `(${[...guards, test].join(' && ')})`;
  }

  private read(type: FieldType, name: string, fallback: string): string {
    const t = this.temp();
    const at = `(${t} = r[${lit(name)}])`;
    switch (type) {
      case 'number':
        return `(typeof ${at} === "number" && ${t} - ${t} === 0 ? ${t} : ${fallback})`;
      case 'string':
        return `(typeof ${at} === "string" ? ${t} : ${fallback})`;
      case 'date':
        return `(typeof ${at} === "string" && ${t} !== "" ? ${t} : ${fallback})`;
      case 'boolean':
        return `(typeof ${at} === "boolean" ? ${t} : ${fallback})`;
      case 'stringList':
        return `(Array.isArray${at} ? ${t} : null)`;
    }
  }

  private field(node: FieldRef): string {
    return this.read(node.type, node.name, lit(node.fallback?.value ?? null));
  }

  value(node: ValueNode): string {
    switch (node.kind) {
      case 'field':
        return this.field(node);
      case 'literal':
        return lit(node.value);
      case 'arith':
      case 'minmax': {
        if (node.args.length === 1 && node.op !== '-') return this.value(node.args[0]);
        const { refs, guards } = this.bind(node.args);
        const expr = arithSource(node.op, refs);
        return guards.length === 0 ? `(${expr})` : `(!(${guards.join(' && ')}) ? null : ${expr})`;
      }
      case 'choose': {
        const arms = node.branches.map((b) => `${this.condition(b.when)} ? ${this.value(b.then)} : `).join('');
        return `(${arms}${this.value(node.otherwise)})`;
      }
    }
  }

  condition(node: Condition): string {
    switch (node.kind) {
      case 'const':
        return node.value ? 'true' : 'false';
      case 'and':
      case 'or':
        return `(${node.args.map((a) => this.condition(a)).join(node.kind === 'and' ? ' && ' : ' || ')})`;
      case 'not':
        return `!${this.condition(node.arg)}`;
      case 'compare': {
        const { refs, guards } = this.bind(node.operands);
        const op = JS_COMPARE[node.op];
        const tests = refs.slice(1).map((ref, i) => `${refs[i]} ${op} ${ref}`);
        return this.guarded(guards, tests.join(' && '));
      }
      case 'isNull':
        return `(${this.value(node.value)} ${node.negate ? '!==' : '==='} null)`;
      case 'inList': {
        if (node.list.length === 0) return 'false';
        const { refs, guards } = this.bind([node.value]);
        const v = refs[0];
        const allLiteral = node.list.every((n) => n.kind === 'literal');
        if (allLiteral && node.list.length > SET_THRESHOLD) {
          const k = this.constants.push(new Set(node.list.map((n) => (n as { value: unknown }).value))) - 1;
          return this.guarded(guards, `K[${k}].has(${v})`);
        }
        const tests = node.list.map((n) => `${v} === ${this.value(n)}`);
        return this.guarded(guards, `(${tests.join(' || ')})`);
      }
      case 'contains':
      case 'affix': {
        const { refs, guards } = this.bind([node.text, node.part]);
        const method = node.kind === 'contains' ? 'includes' : node.where === 'start' ? 'startsWith' : 'endsWith';
        return this.guarded(guards, `${refs[0]}.${method}(${refs[1]})`);
      }
      case 'member': {
        const { refs, guards } = this.bind([node.list, node.item]);
        return this.guarded(guards, `${refs[0]}.includes(${refs[1]})`);
      }
      case 'truthy': {
        const type = node.value.type;
        const plain = node.value.kind === 'field' && !node.value.fallback;
        if (type === 'boolean') return plain ? `(r[${lit((node.value as FieldRef).name)}] === true)` : `(${this.value(node.value)} === true)`;
        if (type === 'date') return `(${this.value(node.value)} !== null)`;
        const { refs, guards } = this.bind([node.value]);
        const test = type === 'number' ? `${refs[0]} !== 0` : type === 'string' ? `${refs[0]} !== ""` : `${refs[0]}.length > 0`;
        return this.guarded(guards, test);
      }
      case 'missing': {
        const absent = node.fields.map((f) => {
          const t = this.temp();
          const read = this.read(f.type, f.name, 'null');
          return f.type === 'string' ? `((${t} = ${read}) === null || ${t} === "")` : `(${read} === null)`;
        });
        if (node.need === null) return `(${absent.join(' || ')})`;
        return `((${absent.map((a) => `(${a} ? 0 : 1)`).join(' + ')}) < ${node.need})`;
      }
      case 'cond': {
        const arms = node.branches.map((b) => `${this.condition(b.when)} ? ${this.condition(b.then)} : `).join('');
        return `(${arms}${this.condition(node.otherwise)})`;
      }
    }
  }
}
