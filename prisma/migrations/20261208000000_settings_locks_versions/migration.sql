-- Versions for If-Match on the other things people edit in Search & Assign:
-- the settings (one row) and each customer's locks, moved on by every save
-- as saved searches' and rules' are. A constant default adds the columns
-- without rewriting the tables.

-- AlterTable
ALTER TABLE "assignment_settings" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "customers" ADD COLUMN "locks_version" INTEGER NOT NULL DEFAULT 1;
