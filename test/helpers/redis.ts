import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let reachable: Promise<boolean> | undefined;

export function redisReachable(): Promise<boolean> {
  reachable ??= (async () => {
    if (process.env.TEST_NO_REDIS === '1') return false;
    const r = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1500, retryStrategy: () => null });
    try {
      await r.connect();
      await r.ping();
      return true;
    } catch {
      console.warn('Redis is not reachable: the BullMQ tests are skipped (they need a real Redis)');
      return false;
    } finally {
      r.disconnect();
    }
  })();
  return reachable;
}
