-- The order GET /v1/inbound/messages pages in: the order emails were
-- triaged, not imported. Ids are taken at insert, before commit, so an import
-- that commits after a later one shows ids below a cursor a client already
-- holds; a number taken when the triage publishes an email, one publisher at
-- a time, only grows in the order clients can see it (src/inbound/triage.ts).
-- CACHE 1 (the default) on purpose: a session holding a cached range would
-- hand out numbers below ones another session already published.

-- AlterTable
ALTER TABLE "inbound_messages" ADD COLUMN "triage_seq" INTEGER;

-- CreateSequence
CREATE SEQUENCE "inbound_messages_triage_seq" AS INTEGER CACHE 1;

-- Emails triaged already keep their id as their place, so a cursor handed out
-- before (an id) still means "after this email"; every later one comes after
-- any id taken so far, committed or not.
UPDATE "inbound_messages" m SET "triage_seq" = m."id"
WHERE EXISTS (SELECT 1 FROM "computed_fields" cf WHERE cf."entity_type" = 'inbound' AND cf."entity_id" = m."id" AND cf."name" = 'inboundType');
SELECT setval('"inbound_messages_triage_seq"', (SELECT "last_value" FROM "inbound_messages_id_seq"));

-- CreateIndex
CREATE UNIQUE INDEX "inbound_messages_triage_seq_key" ON "inbound_messages"("triage_seq");
