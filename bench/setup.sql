-- The benchmark database's scratch objects (bench/run.sh).
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tourney;
DROP SCHEMA IF EXISTS bench_base CASCADE;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench_base;
CREATE SCHEMA bench;
-- Same columns, constraints, indexes and storage options (fillfactor) as
-- tourney's tables, whatever version of the extension is installed.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.relname, c.reloptions FROM pg_class c
             WHERE c.relnamespace = 'tourney'::regnamespace
               AND c.relname IN ('enrollments', 'sessions', 'session_participants', 'rankings', 'bookings')
    LOOP
        EXECUTE format('CREATE TABLE bench_base.%I (LIKE tourney.%I INCLUDING ALL)%s', r.relname, r.relname,
                       CASE WHEN r.reloptions IS NOT NULL
                            THEN format(' WITH (%s)', array_to_string(r.reloptions, ', ')) ELSE '' END);
    END LOOP;
END $$;
CREATE SEQUENCE bench_base.tournament_seq;
-- The process that runs a queued task: its worker_pid, once a worker has
-- claimed it (NULL if the task ended unclaimed or none claimed it in 10 s).
CREATE FUNCTION bench.task_worker(task uuid) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    k tourney.tasks;
BEGIN
    FOR i IN 1 .. 10000 LOOP
        k := tourney.generation_status(task);
        IF k.worker_pid IS NOT NULL OR k.status NOT IN ('queued', 'running') THEN
            RETURN k.worker_pid;
        END IF;
        PERFORM pg_sleep(0.001);
    END LOOP;
    RETURN NULL;
END $$;
-- The copies must have tourney's columns as installed (0.2: sessions'
-- starts_at, ends_at and court, and bookings): the schedule section's plain
-- UPDATE writes them.
DO $$
DECLARE
    missing text;
BEGIN
    SELECT string_agg(t.table_name || '.' || t.column_name, ', ') INTO missing
    FROM information_schema.columns t
    WHERE t.table_schema = 'tourney'
      AND t.table_name IN ('enrollments', 'sessions', 'session_participants', 'rankings', 'bookings')
      AND NOT EXISTS (SELECT 1 FROM information_schema.columns b
                      WHERE b.table_schema = 'bench_base' AND b.table_name = t.table_name
                        AND b.column_name = t.column_name AND b.data_type = t.data_type
                        AND b.ordinal_position = t.ordinal_position);
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'bench_base does not match tourney''s tables: %', missing;
    END IF;
END $$;
