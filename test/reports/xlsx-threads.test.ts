// Many workbooks asked at once: each is built on a thread of its own, and
// more threads than cores finish no sooner while each holds its rows and heap.
import os from 'node:os';
import { describe, it, expect, vi } from 'vitest';
import readXlsxFile from 'read-excel-file/node';

// Every workbook thread the writer starts, counted while it lives.
const threads = vi.hoisted(() => ({ alive: 0, most: 0 }));
vi.mock('node:worker_threads', async (original) => {
  const real = await original<typeof import('node:worker_threads')>();
  class CountedWorker extends real.Worker {
    constructor(...args: ConstructorParameters<typeof real.Worker>) {
      super(...args);
      threads.most = Math.max(threads.most, ++threads.alive);
      this.once('exit', () => threads.alive--);
    }
  }
  return { ...real, Worker: CountedWorker };
});

const { toXlsx } = await import('../../src/reports/index.js');

describe('when more workbooks are asked at once than the machine has cores', () => {
  it('builds every one, on no more threads at a time than cores', async () => {
    const cores = os.availableParallelism();
    const asked = Array.from({ length: 2 * cores + 1 }, (_, i) =>
      toXlsx({ columns: [{ header: 'n', value: (r: number) => r }], rows: [i] }, 'test'));
    const books = await Promise.all(asked);
    expect(await Promise.all(books.map(async (b) => (await readXlsxFile(b))[0].data[1]))).toEqual(books.map((_, i) => [i]));
    expect(threads.most).toBeGreaterThan(0);
    expect(threads.most).toBeLessThanOrEqual(cores);
  });
});
