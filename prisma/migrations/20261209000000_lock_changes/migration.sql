-- Who locked or unlocked what rules may change on a customer, when and why:
-- the first thing a credit manager asks when a rule "does not work" on one.
-- One row per field a change actually locked or unlocked (src/assign/locks.ts);
-- locks made before this table have none.

-- CreateTable
CREATE TABLE "lock_changes" (
    "id" SERIAL NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT,
    "reason" VARCHAR(500),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lock_changes_pkey" PRIMARY KEY ("id")
);

-- A customer's history, newest first, and the latest row of each locked field.
-- CreateIndex
CREATE INDEX "lock_changes_customer_id_id_idx" ON "lock_changes"("customer_id", "id");

-- AddForeignKey
ALTER TABLE "lock_changes" ADD CONSTRAINT "lock_changes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
