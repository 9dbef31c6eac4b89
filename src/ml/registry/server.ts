// Serving: each model's active version is loaded once per process and swapped
// in whole when another version is activated. Activations in this process swap
// at once; those made elsewhere (a worker, another API process) are seen by
// polling the one-row-per-model active query every few seconds, or on demand
// with refresh(). A new version is read, checked and loaded before the swap, so
// scoring keeps the old predictor meanwhile and never sees a half-loaded model.
import { AR_ERR } from '../../errors.js';
import { withoutStatementSignal } from '../../db/statement-signal.js';
import type { Predictor } from '../model.js';
import type { ModelRegistry } from './registry.js';
import { silentLogger, type Logger } from './types.js';

/** The first line of a load error, short enough for a problem document. */
function brief(message: string): string {
  const line = message.split('\n', 1)[0];
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

export interface Served<I = unknown, V = unknown> {
  predictor: Predictor<I, V>;
  /** `<model>@<version>`: what computed fields record. */
  version: string;
}

export interface ModelServerOptions {
  registry: ModelRegistry;
  /** How often to look for activations made by other processes; 0 disables polling. Default 10 s. */
  pollMs?: number;
  /** How long a replaced predictor stays usable by callers still holding it before dispose(). Default 60 s. */
  disposeAfterMs?: number;
  /** How long polling leaves an active version that failed to load before trying it again. Default 5 min. */
  retryFailedMs?: number;
  log?: Logger;
}

interface Loaded {
  version: string;
  served: Served;
}

export class ModelServer {
  private readonly loaded = new Map<string, Loaded>();
  /** One load at a time per model; later refreshes queue behind it. */
  private readonly pending = new Map<string, Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** model → active version that failed to load, and why. */
  private readonly failed = new Map<string, { version: string; reason: string; at: number }>();
  private poller: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly log: Logger;
  private closed = false;

  constructor(private readonly options: ModelServerOptions) {
    this.log = options.log ?? silentLogger;
  }

  /** Loads every active version, then follows activations. A model that fails to load is logged and retried at the next poll. */
  async start(): Promise<void> {
    this.unsubscribe = this.options.registry.onActivated(({ model }) => {
      void this.refresh(model).catch((err) => this.log.error({ err, model }, 'hot swap failed'));
    });
    await this.refresh();
    const pollMs = this.options.pollMs ?? 10_000;
    if (pollMs > 0) {
      this.poller = setInterval(() => {
        void this.refresh().catch((err) => this.log.error({ err }, 'polling active model versions failed'));
      }, pollMs);
      this.poller.unref();
    }
  }

  /**
   * The active predictor of a model, synchronously: scoring never waits on the
   * registry. Throws MODEL_NOT_READY until a version is active and loaded;
   * when the active version failed to load, the error says so and why, since
   * training is then not what is missing.
   */
  get<I = unknown, V = unknown>(model: string): Served<I, V> {
    const loaded = this.loaded.get(model);
    if (!loaded) {
      this.options.registry.entry(model);
      const failed = this.failed.get(model);
      if (failed) throw AR_ERR.MODEL_LOAD_FAILED([model, failed.version, failed.reason]);
      throw AR_ERR.MODEL_NOT_READY([model]);
    }
    return loaded.served as Served<I, V>;
  }

  /** `<model>@<version>` currently served, or null. */
  versionOf(model: string): string | null {
    return this.loaded.get(model)?.served.version ?? null;
  }

  /**
   * Brings one model, or all, in line with the database's active versions.
   * Refreshing one model throws if its version fails to load; refreshing all
   * logs failures and keeps serving what was loaded. A version that failed is
   * retried by polling only after `retryFailedMs` (a database or disk that was
   * briefly away), at once by an explicit refresh of its model.
   */
  async refresh(model?: string): Promise<void> {
    if (this.closed) return;
    const active = await this.options.registry.activeVersions();
    if (model) {
      this.failed.delete(model);
      return this.queue(model, active.get(model) ?? null);
    }
    const retryMs = this.options.retryFailedMs ?? 5 * 60_000;
    const models = this.options.registry.models().filter((m) => {
      const failed = this.failed.get(m);
      return failed === undefined || failed.version !== active.get(m) || Date.now() - failed.at >= retryMs;
    });
    const results = await Promise.allSettled(models.map((m) => this.queue(m, active.get(m) ?? null)));
    results.forEach((r, i) => {
      if (r.status === 'rejected') this.log.error({ model: models[i], err: (r.reason as Error).message }, 'active model version could not be loaded');
    });
  }

  private queue(model: string, version: string | null): Promise<void> {
    const previous = this.pending.get(model) ?? Promise.resolve();
    // Whoever asked (a refresh job bringing the models up to date as it starts), the version is loaded for
    // the whole process: a cancel of that job stopping its statements would leave the version recorded as
    // failed to load, served by no one here until the poll tries it again (retryFailedMs, 5 minutes).
    const next = previous.then(() => withoutStatementSignal(() => this.swap(model, version)));
    const settled = next.catch(() => undefined);
    this.pending.set(model, settled);
    void settled.then(() => {
      if (this.pending.get(model) === settled) this.pending.delete(model);
    });
    return next;
  }

  private async swap(model: string, version: string | null): Promise<void> {
    const current = this.loaded.get(model);
    // No active version left: an old load failure no longer describes the model.
    if (version === null) this.failed.delete(model);
    if (this.closed || (current?.version ?? null) === version) return;
    if (version === null) {
      // No active version any more (removed by hand): stop serving the old one.
      this.loaded.delete(model);
      if (current) this.retire(current);
      return;
    }
    let opened;
    try {
      opened = await this.options.registry.open(model, version);
    } catch (err) {
      this.failed.set(model, { version, reason: brief((err as Error).message), at: Date.now() });
      throw err;
    }
    this.failed.delete(model);
    if (this.closed) {
      opened.predictor.dispose?.();
      return;
    }
    this.loaded.set(model, { version, served: { predictor: opened.predictor, version: opened.version.id } });
    this.log.info({ model, version, replaced: current?.version ?? null }, 'model version now served');
    if (current) this.retire(current);
  }

  private retire(old: Loaded): void {
    const dispose = old.served.predictor.dispose?.bind(old.served.predictor);
    if (!dispose) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      dispose();
    }, this.options.disposeAfterMs ?? 60_000);
    t.unref();
    this.timers.add(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.poller) clearInterval(this.poller);
    await Promise.all([...this.pending.values()]);
    for (const t of this.timers) clearTimeout(t);
    for (const { served } of this.loaded.values()) served.predictor.dispose?.();
    this.loaded.clear();
  }
}
