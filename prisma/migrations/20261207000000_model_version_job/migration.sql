-- The train job that recorded a version (null: trained outside a job, the CLI).
-- BullMQ may run a job twice (a stalled job run again while the first attempt
-- still trains): one version per job and model, whichever attempt records it
-- first. NULLs are distinct, so versions trained outside a job never collide.

-- AlterTable
ALTER TABLE "model_versions" ADD COLUMN "job_id" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "model_versions_model_job_id_key" ON "model_versions"("model", "job_id");
