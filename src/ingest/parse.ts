// Streams an uploaded file into records with their line numbers. NDJSON and
// CSV (header row) are both read incrementally: a file of millions of rows is
// never held in memory.
import type { Readable } from 'node:stream';
import readline from 'node:readline';
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

async function* parseNdjson(input: Readable): AsyncGenerator<ParsedRecord> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { line, error: 'is not valid JSON' };
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { line, error: 'must be a JSON object' };
      continue;
    }
    yield { line, record: value as Record<string, unknown> };
  }
}

async function* parseCsv(input: Readable): AsyncGenerator<ParsedRecord> {
  const parser = input.pipe(
    csvParse({ columns: true, bom: true, skip_empty_lines: true, trim: true, info: true, relax_column_count: false }),
  );
  try {
    for await (const item of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: item.info.lines, record: item.record };
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines ?? 0;
      yield { line, error: `malformed CSV: ${err.message}`, fatal: true };
      return;
    }
    throw err;
  }
}

export function parseRecords(input: Readable, format: ImportFormat): AsyncGenerator<ParsedRecord> {
  return format === 'csv' ? parseCsv(input) : parseNdjson(input);
}
