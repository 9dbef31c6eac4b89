// Streams an uploaded file into records with their line numbers. NDJSON and
// CSV (header row) are both read incrementally: a file of millions of rows is
// never held in memory.
import type { Readable } from 'node:stream';
import { parse as csvParse, CsvError } from 'csv-parse';

export type ImportFormat = 'ndjson' | 'csv';

export type ParsedRecord =
  | { line: number; record: Record<string, unknown>; error?: undefined }
  | { line: number; error: string; fatal?: boolean };

export function formatFromContentType(contentType: string | undefined): ImportFormat | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv' || type === 'application/csv') return 'csv';
  if (['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines'].includes(type)) {
    return 'ndjson';
  }
  return null;
}

function parseLine(text: string, line: number): ParsedRecord | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { line, error: 'is not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { line, error: 'must be a JSON object' };
  return { line, record: value as Record<string, unknown> };
}

// Lines are split by hand, a chunk at a time: iterating a readline interface
// line by line costs more than parsing the JSON itself.
async function* parseNdjson(input: Readable): AsyncGenerator<ParsedRecord[]> {
  let rest = '';
  let line = 0;
  const decoder = new TextDecoder();
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true }));
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
  rest += decoder.decode();
  if (rest !== '') {
    const parsed = parseLine(rest, ++line);
    if (parsed) yield [parsed];
  }
}

async function* parseCsv(input: Readable): AsyncGenerator<ParsedRecord[]> {
  const parser = input.pipe(
    csvParse({ columns: true, bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }),
  );
  try {
    let batch: ParsedRecord[] = [];
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      batch.push({ line: item.info.lines, record: item.record });
      if (batch.length >= 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 0;
      yield [{ line, error: `malformed CSV: ${err.message}`, fatal: true }];
      return;
    }
    throw err;
  }
}

/** Records in batches (one per chunk read), so per-record async overhead stays out of the hot loop. */
export function parseRecords(input: Readable, format: ImportFormat): AsyncGenerator<ParsedRecord[]> {
  return format === 'csv' ? parseCsv(input) : parseNdjson(input);
}
