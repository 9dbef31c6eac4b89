// The BullMQ queue as HTTP requests use it (enqueue a run, read or cancel a
// job): while Redis is unreachable a call fails at once with
// AR_ERR_JOBS_UNAVAILABLE (503) instead of waiting for Redis to come back,
// and it works again once Redis is back, without a restart. Workers do the
// opposite (bullmq.ts): they wait an outage out.
import { Queue, type QueueOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { AR_ERR, isArError } from '../errors.js';
import type { Logger } from '../ml/registry/types.js';

const DEFAULT_CALL_TIMEOUT_MS = 5000;

/** quit() is a command: refused (or kept for later) while disconnected, and the connection would go on reconnecting. */
export async function closeConnection(redis: Redis | null): Promise<void> {
  if (redis?.status === 'ready') await redis.quit().catch(() => undefined);
  else redis?.disconnect();
}

export interface FailFastQueueOptions {
  redisUrl: string;
  name: string;
  queue: Omit<QueueOptions, 'connection'>;
  /** Longest a call may take, connecting included, before it is answered as unavailable. */
  callTimeoutMs?: number;
  log: Logger;
}

export class FailFastQueue {
  /**
   * Commands fail at once while disconnected instead of waiting in ioredis's
   * offline queue, and one cut by a lost connection is not sent again after
   * it (its caller was already answered).
   */
  readonly redis: Redis;
  private current: Queue;
  /** Set when the current queue's start-up failed: BullMQ never retries it. */
  private failed = false;

  constructor(private readonly options: FailFastQueueOptions) {
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    this.current = this.open();
  }

  /** The queue as it is now (schedules at start-up wait for Redis, as BullMQ does). */
  get queue(): Queue {
    return this.current;
  }

  /**
   * BullMQ reads the server's version once, when the connection is first
   * ready; a connection lost at that moment fails the queue's start-up, and
   * every later call with it, even once Redis is back. Such a queue is
   * replaced on its next use (usable).
   */
  private open(): Queue {
    const { name, log } = this.options;
    const queue = new Queue(name, { ...this.options.queue, connection: this.redis });
    // Each failed reconnection while Redis is down (BullMQ would print them on the console).
    queue.on('error', (err) => log.warn({ err, queue: name }, 'job queue connection error'));
    queue.waitUntilReady().catch(() => {
      if (this.current === queue) this.failed = true;
    });
    return queue;
  }

  private usable(): Queue {
    if (this.failed) {
      const failed = this.current;
      this.failed = false;
      this.current = this.open();
      void failed.close().catch(() => undefined);
    }
    return this.current;
  }

  /**
   * A call for a request: refused at once while Redis is down, and bounded in
   * time (a connection being made, a Redis that stopped answering). A call
   * cut by the outage may still have reached Redis before it.
   */
  async reach<T>(call: (queue: Queue) => Promise<T>): Promise<T> {
    const ms = this.options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(AR_ERR.JOBS_UNAVAILABLE([`Redis did not answer within ${ms} ms`])), ms);
    });
    try {
      return await Promise.race([this.connected().then(() => call(this.usable())), timeout]);
    } catch (err) {
      // A command refused while disconnected, or cut by the connection's loss; a Redis reply error is no outage.
      const cut = (err as Error | null)?.name === 'MaxRetriesPerRequestError';
      if (isArError(err) || (!cut && this.live())) throw err;
      const unavailable = AR_ERR.JOBS_UNAVAILABLE([cut ? 'the connection was lost during the call' : `not connected (${this.state()})`]);
      unavailable.cause = err;
      throw unavailable;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ready, and its socket still open: ioredis leaves the status "ready" until
   * it handles the socket's close, while its commands already fail.
   */
  private live(): boolean {
    return this.redis.status === 'ready' && this.redis.stream?.writable === true;
  }

  private state(): string {
    return this.redis.status === 'ready' && !this.live() ? 'lost' : this.redis.status;
  }

  /** Resolves once the connection is ready; rejects at once while it waits to reconnect. */
  private connected(): Promise<void> {
    const c = this.redis;
    if (this.live()) return Promise.resolve();
    if (c.status !== 'connecting' && c.status !== 'connect') return Promise.reject(new Error(`connection ${this.state()}`));
    // A connection being made (the first one, or a reconnection): its outcome is a round trip away.
    return new Promise((resolve, reject) => {
      const events = ['ready', 'close', 'end'];
      const settle = () => {
        for (const event of events) c.off(event, settle);
        if (this.live()) resolve();
        else reject(new Error(`connection ${this.state()}`));
      };
      for (const event of events) c.on(event, settle);
    });
  }

  async close(): Promise<void> {
    await this.current.close();
    await closeConnection(this.redis);
  }
}
