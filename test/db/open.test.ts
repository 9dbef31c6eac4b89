// A start against a PostgreSQL that never answers says so, within its time,
// rather than waiting for ever with nothing in the log.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it, expect } from 'vitest';
import { openStorage } from '../../src/db/open.js';

describe('when DATABASE_URL names a port that accepts connections and never answers', () => {
  it('gives up after connectTimeoutMs, naming where it waited', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => { sockets.push(s); });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const t = performance.now();
      await expect(openStorage({ databaseUrl: `postgresql://someone:secret@127.0.0.1:${port}/ar`, pgliteDir: 'memory://', connectTimeoutMs: 300 }))
        .rejects.toThrow(new RegExp(`PostgreSQL at postgresql://someone:\\*\\*\\*@127\\.0\\.0\\.1:${port}/ar did not answer within 0\\.3 s`));
      expect(performance.now() - t).toBeLessThan(10_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
