-- A retried job's attempt looks its run up by job id (runForJob), and so does
-- the sweep of runs abandoned by their job (src/assign/sweep.ts).

-- CreateIndex
CREATE INDEX "assignment_runs_job_id_idx" ON "assignment_runs"("job_id");
