import { describe, expect, it } from 'vitest';
import { ENTITIES, findEntity } from '../../src/ingest/entities.js';
import { coerceRow, type RowError } from '../../src/ingest/coerce.js';
import { copyCell } from '../../src/db/sql.js';

const invoices = findEntity('invoices')!;
const base = { externalId: 'I-1', customerExternalId: 'C-1', number: 'F1', issueDate: '2024-01-31', dueDate: '2024-03-01', amount: 10 };

function dueDateErrors(dueDate: string): RowError[] {
  const errors: RowError[] = [];
  coerceRow(invoices, { ...base, dueDate }, 2, errors);
  return errors.filter((e) => e.field === 'dueDate');
}

describe('date cells', () => {
  it.each(['2024-02-29', '2000-02-29', '2026-12-31', '2026-04-30', '1999-01-01'])('accepts %s', (d) => {
    expect(dueDateErrors(d)).toEqual([]);
  });
  it.each(['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-05', '26-01-05', '2026-01-05T00:00', ''])(
    'refuses %j',
    (d) => {
      const errors = dueDateErrors(d);
      expect(errors).toHaveLength(1);
      expect(errors[0].reason).toMatch(d === '' ? /required/ : /date YYYY-MM-DD/);
    },
  );
});

/** The reasons `record` (merged over a valid row of `entity`) is refused, field by field. */
function reasons(entity: string, base: Record<string, unknown>, record: Record<string, unknown>): string[] {
  const errors: RowError[] = [];
  coerceRow(findEntity(entity)!, { ...base, ...record }, 2, errors);
  return errors.map((e) => `${e.field ?? ''} ${e.reason}`);
}

describe('cells a PostgreSQL column cannot hold', () => {
  const customer = { externalId: 'C-1', name: 'Acme' };
  const offer = { externalId: 'O-1', customerExternalId: 'C-1', lever: 'discount', offeredAt: '2026-01-05T10:00:00Z' };

  it.each([
    ['text', 'customers', customer, { name: 'Ac\u0000me' }, /^name must not contain the NUL character/],
    ['a reference', 'invoices', base, { customerExternalId: 'C\u0000' }, /^customerExternalId must not contain the NUL/],
    ['a list item', 'incentive-offers', offer, { invoiceExternalIds: ['I-1', 'I\u0000'] }, /^invoiceExternalIds must not contain the NUL/],
    ['a JSON string', 'incentive-offers', offer, { terms: { note: 'a\u0000' } }, /^terms must not contain the NUL/],
    ['a JSON key', 'incentive-offers', offer, { terms: '{"a\\u0000": 1}' }, /^terms must not contain the NUL/],
    ['a JSON cell naming a key twice', 'incentive-offers', offer, { terms: '{"discountPct": 2, "discountPct": 20}' }, /^terms names the key "discountPct" twice/],
    ['an amount of 10^13', 'invoices', base, { amount: 1e13 }, /^amount must be an amount below 10\^13/],
    ['an amount that would lose its cents', 'invoices', base, { amount: '90071992547409.93' }, /^amount must be an amount below 10\^13/],
    ['an amount of 1e300', 'invoices', base, { amount: '1e300' }, /^amount must be an amount below 10\^13/],
    ['a credit limit of 10^17', 'customers', customer, { creditLimit: 1e17 }, /^creditLimit must be an amount below 10\^13/],
    ['a whole number beyond int4', 'customers', customer, { paymentTermsDays: 2 ** 31 }, /^paymentTermsDays must be a whole number from/],
  ])('refuses %s', (_name, entity, valid, record, reason) => {
    const found = reasons(entity, valid, record);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(reason);
  });

  it('keeps the largest amount whose cents survive as a JavaScript number, to the cent', () => {
    const errors: RowError[] = [];
    const row = coerceRow(invoices, { ...base, amount: '9999999999999.99' }, 2, errors);
    expect(errors).toEqual([]);
    expect(row.amount).toBe(9_999_999_999_999.99);
    expect((row.amount as number).toFixed(2)).toBe('9999999999999.99');
  });
});

describe('implausible dates', () => {
  it.each(['0001-01-01', '1899-12-31', '2200-01-01', '9999-12-31'])('refuses the date %s', (d) => {
    expect(reasons('invoices', base, { issueDate: d })).toEqual([`issueDate must be from 1900-01-01 to 2199-12-31, got "${d}"`]);
  });
  it.each(['1900-01-01', '2199-12-31'])('accepts the date %s', (d) => {
    expect(reasons('invoices', base, { issueDate: d, dueDate: d })).toEqual([]);
  });
  it('refuses a timestamp of year 1', () => {
    const comm = { externalId: 'M-1', customerExternalId: 'C-1', channel: 'email' };
    expect(reasons('communications', comm, { sentAt: '0001-01-01T00:00:00Z' })[0]).toMatch(/^sentAt must be from 1900-01-01/);
  });
  it('accepts an invoice settled before its issue date (a prepayment)', () => {
    expect(reasons('invoices', base, { settledDate: '2024-01-15' })).toEqual([]);
  });
});

describe('cells that would be read as something else than what was written', () => {
  const customer = { externalId: 'C-1', name: 'Acme' };
  const comm = { externalId: 'M-1', customerExternalId: 'C-1', channel: 'email' };

  it.each(['0x10', '0b1', '0o7', '1,5', '12 EUR'])('refuses the amount %j (not a decimal number)', (amount) => {
    expect(reasons('invoices', base, { amount })).toEqual([`amount must be an amount, got ${JSON.stringify(amount)}`]);
  });
  it.each(['12', ' 12.50 ', '3.', '.5', '1e3', '+7'])('accepts the amount %j', (amount) => {
    expect(reasons('invoices', base, { amount })).toEqual([]);
  });
  it('refuses an externalId of spaces only, as it refuses an empty one', () => {
    expect(reasons('customers', customer, { externalId: '   ' })).toEqual(['externalId is required (got only spaces)']);
    expect(reasons('invoices', base, { customerExternalId: ' ' })).toEqual(['customerExternalId is required (got only spaces)']);
  });
  it('refuses hour 24 (JavaScript reads 24:00 as the next midnight)', () => {
    expect(reasons('communications', comm, { sentAt: '2026-01-05T24:00Z' })[0]).toMatch(/^sentAt must be an ISO 8601 timestamp/);
    expect(reasons('communications', comm, { sentAt: '2026-01-05T23:59:59Z' })).toEqual([]);
  });
  it.each([['country', 'ZZ'], ['country', 'XA'], ['country', 'QZ'], ['currency', 'ABC'], ['currency', 'EUO']])(
    'refuses the %s code %s (the right shape, naming nothing)',
    (field, code) => {
      expect(reasons('customers', customer, { [field]: code })[0]).toMatch(new RegExp(`^${field} must be an ISO`));
    },
  );
  it.each([['country', 'FR'], ['country', 'XK'], ['country', 'GB'], ['currency', 'EUR'], ['currency', 'XOF'], ['currency', 'CHF']])(
    'accepts the %s code %s',
    (field, code) => {
      expect(reasons('customers', customer, { [field]: code })).toEqual([]);
    },
  );
});

describe('when a refused cell is long', () => {
  const customer = { externalId: 'C-1', name: 'Acme' };
  const long = 'x'.repeat(10_000_000);
  const shortened = `"${'x'.repeat(60)}…" (10000000 characters)`;

  it.each([
    ['a choice', 'customers', customer, { companyType: long }, `companyType must be one of public, private, got ${shortened}`],
    ['a whole number', 'customers', customer, { paymentTermsDays: long }, `paymentTermsDays must be a whole number, got ${shortened}`],
    ['an amount', 'invoices', base, { amount: long }, `amount must be an amount, got ${shortened}`],
    ['a date', 'invoices', base, { dueDate: long }, `dueDate must be a date YYYY-MM-DD, got ${shortened}`],
    ['a flag', 'invoices', base, { disputed: long }, `disputed must be true or false, got ${shortened}`],
    ['a country code', 'customers', customer, { country: 'X'.repeat(200) }, `country must be an ISO 3166 alpha-2 country code in capitals (FR, US), got "${'X'.repeat(60)}…" (200 characters)`],
  ])('quotes the start of %s, with its length', (_name, entity, valid, record, reason) => {
    expect(reasons(entity, valid, record).map((r) => r.trim())).toEqual([reason]);
  });

  it('quotes the start of an NDJSON number sent where text is expected', () => {
    const digits = '9'.repeat(400);
    const errors: RowError[] = [];
    coerceRow(findEntity('customers')!, { externalId: Number(digits), name: 'Acme' }, 2, errors, `{"externalId":${digits},"name":"Acme"}`);
    expect(errors.map((e) => e.reason)).toEqual([
      `must be text: a JSON number is taken as text only when written as digits alone, below 2^53, got ${'9'.repeat(60)}… (400 characters); send it in quotes`,
    ]);
  });

  it('quotes the start of the unknown keys of a dunning step', () => {
    const steps = [{ dayOffset: 3, channel: 'email', ['k'.repeat(1000)]: 1 }];
    expect(reasons('dunning-scenarios', { externalId: 'S-1', name: 'Soft' }, { steps })).toEqual([
      ` steps[0] has unknown keys ${'k'.repeat(60)}… (1000 characters) (known: dayOffset, channel, level, template, automatic)`,
    ]);
  });
});

describe('COPY cells', () => {
  it('escapes what COPY text format reads as syntax and nothing else', () => {
    expect(copyCell('a\tb\nc\\d\re')).toBe('a\\tb\\nc\\\\d\\re');
    expect(copyCell('plain text, "quoted"')).toBe('plain text, "quoted"');
    expect(copyCell(null)).toBe('\\N');
    expect(copyCell(undefined)).toBe('\\N');
    expect(copyCell(12.5)).toBe('12.5');
    expect(copyCell(false)).toBe('false');
  });
});

describe('JSON cells', () => {
  const event = { externalId: 'E-1', customerExternalId: 'C-1', kind: 'insolvency', occurredAt: '2026-01-05T10:00:00Z' };
  const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  it('refuses a value nested past 64 levels, written as a CSV cell or sent as JSON', () => {
    expect(reasons('external-events', event, { payload: nested(65) })).toEqual(['payload must not nest deeper than 64 levels']);
    expect(reasons('external-events', event, { payload: JSON.parse(nested(20_000)) })).toEqual(['payload must not nest deeper than 64 levels']);
  });
  it('accepts a value nested 64 levels', () => {
    expect(reasons('external-events', event, { payload: nested(64) })).toEqual([]);
  });

  describe('when a value is larger than 64 KiB as JSON', () => {
    const scenario = { externalId: 'S-1', name: 'Soft' };
    const offer = { externalId: 'O-1', customerExternalId: 'C-1', lever: 'discount', offeredAt: '2026-01-05T10:00:00Z' };
    /** A JSON value of `bytes` bytes, its filler `unit` repeated (é takes two bytes). */
    const payloadOf = (bytes: number, unit = 'x') => ({ note: unit.repeat((bytes - '{"note":""}'.length) / Buffer.byteLength(unit)) });
    const stepsOf = (bytes: number) => [{ dayOffset: 3, channel: 'email', template: 'x'.repeat(bytes - '[{"dayOffset":3,"channel":"email","template":""}]'.length) }];
    const cases = [
      ['dunning-scenarios', 'steps', scenario, stepsOf],
      ['incentive-offers', 'terms', offer, payloadOf],
      ['external-events', 'payload', event, payloadOf],
    ] as const;

    it.each(cases)('refuses %s whose %s is one byte over, sent as JSON or written as a CSV cell', (entity, field, valid, sized) => {
      const value = sized(64 * 1024 + 1);
      const refused = [`${field} must be at most 64 KiB as JSON, got 65537 bytes`];
      expect(reasons(entity, valid, { [field]: value })).toEqual(refused);
      expect(reasons(entity, valid, { [field]: JSON.stringify(value) })).toEqual(refused);
    });
    it.each(cases)('accepts %s whose %s is 64 KiB', (entity, field, valid, sized) => {
      expect(reasons(entity, valid, { [field]: sized(64 * 1024) })).toEqual([]);
    });
    it('counts bytes, not characters', () => {
      expect(reasons('external-events', event, { payload: payloadOf(80_001, 'é') })).toEqual(['payload must be at most 64 KiB as JSON, got 80001 bytes']);
    });
    it('sizes the value as stored, not as written: spaces around it do not count', () => {
      expect(reasons('external-events', event, { payload: `${' '.repeat(70_000)}{"score": 12}` })).toEqual([]);
    });
  });
});

describe('the dates and amounts of one invoice', () => {
  it('accepts an invoice paid ahead, by up to a year', () => {
    expect(reasons('invoices', base, { settledDate: '2024-01-20', openAmount: 0 })).toEqual([]);
    expect(reasons('invoices', base, { settledDate: '2023-01-31' })).toEqual([]);
  });
  it('refuses a settlement decades before the invoice (a delay of -45,000 days would lead every baseline astray)', () => {
    expect(reasons('invoices', base, { settledDate: '1900-01-01' })).toEqual([' settledDate is 45320 days before issueDate (at most 365 for a payment made ahead)']);
  });
  it('refuses a settled invoice that is still open', () => {
    expect(reasons('invoices', base, { settledDate: '2024-02-20', openAmount: 4 })[0]).toMatch(/^ openAmount is 4 but settledDate says the invoice was paid in full/);
  });
  it('refuses a promise to pay made for before the invoice was issued', () => {
    expect(reasons('invoices', base, { promisedDate: '2023-12-31' })).toEqual([' promisedDate is before issueDate']);
    expect(reasons('invoices', base, { promisedDate: '2024-01-31' })).toEqual([]);
  });
});

describe('numbers sent where text is expected (NDJSON)', () => {
  const customer = { externalId: 'C-1', name: 'Acme' };

  it('takes whole numbers as their digits', () => {
    const errors: RowError[] = [];
    const row = coerceRow(findEntity('customers')!, { externalId: 10234, name: 'Acme' }, 2, errors);
    expect(errors).toEqual([]);
    expect(row?.externalId).toBe('10234');
  });

  // 12345678901234567890 is read as 12345678901234567000: stored, it would name another invoice.
  it.each([12345678901234567890, 1e21, 1.1])('refuses %s, which a number cannot carry as written', (externalId) => {
    expect(reasons('customers', customer, { externalId })).toEqual([expect.stringMatching(/^externalId must be text: a JSON number is taken as text only when written as digits alone, .*send it in quotes$/)]);
  });
});

describe('when an NDJSON line writes a number where text is expected', () => {
  /** The reasons the line is refused, read as the NDJSON reader reads it. */
  function lineReasons(entity: string, line: string): string[] {
    const errors: RowError[] = [];
    coerceRow(findEntity(entity)!, JSON.parse(line), 2, errors, line);
    return errors.map((e) => `${e.field} ${e.reason}`);
  }
  const customerLine = (externalId: string) => `{"externalId": ${externalId}, "name": "Acme"}`;

  it.each(['1000', '-5', '0', '9007199254740991'])('takes %s as its digits', (written) => {
    const errors: RowError[] = [];
    const row = coerceRow(findEntity('customers')!, JSON.parse(customerLine(written)), 2, errors, customerLine(written));
    expect(errors).toEqual([]);
    expect(row.externalId).toBe(written);
  });

  // JSON.parse reads each of these as a whole number whose digits are not the ones written.
  it.each(['1e3', '1E3', '1.0', '1000.00', '10e+2', '-0', '9007199254740993'])('refuses %s, quoting it as written', (written) => {
    expect(lineReasons('customers', customerLine(written)))
      .toEqual([`externalId must be text: a JSON number is taken as text only when written as digits alone, below 2^53, got ${written}; send it in quotes`]);
  });

  it('reads the number of the row, not of a key of the same name inside a JSON value', () => {
    const event = (nested: string, own: string) =>
      `{"externalId":"E1","customerExternalId":"C1","kind":"insolvency","occurredAt":"2026-01-05T10:00:00Z","payload":{"note":"a \\"source\\": 1e3","source":${nested}},"source" : ${own}}`;
    expect(lineReasons('external-events', event('1e3', '1000'))).toEqual([]);
    expect(lineReasons('external-events', event('1000', '1e3'))).toEqual([expect.stringMatching(/^source must be text: .* got 1e3;/)]);
  });

  it('finds the number under a key written with escapes', () => {
    expect(lineReasons('customers', '{"extern\\u0061lId": 1e3, "name": "Acme"}')).toEqual([expect.stringMatching(/^externalId must be text: .* got 1e3;/)]);
    expect(lineReasons('customers', '{"extern\\u0061lId": 1000, "name": "Acme"}')).toEqual([]);
  });
});

describe('when a text cell is longer than its field takes', () => {
  const customer = { externalId: 'C-1', name: 'Acme' };
  const comm = { externalId: 'M-1', customerExternalId: 'C-1', channel: 'email', sentAt: '2026-01-05T10:00:00Z' };

  it('refuses a customer name of a megabyte, saying how long it is', () => {
    expect(reasons('customers', customer, { name: 'x'.repeat(1 << 20) })).toEqual([`name must be at most 500 characters long, got ${1 << 20}`]);
  });

  it('takes a name of exactly the length allowed', () => {
    expect(reasons('customers', customer, { name: 'x'.repeat(500) })).toEqual([]);
  });

  // As PostgreSQL and the API's schemas count: an emoji is one character, two UTF-16 units.
  it('counts characters, not UTF-16 units', () => {
    expect(reasons('customers', customer, { name: '\u{1F600}'.repeat(500) })).toEqual([]);
    expect(reasons('customers', customer, { name: '\u{1F600}'.repeat(501) })).toEqual(['name must be at most 500 characters long, got 501']);
  });

  it('refuses an id beyond 200 characters, and a reference', () => {
    expect(reasons('customers', customer, { externalId: 'C'.repeat(201) })).toEqual(['externalId must be at most 200 characters long, got 201']);
    expect(reasons('invoices', base, { customerExternalId: 'C'.repeat(201) })).toEqual(['customerExternalId must be at most 200 characters long, got 201']);
  });

  it('refuses a list whose item is too long, naming the item', () => {
    expect(reasons('communications', comm, { invoiceExternalIds: ['I-1', 'I'.repeat(201)] }))
      .toEqual(['invoiceExternalIds must hold items of at most 200 characters, got 201 in item 2']);
  });

  it('refuses an overlong time zone by its length, without quoting it back', () => {
    expect(reasons('customers', customer, { timezone: 'Europe/'.repeat(100_000) })).toEqual(['timezone must be at most 200 characters long, got 700000']);
  });

  it.each([
    ['communications', comm],
    ['incentive-offers', { externalId: 'O-1', customerExternalId: 'C-1', lever: 'discount', offeredAt: '2026-01-05T10:00:00Z' }],
  ])('takes %s naming 1000 invoices, not more', (entity, row) => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `I-${i}`);
    expect(reasons(entity, row, { invoiceExternalIds: ids(1000) })).toEqual([]);
    expect(reasons(entity, row, { invoiceExternalIds: ids(1_000_000) })).toEqual(['invoiceExternalIds must hold at most 1000 items, got 1000000']);
    // CSV cells carry lists as a|b|c.
    expect(reasons(entity, row, { invoiceExternalIds: ids(1001).join('|') })).toEqual(['invoiceExternalIds must hold at most 1000 items, got 1001']);
  });

  it('gives every list field of every entity a largest number of items', () => {
    const unbounded = ENTITIES.flatMap((e) => e.fields.filter((f) => f.type === 'textList' && f.maxItems === undefined).map((f) => `${e.name}.${f.name}`));
    expect(unbounded).toEqual([]);
  });

  it('takes an email body of a megabyte, not more', () => {
    const message = { externalId: 'E-1', receivedAt: '2026-01-05T10:00:00Z' };
    expect(reasons('inbound-messages', message, { body: 'b'.repeat(1_000_000) })).toEqual([]);
    expect(reasons('inbound-messages', message, { body: 'b'.repeat(1_000_001) })).toEqual(['body must be at most 1000000 characters long, got 1000001']);
  });

  it('gives every free-text field of every entity a longest length', () => {
    const unbounded = ENTITIES.flatMap((e) => e.fields
      .filter((f) => (f.type === 'text' || f.type === 'textList') && !f.enum && f.maxLength === undefined)
      .map((f) => `${e.name}.${f.name}`));
    expect(unbounded).toEqual([]);
  });
});

// Stored as sent before: europe/paris and Europe/Paris were two zones to a search or a grouping.
describe('time zones', () => {
  const customers = findEntity('customers')!;
  const zone = (timezone: string) => {
    const errors: RowError[] = [];
    const row = coerceRow(customers, { externalId: 'C-1', name: 'Acme', timezone }, 2, errors);
    return { timezone: row.timezone, errors: errors.map((e) => `${e.field} ${e.reason}`) };
  };

  it.each([
    ['europe/paris', 'Europe/Paris'],
    ['AMERICA/CHICAGO', 'America/Chicago'],
    ['US/Eastern', 'America/New_York'],
    ['utc', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
  ])('stores %s as Intl names it, %s', (sent, stored) => {
    expect(zone(sent)).toEqual({ timezone: stored, errors: [] });
  });

  it.each([' Europe/Paris', 'Europe/Paris ', 'Europe/Lutece', '+01:00'])('refuses %j, which Intl does not know', (sent) => {
    expect(zone(sent).errors).toEqual([`timezone must be an IANA time zone (Europe/Paris, America/Chicago), got ${JSON.stringify(sent)}`]);
  });
});

// A CSV cell of JSON text took any JSON (5, "x", [1]) where NDJSON refused what is not an object or an array.
describe('JSON values of a declared shape', () => {
  const offer = { externalId: 'O-1', customerExternalId: 'C-1', lever: 'discount', offeredAt: '2026-01-05T10:00:00Z' };
  const scenario = { externalId: 'S-1', name: 'Soft' };
  const step = { dayOffset: 3, channel: 'email', level: 1, template: 'reminder', automatic: true };

  it.each([
    ['a number', 5, '5', 'a number'],
    ['text (NDJSON text is read as JSON text, as a CSV cell)', '"net 30"', '"net 30"', 'text'],
    ['an array', [2, 10], '[2,10]', 'an array'],
    ['true', true, 'true', 'a boolean'],
  ])('refuses %s for an offer\'s terms, from NDJSON and from CSV alike', (_name, ndjsonValue, csvCell, kind) => {
    const reason = [`terms must be a JSON object, got ${kind}`];
    expect(reasons('incentive-offers', offer, { terms: ndjsonValue })).toEqual(reason);
    expect(reasons('incentive-offers', offer, { terms: csvCell })).toEqual(reason);
  });

  it('refuses an object for a scenario\'s steps, from NDJSON and from CSV alike', () => {
    expect(reasons('dunning-scenarios', scenario, { steps: { 0: step } })).toEqual(['steps must be a JSON array, got an object']);
    expect(reasons('dunning-scenarios', scenario, { steps: JSON.stringify({ 0: step }) })).toEqual(['steps must be a JSON array, got an object']);
  });

  it('takes the shape declared, from NDJSON and from CSV', () => {
    expect(reasons('incentive-offers', offer, { terms: { discountPct: 2 } })).toEqual([]);
    expect(reasons('incentive-offers', offer, { terms: '{"discountPct":2}' })).toEqual([]);
    expect(reasons('external-events', { externalId: 'E-1', customerExternalId: 'C-1', kind: 'insolvency', occurredAt: '2026-01-05T10:00:00Z' }, { payload: '7' }))
      .toEqual(['payload must be a JSON object, got a number']);
    expect(reasons('dunning-scenarios', scenario, { steps: JSON.stringify([step]) })).toEqual([]);
  });

  it('gives every JSON field of every entity a shape', () => {
    expect(ENTITIES.flatMap((e) => e.fields.filter((f) => f.type === 'json' && f.jsonShape === undefined).map((f) => `${e.name}.${f.name}`))).toEqual([]);
  });
});
