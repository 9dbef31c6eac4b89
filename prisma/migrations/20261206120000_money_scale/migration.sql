-- Amounts keep four decimals: dinars (KWD, BHD, TND) have three, and the
-- Chilean UF four. Two decimals rounded 1.234 KWD to 1.23 on import.

-- AlterTable
ALTER TABLE "customers" ALTER COLUMN "credit_limit" SET DATA TYPE DECIMAL(18,4),
ALTER COLUMN "insurer_cover" SET DATA TYPE DECIMAL(18,4);

-- AlterTable
ALTER TABLE "invoices" ALTER COLUMN "amount" SET DATA TYPE DECIMAL(18,4),
ALTER COLUMN "open_amount" SET DATA TYPE DECIMAL(18,4);

-- AlterTable
ALTER TABLE "payments" ALTER COLUMN "amount" SET DATA TYPE DECIMAL(18,4);

-- AlterTable
ALTER TABLE "payment_allocations" ALTER COLUMN "amount" SET DATA TYPE DECIMAL(18,4);
