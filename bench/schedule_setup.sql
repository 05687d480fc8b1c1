-- Set-up of one measurement of the schedule section (bench/run.sh), untimed:
-- synthetic players and a generated knockout on the given campuses.
-- Variables:
--   players, campuses ('{…}' campus ids), seed, label
--   day          the tournament's start, in days after 2030-01-01 08:00 UTC
--                (each tournament gets its own, far from the others', so that
--                no two share a court)
--   warm         true: also a 16-player knockout on the same campuses (the
--                untimed warm-up of the measuring backend), unscheduled
--   warm_day     its start (scheduled here only with schedule_now)
--   copy         true: also a copy of the sessions into bench_base.sessions
--                under a tournament id of its own (the plain UPDATE)
--   schedule_now true: schedule the tournament (and the warm-up) here
--   close_campus a campus id, or 0: the closure of that campus holding about
--                close_target of the tournament's pending sessions there
--                (from its first start to the end of the close_target-th
--                session; every session starting by then overlaps it)
-- Prints one line: tid|warm_tid|copy_tid|close_from|close_to|close_expected|warm_from|warm_to
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
SELECT '2030-01-01 08:00+00'::timestamptz + :day * interval '1 day' AS at,
       '2030-01-01 08:00+00'::timestamptz + :warm_day * interval '1 day' AS warm_at \gset

WITH made AS (
    INSERT INTO tourney.players (name, rating)
    SELECT 'bench schedule player ' || g, 1000 + (hashint8extended(g, :seed) & 1048575) * 1400.0 / 1048576
    FROM generate_series(1, :players::int8) g
    RETURNING player_id)
SELECT min(player_id) AS lo, max(player_id) AS hi FROM made \gset

SELECT tourney.create_tournament(format('bench schedule %s: knockout %s', :'label', :players),
                                 'knockout', campus_ids => :'campuses'::bigint[]) AS tid \gset
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players
                                  WHERE player_id BETWEEN :lo AND :hi ORDER BY player_id)) \g /dev/null
SELECT tourney.generate_sessions(:tid, async => false) \g /dev/null

\set warm_tid ''
\if :warm
SELECT tourney.create_tournament(format('bench schedule %s: warm-up', :'label'),
                                 'knockout', campus_ids => :'campuses'::bigint[]) AS warm_tid \gset
SELECT tourney.enroll(:warm_tid, ARRAY(SELECT player_id FROM tourney.players
                                       WHERE player_id BETWEEN :lo AND :lo + 15 ORDER BY player_id)) \g /dev/null
SELECT tourney.generate_sessions(:warm_tid, async => false) \g /dev/null
\endif

\set copy_tid ''
\if :copy
SELECT nextval('bench_base.tournament_seq') AS copy_tid \gset
SELECT string_agg(CASE attname WHEN 'tournament_id' THEN :'copy_tid' ELSE quote_ident(attname) END, ', '
                  ORDER BY attnum) AS cols
FROM pg_attribute WHERE attrelid = 'tourney.sessions'::regclass AND attnum > 0 AND NOT attisdropped \gset
INSERT INTO bench_base.sessions SELECT :cols FROM tourney.sessions
WHERE tournament_id = :tid ORDER BY session_id;
\endif

\if :schedule_now
SELECT tourney.schedule_sessions(:tid, :'at', 30, 15) \g /dev/null
\if :warm
SELECT tourney.schedule_sessions(:warm_tid, :'warm_at', 30, 15) \g /dev/null
\endif
\endif

-- A closure of the campus from the tournament's first session there to the
-- end of its close_target-th (in time order), and what it must move: the
-- pending sessions there that overlap it.
\set close_from ''
\set close_to ''
\set close_expected ''
\set warm_from ''
\set warm_to ''
SELECT :close_campus <> 0 AS closing \gset
\if :closing
SELECT min(starts_at) AS close_from,
       (SELECT ends_at FROM tourney.sessions
        WHERE tournament_id = :tid AND campus_id = :close_campus AND NOT result_submitted
        ORDER BY starts_at, session_id OFFSET :close_target - 1 LIMIT 1) AS close_to
FROM tourney.sessions WHERE tournament_id = :tid AND campus_id = :close_campus \gset
SELECT count(*) AS close_expected FROM tourney.sessions
WHERE tournament_id = :tid AND campus_id = :close_campus AND NOT result_submitted
  AND tstzrange(starts_at, ends_at) && tstzrange(:'close_from', :'close_to') \gset
\if :warm
SELECT min(starts_at) AS warm_from, max(ends_at) AS warm_to
FROM tourney.sessions WHERE tournament_id = :warm_tid AND campus_id = :close_campus \gset
\endif
\endif
SELECT concat_ws('|', :'tid', :'warm_tid', :'copy_tid', :'close_from', :'close_to', :'close_expected',
                 :'warm_from', :'warm_to');
