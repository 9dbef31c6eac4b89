// One reading of command-line options for every analysts' command: train,
// evaluate, the world generator, the evaluation protocols, and the benches
// (bench/). An option the
// command does not know is a usage error naming it: `--custmers 500` ran with
// the default customers, or died with a stack, depending on the script.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { suggestFields } from '../../src/criteria/suggest.js';
import { EXIT } from './exit-codes.js';

export class UsageError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Every way an option may be written, without its dashes: its name, its short letter, `no-<name>` for a switch. */
function spellings(options: Options): string[] {
  return Object.entries(options).flatMap(([name, o]) => [name, ...(o.short ? [o.short] : []), ...(o.type === 'boolean' ? [`no-${name}`] : [])]);
}

/** "unknown option --custmers (did you mean --customers?)", or the options there are when none is close. */
export function unknownOptionMessage(written: string, options: Options): string {
  const known = spellings(options).filter((s) => s.length > 1);
  const [close] = suggestFields(written.replace(/^-+/, ''), known, 1);
  if (close) return `unknown option ${written} (did you mean --${close}?)`;
  const names = Object.keys(options);
  return `unknown option ${written} (${names.length ? `options: ${names.map((n) => `--${n}`).join(', ')}` : 'this command takes no options'})`;
}

function refuseUnknown(argv: string[], options: Options): void {
  const known = new Set(spellings(options));
  // Not strict, so that the scan itself never throws: it only names what strict parsing would refuse.
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, allowNegative: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'option' && !known.has(t.rawName.replace(/^-+/, ''))) throw new UsageError(unknownOptionMessage(t.rawName, options));
  }
}

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));
const isWhole = (text: string) => isNumber(text) && Number.isInteger(Number(text)) && Number(text) >= 0;

/**
 * An option whose default is a number takes a number: the scripts read it
 * with Number(), so `--customers abc` ran with NaN customers (an empty world,
 * or a loop that never ends) instead of saying what was wrong. One whose
 * default is a whole number (a count, a seed) takes a whole number: `--customers
 * -5` or `2.5` built a portfolio of no or half customers before failing.
 */
function refuseNonNumbers(values: Record<string, unknown>, options: Options): void {
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string' || typeof o.default !== 'string' || !isNumber(o.default)) continue;
    const given = values[name];
    if (typeof given !== 'string') continue;
    if (!isNumber(given)) throw new UsageError(`--${name} takes a number (default ${o.default}), got "${given}"`);
    if (isWhole(o.default) && !isWhole(given)) throw new UsageError(`--${name} takes a whole number (default ${o.default}), got "${given}"`);
  }
}

/** The options (and positionals, when the command takes some); a UsageError in one line for anything else. */
export function parseOptions<const O extends Options>(argv: string[], options: O, allowPositionals = false) {
  refuseUnknown(argv, options);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals, allowNegative: true, strict: true });
  } catch (err) {
    // Node's messages name the option or the stray argument; some run over several lines.
    throw new UsageError((err as Error).message.split('\n').join(' '));
  }
  refuseNonNumbers(parsed.values, options);
  return parsed;
}

/**
 * What `read` gives; a UsageError it throws ends the script at once, before
 * any work, with exit code 2 and one line on stderr.
 */
export function orUsageExit<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(EXIT.USAGE);
  }
}

/** The options of a script run on its own (`npx tsx training/world.ts`) or by `npm run evaluate`, as orUsageExit reads them. */
export function scriptOptions<const O extends Options>(options: O) {
  return orUsageExit(() => parseOptions(process.argv.slice(2), options).values);
}
