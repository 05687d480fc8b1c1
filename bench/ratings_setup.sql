-- The ratings section's tournament (bench/run.sh, issue 17), made before its
-- measurement and not timed: :players new players (a set of their own, so
-- that every measurement rates rows nobody has rated before) in a knockout
-- played to the end (generate, simulate, rank, complete).  Variables:
-- players, seed, label.  Prints one line: lo|hi|tid|sessions|ms
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
WITH made AS (INSERT INTO tourney.players (name, rating)
              SELECT 'bench ratings ' || g, 1000 + (hashint8extended(g, :seed) & 1048575) * 1400.0 / 1048576
              FROM generate_series(1, :players::int8) g RETURNING player_id)
SELECT min(player_id) AS lo, max(player_id) AS hi FROM made \gset
SELECT tourney.create_tournament(format('bench ratings %s %s', :'label', :players), 'knockout') AS tid \gset
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players
                                  WHERE player_id BETWEEN :lo AND :hi ORDER BY player_id)) \g /dev/null
SELECT tourney.generate_sessions(:tid, async => false) \g /dev/null
SELECT tourney.simulate_results(:tid, :seed) \g /dev/null
SELECT tourney.calculate_rankings(:tid) \g /dev/null
SELECT tourney.complete_tournament(:tid) \g /dev/null
-- what autovacuum would do after these bulk writes, done now: the
-- measurement does not run beside it
VACUUM ANALYZE tourney.players, tourney.sessions, tourney.session_participants, tourney.enrollments;
SELECT concat_ws('|', :lo, :hi, :tid, (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid),
                 round(extract(epoch FROM clock_timestamp()) * 1000 - :t0));
