-- CreateTable
CREATE TABLE "assignment_member_changes" (
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "old_rule_ids" INTEGER[],
    "new_rule_ids" INTEGER[],

    CONSTRAINT "assignment_member_changes_pkey" PRIMARY KEY ("run_id","customer_id")
);

-- AddForeignKey
ALTER TABLE "assignment_member_changes" ADD CONSTRAINT "assignment_member_changes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
