// A table sent as a file: the file's name goes with the file only.
import { describe, it, expect } from 'vitest';
import Fastify from 'fastify';
import { sendTable } from '../../src/http/table-export.js';
import type { Table } from '../../src/reports/index.js';

const failing: Table<number> = { columns: [{ header: 'n', value: () => { throw new Error('no value'); } }], rows: [1] };

describe('when the file cannot be built', () => {
  for (const format of ['csv', 'xlsx'] as const) {
    it(`answers the error without naming a ${format} file to save it as`, async () => {
      const app = Fastify({ logger: false });
      app.get('/file', async (_request, reply) => sendTable(reply, format, 'stem', 'sheet', failing));
      const res = await app.inject({ url: '/file' });
      expect(res.statusCode).toBe(500);
      expect(res.headers['content-disposition']).toBeUndefined();
      await app.close();
    });
  }
});
