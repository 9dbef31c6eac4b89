-- One row per firing of a schedule (the nightly refresh, a retraining) that an
-- instance running jobs in-process took: instances sharing a database without
-- Redis each fire every schedule, and the first to insert the firing's row runs
-- it (src/jobs/scheduled-runs.ts). Keyed by the firing's time, so a run its
-- instance never finished holds no later one.
CREATE TABLE "scheduled_runs" (
    "scheduler_id" TEXT NOT NULL,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "instance_id" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "scheduled_runs_pkey" PRIMARY KEY ("scheduler_id", "scheduled_at")
);
