-- The instant of the email its published triage read, beside the customer it
-- was counted for (triaged_customer_id): an email promise (emailPromisedDate,
-- the agenda's promise follow-up) belongs to what the triage read, so an
-- email an import moved to another customer or day keeps its promise with
-- the customer and day it was read for until it is triaged again, as its
-- dispute and sentiment do (src/fields/email-promise.ts). Without the day, the
-- 90-day lookback and "the latest promise" could only read the new one.

-- AlterTable
ALTER TABLE "inbound_messages" ADD COLUMN "triaged_received_at" TIMESTAMPTZ(3);

-- Emails published so far: the day they have is the best known (an email
-- already changed since keeps reading it, as it did before this column).
UPDATE "inbound_messages" SET "triaged_received_at" = "received_at" WHERE "triage_seq" IS NOT NULL;
