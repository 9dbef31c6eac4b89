-- Search & Assign: saved searches, assignment rules, their settings, runs
-- with an audit of every change (whose latest row per customer and field is
-- the assignment state dwell times count from), and the rule memberships that
-- hysteresis needs (which rules each customer was inside at the last run).

-- CreateTable
CREATE TABLE "saved_searches" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "criteria" JSONB NOT NULL,
    "fields" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "saved_searches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignment_rules" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "search_id" INTEGER NOT NULL,
    "priority" INTEGER NOT NULL,
    "actions" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignment_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignment_settings" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "dwell_days" JSONB NOT NULL DEFAULT '{}',
    "hysteresis" JSONB NOT NULL DEFAULT '{}',
    "run_on_rule_change" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignment_settings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "assignment_settings_singleton" CHECK ("id" = 1)
);

-- CreateTable
CREATE TABLE "assignment_runs" (
    "id" SERIAL NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'apply',
    "trigger" TEXT NOT NULL,
    "scope" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'queued',
    "job_id" TEXT,
    "plan_hash" TEXT,
    "expected_plan_hash" TEXT,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "error" JSONB,
    "undoes_run_id" INTEGER,
    "undone_by_run_id" INTEGER,
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "assignment_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "assignment_runs_kind_check" CHECK ("kind" IN ('apply', 'undo')),
    CONSTRAINT "assignment_runs_status_check" CHECK ("status" IN ('queued', 'running', 'applied', 'failed', 'undone'))
);

-- CreateTable
-- No foreign keys on purpose: a run writes hundreds of thousands of rows in
-- one COPY, and per-row key checks (with their row locks on customers) would
-- cost more than the rest of the run. The audit also outlives a customer.
CREATE TABLE "assignment_changes" (
    "id" BIGSERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "old_value" JSONB,
    "new_value" JSONB,
    "rule_id" INTEGER,
    "rule_name" TEXT,
    "reasons" JSONB NOT NULL DEFAULT '{}',
    "undone_by_run_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    -- One index for identity and for "the latest change of this customer's field".
    CONSTRAINT "assignment_changes_pkey" PRIMARY KEY ("customer_id", "field", "id")
);

-- CreateTable
CREATE TABLE "assignment_rule_members" (
    "customer_id" INTEGER NOT NULL,
    "rule_ids" INTEGER[] NOT NULL DEFAULT ARRAY[]::INTEGER[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "assignment_rule_members_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "saved_searches_name_key" ON "saved_searches"("name");

-- CreateIndex
CREATE UNIQUE INDEX "assignment_rules_name_key" ON "assignment_rules"("name");

-- CreateIndex
CREATE INDEX "assignment_rules_search_id_idx" ON "assignment_rules"("search_id");

-- CreateIndex
CREATE INDEX "assignment_runs_created_at_idx" ON "assignment_runs"("created_at");

-- CreateIndex
-- BRIN: rows arrive run after run, so a run's rows sit in few block ranges.
CREATE INDEX "assignment_changes_run_id_idx" ON "assignment_changes" USING BRIN ("run_id");

-- AddForeignKey
ALTER TABLE "assignment_rules" ADD CONSTRAINT "assignment_rules_search_id_fkey" FOREIGN KEY ("search_id") REFERENCES "saved_searches"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_rule_members" ADD CONSTRAINT "assignment_rule_members_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The assignment state per customer and field (value, rule, since) is the
-- latest change the audit holds: dwell times are measured from it, and it can
-- never disagree with the audit because it is the audit.
CREATE VIEW "assignment_state" AS
SELECT DISTINCT ON ("customer_id", "field")
    "customer_id", "field", "new_value" AS "value", "rule_id", "run_id", "created_at" AS "since"
FROM "assignment_changes"
ORDER BY "customer_id", "field", "id" DESC;

INSERT INTO "assignment_settings" ("id") VALUES (1);
