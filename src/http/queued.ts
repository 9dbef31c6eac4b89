// The answer to a request that queued a job and does not wait for it: 202,
// with where to poll its state (the import with Prefer: respond-async, a refresh).
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';

export const QueuedJob = Type.Object({
  jobId: Type.String(),
  status: Type.Literal('queued'),
  location: Type.String({ description: 'GET it for state and progress' }),
});

export function sendQueued(reply: FastifyReply, jobId: string) {
  const location = `/v1/jobs/${jobId}`;
  return reply.status(202).header('location', location).send({ jobId, status: 'queued' as const, location });
}
