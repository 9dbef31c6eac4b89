// Triage on worker threads, so scoring an email does not hold the event loop
// that parses requests and writes answers: on a machine with a second core
// the HTTP thread and the scoring threads run side by side. Until a thread is
// ready (it loads the model itself) and after it fails, callers are told to
// score in place: the pool never makes an answer wait on its start-up.
import { Worker } from 'node:worker_threads';
import type { Artifact } from '../../model.js';
import type { InboundRequest } from '../model.js';
import type { InboundTriage } from '../score.js';
import type { PoolRequest, PoolResponse } from './protocol.js';

interface Thread {
  worker: Worker;
  ready: boolean;
  busy: number;
}

interface Pending {
  thread: Thread;
  resolve: (value: InboundTriage) => void;
  reject: (err: Error) => void;
}


const WORKER_URL = new URL('./thread.mjs', import.meta.url);


export class TriagePool {
  private readonly threads: Thread[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(artifact: Artifact, size: number) {
    for (let i = 0; i < size; i++) this.start(artifact);
  }

  private start(artifact: Artifact): void {
    const worker = new Worker(WORKER_URL, { workerData: { artifact }, execArgv: [] });
    const thread: Thread = { worker, ready: false, busy: 0 };
    worker.unref();
    worker.on('message', (msg: PoolResponse) => {
      if (msg.ready) {
        thread.ready = true;
        return;
      }
      thread.busy--;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error !== undefined) p.reject(new Error(msg.error));
      else p.resolve(msg.value);
    });
    // A thread that dies takes its requests with it; the others carry on.
    worker.on('error', (err) => this.drop(thread, err));
    worker.on('exit', (code) => this.drop(thread, new Error(`triage thread exited with code ${code}`)));
    this.threads.push(thread);
  }

  private drop(thread: Thread, err: Error): void {
    const i = this.threads.indexOf(thread);
    if (i >= 0) this.threads.splice(i, 1);
    for (const [id, p] of this.pending) {
      if (p.thread !== thread) continue;
      this.pending.delete(id);
      p.reject(err);
    }
  }

  /** The least busy ready thread's answer, or null when none is ready (score in place). */
  score(input: InboundRequest): Promise<InboundTriage> | null {
    if (this.closed) return null;
    let best: Thread | null = null;
    for (const t of this.threads) if (t.ready && (best === null || t.busy < best.busy)) best = t;
    if (best === null) return null;
    const thread = best;
    const id = this.nextId++;
    thread.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { thread, resolve, reject });
      thread.worker.postMessage({ id, input } satisfies PoolRequest);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
