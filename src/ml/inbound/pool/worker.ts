// One scoring thread of the triage pool: loads the artifact it was given and
// answers { id, input } with { id, value } or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import type { Artifact } from '../../model.js';
import { loadInboundModels } from '../model.js';
import { scoreInbound } from '../score.js';
import type { PoolRequest, PoolResponse } from './protocol.js';

const models = await loadInboundModels((workerData as { artifact: Artifact }).artifact);
const port = parentPort!;
port.on('message', ({ id, input }: PoolRequest) => {
  let reply: PoolResponse;
  try {
    reply = { id, value: scoreInbound(input, input.customer, models) };
  } catch (err) {
    reply = { id, error: (err as Error).message };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, ready: true } satisfies PoolResponse);
