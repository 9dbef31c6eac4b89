// A TCP proxy in front of the test Redis (or another server, by its URL) that
// a test can cut, stall and restore: an outage without stopping a server other
// people use.
import net from 'node:net';
import { REDIS_URL } from './redis.js';

export interface RedisProxy {
  /** The target's URL through the proxy. */
  url: string;
  /** Drops every connection and refuses new ones until up(). */
  down(): void;
  /** Accepts and forwards again. */
  up(): void;
  /** Keeps connections open but drops what clients send: a Redis that stopped answering. Only down() recovers from it. */
  stall(): void;
  /** Drops a connection when its client sends one of these commands for the nth time (counted on each connection, lower case). */
  cutOn(commands: string[], nth: number): void;
  close(): Promise<void>;
}

export async function startRedisProxy(targetUrl = REDIS_URL): Promise<RedisProxy> {
  const target = new URL(targetUrl);
  const pairs = new Set<[net.Socket, net.Socket]>();
  let accepting = true;
  let stalled = false;
  let cut: { commands: string[]; nth: number } | null = null;
  const server = net.createServer((client) => {
    if (!accepting) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    let seen = 0;
    client.on('data', (chunk: Buffer) => {
      if (stalled) return;
      if (cut) {
        // A command is an array of bulk strings: `$<length>\r\n<name>\r\n` follows the array header.
        const text = chunk.toString('latin1').toLowerCase();
        for (const command of cut.commands) seen += text.split(`\r\n$${command.length}\r\n${command}\r\n`).length - 1;
        if (seen >= cut.nth) {
          cut = null;
          drop();
          return;
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const dropAll = () => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    url: `${target.protocol}//${target.username ? `${target.username}@` : ''}127.0.0.1:${port}${target.pathname}`,
    down() {
      accepting = false;
      stalled = false;
      dropAll();
    },
    up() {
      accepting = true;
      stalled = false;
    },
    stall() {
      stalled = true;
    },
    cutOn(commands, nth) {
      cut = { commands, nth };
    },
    async close() {
      accepting = false;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
