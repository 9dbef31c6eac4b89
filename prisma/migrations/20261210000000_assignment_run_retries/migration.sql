-- A run the service set off that stopped because customers changed, or were
-- locked, while it applied (AR_ERR_CONFLICT) is planned again as a new run:
-- the failed attempt stays in the history, and each attempt names the one it
-- retries (src/assign/retry.ts). At most one retry per attempt: two attempts of
-- one job retrying the same run share the retry.

-- AlterTable
ALTER TABLE "assignment_runs" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "retry_of_run_id" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "assignment_runs_retry_of_run_id_key" ON "assignment_runs"("retry_of_run_id");
