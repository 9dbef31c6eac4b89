// Streams an uploaded file into records with their line numbers. NDJSON and
// CSV (header row) are both read incrementally: a file of millions of rows is
// never held in memory.
import type { Readable } from 'node:stream';
import { Parser as CsvParser, CsvError } from 'csv-parse';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../util/json-depth.js';
import { repeatedKey, type RepeatedKey } from '../util/json-keys.js';
import { Utf8Check, firstInvalidOffset } from './utf8.js';
import { quote } from '../util/quote.js';

export type ImportFormat = 'ndjson' | 'csv';

export type ParsedRecord =
  /** `source`: the NDJSON line, for how a number was written (coerceRow). */
  | { line: number; record: Record<string, unknown>; source?: string; error?: undefined }
  | { line: number; error: string; fatal?: boolean };

export function formatFromContentType(contentType: string | undefined): ImportFormat | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/csv') return 'csv';
  if (['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'].includes(type)) {
    return 'ndjson';
  }
  return null;
}

const rowNamesTwice = ({ key, topLevel }: RepeatedKey): string =>
  topLevel
    ? `names the field ${quote(key)} twice (JSON keeps only the last)`
    : `names the key ${quote(key)} twice in one object of a field's value (JSON keeps only the last)`;

function parseLine(text: string, line: number): ParsedRecord | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: 'is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, error: 'must be a JSON object' };
  const repeated = repeatedKey(text, value);
  if (repeated !== null) return { line, error: rowNamesTwice(repeated) };
  // The row is one level; its values may nest as deep as a stored JSON value.
  if (nestsDeeperThan(value, MAX_JSON_DEPTH + 1)) return { line, error: `nests deeper than ${MAX_JSON_DEPTH} levels` };
  return { line, record: value as Record<string, unknown>, source: text };
}

// Bytes that are not UTF-8 would otherwise become U+FFFD in names and ids without a word.
const notUtf8 = (line: number): ParsedRecord => ({ line, error: 'is not UTF-8 text: send the file encoded as UTF-8', fatal: true });

function countBreaks(bytes: Uint8Array): number {
  let n = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) n++;
  return n;
}

/** Line breaks in a chunk before its first byte that is not UTF-8. */
const breaksBeforeBadByte = (bytes: Uint8Array): number => countBreaks(bytes.subarray(0, firstInvalidOffset(bytes)));

// Lines are split by hand, a chunk at a time: iterating a readline interface
// line by line costs more than parsing the JSON itself.
async function* parseNdjson(input: Readable): AsyncGenerator<ParsedRecord[]> {
  let rest = '';
  let line = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for await (const chunk of input) {
    let text: string;
    try {
      text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
    } catch {
      yield [notUtf8(line + 1 + breaksBeforeBadByte(chunk as Uint8Array))];
      return;
    }
    const parts = text.split('\n');
    rest = parts.pop()!;
    const batch: ParsedRecord[] = [];
    for (const part of parts) {
      line++;
      const parsed = parseLine(part.endsWith('\r') ? part.slice(0, -1) : part, line);
      if (parsed) batch.push(parsed);
    }
    if (batch.length > 0) yield batch;
  }
  try {
    rest += decoder.decode();
  } catch {
    yield [notUtf8(line + 1)];
    return;
  }
  if (rest !== '') {
    const parsed = parseLine(rest, ++line);
    if (parsed) yield [parsed];
  }
}

/** csv-parse's words, with the field a stray quote ends (all of it up to there) quoted as row errors quote values. */
function csvMessage(err: CsvError): string {
  const field = (err as CsvError & { field?: unknown }).field;
  if (err.code !== 'INVALID_OPENING_QUOTE' || typeof field !== 'string') return err.message;
  return err.message.replace(`value is ${JSON.stringify(field)}`, () => `value is ${quote(field)}`);
}

// The parser's core is driven chunk by chunk rather than through its stream:
// a record is then taken with the line it ends on, read off the parser at the
// moment it is emitted, with no info object and no async step per record.
interface CsvCore {
  parse(chunk: Buffer | undefined, end: boolean, push: (record: Record<string, string>) => void, close: () => void): Error | undefined;
}

/**
 * What makes a header unreadable, said once for the file rather than as an
 * unknown column and missing fields on every row: a column named twice (its
 * last cell would win without a word), one with no name (a trailing comma),
 * or one name holding the whole header of a file separated otherwise.
 */
function headerProblem(header: string[]): string | undefined {
  const repeated = header.find((name, i) => header.indexOf(name) !== i);
  if (repeated !== undefined) return `the header names column ${quote(repeated)} twice`;
  const unnamed = header.indexOf('');
  if (unnamed !== -1) return `the header's column ${unnamed + 1} has no name (a comma at the end of the line?)`;
  const separator = header.length === 1 ? /[;\t]/.exec(header[0])?.[0] : undefined;
  if (separator !== undefined) return `the header is one column, ${quote(header[0])}: columns are separated by commas, not ${separator === ';' ? 'semicolons' : 'tabs'}`;
  return undefined;
}

async function* parseCsv(input: Readable): AsyncGenerator<ParsedRecord[]> {
  let badHeader: string | undefined;
  let names: string[] = [];
  const columns = (header: string[]) => {
    badHeader ??= headerProblem(header);
    names = header;
    return header;
  };
  // Files joined end to end repeat their header as a row: read as one, it
  // imported a customer "name" whose externalId is "externalId".
  const isHeader = (record: Record<string, string>) => record[names[0]] === names[0] && names.every((name) => record[name] === name);
  const parser = new CsvParser({ columns, bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  const core = (parser as unknown as { api: CsvCore }).api;
  const step = (chunk: Buffer | undefined): ParsedRecord[] => {
    const batch: ParsedRecord[] = [];
    const err = core.parse(chunk, chunk === undefined, (record) => batch.push(isHeader(record)
      ? { line: parser.info.lines, error: 'repeats the header row (files joined together?)' }
      : { line: parser.info.lines, record }), () => undefined);
    if (badHeader !== undefined) return [{ line: 1, error: badHeader, fatal: true }];
    if (err === undefined) return batch;
    if (!(err instanceof CsvError)) throw err;
    const line = (err as CsvError & { lines?: number }).lines ?? parser.info.lines;
    batch.push({ line, error: `malformed CSV: ${csvMessage(err)}`, fatal: true });
    return batch;
  };
  // csv-parse decodes on its own and replaces what is not UTF-8: check the bytes first.
  const utf8 = new Utf8Check();
  // Line breaks read so far: the parser's own count lags at a chunk boundary.
  let breaks = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    if (!utf8.push(bytes)) {
      yield [notUtf8(1 + breaks + breaksBeforeBadByte(bytes))];
      return;
    }
    breaks += countBreaks(bytes);
    const batch = step(bytes);
    if (batch.length > 0) yield batch;
    const last = batch.at(-1);
    if (last?.error !== undefined && last.fatal) return;
  }
  if (!utf8.end()) {
    yield [notUtf8(1 + breaks)];
    return;
  }
  const last = step(undefined);
  if (last.length > 0) yield last;
}

/** Records in batches (one per chunk read), so per-record async overhead stays out of the hot loop. */
export function parseRecords(input: Readable, format: ImportFormat): AsyncGenerator<ParsedRecord[]> {
  return format === 'csv' ? parseCsv(input) : parseNdjson(input);
}
