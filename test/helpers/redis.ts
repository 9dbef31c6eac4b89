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

/** Deletes what these BullMQ queues (named by the test that made them) and their runners left in the test Redis. */
export async function deleteQueueKeys(queueNames: string[]): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for (const name of queueNames) {
      const keys: string[] = [];
      // BullMQ's keys, and the runner's own beside them (cancelled jobs, cancel requests).
      for (const match of [`bull:${name}:*`, `${name}:*`]) {
        for await (const batch of redis.scanStream({ match, count: 500 })) keys.push(...(batch as string[]));
      }
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
