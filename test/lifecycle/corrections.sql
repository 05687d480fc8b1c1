-- correct_result (SPEC §3, issue 4): no-ops, score-only corrections, winner
-- changes with and without dependent results, cascade (knockout: recursive
-- reset of the bracket; Swiss: later rounds removed and re-paired), rankings
-- dropped, and its errors.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(158);

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(8, 'corr'));
-- player i (= seed i where seeded 1..n)
CREATE FUNCTION pg_temp.p(i int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (test_support.ids('p'))[i] $$;
-- index of a player in p
CREATE FUNCTION pg_temp.i(player bigint) RETURNS int
LANGUAGE sql STABLE AS $$ SELECT array_position(test_support.ids('p'), player) $$;

-- "slot:player index" of a session
CREATE FUNCTION pg_temp.slots(s bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(format('%s:%s', slot, pg_temp.i(player_id)) ORDER BY slot), '{}')
    FROM tourney.session_participants WHERE session_id = s
$$;
-- the result of a session: "submitted/winner index/score:placement,..."
CREATE FUNCTION pg_temp.res(s bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('%s/%s/%s', x.result_submitted, coalesce(pg_temp.i(x.winner_id)::text, '-'),
                  (SELECT string_agg(format('%s:%s', coalesce(p.score::text, '-'), coalesce(p.placement::text, '-')),
                                     ',' ORDER BY p.slot)
                   FROM tourney.session_participants p
                   WHERE p.tournament_id = x.tournament_id AND p.session_id = s))
    FROM tourney.sessions x WHERE x.session_id = s
$$;
CREATE FUNCTION pg_temp.submit(s bigint, a numeric, b numeric) RETURNS void
LANGUAGE sql AS $$ SELECT tourney.submit_result(s, ARRAY[a, b]) $$;
CREATE FUNCTION pg_temp.ranked(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('%s rows, calculated_at %s',
                  (SELECT count(*) FROM tourney.rankings WHERE tournament_id = t),
                  (SELECT CASE WHEN rankings_calculated_at IS NULL THEN 'null' ELSE 'set' END
                   FROM tourney.tournaments WHERE tournament_id = t))
$$;

----------------------------------------------------------------------------
-- Knockout of 8, seeds 1..8 = p(1)..p(8).
-- QF1 1-8, QF2 4-5 -> SF1; QF3 2-7, QF4 3-6 -> SF2; SF winners -> final,
-- SF losers -> third place.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('k', tourney.create_tournament('corr knockout', 'knockout'), NULL);
SELECT is(tourney.enroll(test_support.id('k'), test_support.ids('p'), ARRAY[1, 2, 3, 4, 5, 6, 7, 8]), 8, 'knockout: enroll 8 seeded');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('k')), 'knockout: generate');
INSERT INTO test_support.fixtures (key, id)
SELECT format('qf%s', m), test_support.session_id(test_support.id('k'), 1, m) FROM generate_series(1, 4) m
UNION ALL SELECT format('sf%s', m), test_support.session_id(test_support.id('k'), 2, m) FROM generate_series(1, 2) m
UNION ALL SELECT 'final', test_support.session_id(test_support.id('k'), 3, 1)
UNION ALL SELECT 'third', test_support.session_id(test_support.id('k'), 'third_place', 3, 1);
SELECT is(pg_temp.slots(test_support.id('qf1')) || pg_temp.slots(test_support.id('qf2')),
          ARRAY['1:1', '2:8', '1:4', '2:5'], 'knockout: QF1 is 1-8, QF2 is 4-5');

-- arguments and state
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[2, 1])', test_support.id('qf1')), '55000', NULL,
                 'correct_result of a session without a result -> 55000');
SELECT throws_ok('SELECT tourney.correct_result(9223372036854775807, ARRAY[2, 1])', 'P0002', NULL,
                 'correct_result of an unknown session -> P0002');
SELECT throws_ok('SELECT tourney.correct_result(NULL, ARRAY[2, 1])', '22004', NULL, 'NULL session -> 22004');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, NULL)', test_support.id('qf1')), '22004', NULL, 'NULL scores -> 22004');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[2, 1], NULL)', test_support.id('qf1')), '22004', NULL,
                 'NULL cascade -> 22004');

SELECT lives_ok(format('SELECT pg_temp.submit(%s, 2, 1)', test_support.id('qf1')), 'QF1 2:1, seed 1 wins');
SELECT is(pg_temp.slots(test_support.id('sf1')), ARRAY['1:1'], 'seed 1 is in SF1 slot 1');

-- no-ops and score-only corrections
SELECT is(test_support.corrected(test_support.id('qf1'), ARRAY[2, 1]), '{}'::bigint[], 'the identical result: nothing returned');
SELECT is(test_support.corrected(test_support.id('qf1'), ARRAY[2.0, 1.00]), '{}'::bigint[], 'the same numbers written differently: nothing returned');
SELECT is(pg_temp.res(test_support.id('qf1')), 't/1/2:1,1:2', 'and the result is unchanged');
SELECT is(test_support.corrected(test_support.id('qf1'), ARRAY[5, 1]), '{}'::bigint[], 'same winner, other scores: nothing returned');
SELECT is(pg_temp.res(test_support.id('qf1')), 't/1/5:1,1:2', 'the scores are updated, the winner stays');
SELECT is(pg_temp.slots(test_support.id('sf1')), ARRAY['1:1'], 'SF1 still holds seed 1 once');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 1])', test_support.id('qf1')), '22023', NULL,
                 'a knockout draw as correction -> 22023');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 2, 3])', test_support.id('qf1')), '22023', NULL,
                 'three scores for two players -> 22023');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, %L)', test_support.id('qf1'), '{NaN,1}'), '22023', NULL,
                 'a NaN score -> 22023');
SELECT is(pg_temp.res(test_support.id('qf1')), 't/1/5:1,1:2', 'refused corrections changed nothing');

-- winner change without dependent results: the players just move
SELECT is(test_support.corrected(test_support.id('qf1'), ARRAY[1, 5]), '{}'::bigint[],
          'winner change, the next session has no result: nothing to reset');
SELECT is(pg_temp.res(test_support.id('qf1')), 't/8/1:2,5:1', 'QF1: seed 8 wins now');
SELECT is(pg_temp.slots(test_support.id('sf1')), ARRAY['1:8'], 'seed 8 took seed 1''s place in SF1');

-- a bracket with results downstream
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 3, 0), pg_temp.submit(%s, 1, 0), pg_temp.submit(%s, 1, 0)',
                       test_support.id('qf2'), test_support.id('qf3'), test_support.id('qf4')),
                'QF2 4 beats 5, QF3 2 beats 7, QF4 3 beats 6');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 2, 0), pg_temp.submit(%s, 4, 1)', test_support.id('sf1'), test_support.id('sf2')),
                'SF1 8 beats 4, SF2 2 beats 3');
SELECT is(pg_temp.slots(test_support.id('final')) || pg_temp.slots(test_support.id('third')),
          ARRAY['1:8', '2:2', '1:4', '2:3'], 'final 8-2, third place 4-3');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[3, 1])', test_support.id('qf1')), '55000', NULL,
                 'winner change with SF1 played, without cascade -> 55000');
SELECT matches(test_support.hint_of(format('SELECT tourney.correct_result(%s, ARRAY[3, 1])', test_support.id('qf1'))),
               'cascade', 'the hint mentions cascade');
SELECT is(pg_temp.res(test_support.id('qf1')) || ' ' || pg_temp.res(test_support.id('sf1')),
          't/8/1:2,5:1 t/8/2:1,0:2', 'the refused correction changed nothing');
SELECT is(test_support.corrected(test_support.id('qf2'), ARRAY[4, 0]), '{}'::bigint[],
          'same winner with later results: allowed without cascade, nothing reset');
SELECT is(pg_temp.res(test_support.id('sf1')), 't/8/2:1,0:2', 'SF1 keeps its result');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 1, 0), pg_temp.submit(%s, 2, 1)', test_support.id('final'), test_support.id('third')),
                'final 8 beats 2, third place 4 beats 3');
SELECT is(tourney.calculate_rankings(test_support.id('k')), 8, 'rankings calculated');
SELECT is(pg_temp.ranked(test_support.id('k')), '8 rows, calculated_at set', 'rankings are there');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[3, 1])', test_support.id('qf1')), '55000', NULL,
                 'QF1 winner change with SF1, final and third place played, without cascade -> 55000');
SELECT is(pg_temp.ranked(test_support.id('k')), '8 rows, calculated_at set', 'the refused correction kept the rankings');

-- cascade: SF1, the final and the third place lose their results
SELECT is(test_support.corrected(test_support.id('qf1'), ARRAY[3, 1], true),
          (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[test_support.id('sf1'), test_support.id('final'), test_support.id('third')]) x),
          'cascade returns SF1, the final and the third place match');
SELECT is(pg_temp.res(test_support.id('qf1')), 't/1/3:1,1:2', 'QF1: seed 1 wins 3:1');
SELECT is(pg_temp.slots(test_support.id('sf1')), ARRAY['1:1', '2:4'], 'SF1: seed 1 back in slot 1, seed 4 stays');
SELECT is(pg_temp.res(test_support.id('sf1')), 'f/-/-:-,-:-', 'SF1: no result, no winner, no scores or placements');
SELECT is(pg_temp.slots(test_support.id('final')), ARRAY['2:2'], 'final: the old SF1 winner is gone, the SF2 winner stays');
SELECT is(pg_temp.res(test_support.id('final')), 'f/-/-:-', 'final: no result');
SELECT is(pg_temp.slots(test_support.id('third')), ARRAY['2:3'], 'third place: the old SF1 loser is gone, the SF2 loser stays');
SELECT is(pg_temp.res(test_support.id('third')), 'f/-/-:-', 'third place: no result');
SELECT is(pg_temp.res(test_support.id('sf2')), 't/2/4:1,1:2', 'SF2 keeps its result');
SELECT is(pg_temp.res(test_support.id('qf2')) || ' ' || pg_temp.res(test_support.id('qf3')) || ' ' || pg_temp.res(test_support.id('qf4')),
          't/4/4:1,0:2 t/2/1:1,0:2 t/3/1:1,0:2', 'the other quarter-finals keep their results');
SELECT is(pg_temp.ranked(test_support.id('k')), '0 rows, calculated_at null', 'the rankings are dropped');
SELECT is((SELECT count(*)::int FROM tourney.session_participants WHERE tournament_id = test_support.id('k')), 8 + 4 + 1 + 1,
          'participants: 8 in the quarter-finals, 4 in the semi-finals, 1 each in final and third place');
SELECT throws_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('k')), '55000', NULL,
                 'complete_tournament without rankings -> 55000');
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', test_support.id('k')), '55000', NULL,
                 'calculate_rankings with reset sessions open -> 55000');

-- play on from the corrected bracket
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 0, 1)', test_support.id('sf1')), 'SF1 again: 4 beats 1');
SELECT is(pg_temp.slots(test_support.id('final')) || pg_temp.slots(test_support.id('third')),
          ARRAY['1:4', '2:2', '1:1', '2:3'], 'final 4-2, third place 1-3');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 0, 1), pg_temp.submit(%s, 1, 0)', test_support.id('final'), test_support.id('third')),
                'final: 2 beats 4; third place: 1 beats 3');
SELECT is(tourney.calculate_rankings(test_support.id('k')), 8, 'rankings again');
SELECT is((SELECT array_agg(format('%s:%s', pg_temp.i(player_id), rank) ORDER BY rank, pg_temp.i(player_id))
           FROM tourney.rankings WHERE tournament_id = test_support.id('k')),
          ARRAY['2:1', '4:2', '1:3', '3:4', '5:5', '6:5', '7:5', '8:5'], 'ranks from the corrected bracket');
-- a correction in the final: nothing depends on it
SELECT is(test_support.corrected(test_support.id('final'), ARRAY[3, 1]), '{}'::bigint[], 'final winner change: nothing depends on it');
SELECT is(pg_temp.ranked(test_support.id('k')), '0 rows, calculated_at null', 'but the rankings are dropped');
SELECT is(tourney.calculate_rankings(test_support.id('k')), 8, 'rankings again');
SELECT is((SELECT array_agg(pg_temp.i(player_id) ORDER BY rank) FILTER (WHERE rank <= 2)
           FROM tourney.rankings WHERE tournament_id = test_support.id('k')),
          ARRAY[4, 2], 'now 4 won the final');
SELECT lives_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('k')), 'complete');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 3])', test_support.id('final')), '55000', NULL,
                 'correct_result in a completed tournament -> 55000');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 3], true)', test_support.id('qf1')), '55000', NULL,
                 'also with cascade');

----------------------------------------------------------------------------
-- Knockout of 4: a semi-final's winner and loser change places.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('k4', tourney.create_tournament('corr knockout 4', 'knockout'), NULL);
SELECT is(tourney.enroll(test_support.id('k4'), (test_support.ids('p'))[1:4], ARRAY[1, 2, 3, 4]), 4, 'knockout 4: enroll');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('k4')), 'knockout 4: generate');
INSERT INTO test_support.fixtures (key, id)
SELECT format('k4sf%s', m), test_support.session_id(test_support.id('k4'), 1, m) FROM generate_series(1, 2) m
UNION ALL SELECT 'k4final', test_support.session_id(test_support.id('k4'), 2, 1)
UNION ALL SELECT 'k4third', test_support.session_id(test_support.id('k4'), 'third_place', 2, 1);
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 1, 0), pg_temp.submit(%s, 1, 0)', test_support.id('k4sf1'), test_support.id('k4sf2')),
                'knockout 4: 1 beats 4, 2 beats 3');
SELECT is(pg_temp.slots(test_support.id('k4final')) || pg_temp.slots(test_support.id('k4third')),
          ARRAY['1:1', '2:2', '1:4', '2:3'], 'knockout 4: final 1-2, third place 4-3');
SELECT is(test_support.corrected(test_support.id('k4sf1'), ARRAY[0, 1]), '{}'::bigint[], 'SF1 winner change, nothing played after it');
SELECT is(pg_temp.slots(test_support.id('k4final')) || pg_temp.slots(test_support.id('k4third')),
          ARRAY['1:4', '2:2', '1:1', '2:3'], 'the new winner is in the final, the new loser in the third place match');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 1, 0)', test_support.id('k4third')), 'third place: 1 beats 3');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 0])', test_support.id('k4sf1')), '55000', NULL,
                 'SF1 winner change with the third place played, without cascade -> 55000');
SELECT is(test_support.corrected(test_support.id('k4sf1'), ARRAY[1, 0], true), ARRAY[test_support.id('k4third')],
          'with cascade: the third place match is reset (the final had no result)');
SELECT is(pg_temp.slots(test_support.id('k4final')) || pg_temp.slots(test_support.id('k4third')),
          ARRAY['1:1', '2:2', '1:4', '2:3'], 'final 1-2, third place 4-3 again');
SELECT is(pg_temp.res(test_support.id('k4third')), 'f/-/-:-,-:-', 'the third place match has no result');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 1, 0)', test_support.id('k4final')), 'final: 1 beats 2');
SELECT is(test_support.corrected(test_support.id('k4sf2'), ARRAY[0, 1], true), ARRAY[test_support.id('k4final')],
          'SF2 winner change with cascade: the final is reset');
SELECT is(pg_temp.slots(test_support.id('k4final')) || pg_temp.slots(test_support.id('k4third')),
          ARRAY['1:1', '2:3', '1:4', '2:2'], 'final 1-3, third place 4-2');
SELECT is(pg_temp.res(test_support.id('k4final')) || ' ' || pg_temp.res(test_support.id('k4sf1')),
          'f/-/-:-,-:- t/1/1:1,0:2', 'the final has no result, SF1 keeps its');

----------------------------------------------------------------------------
-- Swiss of 8, seeds 1..8, 3 rounds.  Round 1: 1-5, 2-6, 3-7, 4-8.
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.round_ids(t bigint, rnd int) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(session_id ORDER BY session_id), '{}') FROM tourney.sessions
    WHERE tournament_id = t AND round = rnd
$$;
-- pairings of a round as sorted "a-b" (player indexes, lower first)
CREATE FUNCTION pg_temp.pairs(t bigint, rnd int) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM (
        SELECT format('%s-%s', least(pg_temp.i(a.player_id), pg_temp.i(b.player_id)),
                      greatest(pg_temp.i(a.player_id), pg_temp.i(b.player_id))) AS x
        FROM tourney.sessions s
        JOIN tourney.session_participants a ON a.tournament_id = t AND a.session_id = s.session_id AND a.slot = 1
        JOIN tourney.session_participants b ON b.tournament_id = t AND b.session_id = s.session_id AND b.slot = 2
        WHERE s.tournament_id = t AND s.round = rnd) y
$$;

INSERT INTO test_support.fixtures VALUES ('s', tourney.create_tournament('corr swiss', 'swiss'), NULL);
SELECT is(tourney.enroll(test_support.id('s'), test_support.ids('p'), ARRAY[1, 2, 3, 4, 5, 6, 7, 8]), 8, 'swiss: enroll 8 seeded');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('s')), 'swiss: generate');
SELECT is(pg_temp.pairs(test_support.id('s'), 1), ARRAY['1-5', '2-6', '3-7', '4-8'], 'swiss: round 1 is 1-5, 2-6, 3-7, 4-8');
SELECT lives_ok(format('SELECT pg_temp.submit(test_support.session_id(%1$s, 1, m), 1, 0) FROM generate_series(1, 4) m',
                       test_support.id('s')), 'swiss: slot 1 wins all of round 1');
INSERT INTO test_support.fixtures VALUES ('s_r2', NULL, pg_temp.round_ids(test_support.id('s'), 2));
SELECT is(cardinality(test_support.ids('s_r2')), 4, 'swiss: round 2 paired');

SELECT is(test_support.corrected(test_support.session_id(test_support.id('s'), 1, 1), ARRAY[1, 0]), '{}'::bigint[],
          'swiss: the identical result: nothing returned');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('s'), 1, 1), ARRAY[2, 0]), '{}'::bigint[],
          'swiss: same winner, other scores: nothing returned');
SELECT is(pg_temp.round_ids(test_support.id('s'), 2), test_support.ids('s_r2'), 'swiss: round 2 is untouched');

-- outcome change while round 2 has no results: round 2 is paired again
SELECT is(test_support.corrected(test_support.session_id(test_support.id('s'), 1, 1), ARRAY[0, 1]), test_support.ids('s_r2'),
          'swiss: outcome change in round 1, round 2 unplayed: the old round 2 is removed (ids returned)');
SELECT is(pg_temp.res(test_support.session_id(test_support.id('s'), 1, 1)), 't/5/0:2,1:1', 'swiss: 5 beat 1 now');
SELECT is(cardinality(pg_temp.round_ids(test_support.id('s'), 2)), 4, 'swiss: round 2 paired again, 4 sessions');
SELECT is(pg_temp.round_ids(test_support.id('s'), 2) && test_support.ids('s_r2'), false, 'swiss: with new session ids');
SELECT is((SELECT count(*)::int FROM tourney.session_participants p
           WHERE p.tournament_id = test_support.id('s') AND p.session_id = ANY (test_support.ids('s_r2'))), 0,
          'swiss: no participants of the removed sessions are left');
SELECT is(test_support.cross_group_pairings(test_support.id('s'), 2), 0,
          'swiss: the new round 2 pairs the corrected score groups {2,3,4,5} and {1,6,7,8}');
SELECT is(test_support.rematches(test_support.id('s')), 0, 'swiss: no rematch');

-- round 2 played: round 3 paired
UPDATE test_support.fixtures SET ids = pg_temp.round_ids(test_support.id('s'), 2) WHERE key = 's_r2';
SELECT lives_ok(format('SELECT pg_temp.submit(test_support.session_id(%1$s, 2, m), 1, 0) FROM generate_series(1, 4) m',
                       test_support.id('s')), 'swiss: slot 1 wins all of round 2');
INSERT INTO test_support.fixtures VALUES ('s_r3', NULL, pg_temp.round_ids(test_support.id('s'), 3));
SELECT is(cardinality(test_support.ids('s_r3')), 4, 'swiss: round 3 paired');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[0, 1])', test_support.session_id(test_support.id('s'), 1, 2)),
                 '55000', NULL, 'swiss: outcome change in round 1 with round 2 played, without cascade -> 55000');
SELECT matches(test_support.hint_of(format('SELECT tourney.correct_result(%s, ARRAY[0, 1])',
                                      test_support.session_id(test_support.id('s'), 1, 2))),
               'cascade', 'swiss: the hint mentions cascade');
SELECT is(pg_temp.round_ids(test_support.id('s'), 2) || pg_temp.round_ids(test_support.id('s'), 3),
          test_support.ids('s_r2') || test_support.ids('s_r3'), 'swiss: the refused correction changed no round');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('s'), 1, 2), ARRAY[3, 0]), '{}'::bigint[],
          'swiss: same winner with later rounds played: allowed, nothing returned');
SELECT is(pg_temp.round_ids(test_support.id('s'), 2) || pg_temp.round_ids(test_support.id('s'), 3),
          test_support.ids('s_r2') || test_support.ids('s_r3'), 'swiss: and no round was touched');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE session_id = ANY (test_support.ids('s_r2')) AND result_submitted), 4,
          'swiss: round 2 keeps its results');

-- cascade: rounds 2 and 3 go, round 2 is paired again
SELECT is(test_support.corrected(test_support.session_id(test_support.id('s'), 1, 2), ARRAY[0, 1], true),
          (SELECT array_agg(x ORDER BY x) FROM unnest(test_support.ids('s_r2') || test_support.ids('s_r3')) x),
          'swiss: cascade returns the sessions of rounds 2 and 3');
SELECT is(pg_temp.res(test_support.session_id(test_support.id('s'), 1, 2)), 't/6/0:2,1:1', 'swiss: 6 beat 2 now');
SELECT is((SELECT array_agg(c ORDER BY round) FROM (
               SELECT round, count(*)::int AS c FROM tourney.sessions WHERE tournament_id = test_support.id('s') GROUP BY round) x),
          ARRAY[4, 4], 'swiss: rounds 1 and 2, 4 sessions each; round 3 is gone');
SELECT is(pg_temp.round_ids(test_support.id('s'), 2) && (test_support.ids('s_r2') || test_support.ids('s_r3')), false,
          'swiss: round 2 has new sessions');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('s') AND round = 2
           AND NOT result_submitted), 4, 'swiss: the new round 2 has no results');
SELECT is((SELECT count(*)::int FROM tourney.session_participants WHERE tournament_id = test_support.id('s')), 16,
          'swiss: 16 participants (rounds 1 and 2), none of the removed sessions');
SELECT is(test_support.cross_group_pairings(test_support.id('s'), 2), 0, 'swiss: the new round 2 follows the corrected score groups {3,4,5,6} and {1,2,7,8}');
SELECT is(test_support.rematches(test_support.id('s')), 0, 'swiss: no rematch');

-- play on, correct in the last round
SELECT is(tourney.simulate_results(test_support.id('s'), 4), 8, 'swiss: simulate rounds 2 and 3');
SELECT is(test_support.rematches(test_support.id('s')), 0, 'swiss: no rematch after all rounds');
SELECT is(tourney.calculate_rankings(test_support.id('s')), 8, 'swiss: rankings calculated');
INSERT INTO test_support.fixtures SELECT 's_last', s.session_id, NULL FROM tourney.sessions s
WHERE s.tournament_id = test_support.id('s') AND s.round = 3 AND s.match_number = 1;
-- turn the result of the first game of round 3 around (a draw becomes a win for slot 1)
SELECT is(test_support.corrected(test_support.id('s_last'),
              (SELECT CASE WHEN winner_id = (SELECT player_id FROM tourney.session_participants
                                             WHERE session_id = test_support.id('s_last') AND slot = 1)
                           THEN ARRAY[0, 1] ELSE ARRAY[1, 0] END::numeric[]
               FROM tourney.sessions WHERE session_id = test_support.id('s_last'))),
          '{}'::bigint[], 'swiss: outcome change in the last round: nothing to reset');
SELECT is(pg_temp.ranked(test_support.id('s')), '0 rows, calculated_at null', 'swiss: the rankings are dropped');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('s')), 12, 'swiss: still 12 sessions');
SELECT is(test_support.corrected(test_support.id('s_last'), ARRAY[2, 2]), '{}'::bigint[], 'swiss: a correction to a draw is allowed');
SELECT is(pg_temp.res(test_support.id('s_last')), 't/-/2:1,2:1', 'swiss: the draw has no winner, both placed 1');
SELECT is(tourney.calculate_rankings(test_support.id('s')), 8, 'swiss: rankings again');
SELECT is((SELECT points FROM tourney.rankings r JOIN tourney.session_participants p
           ON p.session_id = test_support.id('s_last') AND p.slot = 1 AND p.player_id = r.player_id
           WHERE r.tournament_id = test_support.id('s')),
          (SELECT points FROM test_support.points_before(test_support.id('s'), 4) x
           JOIN tourney.session_participants p ON p.session_id = test_support.id('s_last') AND p.slot = 1
           AND p.player_id = x.player_id),
          'swiss: the rankings count the corrected draw');
SELECT is((SELECT sum(points) FROM tourney.rankings WHERE tournament_id = test_support.id('s')), 12::numeric,
          'swiss: 12 points over 12 sessions');

----------------------------------------------------------------------------
-- Swiss of 7 (byes), seeds 1..7, 3 rounds.  Round 1: 1-4, 2-5, 3-6, 7 bye.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('b', tourney.create_tournament('corr swiss 7', 'swiss'), NULL);
SELECT is(tourney.enroll(test_support.id('b'), (test_support.ids('p'))[1:7], ARRAY[1, 2, 3, 4, 5, 6, 7]), 7, 'swiss 7: enroll');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('b')), 'swiss 7: generate');
SELECT is((SELECT array_agg(format('%s:%s', round, pg_temp.i(player_id)) ORDER BY round) FROM tourney.byes
           WHERE tournament_id = test_support.id('b')), ARRAY['1:7'], 'swiss 7: seed 7 has the bye of round 1');
SELECT lives_ok(format('SELECT pg_temp.submit(test_support.session_id(%1$s, 1, m), 1, 0) FROM generate_series(1, 3) m',
                       test_support.id('b')), 'swiss 7: slot 1 wins all of round 1');
SELECT is((SELECT count(*)::int FROM tourney.byes WHERE tournament_id = test_support.id('b') AND round = 2), 1,
          'swiss 7: round 2 has a bye');
INSERT INTO test_support.fixtures SELECT 'b_bye2', player_id, NULL FROM tourney.byes WHERE tournament_id = test_support.id('b') AND round = 2;
SELECT ok(pg_temp.i(test_support.id('b_bye2')) IN (4, 5, 6), 'swiss 7: the round 2 bye goes to a player with 0 points');
-- round 2 without results: an outcome change in round 1 re-pairs round 2
-- (with its bye) without cascade
INSERT INTO test_support.fixtures VALUES ('b_r2', NULL, pg_temp.round_ids(test_support.id('b'), 2));
SELECT is(test_support.corrected(test_support.session_id(test_support.id('b'), 1, 3), ARRAY[0, 1]), test_support.ids('b_r2'),
          'swiss 7: outcome change in round 1 with round 2 unplayed returns the old round 2');
SELECT is((SELECT array_agg(round ORDER BY round) FROM tourney.byes WHERE tournament_id = test_support.id('b')), ARRAY[1, 2],
          'swiss 7: byes of rounds 1 and 2');
SELECT ok((SELECT pg_temp.i(player_id) IN (3, 4, 5) FROM tourney.byes WHERE tournament_id = test_support.id('b') AND round = 2),
          'swiss 7: the new round 2 bye goes to a player with 0 points after the correction (3, 4 or 5)');
SELECT lives_ok(format('SELECT pg_temp.submit(test_support.session_id(%1$s, 2, m), 1, 0) FROM generate_series(1, 3) m',
                       test_support.id('b')), 'swiss 7: slot 1 wins all of round 2');
SELECT is((SELECT array_agg(round ORDER BY round) FROM tourney.byes WHERE tournament_id = test_support.id('b')), ARRAY[1, 2, 3],
          'swiss 7: round 3 paired with its bye');
INSERT INTO test_support.fixtures VALUES ('b_later', NULL, pg_temp.round_ids(test_support.id('b'), 2) || pg_temp.round_ids(test_support.id('b'), 3));
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[0, 1])', test_support.session_id(test_support.id('b'), 1, 1)),
                 '55000', NULL, 'swiss 7: outcome change in round 1 with round 2 played, without cascade -> 55000');
SELECT is((SELECT count(*)::int FROM tourney.byes WHERE tournament_id = test_support.id('b')), 3, 'swiss 7: the byes stay');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('b'), 1, 1), ARRAY[0, 1], true),
          (SELECT array_agg(x ORDER BY x) FROM unnest(test_support.ids('b_later')) x),
          'swiss 7: cascade returns the 6 sessions of rounds 2 and 3');
SELECT is((SELECT array_agg(round ORDER BY round) FROM tourney.byes WHERE tournament_id = test_support.id('b')), ARRAY[1, 2],
          'swiss 7: the byes of rounds 2 and 3 went, round 2 has a new one');
SELECT is((SELECT count(*)::int FROM tourney.byes b WHERE b.tournament_id = test_support.id('b') AND b.round = 2
           AND (SELECT points FROM test_support.points_before(test_support.id('b'), 2) x WHERE x.player_id = b.player_id) = 0), 1,
          'swiss 7: the new round 2 bye goes to a player with 0 points');
SELECT is((SELECT array_agg(c ORDER BY round) FROM (
               SELECT round, count(*)::int AS c FROM tourney.sessions WHERE tournament_id = test_support.id('b') GROUP BY round) x),
          ARRAY[3, 3], 'swiss 7: rounds 1 and 2 of 3 sessions');
SELECT is(tourney.simulate_results(test_support.id('b'), 9), 6, 'swiss 7: simulate the rest');
SELECT is((SELECT count(*)::int || '/' || count(DISTINCT player_id) FROM tourney.byes WHERE tournament_id = test_support.id('b')),
          '3/3', 'swiss 7: three byes, three players');
SELECT is(test_support.rematches(test_support.id('b')), 0, 'swiss 7: no rematch');
SELECT is(tourney.calculate_rankings(test_support.id('b')), 7, 'swiss 7: rankings');

----------------------------------------------------------------------------
-- Round robin and individual ranking: corrections just change the result.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('rr', tourney.create_tournament('corr rr', 'round_robin'), NULL);
SELECT is(tourney.enroll(test_support.id('rr'), (test_support.ids('p'))[1:4], ARRAY[1, 2, 3, 4]), 4, 'round robin: enroll');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('rr')), 'round robin: generate');
SELECT lives_ok(format('SELECT pg_temp.submit(session_id, 1, 0) FROM tourney.sessions WHERE tournament_id = %s',
                       test_support.id('rr')), 'round robin: slot 1 wins every game');
SELECT is(tourney.calculate_rankings(test_support.id('rr')), 4, 'round robin: rankings');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('rr'), 1, 1), ARRAY[1, 1]), '{}'::bigint[],
          'round robin: a win corrected to a draw returns nothing');
SELECT is(pg_temp.res(test_support.session_id(test_support.id('rr'), 1, 1)), 't/-/1:1,1:1', 'round robin: the draw is stored');
SELECT is(pg_temp.ranked(test_support.id('rr')), '0 rows, calculated_at null', 'round robin: the rankings are dropped');
SELECT is(tourney.calculate_rankings(test_support.id('rr')), 4, 'round robin: rankings again');
-- 1-4 was 1:0 and is 1:1; seed 1 won 1-2 (slot 1) and lost 3-1: 1 win, 1 draw, 1 loss
SELECT is((SELECT format('%s/%s/%s/%s', points, wins, draws, losses) FROM tourney.rankings
           WHERE tournament_id = test_support.id('rr') AND player_id = pg_temp.p(1)),
          '4/1/1/1', 'round robin: seed 1 has 1 win, 1 draw, 1 loss = 4 points');

INSERT INTO test_support.fixtures VALUES ('ir', tourney.create_tournament('corr ir', 'individual_ranking'), NULL);
SELECT is(tourney.enroll(test_support.id('ir'), (test_support.ids('p'))[1:3]), 3, 'individual ranking: enroll');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('ir')), 'individual ranking: generate');
SELECT lives_ok(format('SELECT tourney.submit_result(session_id, ARRAY[match_number * 10]) FROM tourney.sessions WHERE tournament_id = %s',
                       test_support.id('ir')), 'individual ranking: scores 10, 20, 30');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('ir'), 1, 1), ARRAY[99]), '{}'::bigint[],
          'individual ranking: a corrected score returns nothing');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 2])', test_support.session_id(test_support.id('ir'), 1, 1)),
                 '22023', NULL, 'individual ranking: two scores for one player -> 22023');
SELECT is(tourney.calculate_rankings(test_support.id('ir')), 3, 'individual ranking: rankings');
SELECT is((SELECT points FROM tourney.rankings r JOIN tourney.session_participants p ON p.player_id = r.player_id
           WHERE r.tournament_id = test_support.id('ir') AND p.session_id = test_support.session_id(test_support.id('ir'), 1, 1)
             AND r.rank = 1),
          99::numeric, 'individual ranking: the corrected score ranks first');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('ir'), 1, 1), ARRAY[98]), '{}'::bigint[],
          'individual ranking: another score correction after ranking');
SELECT is(pg_temp.ranked(test_support.id('ir')), '0 rows, calculated_at null',
          'individual ranking: a score-only correction drops the rankings too');

SELECT * FROM finish();
ROLLBACK;
