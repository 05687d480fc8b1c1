-- submit_result: placements, winner, advancement, idempotency and its errors;
-- simulate_results on partly played brackets; knockout ranking details.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(66);

CREATE FUNCTION pg_temp.p(i int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (test_support.ids('p'))[i] $$;
-- "slot:player" of a session, in slot order
CREATE FUNCTION pg_temp.slots(s bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(format('%s:%s', slot, player_id) ORDER BY slot), '{}')
    FROM tourney.session_participants WHERE session_id = s
$$;
-- "player:score:placement" of a session, in slot order
CREATE FUNCTION pg_temp.result(s bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(format('%s:%s:%s', player_id, score, placement) ORDER BY slot)
    FROM tourney.session_participants WHERE session_id = s
$$;

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(4, 'res'));

-- 4 players seeded 1..4 = p(1)..p(4): semi 1 is p1-p4, semi 2 is p2-p3
INSERT INTO test_support.fixtures VALUES ('t', tourney.create_tournament('results 4', 'knockout'), NULL);
SELECT is(tourney.enroll(test_support.id('t'), test_support.ids('p'), ARRAY[1, 2, 3, 4]), 4, 'enroll 4 seeded players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('t')), 'generate');
INSERT INTO test_support.fixtures (key, id) VALUES
    ('semi1', test_support.session_id(test_support.id('t'), 1, 1)),
    ('semi2', test_support.session_id(test_support.id('t'), 1, 2)),
    ('final', test_support.session_id(test_support.id('t'), 2, 1)),
    ('third', test_support.session_id(test_support.id('t'), 'third_place', 2, 1));
SELECT is(pg_temp.slots(test_support.id('semi1')), ARRAY[format('1:%s', pg_temp.p(1)), format('2:%s', pg_temp.p(4))],
          'semi-final 1: seed 1 (slot 1) against seed 4');
SELECT is(pg_temp.slots(test_support.id('semi2')), ARRAY[format('1:%s', pg_temp.p(2)), format('2:%s', pg_temp.p(3))],
          'semi-final 2: seed 2 (slot 1) against seed 3');

-- participants not known yet
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.id('final')),
                 '55000', NULL, 'result for the final before the semi-finals -> 55000');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.id('third')),
                 '55000', NULL, 'result for the third-place match before the semi-finals -> 55000');

-- first semi-final: seed 1 wins 3:1
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[3, 1])', test_support.id('semi1')), 'submit semi-final 1, 3:1');
SELECT is((SELECT format('%s/%s/%s', result_submitted, result_submitted_at IS NOT NULL, winner_id)
           FROM tourney.sessions WHERE session_id = test_support.id('semi1')),
          format('t/t/%s', pg_temp.p(1)), 'semi-final 1: submitted, time set, seed 1 the winner');
SELECT is(pg_temp.result(test_support.id('semi1')),
          ARRAY[format('%s:3:1', pg_temp.p(1)), format('%s:1:2', pg_temp.p(4))],
          'scores in slot order, placements 1 and 2');
SELECT is(pg_temp.slots(test_support.id('final')), ARRAY[format('1:%s', pg_temp.p(1))],
          'the winner is in the final, slot 1');
SELECT is(pg_temp.slots(test_support.id('third')), ARRAY[format('1:%s', pg_temp.p(4))],
          'the loser is in the third-place match, slot 1');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.id('final')),
                 '55000', NULL, 'result for the final with one finalist known -> 55000');

-- idempotency
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[3, 1])', test_support.id('semi1')),
                'the identical result again is a no-op');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[3.0, 1.00])', test_support.id('semi1')),
                'the same numbers written differently (3.0, 1.00) are the identical result');
SELECT is(pg_temp.slots(test_support.id('final')) || pg_temp.slots(test_support.id('third')),
          ARRAY[format('1:%s', pg_temp.p(1)), format('1:%s', pg_temp.p(4))],
          'no-op re-sends did not advance anybody twice');
SELECT is(pg_temp.result(test_support.id('semi1')),
          ARRAY[format('%s:3:1', pg_temp.p(1)), format('%s:1:2', pg_temp.p(4))],
          'and did not change the result');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 3])', test_support.id('semi1')),
                 '55000', NULL, 'a different result (other winner) -> 55000');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[4, 1])', test_support.id('semi1')),
                 '55000', NULL, 'a different result (same winner) -> 55000');
SELECT matches(test_support.hint_of(format('SELECT tourney.submit_result(%s, ARRAY[1, 3])', test_support.id('semi1'))),
               'correct_result', 'the hint points to correct_result');

-- bad results
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, 2])', test_support.id('semi2')),
                 '22023', NULL, 'a knockout draw -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[2])', test_support.id('semi2')),
                 '22023', NULL, 'one score for two players -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, 1, 0])', test_support.id('semi2')),
                 '22023', NULL, 'three scores for two players -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, %L)', test_support.id('semi2'), '{}'),
                 '22023', NULL, 'no scores -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, %L)', test_support.id('semi2'), '{NaN,1}'),
                 '22023', NULL, 'a NaN score -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, %L)', test_support.id('semi2'), '{{2,1}}'),
                 '22023', NULL, 'a two-dimensional score array -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, NULL])', test_support.id('semi2')),
                 '22004', NULL, 'a NULL score -> 22004');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, NULL)', test_support.id('semi2')),
                 '22004', NULL, 'NULL scores -> 22004');
SELECT throws_ok('SELECT tourney.submit_result(NULL, ARRAY[2, 1])',
                 '22004', NULL, 'NULL session -> 22004');
SELECT throws_ok('SELECT tourney.submit_result(9223372036854775807, ARRAY[2, 1])',
                 'P0002', NULL, 'unknown session -> P0002');
SELECT throws_ok('SELECT tourney.submit_result(2147483647, ARRAY[2, 1])',
                 'P0002', NULL, 'unknown session 2^31-1 -> P0002');
SELECT is((SELECT result_submitted FROM tourney.sessions WHERE session_id = test_support.id('semi2')), false,
          'semi-final 2 is still open');

-- second semi-final: the lower seed wins from slot 2
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[0.25, 5.5])', test_support.id('semi2')),
                'submit semi-final 2, 0.25:5.5');
SELECT is((SELECT winner_id FROM tourney.sessions WHERE session_id = test_support.id('semi2')), pg_temp.p(3),
          'slot 2 wins with the higher score');
SELECT is(pg_temp.slots(test_support.id('final')), ARRAY[format('1:%s', pg_temp.p(1)), format('2:%s', pg_temp.p(3))],
          'final: winner of semi 1 in slot 1, winner of semi 2 in slot 2');
SELECT is(pg_temp.slots(test_support.id('third')), ARRAY[format('1:%s', pg_temp.p(4)), format('2:%s', pg_temp.p(2))],
          'third place: loser of semi 1 in slot 1, loser of semi 2 in slot 2');
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('t'))), 4, 'standings during the tournament: 4 rows');
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', test_support.id('t')),
                 '55000', NULL, 'calculate_rankings with final and third place open -> 55000');

SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 2])', test_support.id('final')), 'final 1:2');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[7, 6])', test_support.id('third')), 'third place 7:6');
SELECT is(tourney.simulate_results(test_support.id('t')), 0, 'simulate_results has nothing left to do');
SELECT is(tourney.calculate_rankings(test_support.id('t')), 4, 'calculate_rankings returns 4');
SELECT is((SELECT array_agg(format('%s:%s', u.i, r.rank) ORDER BY r.rank, u.i)
           FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
           JOIN tourney.rankings r ON r.tournament_id = test_support.id('t') AND r.player_id = u.p),
          ARRAY['3:1', '1:2', '4:3', '2:4'],
          'ranks: final winner 1, final loser 2, third place winner 3, its loser 4');
SELECT is((SELECT array_agg(format('%s:%s/%s/%s', u.i, r.points, r.wins, r.losses) ORDER BY u.i)
           FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
           JOIN tourney.rankings r ON r.tournament_id = test_support.id('t') AND r.player_id = u.p),
          ARRAY['1:1/1/1', '2:0/0/2', '3:2/2/0', '4:1/1/1'],
          'points = wins, and losses, per player (third place match included)');
SELECT is((SELECT array_agg(ARRAY[r.score_for, r.score_against] ORDER BY u.i)
           FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
           JOIN tourney.rankings r ON r.tournament_id = test_support.id('t') AND r.player_id = u.p),
          '{{4,3},{6.25,12.5},{7.5,1.25},{8,9}}'::numeric[],
          'score_for and score_against are the sums of own and opponents'' scores');
SELECT set_eq(format('SELECT player_id, rank FROM tourney.standings(%s)', test_support.id('t')),
              format('SELECT player_id, rank FROM tourney.rankings WHERE tournament_id = %s', test_support.id('t')),
              'standings agree with the rankings once every result is in');
SELECT is(tourney.calculate_rankings(test_support.id('t')), 4, 'calculate_rankings can run again');
SELECT is((SELECT count(*)::int FROM tourney.rankings WHERE tournament_id = test_support.id('t')), 4,
          'and still writes one row per player');

----------------------------------------------------------------------------
-- time_based knockout: the lower score wins
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('time', tourney.create_tournament('results time', 'knockout', scoring_type => 'time_based'), NULL);
SELECT is(tourney.enroll(test_support.id('time'), (test_support.ids('p'))[1:2]), 2, 'enroll 2 players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('time')), 'generate (time_based)');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[12.5, 10.25])',
                       test_support.session_id(test_support.id('time'), 1, 1)),
                'submit 12.5 s against 10.25 s');
SELECT is((SELECT winner_id FROM tourney.sessions WHERE tournament_id = test_support.id('time')), pg_temp.p(2),
          'time_based: the lower time wins');
SELECT is(pg_temp.result(test_support.session_id(test_support.id('time'), 1, 1)),
          ARRAY[format('%s:12.5:2', pg_temp.p(1)), format('%s:10.25:1', pg_temp.p(2))],
          'time_based placements');

----------------------------------------------------------------------------
-- simulate_results completes a partly played bracket and keeps its results
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('p8', test_support.players(8, 'res8', '2000 - 50 * g'));
INSERT INTO test_support.fixtures VALUES ('t8', tourney.create_tournament('results 8', 'knockout'), NULL);
SELECT is(tourney.enroll(test_support.id('t8'), test_support.ids('p8')), 8, 'enroll 8 players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('t8')), 'generate 8');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[0, 1])', test_support.session_id(test_support.id('t8'), 1, 1)),
                'seed 8 beats seed 1 in match 1');
SELECT is(tourney.simulate_results(test_support.id('t8'), 99), 7, 'simulate_results gives the 7 open sessions a result');
SELECT is((SELECT winner_id FROM tourney.sessions WHERE session_id = test_support.session_id(test_support.id('t8'), 1, 1)),
          (test_support.ids('p8'))[8], 'the submitted upset is kept');
SELECT is((SELECT count(*)::int FROM tourney.sessions
           WHERE tournament_id = test_support.id('t8') AND result_submitted AND winner_id IS NOT NULL),
          8, 'all 8 sessions are decided');

----------------------------------------------------------------------------
-- CHECK constraints added and dropped while this backend keeps the
-- compiled states of the tables' constraints (src/checks.c): each result
-- is checked against the constraints of its moment.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('tc', tourney.create_tournament('results checks', 'knockout'), NULL);
SELECT is(tourney.enroll(test_support.id('tc'), test_support.ids('p8')), 8, 'checks: enroll the 8 players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('tc')), 'checks: generate 8');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[5000, 1])', test_support.session_id(test_support.id('tc'), 1, 1)),
                'checks: a score of 5000 is accepted');
-- one constraint more and one less: kept states of before would still
-- count two constraints, the old ones
ALTER TABLE tourney.session_participants ADD CONSTRAINT session_participants_zz_score_cap
    CHECK (score < 1000) NOT VALID;
ALTER TABLE tourney.session_participants DROP CONSTRAINT session_participants_slot_check;
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[5000, 1])', test_support.session_id(test_support.id('tc'), 1, 2)),
                 '23514', NULL, 'checks: a CHECK constraint added since is enforced at once (23514)');
SELECT is((SELECT count(*)::int FROM tourney.session_participants
           WHERE session_id = test_support.session_id(test_support.id('tc'), 1, 2) AND score IS NOT NULL),
          0, 'checks: the refused result wrote nothing');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[999, 1])', test_support.session_id(test_support.id('tc'), 1, 2)),
                'checks: a score within the new constraint is accepted');
ALTER TABLE tourney.session_participants DROP CONSTRAINT session_participants_zz_score_cap;
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[5000, 1])', test_support.session_id(test_support.id('tc'), 1, 3)),
                'checks: once the constraint is dropped, 5000 is accepted again');
SELECT is((SELECT array_agg(p.score ORDER BY s.match_number)
           FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE p.tournament_id = test_support.id('tc') AND s.round = 1 AND p.slot = 1 AND p.score IS NOT NULL),
          ARRAY[5000, 999, 5000]::numeric[], 'checks: the three accepted scores are stored');

SELECT * FROM finish();
ROLLBACK;
