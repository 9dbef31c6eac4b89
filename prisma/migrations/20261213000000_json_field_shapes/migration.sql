-- Imports store an offer's terms and an event's payload as JSON objects
-- (jsonShape in src/ingest/entities.ts). Before, a CSV cell stored any JSON,
-- and NDJSON an array too. An empty array says what the '{}' default says,
-- that nothing was sent: it becomes {}. Any other value (5, "net 30",
-- [2, 10]) is no object without inventing its keys: it stays as stored,
-- read as holding none of the keys the agenda and the models look for, and
-- GET /v1/data-quality/json-shapes lists it for the platform to send again.
UPDATE "incentive_offers" SET "terms" = '{}'::jsonb WHERE "terms" = '[]'::jsonb;
UPDATE "external_events" SET "payload" = '{}'::jsonb WHERE "payload" = '[]'::jsonb;
