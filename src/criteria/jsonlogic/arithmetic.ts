// Arithmetic and min/max on arbitrary values, community-specification style:
// operands become numbers (null → 0, "12" → 12, true → 1), a list or object
// or a result of NaN is an error, and so is division by zero.

import { invalidArguments, isCompound, nanError, toNumber } from './coerce.js';

function numbers(values: unknown[], path: string): number[] {
  return values.map((v) => {
    if (isCompound(v)) throw nanError(path, 'a list or object');
    const n = toNumber(v);
    if (Number.isNaN(n)) throw nanError(path, JSON.stringify(v));
    return n;
  });
}

function finite(n: number, path: string): number {
  if (Number.isNaN(n)) throw nanError(path, 'the result');
  return n;
}

export function arithmetic(op: string, values: unknown[], path: string): number {
  const xs = numbers(values, path);
  switch (op) {
    case '+':
      return finite(xs.reduce((s, x) => s + x, 0), path);
    case '*':
      return finite(xs.reduce((s, x) => s * x, 1), path);
    case '-':
      if (xs.length === 0) throw invalidArguments(path, '"-" needs at least one number');
      return finite(xs.length === 1 ? -xs[0] : xs.slice(1).reduce((s, x) => s - x, xs[0]), path);
    case '/': {
      if (xs.length === 0) throw invalidArguments(path, '"/" needs at least one number');
      const [first, ...rest] = xs.length === 1 ? [1, xs[0]] : xs;
      if (rest.some((x) => x === 0)) throw nanError(path, 'a division by zero');
      return finite(rest.reduce((s, x) => s / x, first), path);
    }
    case '%': {
      if (xs.length < 2) throw invalidArguments(path, '"%" needs a dividend and a divisor');
      if (xs.slice(1).some((x) => x === 0)) throw nanError(path, 'a remainder of division by zero');
      return finite(xs.slice(1).reduce((s, x) => s % x, xs[0]), path);
    }
    case 'min':
    case 'max':
      if (xs.length === 0) throw invalidArguments(path, `"${op}" needs at least one number`);
      return xs.reduce((a, b) => (op === 'min' ? Math.min(a, b) : Math.max(a, b)));
  }
  throw new Error(`not an arithmetic operator: ${op}`);
}
