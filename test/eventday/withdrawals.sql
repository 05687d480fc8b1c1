-- withdraw_player (SPEC §3e, issue 18; README "The event day"): the
-- player takes no further part, and every pending session of theirs, now
-- and later, is a walkover for the other side; a session whose other side
-- is not known yet is decided when it arrives (by a result, a walkover,
-- a correction, simulate_results or a later stage).  Both sides withdrawn,
-- or a slot nobody will fill: a walkover for nobody, and the session it
-- feeds a walkover for its other side.  Per format: the session reached
-- in a knockout (the loss sends the player on to the third-place match),
-- in a double elimination (down to the losers' bracket, again a
-- walkover; out after the second loss), every remaining game of a round
-- robin or a group, the current Swiss round's session (never paired
-- again; a bye of the current round decides nothing), the remaining
-- individual-ranking sessions without a score (ranked after everyone who
-- missed fewer).  A withdrawn player ranks in the rank the format gives
-- the session left in; a bracket's ranks are its fixed places, and a
-- place that a session decided for nobody leaves empty stays empty (a
-- final nobody won: both its players 2; a third-place match: both 4;
-- test_support.rank_model).  Returns the sessions decided, in id order.  Refusals:
-- 55000 (not in progress, not enrolled, withdrawn already, nothing left to
-- play), P0002, 22004; each changes nothing.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(142);

-- the sessions a withdrawal returns, as text (test_support.session_text), in
-- the order returned
CREATE FUNCTION pg_temp.withdraw(t bigint, seed int) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := ARRAY(SELECT w.id FROM tourney.withdraw_player(t, test_support.seed_player(t, seed)) WITH ORDINALITY w(id, i)
                          ORDER BY w.i);
BEGIN
    RETURN ARRAY(SELECT test_support.session_text(ids[i]) FROM generate_subscripts(ids, 1) i ORDER BY i);
END $$;
CREATE FUNCTION pg_temp.withdrawn_ids(t bigint, seed int) RETURNS bigint[]
LANGUAGE sql AS $$
    SELECT coalesce(array_agg(w.id ORDER BY w.i), '{}')
    FROM tourney.withdraw_player(t, test_support.seed_player(t, seed)) WITH ORDINALITY w(id, i)
$$;
CREATE FUNCTION pg_temp.txt(t bigint, stage text, r int, m int) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT test_support.session_text(test_support.session_id(t, stage, r, m)) $$;
CREATE FUNCTION pg_temp.play(t bigint, stage text, r int, m int, a numeric, b numeric) RETURNS void
LANGUAGE sql AS $$ SELECT tourney.submit_result(test_support.session_id(t, stage, r, m), ARRAY[a, b]) $$;
-- "seed:rank" of every player, best first
CREATE FUNCTION pg_temp.ranks(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('s%s:%s', sd.seed, r.rank), ' ' ORDER BY r.rank, sd.seed)
    FROM tourney.rankings r JOIN test_support.seeding(t) sd USING (player_id) WHERE r.tournament_id = t
$$;
-- the rest by simulation, then rankings and completion: '' when all of it
-- works and test_support.event_problems finds nothing
CREATE FUNCTION pg_temp.finish_off(t bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tourney.simulate_results(t, 7);
    PERFORM tourney.calculate_rankings(t);
    PERFORM tourney.complete_tournament(t);
    RETURN test_support.event_problems(t);
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END $$;

----------------------------------------------------------------------------
-- Knockout of 8: the session reached, returned; the record
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('KO', test_support.tournament('knockout', n => 8, name => 'withdraw K', seeded => true, generate => true));
SELECT is(pg_temp.withdraw(test_support.id('KO'), 1), '{"walkover 1:s1x:-:2 2:s8:-:1 -> s8"}',
          'K: seed 1 withdraws: its quarter-final is a walkover for seed 8, returned');
SELECT is((SELECT format('%s/%s', withdrawn_at = now(), checked_in_at) FROM tourney.enrollments
           WHERE tournament_id = test_support.id('KO') AND player_id = test_support.seed_player(test_support.id('KO'), 1)),
          't/', 'enrollments.withdrawn_at records it');
SELECT is((SELECT withdrawn_players FROM tourney.tournaments WHERE tournament_id = test_support.id('KO')), 1,
          'tournaments.withdrawn_players counts it');
SELECT is(pg_temp.txt(test_support.id('KO'), 'main', 2, 1), 'open 1:s8:-:-', 'seed 8 moved on');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''main'', 1, 2, 1, 0)', test_support.id('KO')), 'QF2: seed 4 beats 5');
SELECT is(pg_temp.withdraw(test_support.id('KO'), 8), '{"walkover 1:s8x:-:2 2:s4:-:1 -> s4"}',
          'seed 8 withdraws from its semi-final: a walkover for seed 4');
SELECT is(pg_temp.txt(test_support.id('KO'), 'third_place', 3, 1), 'open 1:s8x:-:-',
          'the loss sends seed 8 on to the third-place match, as any loss does');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''main'', 1, 3, 1, 0); SELECT pg_temp.play(%1$s, ''main'', 1, 4, 1, 0)', test_support.id('KO')),
                'QF3 and QF4: seeds 2 and 3 win');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''main'', 2, 2, 0, 1)', test_support.id('KO')), 'SF2: seed 3 beats seed 2');
SELECT is(pg_temp.txt(test_support.id('KO'), 'third_place', 3, 1), 'walkover 1:s8x:-:2 2:s2:-:1 -> s2',
          'the third-place match is decided when its other side arrives: a walkover for seed 2');
-- refusals
SELECT is(test_support.refusal(q), want, format('%s -> %s', what, want))
FROM (VALUES
    ('withdrawn already', format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('KO'), test_support.seed_player(test_support.id('KO'), 1)), '55000'),
    ('out of the bracket (seed 5 lost)', format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('KO'), test_support.seed_player(test_support.id('KO'), 5)), '55000'),
    ('out: lost the third-place match''s... seed 2 won it, lost SF2', format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('KO'), test_support.seed_player(test_support.id('KO'), 2)), '55000'),
    ('an unknown player', format('SELECT tourney.withdraw_player(%s, 9223372036854775807)', test_support.id('KO')), 'P0002'),
    ('player 0', format('SELECT tourney.withdraw_player(%s, 0)', test_support.id('KO')), 'P0002'),
    ('an unknown tournament', format('SELECT tourney.withdraw_player(9223372036854775807, %s)', test_support.seed_player(test_support.id('KO'), 3)), 'P0002'),
    ('NULL tournament', format('SELECT tourney.withdraw_player(NULL, %s)', test_support.seed_player(test_support.id('KO'), 3)), '22004'),
    ('NULL player', format('SELECT tourney.withdraw_player(%s, NULL)', test_support.id('KO')), '22004')) v(what, q, want);
SELECT matches(test_support.message_of(format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('KO'),
                                              test_support.seed_player(test_support.id('KO'), 1))),
               '^player [0-9]+ has withdrawn from tournament [0-9]+ already$', 'withdrawn already: the message says so');
SELECT matches(test_support.message_of(format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('KO'),
                                              test_support.seed_player(test_support.id('KO'), 5))),
               '^player [0-9]+ has no session left in tournament [0-9]+$', 'out of the bracket: the message says so');
SELECT is(pg_temp.finish_off(test_support.id('KO')), '', 'K: simulated, ranked, completed; the rules hold');
SELECT matches(pg_temp.ranks(test_support.id('KO')), '^s[34]:1 s[34]:2 s2:3 s8:4 s1:5 s5:5 s6:5 s7:5$',
               'K ranks: the withdrawn seed 8 fourth (the third-place match it left in), seed 1 with the first-round losers');

----------------------------------------------------------------------------
-- Knockout of 6: byes.  A player with a bye into round 2 withdraws: nothing
-- is decided; the session is decided when its other side arrives, by a
-- result, by a walkover, and again after a correction
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('B', test_support.tournament('knockout', n => 6, name => 'withdraw B', seeded => true, generate => true));
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 2, 1) || ' | ' || pg_temp.txt(test_support.id('B'), 'main', 2, 2),
          'open 1:s1:-:- | open 1:s2:-:-', 'B: seeds 1 and 2 have byes into round 2');
SELECT is(pg_temp.withdraw(test_support.id('B'), 1), '{}', 'seed 1 withdraws with its bye pending: nothing decided yet');
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 2, 1), 'open 1:s1x:-:-', 'its semi-final waits for its other side');
SELECT is(pg_temp.withdraw(test_support.id('B'), 2), '{}', 'seed 2 too');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''main'', 1, 1, 3, 1)', test_support.id('B')), 'round 1 match 1: seed 4 beats 5');
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 2, 1), 'walkover 1:s1x:-:2 2:s4:-:1 -> s4',
          'the result decided the semi-final at once: a walkover for seed 4');
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 3, 1), 'open 1:s4:-:-', 'seed 4 is in the final');
SELECT lives_ok(format('SELECT tourney.submit_walkover(test_support.session_id(%s, 1, 2), 2)', test_support.id('B')),
                'round 1 match 2 by walkover for seed 6');
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 2, 2), 'walkover 1:s2x:-:2 2:s6:-:1 -> s6',
          'the walkover decided the other semi-final at once, for seed 6');
SELECT is(pg_temp.txt(test_support.id('B'), 'third_place', 3, 1), 'walkover 1:s1x:-:- 2:s2x:-:- -> nobody',
          'both withdrawn semi-final losers went on to the third-place match: a walkover for nobody, at once');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('B'), 1, 1), '{0,2}', true),
          ARRAY[test_support.session_id(test_support.id('B'), 2, 1), test_support.session_id(test_support.id('B'), 'third_place', 3, 1)],
          'round 1 match 1 corrected to seed 5 (cascade): the semi-final and the third-place match after it are reset');
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 2, 1), 'walkover 1:s1x:-:2 2:s5:-:1 -> s5',
          'and decided again when seed 5 arrives: a walkover for seed 5');
SELECT is(pg_temp.txt(test_support.id('B'), 'main', 3, 1), 'open 1:s5:-:- 2:s6:-:-', 'seeds 5 and 6 in the final');
SELECT is((SELECT count(*)::int FROM test_support.stuck_sessions(test_support.id('B'))), 0,
          'nothing waits for a player who will not come');
SELECT is(pg_temp.txt(test_support.id('B'), 'third_place', 3, 1), 'walkover 1:s1x:-:- 2:s2x:-:- -> nobody',
          'the third-place match of the two withdrawn players is decided again for nobody');
SELECT is(pg_temp.finish_off(test_support.id('B')), '',
          'B completes; the rules hold (the two players of the third-place match nobody won both rank 4, its loser''s rank)');
SELECT matches(pg_temp.ranks(test_support.id('B')), '^s[56]:1 s[56]:2 s1:4 s2:4 s3:5 s4:5$',
               'B ranks: the final''s players 1 and 2; the withdrawn seeds 1 and 2 both 4, as losers of the third-place match '
               'nobody won (no 3: the place stays empty); the first-round losers 5, the knockout''s ladder');

----------------------------------------------------------------------------
-- Double elimination of 8: losses send withdrawn players down; a losers'
-- session of two withdrawn players is a walkover for nobody; a chain of
-- them
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('E', test_support.tournament('double_elimination', n => 8, name => 'withdraw E', seeded => true, generate => true,
                                     grand_final => 'simple'));
SELECT is(pg_temp.withdraw(test_support.id('E'), 8), '{"walkover 1:s1:-:1 2:s8x:-:2 -> s1"}',
          'E: seed 8 withdraws: winners'' round 1 (1-8) a walkover for seed 1');
SELECT is(pg_temp.txt(test_support.id('E'), 'losers', 1, 1), 'open 1:s8x:-:-', 'seed 8 drops into losers'' round 1');
SELECT is(pg_temp.withdraw(test_support.id('E'), 5),
          '{"walkover 1:s4:-:1 2:s5x:-:2 -> s4","walkover 1:s8x:-:- 2:s5x:-:- -> nobody"}',
          'seed 5 withdraws: its winners'' match for seed 4, and the losers'' match of seeds 8 and 5 for nobody');
SELECT is(pg_temp.txt(test_support.id('E'), 'losers', 2, 1), 'open', 'nobody moves on to losers'' round 2 from it');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''winners'', 1, 3, 1, 0); SELECT pg_temp.play(%1$s, ''winners'', 1, 4, 1, 0)', test_support.id('E')),
                'winners'' round 1: seeds 2 and 3 win');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''losers'', 1, 2, 0, 1)', test_support.id('E')),
                'losers'' round 1 match 2: seed 6 beats seed 7');
SELECT is(pg_temp.withdraw(test_support.id('E'), 2),
          ARRAY['walkover 1:s2x:-:2 2:s3:-:1 -> s3', 'walkover 1:s2x:-:- -> nobody'],
          'seed 2 withdraws from winners'' round 2: a walkover for seed 3; seed 2 drops to losers'' round 2, whose other '
          'slot nobody fills (its feeder went to nobody): a walkover for nobody, a chain of two');
SELECT is(pg_temp.txt(test_support.id('E'), 'losers', 3, 1), 'open', 'losers'' round 3 waits for its other side');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''winners'', 2, 1, 0, 1)', test_support.id('E')), 'winners'' round 2 match 1: seed 4 beats seed 1');
SELECT is(pg_temp.txt(test_support.id('E'), 'losers', 2, 2), 'open 1:s1:-:- 2:s6:-:-', 'seed 1 drops against seed 6');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''losers'', 2, 2, 2, 1)', test_support.id('E')), 'seed 1 beats seed 6 there');
SELECT is(pg_temp.txt(test_support.id('E'), 'losers', 3, 1), 'walkover 2:s1:-:1 -> s1',
          'losers'' round 3, one slot fed by nobody: decided for seed 1 when it arrives');
SELECT is(pg_temp.finish_off(test_support.id('E')), '',
          'E completes; the rules hold (two losses for all but the top two, the records of rankings are those of the rows, '
          'ranks by the ladder)');
SELECT is((SELECT string_agg(format('s%s:%s', sd.seed, c.losses), ' ' ORDER BY sd.seed)
           FROM test_support.recount(test_support.id('E')) c JOIN test_support.seeding(test_support.id('E')) sd USING (player_id)),
          (SELECT string_agg(format('s%s:%s', sd.seed, r.losses), ' ' ORDER BY sd.seed)
           FROM tourney.rankings r JOIN test_support.seeding(test_support.id('E')) sd USING (player_id)
           WHERE r.tournament_id = test_support.id('E')),
          'the losses in rankings are those of the rows: seed 2, alone in losers'' round 2 decided for nobody, lost it, its '
          'second loss (SPEC §3: out of a double elimination with exactly two losses; it ranks as that round''s loser)');
SELECT is((SELECT r.rank FROM tourney.rankings r WHERE r.tournament_id = test_support.id('E')
             AND r.player_id = test_support.seed_player(test_support.id('E'), 2)) > 2, true,
          'the withdrawn seed 2, out in losers'' round 2, is not ranked among the top two');
SELECT matches(pg_temp.ranks(test_support.id('E')), '^s[134]:1 s[134]:2 s[134]:3 s2:5 s6:5 s5:7 s7:7 s8:7$',
               'E ranks by the bracket''s places (8 players: 1, 2, 3, 4, 5, 5, 7, 7): nobody 4, the loser''s place of '
               'losers'' round 3, which seed 1 won alone; the losers'' round 2 players (the withdrawn seed 2, seed 6) share 5, '
               'the three of losers'' round 1 (two left it together) 7');

-- the withdrawn winners' champion in the grand final, with a reset
INSERT INTO test_support.fixtures (key, id)
VALUES ('F', test_support.tournament('double_elimination', n => 4, name => 'withdraw F', seeded => true, generate => true));
SELECT lives_ok(format($$SELECT pg_temp.play(%s, 'winners', 1, 1, 1, 0); SELECT pg_temp.play(%1$s, 'winners', 1, 2, 1, 0);
                         SELECT pg_temp.play(%1$s, 'winners', 2, 1, 1, 0)$$, test_support.id('F')),
                'F: seed 1 wins the winners'' bracket');
SELECT is(pg_temp.withdraw(test_support.id('F'), 1), '{}', 'seed 1 withdraws, waiting in the grand final: nothing decided yet');
SELECT lives_ok(format($$SELECT pg_temp.play(%s, 'losers', 1, 1, 1, 0); SELECT pg_temp.play(%1$s, 'losers', 2, 1, 1, 0)$$,
                       test_support.id('F')), 'the losers'' bracket is played');
SELECT is(pg_temp.txt(test_support.id('F'), 'grand_final', 1, 1) || ' | ' || pg_temp.txt(test_support.id('F'), 'grand_final_reset', 1, 1),
          'walkover 1:s1x:-:2 2:s2:-:1 -> s2 | walkover 1:s1x:-:2 2:s2:-:1 -> s2',
          'the grand final is a walkover for the losers'' winner, and so is the reset it writes');
SELECT is(pg_temp.finish_off(test_support.id('F')), '', 'F completes; the rules hold');
SELECT is(pg_temp.ranks(test_support.id('F')), 's2:1 s1:2 s4:3 s3:4', 'F ranks: seed 2 champion, the withdrawn seed 1 second');

-- a bye pending in a double elimination of 6: seeds 1 and 2 enter
-- winners' round 2 directly; seed 1 withdraws before its opponent is
-- known.  Nothing is decided; the winners' session is decided when seed 4
-- arrives, and seed 1, down in losers' round 2 (no losers' round 1 with
-- 6 players), loses there by walkover when its opponent arrives
INSERT INTO test_support.fixtures (key, id)
VALUES ('H', test_support.tournament('double_elimination', n => 6, name => 'withdraw H', seeded => true, generate => true,
                                     grand_final => 'simple'));
SELECT is(pg_temp.txt(test_support.id('H'), 'winners', 2, 1), 'open 1:s1:-:-', 'H: seed 1 has a bye into winners'' round 2');
SELECT is(pg_temp.withdraw(test_support.id('H'), 1), '{}', 'seed 1 withdraws with its bye pending: nothing decided yet');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''winners'', 1, 1, 1, 0)', test_support.id('H')), 'winners'' round 1: seed 4 beats 5');
SELECT is(pg_temp.txt(test_support.id('H'), 'winners', 2, 1) || ' | ' || pg_temp.txt(test_support.id('H'), 'losers', 2, 2),
          'walkover 1:s1x:-:2 2:s4:-:1 -> s4 | open 1:s1x:-:-',
          'the result decided seed 1''s winners'' session at once, for seed 4; seed 1 went down to losers'' round 2, '
          'its opponent not known yet');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''winners'', 1, 2, 1, 0)', test_support.id('H')), 'winners'' round 1: seed 3 beats 6');
SELECT is(pg_temp.txt(test_support.id('H'), 'losers', 2, 2), 'walkover 1:s1x:-:2 2:s6:-:1 -> s6',
          'seed 6 drops in against seed 1: a walkover for seed 6, seed 1''s second loss');
SELECT is((SELECT count(*)::int FROM test_support.stuck_sessions(test_support.id('H'))), 0, 'nothing waits');
SELECT is(pg_temp.finish_off(test_support.id('H')), '', 'H completes; the rules hold');
SELECT matches(pg_temp.ranks(test_support.id('H')), '^s[2-6]:1 s[2-6]:2 s[2-6]:3 s[2-6]:4 s1:5 s[2-6]:5$',
               'H ranks (6 players: 1, 2, 3, 4, 5, 5): seed 1 with the other loser of losers'' round 2, 5');

-- a grand final for nobody (double elimination of 3, grand final with a
-- reset): seed 1 wins the winners' bracket and withdraws, waiting in the
-- grand final; seed 3 withdraws: the losers' final, the grand final and
-- the reset it wrote are walkovers for seed 2.  A correction: seed 3 had
-- won the losers' final; the reset goes, and the grand final of the two
-- withdrawn players is decided for nobody.  Both rank 2, its loser's
-- rank (nobody won it: no 1), as a knockout's final for nobody
INSERT INTO test_support.fixtures (key, id)
VALUES ('N', test_support.tournament('double_elimination', n => 3, name => 'withdraw N', seeded => true, generate => true));
SELECT lives_ok(format($$SELECT pg_temp.play(%s, 'winners', 1, 1, 1, 0); SELECT pg_temp.play(%1$s, 'winners', 2, 1, 1, 0)$$,
                       test_support.id('N')), 'N: seed 2 beats seed 3, seed 1 beats seed 2');
SELECT is(pg_temp.withdraw(test_support.id('N'), 1), '{}', 'seed 1 withdraws, waiting in the grand final: nothing decided yet');
SELECT is(pg_temp.withdraw(test_support.id('N'), 3),
          '{"walkover 1:s2:-:1 2:s3x:-:2 -> s2","walkover 1:s1x:-:2 2:s2:-:1 -> s2","walkover 1:s1x:-:2 2:s2:-:1 -> s2"}',
          'seed 3 withdraws: the losers'' final, the grand final and the reset it wrote, walkovers for seed 2');
SELECT is(cardinality(test_support.corrected(test_support.session_id(test_support.id('N'), 'losers', 2, 1), '{0,1}', true)), 2,
          'the losers'' final corrected to a win of seed 3 (cascade): the grand final and the reset reset');
SELECT is((SELECT string_agg(s.stage || ' ' || test_support.session_text(s.session_id), ' | ' ORDER BY s.session_id)
           FROM tourney.sessions s WHERE s.tournament_id = test_support.id('N') AND s.stage LIKE 'grand%'),
          'grand_final walkover 1:s1x:-:- 2:s3x:-:- -> nobody',
          'the grand final of the two withdrawn players is decided for nobody, and no reset is written');
SELECT is((SELECT count(*)::int FROM test_support.stuck_sessions(test_support.id('N'))), 0, 'nothing waits');
SELECT is(pg_temp.finish_off(test_support.id('N')), '', 'N completes; the rules hold (seed 2 out with two losses)');
SELECT is(pg_temp.ranks(test_support.id('N')), 's1:2 s3:2 s2:3',
          'N ranks: the grand final''s players both 2 (nobody 1), seed 2, the losers'' final''s loser, 3');

----------------------------------------------------------------------------
-- Round robin: every remaining game at once
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('R', test_support.tournament('round_robin', n => 5, name => 'withdraw R', seeded => true, generate => true));
SELECT lives_ok(format($$SELECT tourney.submit_result(s.session_id, ARRAY[2, 1]) FROM tourney.sessions s
                         WHERE s.tournament_id = %s AND s.round = 1$$, test_support.id('R')), 'R: round 1 played');
CREATE TEMP TABLE r_pending AS
SELECT s.session_id FROM tourney.sessions s JOIN tourney.session_participants p USING (tournament_id, session_id)
WHERE s.tournament_id = test_support.id('R') AND NOT s.result_submitted
  AND p.player_id = test_support.seed_player(test_support.id('R'), 3);
SELECT is(pg_temp.withdrawn_ids(test_support.id('R'), 3), ARRAY(SELECT session_id FROM r_pending ORDER BY session_id),
          'seed 3 withdraws: every game of theirs left is decided, returned in id order');
SELECT is((SELECT count(*)::int FROM r_pending), 3, '(three of them: seed 3 played or rested in round 1)');
SELECT is((SELECT bool_and(s.walkover AND s.winner_id <> test_support.seed_player(test_support.id('R'), 3))
           FROM tourney.sessions s JOIN r_pending USING (session_id)), true, 'each a walkover for the opponent');
SELECT is(test_support.refusal(format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('R'),
                                      test_support.seed_player(test_support.id('R'), 3))), '55000', 'seed 3 again: 55000');
SELECT lives_ok(format($$SELECT tourney.submit_result(s.session_id, ARRAY[0, 0]) FROM tourney.sessions s
                         WHERE s.tournament_id = %s AND NOT s.result_submitted
                           AND %s IN (SELECT player_id FROM tourney.session_participants p
                                      WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id)$$,
                       test_support.id('R'), test_support.seed_player(test_support.id('R'), 5)), 'seed 5 plays every game left (draws)');
SELECT is(test_support.refusal(format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('R'),
                                      test_support.seed_player(test_support.id('R'), 5))), '55000',
          'seed 5, every game played, withdraws: 55000 (nothing left to play)');
SELECT is(pg_temp.finish_off(test_support.id('R')), '', 'R completes; every pair met once, walkovers counted 3/0, ranks by the rows');

----------------------------------------------------------------------------
-- Groups -> knockout: the group games left; a withdrawn player who
-- qualifies all the same; two of them in the final
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('G', test_support.tournament('groups_knockout', n => 8, name => 'withdraw G', seeded => true, generate => true,
                                     group_count => 2, advance_per_group => 1));
-- groups (serpentine): A = seeds 1, 4, 5, 8; B = 2, 3, 6, 7.  Seeds 1
-- and 2 win their first two games, then withdraw and lose the third by
-- walkover: 6 points, still top of their groups
CREATE FUNCTION pg_temp.group_game(t bigint, a int, b int, sa numeric, sb numeric) RETURNS void
LANGUAGE sql AS $$
    SELECT tourney.submit_result(s.session_id,
                                 CASE WHEN x.player_id = test_support.seed_player(t, a) THEN ARRAY[sa, sb] ELSE ARRAY[sb, sa] END)
    FROM tourney.sessions s JOIN tourney.session_participants x ON x.tournament_id = s.tournament_id AND x.session_id = s.session_id AND x.slot = 1
    WHERE s.tournament_id = t AND s.stage = 'group'
      AND EXISTS (SELECT FROM tourney.session_participants y WHERE y.tournament_id = t AND y.session_id = s.session_id
                  AND y.player_id = test_support.seed_player(t, a))
      AND EXISTS (SELECT FROM tourney.session_participants y WHERE y.tournament_id = t AND y.session_id = s.session_id
                  AND y.player_id = test_support.seed_player(t, b))
$$;
SELECT lives_ok(format($$SELECT pg_temp.group_game(%s, 1, 8, 2, 0), pg_temp.group_game(%1$s, 1, 4, 2, 0),
                                pg_temp.group_game(%1$s, 4, 5, 2, 1), pg_temp.group_game(%1$s, 8, 5, 2, 1),
                                pg_temp.group_game(%1$s, 4, 8, 1, 1)$$, test_support.id('G')),
                'G, group A: seed 1 beats 8 and 4; 4 and 8 beat 5 and draw');
SELECT is(array_length(pg_temp.withdrawn_ids(test_support.id('G'), 1), 1), 1, 'seed 1 withdraws: its game with seed 5 is decided');
SELECT lives_ok(format($$SELECT pg_temp.group_game(%s, 2, 7, 2, 0), pg_temp.group_game(%1$s, 2, 3, 2, 0),
                                pg_temp.group_game(%1$s, 3, 6, 2, 1), pg_temp.group_game(%1$s, 7, 6, 2, 1),
                                pg_temp.group_game(%1$s, 3, 7, 1, 1)$$, test_support.id('G')),
                'group B the same way for seed 2');
SELECT is(test_support.refusal(format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('G'),
                                      test_support.seed_player(test_support.id('G'), 3))), '55000',
          'seed 3, its group games all played (the group stage not over): 55000, nothing left to play');
SELECT is(array_length(pg_temp.withdrawn_ids(test_support.id('G'), 2), 1), 2,
          'seed 2 withdraws: its last group game, and the knockout that game wrote, are decided');
SELECT is((SELECT string_agg(format('%s:s%s', t.pool_rank, sd.seed), ' ' ORDER BY t.pool, t.pool_rank)
           FROM tourney.group_tables(test_support.id('G')) t JOIN test_support.seeding(test_support.id('G')) sd USING (player_id)),
          '1:s1 2:s4 3:s8 4:s5 1:s2 2:s3 3:s7 4:s6', 'the withdrawn seeds 1 and 2 still top their groups on 6 points');
SELECT is(pg_temp.txt(test_support.id('G'), 'main', 1, 1), 'walkover 1:s1x:-:- 2:s2x:-:- -> nobody',
          'the knockout (the final of the two group winners) is written and decided at once: for nobody');
SELECT is((SELECT count(*)::int FROM test_support.stuck_sessions(test_support.id('G'))), 0, 'nothing waits');
SELECT lives_ok(format('SELECT tourney.calculate_rankings(%s); SELECT tourney.complete_tournament(%1$s)', test_support.id('G')),
                'G ranks and completes');
SELECT is(pg_temp.ranks(test_support.id('G')), 's1:2 s2:2 s3:3 s4:3 s7:5 s8:5 s5:7 s6:7',
          'G ranks: the two players of the final nobody won both 2, its loser''s rank (no champion), then the group stage '
          'by place from 3');
SELECT is(test_support.event_problems(test_support.id('G')), '',
          'and the rules hold: no champion (nobody won the final), the records, the ranks by the ladder');

-- a bye pending in the knockout of a groups_knockout: 3 groups of 3, 2
-- through, a knockout of 6 whose top two seeds (the winners of groups A
-- and B) enter round 2 directly.  Group A's winner withdraws with the bye
-- pending: nothing is decided; the semi-final is decided when its other
-- side arrives, and the loss sends the withdrawn player on to the
-- third-place match, another walkover: it ranks 4
INSERT INTO test_support.fixtures (key, id)
VALUES ('GB', test_support.tournament('groups_knockout', n => 9, name => 'withdraw GB', seeded => true, generate => true,
                                      group_count => 3, advance_per_group => 2));
SELECT is(test_support.play_in_order(test_support.id('GB'), stages => '{group}'), 9, 'GB: the 9 group games played');
INSERT INTO test_support.fixtures (key, id) VALUES
    ('gb_sf1', test_support.session_id(test_support.id('GB'), 'main', 2, 1)),
    ('gb_bye', (SELECT p.player_id FROM tourney.session_participants p
                WHERE p.tournament_id = test_support.id('GB') AND p.session_id = test_support.session_id(test_support.id('GB'), 'main', 2, 1)));
SELECT is((SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = test_support.id('GB') AND s.stage = 'main' AND s.round = 1)
           || '/' || (SELECT count(*) FROM tourney.session_participants p WHERE p.tournament_id = test_support.id('GB')
                        AND p.session_id = test_support.id('gb_sf1')), '2/1',
          'the knockout of 6 is written: two first-round matches, semi-final 1 holds the player with a bye');
SELECT is((SELECT g.pool || '/' || g.pool_rank FROM tourney.group_tables(test_support.id('GB')) g
           WHERE g.player_id = test_support.id('gb_bye')), '1/1', 'the player with the bye is group A''s winner');
SELECT is(ARRAY(SELECT tourney.withdraw_player(test_support.id('GB'), test_support.id('gb_bye'))), '{}',
          'group A''s winner withdraws with the bye pending: nothing decided yet');
SELECT lives_ok(format('SELECT tourney.submit_result(s.session_id, ARRAY[2, 1]) FROM tourney.sessions s
                        WHERE s.tournament_id = %s AND s.next_session_id = %s', test_support.id('GB'), test_support.id('gb_sf1')),
                'the first-round match that feeds semi-final 1 is played: slot 1 wins');
SELECT is((SELECT format('%s/%s/%s', s.walkover, s.winner_id = (SELECT f.winner_id FROM tourney.sessions f
                                                                  WHERE f.tournament_id = s.tournament_id AND f.next_session_id = s.session_id),
                         (SELECT p.placement FROM tourney.session_participants p WHERE p.tournament_id = s.tournament_id
                            AND p.session_id = s.session_id AND p.player_id = test_support.id('gb_bye')))
           FROM tourney.sessions s WHERE s.session_id = test_support.id('gb_sf1')), 't/t/2',
          'semi-final 1 was decided at once: a walkover for the winner who arrived');
SELECT is((SELECT count(*)::int FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE p.tournament_id = test_support.id('GB') AND s.stage = 'third_place' AND p.player_id = test_support.id('gb_bye')), 1,
          'the withdrawn player went on to the third-place match, as any semi-final loser');
SELECT is((SELECT count(*)::int FROM test_support.stuck_sessions(test_support.id('GB'))), 0, 'nothing waits');
SELECT is(pg_temp.finish_off(test_support.id('GB')), '', 'GB completes; the rules hold');
SELECT is((SELECT r.rank FROM tourney.rankings r WHERE r.tournament_id = test_support.id('GB') AND r.player_id = test_support.id('gb_bye')), 4,
          'the withdrawn group winner ranks 4, the loser of the third-place match it left in');

----------------------------------------------------------------------------
-- Swiss: the current round's session, never paired again; byes
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('S', test_support.tournament('swiss', n => 7, name => 'withdraw S', seeded => true, generate => true, number_of_rounds => 3));
SELECT is((SELECT string_agg('s' || sd.seed, ' ') FROM tourney.byes b JOIN test_support.seeding(test_support.id('S')) sd USING (player_id)
           WHERE b.tournament_id = test_support.id('S')), 's7', 'S: seed 7 has the bye of round 1');
SELECT is(pg_temp.withdraw(test_support.id('S'), 7), '{}', 'seed 7 withdraws with its bye in the current round: nothing decided');
SELECT is((SELECT count(*)::int FROM tourney.byes WHERE tournament_id = test_support.id('S')), 1, 'the bye stays');
SELECT is(pg_temp.withdraw(test_support.id('S'), 1), '{"walkover 1:s1x:-:2 2:s4:-:1 -> s4"}',
          'seed 1 withdraws: its round 1 session is decided, returned');
SELECT is(pg_temp.txt(test_support.id('S'), 'main', 1, 1), 'walkover 1:s1x:-:2 2:s4:-:1 -> s4', 'a walkover for seed 4');
SELECT lives_ok(format('SELECT pg_temp.play(%s, ''main'', 1, 2, 1, 0); SELECT pg_temp.play(%1$s, ''main'', 1, 3, 1, 1)', test_support.id('S')),
                'the rest of round 1 is played');
SELECT is((SELECT count(*) || ' sessions, bye ' || coalesce((SELECT 's' || sd.seed FROM tourney.byes b
                                                             JOIN test_support.seeding(test_support.id('S')) sd USING (player_id)
                                                             WHERE b.tournament_id = test_support.id('S') AND b.round = 2), 'none')
           FROM tourney.sessions WHERE tournament_id = test_support.id('S') AND round = 2),
          '2 sessions, bye s5',
          'round 2 pairs the 5 players still in: 2 sessions and a bye (to the lowest-ranked without one)');
SELECT is((SELECT count(*)::int FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE p.tournament_id = test_support.id('S') AND s.round >= 2
             AND p.player_id IN (test_support.seed_player(test_support.id('S'), 1), test_support.seed_player(test_support.id('S'), 7))), 0,
          'neither withdrawn player is paired again');
SELECT is(pg_temp.withdraw(test_support.id('S'), 5), '{}', 'seed 5 withdraws with the bye of round 2: nothing decided');
SELECT lives_ok(format('SELECT tourney.submit_result(s.session_id, ARRAY[1, 0]) FROM tourney.sessions s WHERE s.tournament_id = %s AND s.round = 2',
                       test_support.id('S')), 'round 2 played');
SELECT is((SELECT count(*) || ' sessions, ' || (SELECT count(*) FROM tourney.byes b WHERE b.tournament_id = test_support.id('S') AND b.round = 3) || ' byes'
           FROM tourney.sessions WHERE tournament_id = test_support.id('S') AND round = 3), '2 sessions, 0 byes',
          'round 3: the 4 players still in, no bye');
SELECT lives_ok(format('SELECT tourney.simulate_results(%s, 3)', test_support.id('S')), 'the rest simulated');
SELECT is((SELECT max(round) FROM tourney.sessions WHERE tournament_id = test_support.id('S')), 3, 'all 3 rounds were played');
SELECT is(test_support.refusal(format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('S'),
                                      test_support.seed_player(test_support.id('S'), 2))), '55000',
          'after the last round nobody has anything left to play: 55000');
SELECT lives_ok(format('SELECT tourney.calculate_rankings(%s); SELECT tourney.complete_tournament(%1$s)', test_support.id('S')),
                'S ranks and completes');
SELECT is(test_support.event_problems(test_support.id('S')), '', 'the rules hold (points, byes, no rematch, ranks by the rows)');

----------------------------------------------------------------------------
-- Individual ranking: the sessions left, without a score; ranked after
-- everyone who missed fewer
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('I', test_support.tournament('individual_ranking', n => 4, name => 'withdraw I', seeded => true, generate => true,
                                     number_of_rounds => 3));
SELECT lives_ok(format($$SELECT tourney.submit_result(s.session_id, ARRAY[10 * s.match_number]) FROM tourney.sessions s
                         WHERE s.tournament_id = %s AND s.round = 1$$, test_support.id('I')),
                'I: round 1 played (seed k scores 10 k)');
SELECT is(pg_temp.withdrawn_ids(test_support.id('I'), 4),
          ARRAY[test_support.session_id(test_support.id('I'), 2, 4), test_support.session_id(test_support.id('I'), 3, 4)],
          'seed 4 (the best so far) withdraws: its sessions of rounds 2 and 3 are decided, returned in id order');
SELECT is(pg_temp.txt(test_support.id('I'), 'main', 2, 4) || ' | ' || pg_temp.txt(test_support.id('I'), 'main', 3, 4),
          'walkover 1:s4x:-:- -> nobody | walkover 1:s4x:-:- -> nobody', 'without a score');
SELECT lives_ok(format($$SELECT tourney.submit_result(s.session_id, ARRAY[1]) FROM tourney.sessions s
                         WHERE s.tournament_id = %s AND s.round = 2 AND NOT s.result_submitted$$, test_support.id('I')),
                'round 2 played by the others (1 point each)');
SELECT is(array_length(pg_temp.withdrawn_ids(test_support.id('I'), 3), 1), 1, 'seed 3 withdraws before round 3: one session decided');
SELECT is(pg_temp.finish_off(test_support.id('I')), '', 'I completes; the rules hold');
SELECT is((SELECT string_agg(format('s%s:%s', sd.seed, r.rank), ' ' ORDER BY r.rank, sd.seed)
           FROM tourney.rankings r JOIN test_support.seeding(test_support.id('I')) sd USING (player_id)
           WHERE r.tournament_id = test_support.id('I') AND sd.seed >= 3), 's3:3 s4:4',
          'I ranks: seed 3 (missed one) after the two who missed none, seed 4 (missed two, scored most) last');

----------------------------------------------------------------------------
-- Not in progress, not enrolled; scheduled sessions decided give up
-- their courts
----------------------------------------------------------------------------
SELECT test_support.state_fixtures('withdraw') \g /dev/null
INSERT INTO test_support.fixtures (key, id) VALUES ('XX', test_support.tournament('knockout', n => 4, name => 'withdraw XX', generate => true));
SELECT tourney.cancel_tournament(test_support.id('XX')) \g /dev/null
SELECT is(test_support.refusal(q), want, format('%s -> %s', what, want))
FROM (VALUES
    ('a draft', 'SELECT tourney.withdraw_player(@D@, @p1@)', '55000'),
    ('a completed tournament', format('SELECT tourney.withdraw_player(%s, %s)', test_support.id('KO'), test_support.seed_player(test_support.id('KO'), 3)), '55000'),
    ('a cancelled tournament', format('SELECT tourney.withdraw_player(@XX@, %s)', test_support.seed_player(test_support.id('XX'), 1)), '55000'),
    ('a player of another tournament', 'SELECT tourney.withdraw_player(@P@, @p5@)', '55000'),
    ('a player enrolled nowhere', 'SELECT tourney.withdraw_player(@P@, @p12@)', '55000'),
    ('a ranked knockout''s finalist, every result in', 'SELECT tourney.withdraw_player(@K@, @p9@)', '55000')) v(what, q, want);
SELECT is(test_support.refusal('SELECT tourney.withdraw_player(@Q@, @p5@)'), '55000',
          'a player whose knockout is fully played (Q) -> 55000');
INSERT INTO test_support.fixtures (key, id)
VALUES ('T', test_support.tournament('knockout', n => 8, name => 'withdraw T', seeded => true, generate => true));
SELECT is((tourney.schedule_sessions(test_support.id('T'), '2030-01-01 09:00+00', 30, 10, 2) ->> 'sessions')::int, 8, 'T scheduled');
SELECT is(pg_temp.withdraw(test_support.id('T'), 3), '{"walkover 1:s3x:-:2 2:s6:-:1 -> s6"}', 'T: seed 3 withdraws');
SELECT is((SELECT format('%s/%s', starts_at, court) FROM tourney.sessions WHERE session_id = test_support.session_id(test_support.id('T'), 1, 4)),
          '/', 'the session it decided gives up its time and court');
SELECT is((SELECT count(*)::int FROM tourney.bookings WHERE tournament_id = test_support.id('T')), 7, 'and its booking');
SELECT is(test_support.schedule_problems(test_support.id('T')), '', 'the schedule is sound');

SELECT * FROM finish();
ROLLBACK;
