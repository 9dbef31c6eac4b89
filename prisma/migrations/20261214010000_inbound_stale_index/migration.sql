-- The emails an import changed since their triage, which every refresh looks
-- for (src/inbound/triage.ts): without it a read of the whole table, 200 ms
-- more per batch for 200,000 emails on PostgreSQL. Few rows at any time, and
-- none once the refresh has run. Prisma cannot express a partial index.
CREATE INDEX "inbound_messages_stale_idx" ON "inbound_messages"("id") WHERE "triaged_revision" < "revision";
