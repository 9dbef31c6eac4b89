-- What an import changed since the triage read an email (src/inbound/triage.ts):
-- an import that changes what the triage reads raises `revision`; the triage
-- stores its result, recording the revision it read in `triaged_revision`,
-- only while `revision` is still the one it read. An email whose triage read
-- an older revision is due to be triaged again.

-- AlterTable
ALTER TABLE "inbound_messages" ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "triaged_revision" INTEGER NOT NULL DEFAULT 0;
