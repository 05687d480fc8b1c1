-- simulate_results: reproducible for a seed, never a draw in a knockout,
-- rating-weighted (SPEC §3).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(20);

-- a knockout of the given players, generated (synchronously)
CREATE FUNCTION pg_temp.ko(name text, players bigint[]) RETURNS bigint
LANGUAGE sql AS $$ SELECT test_support.tournament('knockout', players, name, generate => true) $$;

-- (stage, round, match, winner, scores in slot order) of every session
CREATE FUNCTION pg_temp.outcome(t bigint)
RETURNS TABLE (stage text, round int, match_number int, winner_id bigint, scores numeric[])
LANGUAGE sql STABLE AS $$
    SELECT s.stage, s.round, s.match_number, s.winner_id,
           (SELECT array_agg(p.score ORDER BY p.slot) FROM tourney.session_participants p
            WHERE p.tournament_id = t AND p.session_id = s.session_id)
    FROM tourney.sessions s WHERE s.tournament_id = t
$$;

----------------------------------------------------------------------------
-- reproducibility: same players, same seeding, same seed -> same results
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('p64', test_support.players(64, 'sim', '1500 + (g * 7919) % 300'));
INSERT INTO test_support.fixtures (key, id) VALUES
    ('a', pg_temp.ko('sim a', test_support.ids('p64'))),
    ('b', pg_temp.ko('sim b', test_support.ids('p64'))),
    ('c', pg_temp.ko('sim c', test_support.ids('p64')));

SELECT is(tourney.simulate_results(test_support.id('a'), 42), 64, 'simulate a with seed 42: 63 matches + third place');
SELECT is(tourney.simulate_results(test_support.id('b'), 42), 64, 'simulate b with seed 42');
SELECT is(tourney.simulate_results(test_support.id('c'), 43), 64, 'simulate c with seed 43');
SELECT is((SELECT count(*)::int FROM pg_temp.outcome(test_support.id('a')) a
           JOIN pg_temp.outcome(test_support.id('b')) b USING (stage, round, match_number)
           WHERE a.winner_id = b.winner_id),
          64, 'same seed, same players: the same winner in every session');
SELECT set_eq(
    format('SELECT stage, round, match_number, winner_id, scores FROM pg_temp.outcome(%s)', test_support.id('a')),
    format('SELECT stage, round, match_number, winner_id, scores FROM pg_temp.outcome(%s)', test_support.id('b')),
    'same seed: the same scores too');
SELECT cmp_ok((SELECT count(*)::int FROM pg_temp.outcome(test_support.id('a')) a
               JOIN pg_temp.outcome(test_support.id('c')) c USING (stage, round, match_number)
               WHERE a.winner_id <> c.winner_id),
              '>', 0, 'another seed gives other winners somewhere');
SELECT is((SELECT count(*)::int FROM pg_temp.outcome(test_support.id('a'))
           WHERE winner_id IS NULL OR cardinality(scores) <> 2 OR scores[1] = scores[2]
              OR scores[1] IS NULL OR scores[2] IS NULL),
          0, 'no draws, no missing scores');

----------------------------------------------------------------------------
-- rating-weighted: 1024 players, 512 rated 1900 and 512 rated 1500; the
-- standard seeding pairs a 1900 (slot 1) with a 1500 (slot 2) in each of the
-- 512 first-round matches.  Elo expects the better one to win 91 %.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids)
VALUES ('p1024', test_support.players(1024, 'sim1024', 'CASE WHEN g % 2 = 0 THEN 1900 ELSE 1500 END'));
INSERT INTO test_support.fixtures (key, id) VALUES ('w', pg_temp.ko('sim weighted', test_support.ids('p1024')));
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.session_participants p1 ON p1.tournament_id = s.tournament_id
                AND p1.session_id = s.session_id AND p1.slot = 1
           JOIN tourney.players r1 ON r1.player_id = p1.player_id
           JOIN tourney.session_participants p2 ON p2.tournament_id = s.tournament_id
                AND p2.session_id = s.session_id AND p2.slot = 2
           JOIN tourney.players r2 ON r2.player_id = p2.player_id
           WHERE s.tournament_id = test_support.id('w') AND s.round = 1
             AND r1.rating = 1900 AND r2.rating = 1500),
          512, 'model check: every first-round match is 1900 against 1500');
SELECT is(tourney.simulate_results(test_support.id('w'), 7), 1024, 'simulate 1024 sessions');
CREATE TEMP VIEW better_wins AS
    SELECT count(*) FILTER (WHERE r.rating = 1900) AS better, count(*) AS matches
    FROM tourney.sessions s JOIN tourney.players r ON r.player_id = s.winner_id
    WHERE s.tournament_id = test_support.id('w') AND s.round = 1;
SELECT is((SELECT matches::int FROM better_wins), 512, '512 first-round results');
SELECT cmp_ok((SELECT better::int FROM better_wins), '>', 358,
              'a 400-point better rating wins more than 70 % of 512 matches');
SELECT cmp_ok((SELECT better::int FROM better_wins), '<', 512,
              'but not all of them: upsets happen');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.session_participants w ON w.tournament_id = s.tournament_id
                AND w.session_id = s.session_id AND w.player_id = s.winner_id
           JOIN tourney.session_participants l ON l.tournament_id = s.tournament_id
                AND l.session_id = s.session_id AND l.player_id <> s.winner_id
           WHERE s.tournament_id = test_support.id('w') AND w.score > l.score AND w.placement = 1 AND l.placement = 2),
          1024, 'every winner has the higher score and placement 1');

----------------------------------------------------------------------------
-- equal ratings: no side is favoured (512 players, 256 first-round matches)
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('e', pg_temp.ko('sim equal', ARRAY(SELECT (test_support.ids('p1024'))[i] FROM generate_series(1, 1024, 2) i)));
SELECT is(tourney.simulate_results(test_support.id('e'), 11), 512, 'simulate 512 sessions (all rated 1500)');
SELECT cmp_ok((SELECT count(*)::int FROM tourney.sessions s
               JOIN tourney.session_participants p ON p.tournament_id = s.tournament_id
                    AND p.session_id = s.session_id AND p.player_id = s.winner_id
               WHERE s.tournament_id = test_support.id('e') AND s.round = 1 AND p.slot = 1),
              '<=', 166, 'equal ratings: slot 1 wins at most 65 % of 256 matches');
SELECT cmp_ok((SELECT count(*)::int FROM tourney.sessions s
               JOIN tourney.session_participants p ON p.tournament_id = s.tournament_id
                    AND p.session_id = s.session_id AND p.player_id = s.winner_id
               WHERE s.tournament_id = test_support.id('e') AND s.round = 1 AND p.slot = 1),
              '>=', 90, 'and at least 35 %');

----------------------------------------------------------------------------
-- time_based knockout: simulated winners have the lower time
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('tb', tourney.create_tournament('sim time', 'knockout', scoring_type => 'time_based'));
SELECT is(tourney.enroll(test_support.id('tb'), (test_support.ids('p64'))[1:16]), 16, 'enroll 16 (time_based)');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('tb')), 'generate (time_based)');
SELECT is(tourney.simulate_results(test_support.id('tb'), 3), 16, 'simulate 16 sessions (time_based)');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.session_participants w ON w.tournament_id = s.tournament_id
                AND w.session_id = s.session_id AND w.player_id = s.winner_id
           JOIN tourney.session_participants l ON l.tournament_id = s.tournament_id
                AND l.session_id = s.session_id AND l.player_id <> s.winner_id
           WHERE s.tournament_id = test_support.id('tb') AND w.score < l.score AND w.placement = 1 AND l.placement = 2),
          16, 'time_based: every simulated winner has the lower score and placement 1');

SELECT * FROM finish();
ROLLBACK;
