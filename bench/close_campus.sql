-- One close_campus call in this (fresh) connection, timed with its commit
-- (bench/run.sh, section schedule).  Variables: tid, players, campus,
-- from_time, to_time, expected (the pending sessions at the campus that
-- overlap [from_time, to_time), counted at set-up), warm (true: first close
-- the campus for the whole of the scheduled 16-player tournament warm_tid,
-- [warm_from, warm_to), untimed), variant, benchdir, workdir.
-- With client_min_messages = debug1, its DEBUG line (the checks) goes to
-- stderr and run.sh adds it to the JSON (bench/sched_json.pl).
\ir session_start.sql
\set stats_schema tourney
\if :warm
SELECT count(*) FROM tourney.close_campus(:warm_tid, :campus, :'warm_from', :'warm_to') \g /dev/null
\endif
CREATE TEMP TABLE before AS
SELECT session_id, campus_id, court, starts_at, ends_at, result_submitted
FROM tourney.sessions WHERE tournament_id = :tid;
SELECT count(*) AS sessions_before, count(*) FILTER (WHERE campus_id = :campus) AS at_campus_before
FROM pg_temp.before \gset

SET client_min_messages = debug1;
\set phase close_campus
\ir phase_begin.sql
SELECT count(*) AS result FROM tourney.close_campus(:tid, :campus, :'from_time', :'to_time') \gset
\ir phase_end.sql
RESET client_min_messages;
\set moved :result

-- Afterwards: nothing pending of the tournament left at the campus in the
-- closure; how many sessions moved off the campus, and how many others
-- were shifted; the bookings as the sessions say.
SELECT count(*) AS sessions_after,
       count(*) FILTER (WHERE s.campus_id = :campus) AS at_campus_after,
       count(*) FILTER (WHERE s.campus_id = :campus AND NOT s.result_submitted
                        AND tstzrange(s.starts_at, s.ends_at) && tstzrange(:'from_time', :'to_time')) AS left_in_closure,
       count(*) FILTER (WHERE b.campus_id = :campus AND s.campus_id <> :campus) AS moved_off,
       count(*) FILTER (WHERE s.campus_id = b.campus_id
                        AND (s.starts_at, s.court) IS DISTINCT FROM (b.starts_at, b.court)) AS shifted
FROM tourney.sessions s JOIN pg_temp.before b USING (session_id)
WHERE s.tournament_id = :tid \gset
SELECT count(*) AS bookings_mismatch
FROM (SELECT * FROM tourney.sessions WHERE tournament_id = :tid AND starts_at IS NOT NULL) s
     FULL JOIN (SELECT * FROM tourney.bookings WHERE tournament_id = :tid) b USING (session_id)
WHERE (s.starts_at, s.ends_at, s.court, coalesce(s.campus_id, -s.tournament_id))
      IS DISTINCT FROM (b.starts_at, b.ends_at, b.court, b.venue) \gset

\ir report_phases.sql
SELECT json_build_object(
    'kind', 'schedule', 'case', 'close_campus', 'format', 'knockout', 'players', :players,
    'warm', :warm, 'variant', :'variant', 'tournament_id', :tid, 'campus_id', :campus,
    'from_time', :'from_time', 'to_time', :'to_time',
    'sessions', :sessions_after, 'moved', :moved, 'expected', :expected,
    'moved_off', :moved_off, 'shifted', :shifted,
    'at_campus_before', :at_campus_before, 'at_campus_after', :at_campus_after,
    'left_in_closure', :left_in_closure, 'bookings_mismatch', :bookings_mismatch,
    'ok', :moved = :expected AND :moved_off = :moved AND :left_in_closure = 0 AND :bookings_mismatch = 0
          AND :sessions_after = :sessions_before AND :at_campus_after = :at_campus_before - :moved,
    'ms', (:'phases_json'::json -> 'close_campus' ->> 'ms')::numeric,
    'phases', :'phases_json'::json,
    'db_sessions_before', :db_sessions, 'backend_pid', :pid, 'vmhwm_kb', :hwm_kb,
    'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
