// A job that fails on a bug must leave its stack in the log; one that refuses
// its input with an AR_ERR is the caller's to read, not an operator's alarm.
import { describe, it, expect, afterEach } from 'vitest';
import { Jobs } from '../../src/jobs/jobs.js';
import { AR_ERR } from '../../src/errors.js';
import { capturedLog } from '../helpers/log.js';

describe('the job front', () => {
  let jobs: Jobs | undefined;
  afterEach(async () => jobs?.close());

  it('logs a failure that is not an AR_ERR with its stack, and only that one', async () => {
    const { log, lines } = capturedLog();
    jobs = new Jobs({ redisUrl: null, work: true, log });
    jobs.registerLocal('bug', async () => {
      throw new RangeError('Maximum call stack size exceeded');
    });
    jobs.register('refused', async () => {
      throw AR_ERR.IMPORT_EMPTY();
    });
    const bug = await jobs.waitFor(await jobs.enqueueLocal('bug', {}));
    const refused = await jobs.waitFor(await jobs.enqueue('refused', {}));
    expect(bug.state).toBe('failed');
    expect(refused.error?.code).toBe('AR_ERR_IMPORT_EMPTY');
    const failures = lines.filter((l) => l.msg === 'job failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ level: 50, type: 'bug', jobId: bug.id, err: { stack: expect.stringContaining('RangeError: Maximum call stack size exceeded') } });
  });
});
