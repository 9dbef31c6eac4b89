import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseRecords, type ImportFormat, type ParsedRecord } from '../../src/ingest/parse.js';

// Split into chunks of `size` bytes so records straddle chunk boundaries.
async function parse(text: string, format: ImportFormat, size = 7): Promise<ParsedRecord[]> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  const out: ParsedRecord[] = [];
  for await (const batch of parseRecords(Readable.from(chunks), format)) out.push(...batch);
  return out;
}

describe('CSV records', () => {
  const file = '\uFEFFexternalId,name,country\r\nC1,"Dupont\net fils",FR\r\n\r\nC2, Acme ,US\r\nC3,"Say ""hi""",GB\r\n';

  it.each([1, 7, 4096])('carry the line they end on, whatever the chunk size (%i bytes)', async (size) => {
    expect(await parse(file, 'csv', size)).toEqual([
      { line: 3, record: { externalId: 'C1', name: 'Dupont\net fils', country: 'FR' } },
      { line: 5, record: { externalId: 'C2', name: 'Acme', country: 'US' } },
      { line: 6, record: { externalId: 'C3', name: 'Say "hi"', country: 'GB' } },
    ]);
  });

  it('end with a fatal error at the line of a row with too many cells', async () => {
    const records = await parse('externalId,name\nC1,a\nC2,b,extra\nC3,c\n', 'csv');
    expect(records.at(-1)).toMatchObject({ line: 3, fatal: true, error: expect.stringMatching(/^malformed CSV/) });
    expect(records.some((r) => r.error === undefined && r.record.externalId === 'C3')).toBe(false);
  });

  it.each([1, 4096])('end at the header when it names a column twice (%i-byte chunks), not letting the last cell win', async (size) => {
    const records = await parse('externalId,amount,name,amount\nC1,10,a,20\n', 'csv', size);
    expect(records).toEqual([{ line: 1, fatal: true, error: 'the header names column "amount" twice' }]);
  });

  it('refuse the header repeated as a row (files joined together) rather than read it as one', async () => {
    expect(await parse('externalId,name\nC1,a\nexternalId,name\nC2,b\n', 'csv')).toEqual([
      { line: 2, record: { externalId: 'C1', name: 'a' } },
      { line: 3, error: 'repeats the header row (files joined together?)' },
      { line: 4, record: { externalId: 'C2', name: 'b' } },
    ]);
  });

  it('end with a fatal error on a quote left open at the end of the file', async () => {
    const records = await parse('externalId,name\nC9,"Open quote\n', 'csv');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ fatal: true, error: expect.stringMatching(/^malformed CSV/) });
  });

  it('read a last row without a final newline', async () => {
    expect(await parse('externalId\nC1\nC2', 'csv')).toEqual([
      { line: 2, record: { externalId: 'C1' } },
      { line: 3, record: { externalId: 'C2' } },
    ]);
  });
});

describe('NDJSON records', () => {
  it('carry their physical line, skip blank lines and report bad ones in place', async () => {
    const records = await parse('{"a":1}\r\n\n{oops\n[1]\n{"é":"ü"}', 'ndjson', 3);
    expect(records).toEqual([
      { line: 1, record: { a: 1 }, source: '{"a":1}' },
      { line: 3, error: 'is not valid JSON' },
      { line: 4, error: 'must be a JSON object' },
      { line: 5, record: { é: 'ü' }, source: '{"é":"ü"}' },
    ]);
  });
});

describe('NDJSON rows that name a field twice', () => {
  it('are row errors naming the field, as a CSV column named twice is', async () => {
    const records = await parse('{"externalId":"C1","name":"A","name":"B"}\n{"a":1,"b":{"a":2}}\n', 'ndjson');
    expect(records[0]).toEqual({ line: 1, error: 'names the field "name" twice (JSON keeps only the last)' });
    expect(records[1]).toEqual({ line: 2, record: { a: 1, b: { a: 2 } }, source: '{"a":1,"b":{"a":2}}' });
  });

  it('are found however much space stands before the colon', async () => {
    const records = await parse(`{"a":1,"a"${' '.repeat(45)}\t:2}\n`, 'ndjson');
    expect(records).toEqual([{ line: 1, error: 'names the field "a" twice (JSON keeps only the last)' }]);
  });

  it('include a key named twice in an object inside a field', async () => {
    const records = await parse('{"externalId":"S1","steps":[{"dayOffset":5,"dayOffset":15}]}\n', 'ndjson');
    expect(records).toEqual([{ line: 1, error: 'names the key "dayOffset" twice in one object of a field\'s value (JSON keeps only the last)' }]);
  });

  it('are told apart from a key inside a value or a colon inside a string', async () => {
    const line = '{"note":"say \\"x\\": y","payload":{"note":1,"list":[{"note":2}]},"k\\"ey":3}\n';
    expect(await parse(line, 'ndjson')).toEqual([{ line: 1, record: JSON.parse(line), source: line.trimEnd() }]);
  });
});

describe('the UTF-8 check of CSV bytes', () => {
  it.each([1, 2, 3, 7])('accepts characters of 2 to 4 bytes split across chunks of %i bytes', async (size) => {
    const file = 'externalId,name\nC1,Café Ærø 東京 😀\n';
    expect(await parse(file, 'csv', size)).toEqual([{ line: 2, record: { externalId: 'C1', name: 'Café Ærø 東京 😀' } }]);
  });

  it('refuses a file that ends inside a character', async () => {
    const bytes = Buffer.concat([Buffer.from('externalId,name\nC1,caf'), Buffer.from([0xc3])]);
    const out: ParsedRecord[] = [];
    for await (const batch of parseRecords(Readable.from([bytes]), 'csv')) out.push(...batch);
    expect(out.at(-1)).toMatchObject({ fatal: true, error: expect.stringMatching(/not UTF-8/) });
  });
});

describe('the line named for a byte that is not UTF-8', () => {
  async function parseBytes(bytes: Buffer, format: ImportFormat, size: number): Promise<ParsedRecord[]> {
    const chunks: Buffer[] = [];
    for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
    const out: ParsedRecord[] = [];
    for await (const batch of parseRecords(Readable.from(chunks), format)) out.push(...batch);
    return out;
  }
  // Line 2 holds a real U+FFFD and a character of two bytes; the Latin-1 é (0xE9) is on line 4.
  const before = { csv: 'externalId,name\nC1,Ca\uFFFD fé\nC2,b\n', ndjson: '{"externalId":"C1","name":"Ca\uFFFD fé"}\n{"x":1}\n{"y":2}\n' };
  const bad = { csv: Buffer.from('C3,caf'), ndjson: Buffer.from('{"name":"caf') };
  it.each([1, 2, 3, 7, 4096])('is the line it is on, whatever the chunk size (%i bytes)', async (size) => {
    for (const format of ['csv', 'ndjson'] as const) {
      const file = Buffer.concat([Buffer.from(before[format]), bad[format], Buffer.from([0xe9]), Buffer.from('"}\n')]);
      const records = await parseBytes(file, format, size);
      expect(records.at(-1), format).toMatchObject({ line: 4, fatal: true, error: expect.stringMatching(/not UTF-8/) });
    }
  });
});

describe('when a parse error quotes what the file holds', () => {
  const long = 'x'.repeat(1_000_000);
  const shortened = `"${'x'.repeat(60)}…" (1000000 characters)`;

  it('quotes the start of a CSV field a stray quote ends, not the whole of it', async () => {
    const [record] = await parse(`externalId,name\nC1,${long}a"b\n`, 'csv', 65_536);
    expect(record).toEqual({ line: 2, fatal: true, error: `malformed CSV: Invalid Opening Quote: a quote is found on field "name" at line 2, value is "${'x'.repeat(60)}…" (1000001 characters)` });
  });

  it('quotes the start of a CSV column named twice', async () => {
    expect(await parse(`externalId,${long},${long}\nC1,a,b\n`, 'csv', 65_536)).toEqual([{ line: 1, fatal: true, error: `the header names column ${shortened} twice` }]);
  });

  it('quotes the start of an NDJSON field named twice, at the top or deeper', async () => {
    expect(await parse(`{"externalId":"C1","${long}":1,"${long}":2}\n`, 'ndjson', 65_536)).toEqual([
      { line: 1, error: `names the field ${shortened} twice (JSON keeps only the last)` },
    ]);
    expect(await parse(`{"externalId":"C1","terms":{"${long}":1,"${long}":2}}\n`, 'ndjson', 65_536)).toEqual([
      { line: 1, error: `names the key ${shortened} twice in one object of a field's value (JSON keeps only the last)` },
    ]);
  });
});
