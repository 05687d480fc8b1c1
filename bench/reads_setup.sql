-- The reads section's tournaments (bench/run.sh, issue 15), made before any
-- measurement.  Variables: ko_count, ko_players (knockouts with their first
-- round's results in: 128 of 255 sessions of a 256-player one), big_players,
-- big_rounds (one individual ranking, every result in), mix_count,
-- mix_players, mix_rounds (the live tournaments of the open-loop load: the
-- individual rankings its submits write to and its readers read, each
-- scheduled on a campus of 64 courts from tomorrow on).
-- mix_prefill: results each live tournament has before the load.
-- Prints one line: ko_lo|ko_hi|big_tid|mix_lo|mix_hi|mix_sessions|ko_results|setup_ms|fresh_tid
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset

-- players: one set for the knockouts, one for the rankings (shared by every
-- tournament of the set: a player may play in many)
WITH made AS (INSERT INTO tourney.players (name, rating)
              SELECT 'bench reads ko ' || g, 1000 + (hashint8extended(g, 11) & 1048575) * 1400.0 / 1048576
              FROM generate_series(1, :ko_players) g RETURNING player_id)
SELECT min(player_id) AS ko_plo, max(player_id) AS ko_phi FROM made \gset
WITH made AS (INSERT INTO tourney.players (name, rating)
              SELECT 'bench reads ir ' || g, 1000 + (hashint8extended(g, 13) & 1048575) * 1400.0 / 1048576
              FROM generate_series(1, greatest(:big_players, :mix_players)) g RETURNING player_id)
SELECT min(player_id) AS ir_plo, max(player_id) AS ir_phi FROM made \gset

-- K tournaments made one after another in this connection: consecutive ids
-- (pgbench picks one by random(lo, hi)); checked below.
CREATE TEMP TABLE made (tid bigint, kind text);
-- With courts > 0, each on a campus of its own with that many courts,
-- scheduled from tomorrow on (tourney.overview shows the next start).
CREATE FUNCTION pg_temp.make(kind text, k int, format text, players int, rounds int, plo bigint, courts int)
RETURNS SETOF bigint LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
    c bigint[] := '{}';
BEGIN
    FOR i IN 1 .. k LOOP
        IF courts > 0 THEN
            INSERT INTO tourney.campuses (name, courts) VALUES (format('bench reads %s %s', kind, i), courts)
            RETURNING ARRAY[campus_id] INTO c;
        END IF;
        t := tourney.create_tournament(format('bench reads %s %s of %s', kind, i, k), format,
                                       number_of_rounds => rounds, campus_ids => c);
        PERFORM tourney.enroll(t, ARRAY(SELECT g FROM generate_series(plo, plo + players - 1) g));
        PERFORM tourney.generate_sessions(t, async => false);
        IF courts > 0 THEN
            PERFORM tourney.schedule_sessions(t, pg_catalog.date_trunc('hour', pg_catalog.now()) + interval '1 day', 20, 0);
        END IF;
        INSERT INTO made VALUES (t, kind);
        RETURN NEXT t;
    END LOOP;
END $$;

-- 1. knockouts, first round in (scores in slot order, never a tie)
SELECT count(*) FROM pg_temp.make('ko', :ko_count, 'knockout', :ko_players, NULL, :ko_plo, 0) \g /dev/null
SELECT min(tid) AS ko_lo, max(tid) AS ko_hi FROM made WHERE kind = 'ko' \gset
SELECT count(tourney.submit_result(s.session_id,
                                   ARRAY[(hashint8(s.session_id) & 15) + 1,
                                         (hashint8(s.session_id + 7) & 15) + 18]::numeric[])) AS ko_results
FROM tourney.sessions s
WHERE s.tournament_id BETWEEN :ko_lo AND :ko_hi AND s.stage = 'main' AND s.round = 1 \gset
-- Their rankings rows: calculate_rankings refuses a tournament with
-- sessions left (55000), so the bench writes the provisional standings
-- into tourney.rankings itself (it runs as superuser) -- the same number of
-- rows a completed tournament has -- and gives the table the index a
-- 20-row read by rank needs (tourney has only the primary key): that read
-- is PostgreSQL's own speed for the same rows.  run.sh drops the index
-- after the section.
INSERT INTO tourney.rankings (tournament_id, player_id, rank, points, wins, draws, losses,
                              score_for, score_against, tiebreaks)
SELECT t.tid, s.player_id, s.rank, s.points, s.wins, s.draws, s.losses, s.score_for, s.score_against, '{}'
FROM made t CROSS JOIN LATERAL tourney.standings(t.tid) s
WHERE t.kind = 'ko';
CREATE INDEX IF NOT EXISTS bench_rankings_rank_idx ON tourney.rankings (tournament_id, rank);

-- 2. the big individual ranking, every result in
SELECT t AS big_tid FROM pg_temp.make('big', 1, 'individual_ranking', :big_players, :big_rounds, :ir_plo, 0) t \gset
SELECT tourney.simulate_results(:big_tid, 42) \g /dev/null

-- 3. the live tournaments of the open-loop load (scheduled), each with
-- mix_prefill results in already (a tournament under way: with no result,
-- every player ties and a top 20 reads the whole field -- the reads
-- section measures that case apart, on the 'fresh' tournament below); the
-- rest of their sessions in a shuffled order (each submit takes the next
-- one: no session gets two results), as in the live section
SELECT count(*) FROM pg_temp.make('mix', :mix_count, 'individual_ranking', :mix_players, :mix_rounds, :ir_plo, 64) \g /dev/null
SELECT min(tid) AS mix_lo, max(tid) AS mix_hi FROM made WHERE kind = 'mix' \gset
CREATE TABLE bench.mix_ids (n int PRIMARY KEY, session_id bigint NOT NULL);
CREATE TEMP TABLE prefill AS
SELECT session_id, row_number() OVER (PARTITION BY tournament_id ORDER BY hashint8(session_id)) <= :mix_prefill AS pre
FROM tourney.sessions WHERE tournament_id BETWEEN :mix_lo AND :mix_hi;
SELECT count(tourney.submit_result(session_id, ARRAY[(hashint8(session_id) & 32767) % 3000 / 10.0]))
FROM prefill WHERE pre \g /dev/null
INSERT INTO bench.mix_ids
SELECT row_number() OVER (ORDER BY hashint8(session_id)), session_id FROM prefill WHERE NOT pre;
CREATE SEQUENCE bench.mix_pick;
ANALYZE bench.mix_ids;

-- 4. one more individual ranking of mix_players with no result yet
SELECT t AS fresh_tid FROM pg_temp.make('fresh', 1, 'individual_ranking', :mix_players, 1, :ir_plo, 0) t \gset

-- consecutive ids, or the pgbench scripts would read other tournaments
SELECT (SELECT count(*) FROM made WHERE kind = 'ko') = :ko_hi - :ko_lo + 1
   AND (SELECT count(*) FROM made WHERE kind = 'mix') = :mix_hi - :mix_lo + 1 AS consecutive \gset
\if :consecutive
\else
\echo 'reads_setup.sql: tournament ids are not consecutive'
SELECT 1 / 0;
\endif
-- what autovacuum would do after these bulk writes, done now: the first
-- measurement does not run beside it (the load's own updates still wake it)
VACUUM ANALYZE tourney.sessions, tourney.session_participants, tourney.tallies, tourney.progress,
               tourney.bookings, tourney.rankings, tourney.players, tourney.tournaments;
CHECKPOINT;
SELECT concat_ws('|', :ko_lo, :ko_hi, :big_tid, :mix_lo, :mix_hi, (SELECT count(*) FROM bench.mix_ids),
                 :ko_results, round(extract(epoch FROM clock_timestamp()) * 1000 - :t0), :fresh_tid);
