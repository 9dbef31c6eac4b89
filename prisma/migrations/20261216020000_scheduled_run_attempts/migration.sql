-- A claimed firing of a schedule is no longer run once whatever becomes of it
-- (src/jobs/scheduled-runs.ts): its holder records how it ended, a failed one
-- is claimed again after a back-off, up to a number of attempts, and one whose
-- holder stopped renewing its lease (died mid-run) is taken over. Rows claimed
-- before this migration are taken as finished: nothing ran them again before.
ALTER TABLE "scheduled_runs"
    ADD COLUMN "state" TEXT NOT NULL DEFAULT 'completed',
    ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 1,
    ADD COLUMN "lease_until" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    ADD COLUMN "retry_at" TIMESTAMPTZ(3),
    ADD COLUMN "finished_at" TIMESTAMPTZ(3),
    ADD COLUMN "error" JSONB;
ALTER TABLE "scheduled_runs" ALTER COLUMN "state" SET DEFAULT 'running';
