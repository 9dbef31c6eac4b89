// A small template language for paraphrases:
//   {a|b|c}  one of the alternatives      [x]  x or nothing (even odds)
//   $SLOT    a value from the slot filler (invoice number, date, amount…)
// Alternatives nest: "{Pouvez-vous|Merci de} [bien vouloir] {renvoyer|transmettre} la facture $INV".
import type { Rng } from './random.js';

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'slot'; name: string }
  | { kind: 'choice'; options: Node[][] }
  | { kind: 'optional'; body: Node[] };

const cache = new Map<string, Node[]>();

function parse(template: string): Node[] {
  let pos = 0;
  function sequence(stops: string): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (pos < template.length && !stops.includes(template[pos])) {
      const c = template[pos];
      if (c === '{') {
        flush();
        pos++;
        const options: Node[][] = [sequence('|}')];
        while (template[pos] === '|') {
          pos++;
          options.push(sequence('|}'));
        }
        if (template[pos] !== '}') throw new Error(`grammar: unclosed '{' in "${template}"`);
        pos++;
        nodes.push({ kind: 'choice', options });
      } else if (c === '[') {
        flush();
        pos++;
        const body = sequence(']');
        if (template[pos] !== ']') throw new Error(`grammar: unclosed '[' in "${template}"`);
        pos++;
        nodes.push({ kind: 'optional', body });
      } else if (c === '$' && /[A-Z]/.test(template[pos + 1] ?? '')) {
        flush();
        const m = /^\$([A-Z][A-Z0-9_]*)/.exec(template.slice(pos))!;
        nodes.push({ kind: 'slot', name: m[1] });
        pos += m[0].length;
      } else {
        text += c;
        pos++;
      }
    }
    flush();
    return nodes;
  }
  const nodes = sequence('');
  if (pos !== template.length) throw new Error(`grammar: unexpected '${template[pos]}' in "${template}"`);
  return nodes;
}

export type SlotFiller = (name: string) => string;

/** One random rendering of a template. */
export function expand(template: string, rng: Rng, fill: SlotFiller): string {
  let nodes = cache.get(template);
  if (!nodes) {
    nodes = parse(template);
    cache.set(template, nodes);
  }
  const out: string[] = [];
  const walk = (list: Node[]) => {
    for (const node of list) {
      if (node.kind === 'text') out.push(node.text);
      else if (node.kind === 'slot') out.push(fill(node.name));
      else if (node.kind === 'choice') walk(rng.pick(node.options));
      else if (rng.chance(0.5)) walk(node.body);
    }
  };
  walk(nodes);
  return out
    .join('')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/ +([,.])/g, '$1')
    .trim();
}

/** Every slot name a template uses (to check templates in tests). */
export function slotsOf(template: string): string[] {
  return [...template.matchAll(/\$([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]);
}
