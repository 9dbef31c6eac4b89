-- Search & Assign: saved searches, assignment rules, their settings, runs
-- with an audit of every change, the state that keeps assignments stable
-- (per customer and field: value, rule, since) and the rule memberships that
-- hysteresis needs (who was inside a rule at the last applied run).

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

    CONSTRAINT "assignment_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignment_state" (
    "customer_id" INTEGER NOT NULL,
    "field" TEXT NOT NULL,
    "value" JSONB,
    "rule_id" INTEGER,
    "run_id" INTEGER,
    "since" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assignment_state_pkey" PRIMARY KEY ("customer_id","field")
);

-- CreateTable
CREATE TABLE "assignment_rule_members" (
    "rule_id" INTEGER NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "assignment_rule_members_pkey" PRIMARY KEY ("rule_id","customer_id")
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
CREATE INDEX "assignment_changes_run_id_idx" ON "assignment_changes"("run_id");

-- CreateIndex
CREATE INDEX "assignment_changes_customer_id_field_idx" ON "assignment_changes"("customer_id", "field");

-- CreateIndex
CREATE INDEX "assignment_state_since_idx" ON "assignment_state"("since");

-- CreateIndex
CREATE INDEX "assignment_rule_members_customer_id_idx" ON "assignment_rule_members"("customer_id");

-- AddForeignKey
ALTER TABLE "assignment_rules" ADD CONSTRAINT "assignment_rules_search_id_fkey" FOREIGN KEY ("search_id") REFERENCES "saved_searches"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_changes" ADD CONSTRAINT "assignment_changes_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "assignment_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_changes" ADD CONSTRAINT "assignment_changes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_state" ADD CONSTRAINT "assignment_state_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_rule_members" ADD CONSTRAINT "assignment_rule_members_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "assignment_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment_rule_members" ADD CONSTRAINT "assignment_rule_members_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

INSERT INTO "assignment_settings" ("id") VALUES (1);
