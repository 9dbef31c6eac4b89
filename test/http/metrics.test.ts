// What /metrics tells an operator about the workbook exports: threads busy and
// exports waiting, read when scraped.
import { describe, it, expect } from 'vitest';
import Fastify from 'fastify';
import metrics from '../../src/http/plugins/metrics.js';
import { toXlsx, workbookThreads } from '../../src/reports/index.js';
import { countedTable, holdEveryThread } from '../helpers/workbooks.js';

const gauge = (body: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(body)?.[1]);

describe('GET /metrics', () => {
  it('gives the workbook threads busy and the exports waiting for one', async () => {
    const app = Fastify({ logger: false });
    await app.register(metrics);
    const idle = (await app.inject('/metrics')).body;
    expect([gauge(idle, 'xlsx_export_threads_busy'), gauge(idle, 'xlsx_exports_waiting')]).toEqual([0, 0]);

    const release = holdEveryThread();
    const waiting = [toXlsx(countedTable(1).table, 'a'), toXlsx(countedTable(1).table, 'b')];
    const busy = (await app.inject('/metrics')).body;
    expect([gauge(busy, 'xlsx_export_threads_busy'), gauge(busy, 'xlsx_exports_waiting')]).toEqual([workbookThreads.size, 2]);

    await release();
    await Promise.all(waiting);
    const after = (await app.inject('/metrics')).body;
    expect([gauge(after, 'xlsx_export_threads_busy'), gauge(after, 'xlsx_exports_waiting')]).toEqual([0, 0]);
    await app.close();
  });
});

describe('GET /metrics, after a rescoring checked its inputs', () => {
  const check = (alert: boolean) => ({
    id: 1, model: 'payment-delay', version: 'v1', source: 'rescore', rows: 900, threshold: 0.2, maxPsi: alert ? 0.75 : 0.05, alert,
    features: [{ feature: 'logAmountRatio', psi: alert ? 0.75 : 0.05, alert }, { feature: 'termsDays', psi: 0.01, alert: false }],
    checkedAt: '2026-12-07T02:00:00.000Z',
  });
  const scrape = async (latest: () => Promise<ReturnType<typeof check>[]>) => {
    const app = Fastify({ logger: false });
    await app.register(metrics, { monitor: { latest } });
    const res = await app.inject('/metrics');
    await app.close();
    return res;
  };

  it('gives the PSI of each feature and the alert of the model, by version', async () => {
    const body = (await scrape(async () => [check(true)])).body;
    expect(body).toMatch(/^model_input_drift_psi\{model="payment-delay",version="v1",feature="logAmountRatio"\} 0\.75$/m);
    expect(body).toMatch(/^model_input_drift_psi\{model="payment-delay",version="v1",feature="termsDays"\} 0\.01$/m);
    expect(body).toMatch(/^model_input_drift_alert\{model="payment-delay",version="v1"\} 1$/m);
  });

  it('says 0 when no feature moved past the threshold', async () => {
    expect((await scrape(async () => [check(false)])).body).toMatch(/^model_input_drift_alert\{model="payment-delay",version="v1"\} 0$/m);
  });

  it('still answers, without drift lines, when the checks cannot be read', async () => {
    const res = await scrape(() => Promise.reject(new Error('database down')));
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/^model_input_drift_psi\{/m);
    expect(res.body).toMatch(/^xlsx_exports_waiting /m);
  });
});

describe('GET /metrics, with schedules claimed in the database', () => {
  const firing = (schedulerId: string, scheduledAt: string, state: string, attempts: number, retryAt: string | null, givenUp = state === 'failed' && retryAt === null) => ({
    schedulerId, scheduledAt, state, attempts, retryAt, instanceId: 'a', jobId: `${schedulerId}-${scheduledAt}`, attemptJobIds: [`${schedulerId}-${scheduledAt}`], claimedAt: scheduledAt,
    leaseUntil: scheduledAt, finishedAt: scheduledAt, error: state === 'failed' ? { code: 'AR_ERR_JOB_FAILED', message: 'down' } : null, givenUp,
  });

  it("gives each schedule's latest firing: its attempts by state, and whether it was given up on", async () => {
    const app = Fastify({ logger: false });
    await app.register(metrics, {
      scheduledRuns: async () => [
        firing('nightly-refresh', '2026-12-07T02:00:00.000Z', 'failed', 3, null),
        firing('retrain', '2026-12-07T01:00:00.000Z', 'failed', 1, '2026-12-07T01:05:00.000Z'),
        // Its last attempt's instance died: still running, and nobody takes it over.
        firing('retrain-lost', '2026-12-07T00:30:00.000Z', 'running', 3, null, true),
        // An older firing of the nightly refresh: not its latest.
        firing('nightly-refresh', '2026-12-06T02:00:00.000Z', 'completed', 1, null),
      ],
    });
    const body = (await app.inject('/metrics')).body;
    await app.close();
    expect(body).toMatch(/^scheduled_run_attempts\{scheduler="nightly-refresh",state="failed"\} 3$/m);
    expect(body).not.toMatch(/^scheduled_run_attempts\{scheduler="nightly-refresh",state="completed"\}/m);
    expect(body).toMatch(/^scheduled_run_given_up\{scheduler="nightly-refresh"\} 1$/m);
    expect(body).toMatch(/^scheduled_run_attempts\{scheduler="retrain",state="failed"\} 1$/m);
    expect(body).toMatch(/^scheduled_run_given_up\{scheduler="retrain"\} 0$/m);
    expect(body).toMatch(/^scheduled_run_given_up\{scheduler="retrain-lost"\} 1$/m);
  });
});
