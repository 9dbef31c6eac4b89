// map / filter / reduce / all / some / none. Each item is evaluated in its own
// scope (the item, above it a frame with its index, above that the enclosing
// data), which is what lets `{"val": [[2], "x"]}` reach outside the loop.
// Bodies are not traced item by item: the explanation shows the iterator once.

import { invalidArguments, truthy } from './coerce.js';
import type { Interpreter } from './evaluate.js';
import type { OpNode, Scope } from './operations.js';
import { weightOf } from './size.js';

export function iterate(it: Interpreter, node: OpNode, scope: Scope): unknown {
  const [collectionNode, body, initialNode] = node.args;
  const collection = it.run(collectionNode, scope);
  const itemScope = (item: unknown, index: number): Scope => ({
    data: item,
    parent: { data: { index }, parent: scope },
  });
  const each = (item: unknown, index: number): unknown => it.run(body, itemScope(item, index));

  switch (node.op) {
    case 'map':
    case 'filter': {
      if (!Array.isArray(collection)) return [];
      it.checkSize(collection.length, node.path);
      // A map's items may each be a big part of the record: weigh them as they come.
      const mapped = (item: unknown, i: number): unknown => {
        const v = each(item, i);
        it.charge(weightOf(v), node.path);
        return v;
      };
      return it.quietly(() =>
        node.op === 'map' ? collection.map(mapped) : collection.filter((item, i) => truthy(each(item, i))),
      );
    }
    case 'reduce': {
      const initial = initialNode === undefined ? null : it.run(initialNode, scope);
      if (!Array.isArray(collection)) return initial;
      return it.quietly(() =>
        collection.reduce(
          (accumulator: unknown, current: unknown, index: number) =>
            it.run(body, { data: { current, accumulator }, parent: { data: { index }, parent: scope } }),
          initial,
        ),
      );
    }
    default: {
      if (!Array.isArray(collection)) throw invalidArguments(node.path, `"${node.op}" needs an array`);
      return it.quietly(() => {
        if (node.op === 'all') return collection.length > 0 && collection.every((item, i) => truthy(each(item, i)));
        const found = collection.some((item, i) => truthy(each(item, i)));
        return node.op === 'some' ? found : !found;
      });
    }
  }
}
