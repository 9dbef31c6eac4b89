// Throughput and p99 latency of POST /v1/inbound/score under load, next to a
// bare Fastify route in the same run (autocannon over loopback). The triage
// model is trained first on the generated corpus (not timed).
// Usage: npm run bench -- inbound [--seconds 10] [--connections 20] [--corpus 3000]
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { loadConfig } from '../src/config.js';
import { buildServices } from '../src/services.js';
import { buildApp } from '../src/app.js';
import { openStorage } from '../src/db/open.js';
import { BENCH_EMAILS } from './inbound-emails.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({
  seconds: { type: 'string', default: '10' },
  connections: { type: 'string', default: '20' },
  corpus: { type: 'string', default: '3000' },
});
const duration = Number(values.seconds);
const connections = Number(values.connections);

const EMAILS = BENCH_EMAILS;

function run(url: string, body?: object): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({
      url,
      connections,
      duration,
      method: body ? 'POST' : 'GET',
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-key' },
      requests: body ? EMAILS.map((e) => ({ body: JSON.stringify(e) })) : undefined,
    }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-bench-inbound-'));
const config = loadConfig({
  DATA_DIR: dir, MODELS_DIR: path.join(dir, 'models'), API_KEYS: 'bench-key:platform', NIGHTLY_CRON: 'off', RETRAIN_CRON: 'off',
  DEMO_ON_EMPTY: 'false', INBOUND_CORPUS_SIZE: values.corpus, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000',
});
const services = await buildServices(config, { storage: await openStorage({ databaseUrl: null, pgliteDir: 'memory://' }) });
const app = await buildApp(services, { logger: false });
const bare = Fastify();
bare.get('/bare', async () => ({ ok: true }));
try {
  console.log(`training the inbound triage on ${values.corpus} generated emails (not timed)`);
  const job = await services.models.train({ model: 'inbound-triage', dataset: 'corpus', promote: true });
  const info = await services.jobs.waitFor(job);
  if (info.state !== 'completed') throw new Error(`training failed: ${JSON.stringify(info.error)}`);
  await services.models.server.refresh();
  const appUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
  const check = await app.inject({ method: 'POST', url: '/v1/inbound/score', headers: { authorization: 'Bearer bench-key' }, payload: EMAILS[0] });
  if (check.statusCode !== 200) throw new Error(`the endpoint answered ${check.statusCode}: ${check.body}`);
  console.log(`warming up, then ${duration} s × ${connections} connections each`);
  await run(`${appUrl}/v1/inbound/score`, EMAILS[0]);
  const scored = await run(`${appUrl}/v1/inbound/score`, EMAILS[0]);
  const plain = await run(`${bareUrl}/bare`);
  if (scored.non2xx > 0 || scored.errors > 0) throw new Error(`${scored.non2xx} non-2xx answers, ${scored.errors} errors`);
  const rps = Math.round(scored.requests.average);
  const bareRps = Math.round(plain.requests.average);
  console.log(`inbound: ${rps} req/s, p50 ${scored.latency.p50} ms, p99 ${scored.latency.p99} ms; bare route: ${bareRps} req/s`);
  console.log(JSON.stringify({ bench: 'inbound', rps, bareRps, ratio: Number((rps / bareRps).toFixed(3)), p99Ms: scored.latency.p99, p50Ms: scored.latency.p50, connections, seconds: duration }));
} finally {
  await app.close();
  await bare.close();
  await services.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
