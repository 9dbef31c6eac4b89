-- A portfolio run plans its customers a chunk at a time (src/agenda/plan-job.ts):
-- each chunk's items are staged here under the run, and the run swaps them into
-- agenda_plan_items in one transaction at its end, so a reader never sees half a
-- run. Rows of a run that failed are deleted by the next run that stores.
CREATE TABLE "agenda_plan_staging" (
    "run" UUID NOT NULL,
    "run_at" TIMESTAMPTZ(6) NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "due_date" DATE NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "collector_id" INTEGER,
    "task" BOOLEAN NOT NULL,
    "origin" TEXT NOT NULL,
    "item" JSONB NOT NULL,

    CONSTRAINT "agenda_plan_staging_pkey" PRIMARY KEY ("run", "dedupe_key")
);
