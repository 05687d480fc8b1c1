-- The benchmark database's scratch objects (bench/run.sh).
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS tourney;
DROP SCHEMA IF EXISTS bench_base CASCADE;
DROP SCHEMA IF EXISTS bench CASCADE;
CREATE SCHEMA bench_base;
CREATE SCHEMA bench;
-- Same columns, constraints, indexes and fillfactor as tourney's tables.
CREATE TABLE bench_base.enrollments (LIKE tourney.enrollments INCLUDING ALL);
CREATE TABLE bench_base.sessions (LIKE tourney.sessions INCLUDING ALL) WITH (fillfactor = 50);
CREATE TABLE bench_base.session_participants (LIKE tourney.session_participants INCLUDING ALL)
    WITH (fillfactor = 50);
CREATE TABLE bench_base.rankings (LIKE tourney.rankings INCLUDING ALL);
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
