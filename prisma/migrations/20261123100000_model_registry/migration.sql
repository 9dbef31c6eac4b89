-- Model registry: every trained version of every model, what happened to it,
-- and the input-drift checks made against it.

-- CreateTable
CREATE TABLE "model_versions" (
    "model" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'candidate',
    "status_reason" TEXT,
    "primary_metric" TEXT NOT NULL,
    "metric_direction" TEXT NOT NULL,
    "primary_value" DOUBLE PRECISION,
    "metrics" JSONB NOT NULL DEFAULT '{}',
    "dataset" TEXT,
    "window_from" DATE,
    "window_to" DATE,
    "data_fingerprint" TEXT NOT NULL,
    "holdout_fingerprint" TEXT NOT NULL,
    "code_version" TEXT NOT NULL,
    "checksums" JSONB NOT NULL,
    "comparison" JSONB,
    "previous_version" TEXT,
    "has_report" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMPTZ(3),
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("model","version"),
    CONSTRAINT "model_versions_status_check" CHECK ("status" IN ('candidate', 'active', 'retired', 'rejected')),
    CONSTRAINT "model_versions_direction_check" CHECK ("metric_direction" IN ('higher', 'lower'))
);

-- One active version per model, whatever the code above it does.
CREATE UNIQUE INDEX "model_versions_one_active" ON "model_versions"("model") WHERE "status" = 'active';

-- CreateIndex
CREATE INDEX "model_versions_model_created_at_idx" ON "model_versions"("model", "created_at");

-- CreateTable
CREATE TABLE "model_events" (
    "id" SERIAL NOT NULL,
    "model" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "from_version" TEXT,
    "forced" BOOLEAN NOT NULL DEFAULT false,
    "actor" TEXT,
    "reason" TEXT,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "model_events_model_at_idx" ON "model_events"("model", "at");

-- CreateTable
CREATE TABLE "model_drift_checks" (
    "id" SERIAL NOT NULL,
    "model" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "rows" INTEGER NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "max_psi" DOUBLE PRECISION NOT NULL,
    "alert" BOOLEAN NOT NULL,
    "features" JSONB NOT NULL DEFAULT '[]',
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_drift_checks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "model_drift_checks_model_checked_at_idx" ON "model_drift_checks"("model", "checked_at");
