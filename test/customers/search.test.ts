// GET /v1/customers?q=: the text a person types finds the name however its
// accents were encoded, on both backends.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, importRows, type TestApp } from '../helpers/app.js';

// One accented letter, as one code point (NFC, what most keyboards send) or as
// a letter and a combining accent (NFD, what macOS file names and some exports hold).
const nfd = (s: string) => s.normalize('NFD');

for (const backend of await backends()) {
  describe(`customer search on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await buildTestApp(backend);
      await importRows(t, 'customers', [
        { externalId: 'C1', name: nfd('Zoë Ærøskøbing') },
        { externalId: 'C2', name: 'Société Générale' },
        { externalId: 'C3', name: 'Zoo Supplies' },
      ]);
    });
    afterAll(async () => t.close());

    const found = async (q: string) =>
      (await t.app.inject({ url: `/v1/customers?q=${encodeURIComponent(q)}`, headers: auth('platform') })).json().items.map((c: { externalId: string }) => c.externalId);

    it('finds a name stored with combining accents from the same letters typed composed', async () => {
      expect(await found('zoë')).toEqual(['C1']);
    });

    it('finds a name stored composed from the same letters typed with combining accents', async () => {
      expect(await found(nfd('SOCIÉTÉ'))).toEqual(['C2']);
    });

    it('does not read an accented letter as the bare one', async () => {
      expect(await found('zoe')).toEqual([]);
    });
  });
}
