-- CreateTable
CREATE TABLE "exchange_rates" (
    "currency" TEXT NOT NULL,
    "quote_currency" TEXT NOT NULL,
    "rate_date" DATE NOT NULL,
    "rate" DECIMAL(24,10) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "exchange_rates_pkey" PRIMARY KEY ("currency","quote_currency","rate_date")
);
