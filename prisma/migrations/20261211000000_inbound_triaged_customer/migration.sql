-- The customer an email's published triage was counted for (openDisputes,
-- sentimentTrend): an import that moves the email to another customer clears
-- its triage, and the next one recounts both customers, this one and the new
-- one (src/inbound/triage.ts).

-- AlterTable
ALTER TABLE "inbound_messages" ADD COLUMN "triaged_customer_id" INTEGER;

-- Emails published so far were counted for the customer they have.
UPDATE "inbound_messages" SET "triaged_customer_id" = "customer_id" WHERE "triage_seq" IS NOT NULL;
