-- PostgreSQL's own limit for what schedule_sessions writes (bench/run.sh,
-- section schedule), in this (fresh) connection: the same sessions, copied
-- into bench_base.sessions (same columns, indexes and fillfactor as
-- tourney.sessions) by bench/schedule_setup.sql, get a time and a court by
-- plain SQL.  Variables: copy_tid, players, courts, day, variant, benchdir,
-- workdir.
--   update    one UPDATE of the three columns (starts_at, ends_at, court)
--             of every session of the copy, with its commit
--   bookings  one INSERT … SELECT of a row per session into
--             bench_base.bookings (same columns and indexes as
--             tourney.bookings), with its commit: with the update, the rows
--             schedule_sessions writes
-- The times are a simple wave pattern (no placement): only the writing is
-- measured.
\ir session_start.sql
\set stats_schema bench_base
-- as in baseline.sql: plans independent of statistics about the new id
SET work_mem = '64MB';
SET enable_seqscan = off;
SET enable_nestloop = off;
SET jit = off;
SELECT '2030-01-01 08:00+00'::timestamptz + :day * interval '1 day' AS at \gset

\set phase update
\ir phase_begin.sql
UPDATE bench_base.sessions
SET starts_at = :'at'::timestamptz + ((match_number - 1) / :courts + round * 4) * interval '45 minutes',
    ends_at = :'at'::timestamptz + ((match_number - 1) / :courts + round * 4) * interval '45 minutes'
              + interval '30 minutes',
    court = (match_number - 1) % :courts + 1
WHERE tournament_id = :copy_tid;
\set result updated
\ir phase_end.sql

\set phase bookings
\ir phase_begin.sql
INSERT INTO bench_base.bookings (tournament_id, session_id, venue, court, starts_at, ends_at)
SELECT tournament_id, session_id, coalesce(campus_id, -tournament_id), court, starts_at, ends_at
FROM bench_base.sessions WHERE tournament_id = :copy_tid ORDER BY session_id;
\set result inserted
\ir phase_end.sql

\ir report_phases.sql
SELECT json_build_object(
    'kind', 'schedule', 'case', 'plain_update', 'format', 'knockout', 'players', :players,
    'variant', :'variant', 'tournament_id', :copy_tid,
    'sessions', (SELECT count(*) FROM bench_base.sessions WHERE tournament_id = :copy_tid),
    'ms', (:'phases_json'::json -> 'update' ->> 'ms')::numeric,
    'with_bookings_ms', (:'phases_json'::json -> 'update' ->> 'ms')::numeric
                        + (:'phases_json'::json -> 'bookings' ->> 'ms')::numeric,
    'phases', :'phases_json'::json,
    'backend_pid', :pid, 'vmhwm_kb', :hwm_kb, 'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
