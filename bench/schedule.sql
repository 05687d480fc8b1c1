-- One schedule_sessions call in this (fresh) connection, timed with its
-- commit (bench/run.sh, section schedule).  Variables: tid, players, day
-- (the start, in days after 2030-01-01 08:00 UTC), warm (true: first
-- schedule the 16-player tournament warm_tid at warm_day, untimed, so that
-- the statements are prepared), variant, benchdir, workdir.
-- The call runs with client_min_messages = debug1: its two DEBUG lines
-- (the phases and the checks) go to stderr, and run.sh adds them to the
-- JSON object this prints (bench/sched_json.pl).
\ir session_start.sql
\set stats_schema tourney
SELECT '2030-01-01 08:00+00'::timestamptz + :day * interval '1 day' AS at,
       '2030-01-01 08:00+00'::timestamptz + :warm_day * interval '1 day' AS warm_at \gset
\if :warm
SELECT tourney.schedule_sessions(:warm_tid, :'warm_at', 30, 15) \g /dev/null
\endif

SET client_min_messages = debug1;
\set phase schedule
\ir phase_begin.sql
SELECT tourney.schedule_sessions(:tid, :'at', 30, 15) AS result \gset
\ir phase_end.sql
RESET client_min_messages;

\ir report_phases.sql
SELECT json_build_object(
    'kind', 'schedule', 'case', 'schedule_sessions', 'format', 'knockout', 'players', :players,
    'campuses', (SELECT cardinality(campus_ids) FROM tourney.tournaments WHERE tournament_id = :tid),
    'courts', (SELECT sum(c.courts) FROM tourney.campuses c, tourney.tournaments t
               WHERE t.tournament_id = :tid AND c.campus_id = ANY (t.campus_ids)),
    'warm', :warm, 'variant', :'variant', 'tournament_id', :tid, 'starts_at', :'at',
    'sessions', (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid),
    'scheduled', (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid AND starts_at IS NOT NULL),
    'bookings', (SELECT count(*) FROM tourney.bookings WHERE tournament_id = :tid),
    'result', :'result'::jsonb,
    'ms', (:'phases_json'::json -> 'schedule' ->> 'ms')::numeric,
    'phases', :'phases_json'::json,
    'db_sessions_before', :db_sessions, 'backend_pid', :pid, 'vmhwm_kb', :hwm_kb,
    'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
