-- Every process migrates at its start, so during a rolling deploy instances of
-- the previous version keep claiming firings with an insert that names no state:
-- with the default 'running' (and a lease that lapsed as it was written) the next
-- instance to sweep took their firing over while they still ran it. A row
-- without a state reads as one claimed before the attempts existed, completed;
-- the claims of src/jobs/scheduled-runs.ts name theirs.
ALTER TABLE "scheduled_runs" ALTER COLUMN "state" SET DEFAULT 'completed';
