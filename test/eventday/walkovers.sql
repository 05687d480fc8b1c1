-- submit_walkover (SPEC §3e, issue 18; README "The event day"): a session
-- decided without play.  sessions.walkover is true, no scores, placements
-- 1 and 2, and the winner (and the loser, to a third-place match or down a
-- losers' bracket) moves on exactly as after a result, in every format:
-- the last walkover of a Swiss round pairs the next, of a group stage
-- writes the knockout, of a grand final the losers' winner takes writes
-- the reset.  A walkover counts as a win and a loss in points, wins and
-- losses, not in the score sums (standings and calculate_rankings); a
-- scheduled one gives up its time and court.  The identical call again
-- changes nothing, another outcome is refused; correct_result replaces a
-- walkover with scores.  Every refusal has its SQLSTATE and changes
-- nothing.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(88);

CREATE FUNCTION pg_temp.txt(t bigint, stage text, r int, m int) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT test_support.session_text(test_support.session_id(t, stage, r, m)) $$;
CREATE FUNCTION pg_temp.wo(t bigint, stage text, r int, m int, slot int) RETURNS void
LANGUAGE sql AS $$ SELECT tourney.submit_walkover(test_support.session_id(t, stage, r, m), slot) $$;

----------------------------------------------------------------------------
-- Knockout of 8 seeded 1 .. 8 with a third-place match
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('K', test_support.tournament('knockout', n => 8, name => 'walkover K', seeded => true, generate => true));
INSERT INTO test_support.fixtures (key, id)
SELECT k, test_support.session_id(test_support.id('K'), st, r, m)
FROM (VALUES ('qf1', 'main', 1, 1), ('qf2', 'main', 1, 2), ('qf3', 'main', 1, 3), ('qf4', 'main', 1, 4),
             ('sf1', 'main', 2, 1), ('sf2', 'main', 2, 2), ('final', 'main', 3, 1),
             ('third', 'third_place', 3, 1)) v(k, st, r, m);

SELECT lives_ok(test_support.subst('SELECT tourney.submit_walkover(@qf1@, 2)'), 'walkover of QF1 (1-8) for slot 2');
SELECT is(test_support.session_text(test_support.id('qf1')), 'walkover 1:s1:-:2 2:s8:-:1 -> s8',
          'QF1: a walkover, no scores, placements 2 and 1, seed 8 the winner');
SELECT is((SELECT format('%s/%s/%s', walkover, result_submitted, result_submitted_at = now())
           FROM tourney.sessions WHERE session_id = test_support.id('qf1')), 't/t/t',
          'sessions.walkover and result_submitted are true, result_submitted_at the time of the call');
SELECT is(test_support.session_text(test_support.id('sf1')), 'open 1:s8:-:-', 'seed 8 moved on to SF1, slot 1');
-- the identical walkover again: a no-op; another outcome: refused
SELECT is(test_support.refusal('SELECT tourney.submit_walkover(@qf1@, 2)'), 'ok', 'the identical walkover again: ok');
SELECT is(test_support.refusal(q), want, format('%s -> %s', what, want))
FROM (VALUES
    ('the other slot''s walkover', 'SELECT tourney.submit_walkover(@qf1@, 1)', '55000'),
    ('a result after the walkover', 'SELECT tourney.submit_result(@qf1@, ARRAY[1, 0])', '55000'),
    ('the walkover''s winner by a result', 'SELECT tourney.submit_result(@qf1@, ARRAY[0, 1])', '55000'),
    ('slot 0', 'SELECT tourney.submit_walkover(@qf2@, 0)', '22023'),
    ('slot 3', 'SELECT tourney.submit_walkover(@qf2@, 3)', '22023'),
    ('slot -1', 'SELECT tourney.submit_walkover(@qf2@, -1)', '22023'),
    ('slot 2^31 - 1', 'SELECT tourney.submit_walkover(@qf2@, 2147483647)', '22023'),
    ('slot NULL', 'SELECT tourney.submit_walkover(@qf2@, NULL)', '22004'),
    ('session NULL', 'SELECT tourney.submit_walkover(NULL, 1)', '22004'),
    ('an unknown session', 'SELECT tourney.submit_walkover(9223372036854775807, 1)', 'P0002'),
    ('session 0', 'SELECT tourney.submit_walkover(0, 1)', 'P0002'),
    ('a session with one participant known', 'SELECT tourney.submit_walkover(@sf1@, 1)', '55000'),
    ('a session with none known', 'SELECT tourney.submit_walkover(@final@, 2)', '55000'),
    ('the third-place match before the semi-finals', 'SELECT tourney.submit_walkover(@third@, 1)', '55000')) v(what, q, want);
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.submit_walkover(@qf1@, 1)')),
               '^session [0-9]+ already has a different walkover$', 'the message of another outcome names the session');
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.submit_walkover(@sf1@, 1)')),
               '^session [0-9]+ does not have both participants$', 'and of a session not yet filled');
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.submit_walkover(@qf2@, 5)')),
               'winner_slot', 'a bad slot: the message names winner_slot');
-- a result, then a walkover of that session: refused
SELECT lives_ok(test_support.subst('SELECT tourney.submit_result(@qf2@, ARRAY[3, 1])'), 'QF2 (4-5) played 3:1');
SELECT is(test_support.refusal('SELECT tourney.submit_walkover(@qf2@, 1)'), '55000',
          'a walkover of a played session, even for its winner -> 55000');
SELECT is(test_support.session_text(test_support.id('sf1')), 'open 1:s8:-:- 2:s4:-:-', 'SF1: seed 8 against seed 4');
-- the semi-final by walkover: the loser goes to the third-place match
SELECT lives_ok(test_support.subst('SELECT tourney.submit_walkover(@sf1@, 1)'), 'walkover of SF1 for seed 8');
SELECT is(test_support.session_text(test_support.id('final')), 'open 1:s8:-:-', 'seed 8 in the final');
SELECT is(test_support.session_text(test_support.id('third')), 'open 1:s4:-:-', 'seed 4 in the third-place match');
SELECT lives_ok(test_support.subst('SELECT tourney.submit_result(@qf3@, ARRAY[1, 0]); SELECT tourney.submit_result(@qf4@, ARRAY[0, 2]);'
                                   'SELECT tourney.submit_walkover(@sf2@, 2); SELECT tourney.submit_walkover(@third@, 2);'
                                   'SELECT tourney.submit_walkover(@final@, 2)'),
                'the rest: QF3 and QF4 played, SF2, the third-place match and the final by walkover');
SELECT is(array_agg(test_support.session_text(s) ORDER BY s),
          ARRAY['walkover 1:s2:-:2 2:s6:-:1 -> s6', 'walkover 1:s8:-:2 2:s6:-:1 -> s6', 'walkover 1:s4:-:2 2:s2:-:1 -> s2'],
          'SF2 for seed 6, the final for seed 6, the third-place match for seed 2')
FROM unnest(ARRAY[test_support.id('sf2'), test_support.id('final'), test_support.id('third')]) s;
-- counting: a win and a loss, no score
SELECT is(tourney.calculate_rankings(test_support.id('K')), 8, 'K is ranked');
SELECT is(array_agg(format('s%s:%s:%s/%s/%s/%s/%s:%s', sd.seed, r.rank, r.points, r.wins, r.draws, r.losses,
                           trim_scale(r.score_for), trim_scale(r.score_against)) ORDER BY sd.seed),
          '{s1:5:0/0/0/1/0:0,s2:3:2/2/0/1/1:0,s3:5:0/0/0/1/0:2,s4:4:1/1/0/2/3:1,s5:5:0/0/0/1/1:3,s6:1:3/3/0/0/2:0,s7:5:0/0/0/1/0:1,s8:2:2/2/0/1/0:0}',
          'seed:rank:points/wins/draws/losses/for:against: walkovers count as wins and losses, not in the scores')
FROM tourney.rankings r JOIN test_support.seeding(test_support.id('K')) sd USING (player_id)
WHERE r.tournament_id = test_support.id('K');
SELECT is(test_support.standings_mismatch(test_support.id('K')), 0, 'standings are the rankings');
SELECT is(test_support.event_problems(test_support.id('K')), 'status in_progress', 'the rules hold (one champion, the ladder)');
SELECT lives_ok(test_support.subst('SELECT tourney.complete_tournament(@K@)'), 'K completes');
SELECT is(test_support.refusal('SELECT tourney.submit_walkover(@qf1@, 2)'), '55000',
          'a walkover in a completed tournament, even the identical one -> 55000');

----------------------------------------------------------------------------
-- correct_result replaces a walkover
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('C', test_support.tournament('knockout', n => 4, name => 'walkover C', seeded => true, generate => true));
SELECT lives_ok(format('SELECT tourney.submit_walkover(%s, 1)', test_support.session_id(test_support.id('C'), 1, 1)),
                'C: walkover of semi-final 1 for seed 1');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('C'), 1, 1), '{2,1}'), '{}',
          'correct_result with the same winner: nothing reset');
SELECT is(pg_temp.txt(test_support.id('C'), 'main', 1, 1), 'played 1:s1:2:1 2:s4:1:2 -> s1',
          'the scores replace the walkover (walkover false)');
SELECT is(pg_temp.txt(test_support.id('C'), 'main', 2, 1), 'open 1:s1:-:-', 'seed 1 still in the final');
SELECT lives_ok(format('SELECT tourney.submit_walkover(%s, 2)', test_support.session_id(test_support.id('C'), 1, 2)),
                'walkover of semi-final 2 for seed 3');
SELECT lives_ok(format('SELECT tourney.submit_walkover(%s, 1)', test_support.session_id(test_support.id('C'), 2, 1)),
                'walkover of the final for seed 1');
SELECT is(test_support.sqlstate_of(format('SELECT tourney.correct_result(%s, ARRAY[1, 0])',
                                          test_support.session_id(test_support.id('C'), 1, 2))), '55000',
          'correcting semi-final 2 to the other winner, the final decided: 55000 without cascade');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('C'), 1, 2), '{5,0}', true),
          ARRAY[test_support.session_id(test_support.id('C'), 2, 1)],
          'with cascade: the final (the only session decided after it) is reset');
SELECT is(pg_temp.txt(test_support.id('C'), 'main', 1, 2), 'played 1:s2:5:1 2:s3:0:2 -> s2', 'semi-final 2: 5:0 for seed 2');
SELECT is(pg_temp.txt(test_support.id('C'), 'main', 2, 1), 'open 1:s1:-:- 2:s2:-:-', 'the final: open again, seed 2 in it');
SELECT is(pg_temp.txt(test_support.id('C'), 'third_place', 2, 1), 'open 1:s4:-:- 2:s3:-:-', 'the third-place match: seed 3 in it');
SELECT is(test_support.corrected(test_support.session_id(test_support.id('C'), 1, 1), '{0,3}', true),
          ARRAY[]::bigint[], 'a played semi-final corrected to the other winner, nothing decided after it: nothing reset');
SELECT is(pg_temp.txt(test_support.id('C'), 'main', 2, 1), 'open 1:s4:-:- 2:s2:-:-', 'seed 4 is in the final now');

----------------------------------------------------------------------------
-- Double elimination: the loser of a walkover goes down, a walkover
-- in the losers' bracket, the grand final and its reset
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('E', test_support.tournament('double_elimination', n => 4, name => 'walkover E', seeded => true, generate => true));
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''winners'', 1, 1, 2); SELECT pg_temp.wo(%1$s, ''winners'', 1, 2, 1)', test_support.id('E')),
                'E: winners'' round 1 by walkovers (for seeds 4 and 2)');
SELECT is(array_agg(pg_temp.txt(test_support.id('E'), st, r, 1) ORDER BY st DESC, r),
          ARRAY['open 1:s4:-:- 2:s2:-:-', 'open 1:s1:-:- 2:s3:-:-'],
          'the winners meet in winners'' round 2, the losers in losers'' round 1')
FROM (VALUES ('winners', 2), ('losers', 1)) v(st, r);
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''losers'', 1, 1, 2); SELECT pg_temp.wo(%1$s, ''winners'', 2, 1, 1)', test_support.id('E')),
                'losers'' round 1 for seed 3, winners'' final for seed 4, by walkovers');
SELECT is(pg_temp.txt(test_support.id('E'), 'losers', 2, 1), 'open 1:s2:-:- 2:s3:-:-',
          'the winners'' final''s loser drops into losers'' round 2 against seed 3');
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''losers'', 2, 1, 2); SELECT pg_temp.wo(%1$s, ''grand_final'', 1, 1, 2)', test_support.id('E')),
                'the losers'' final for seed 3, the grand final for seed 3 (the losers'' winner), by walkovers');
SELECT is(pg_temp.txt(test_support.id('E'), 'grand_final_reset', 1, 1), 'open 1:s4:-:- 2:s3:-:-',
          'the losers'' winner took the grand final by walkover: the reset is written with both');
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''grand_final_reset'', 1, 1, 1)', test_support.id('E')), 'the reset for seed 4 by walkover');
SELECT is(tourney.calculate_rankings(test_support.id('E')), 4, 'E is ranked');
SELECT is(array_agg(format('s%s:%s:%s/%s', sd.seed, r.rank, r.wins, r.losses) ORDER BY sd.seed),
          '{s1:4:0/2,s2:3:1/2,s3:2:3/2,s4:1:3/1}', 'seed:rank:wins/losses: two losses to go out, the reset decides')
FROM tourney.rankings r JOIN test_support.seeding(test_support.id('E')) sd USING (player_id)
WHERE r.tournament_id = test_support.id('E');
SELECT is(test_support.event_problems(test_support.id('E')), 'status in_progress', 'the rules of double elimination hold');

----------------------------------------------------------------------------
-- Swiss: the round's last walkover pairs the next round; round robin and
-- groups: 3 points a walkover, and the group stage's last writes the
-- knockout
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id) VALUES
    ('S', test_support.tournament('swiss', n => 5, name => 'walkover S', seeded => true, generate => true, number_of_rounds => 2)),
    ('R', test_support.tournament('round_robin', n => 4, name => 'walkover R', seeded => true, generate => true)),
    ('G', test_support.tournament('groups_knockout', n => 8, name => 'walkover G', seeded => true, generate => true,
                                  group_count => 2, advance_per_group => 1));
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''main'', 1, 1, 1)', test_support.id('S')), 'S: round 1 match 1 by walkover');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('S') AND round = 2), 0,
          'round 2 waits for match 2');
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''main'', 1, 2, 2)', test_support.id('S')), 'round 1 match 2 by walkover');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('S') AND round = 2)
          || '/' || (SELECT count(*) FROM tourney.byes WHERE tournament_id = test_support.id('S')), '2/2',
          'the round''s last walkover paired round 2: 2 sessions and a second bye');
SELECT is(array_agg(format('s%s:%s', sd.seed, s.points) ORDER BY sd.seed), '{s1:1.0,s2:0.0,s3:1.0,s4:1.0,s5:1.0}',
          'Swiss standings: a walkover win is 1 point, as the byes of seeds 5 and 3; a walkover loss 0')
FROM tourney.standings(test_support.id('S')) s JOIN test_support.seeding(test_support.id('S')) sd USING (player_id);
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''main'', 1, 1, 1); SELECT tourney.submit_result(test_support.session_id(%1$s, 1, 2), ARRAY[2, 2])',
                       test_support.id('R')), 'R: round 1 by a walkover (seed 1 over 4) and a 2:2 draw');
SELECT is(array_agg(format('s%s:%s:%s/%s/%s:%s:%s', sd.seed, s.points, s.wins, s.draws, s.losses, trim_scale(s.score_for), trim_scale(s.score_against))
                    ORDER BY sd.seed),
          '{s1:3:1/0/0:0:0,s2:1:0/1/0:2:2,s3:1:0/1/0:2:2,s4:0:0/0/1:0:0}',
          'round robin standings: the walkover is 3 points and a win for seed 1, a loss for seed 4, no score')
FROM tourney.standings(test_support.id('R')) s JOIN test_support.seeding(test_support.id('R')) sd USING (player_id);
SELECT lives_ok(format($$SELECT tourney.submit_walkover(s.session_id, 1) FROM tourney.sessions s
                         WHERE s.tournament_id = %s AND s.stage = 'group' ORDER BY s.session_id$$, test_support.id('G')),
                'G: every group session by walkover for slot 1');
SELECT is((SELECT string_agg(format('%s/%s/%s/%s', pool, pool_rank, wins, points), ' ' ORDER BY pool, pool_rank)
           FROM tourney.group_tables(test_support.id('G'))),
          '1/1/2/6 1/2/2/6 1/3/1/3 1/4/1/3 2/1/2/6 2/2/2/6 2/3/1/3 2/4/1/3',
          'the group tables count the walkovers: 3 points each, placed by the tie-breaks (pool/place/wins/points)');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('G') AND stage = 'main'), 1,
          'the last group walkover wrote the knockout (the final of the two group winners)');
SELECT is((SELECT count(*)::int FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE p.tournament_id = test_support.id('G') AND s.stage = 'main'), 2, 'with both players');

----------------------------------------------------------------------------
-- Individual ranking and sessions of one player: no walkover
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('I', test_support.tournament('individual_ranking', n => 3, name => 'walkover I', generate => true));
SELECT is(test_support.refusal(format('SELECT tourney.submit_walkover(%s, 1)', test_support.session_id(test_support.id('I'), 1, 1))),
          '55000', 'a walkover of an individual-ranking session (one participant) -> 55000');

----------------------------------------------------------------------------
-- Scheduled: a walkover gives up its time and court
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('T', test_support.tournament('knockout', n => 8, name => 'walkover T', seeded => true, generate => true));
SELECT is((tourney.schedule_sessions(test_support.id('T'), '2030-01-01 09:00+00', 30, 10, 2) ->> 'sessions')::int, 8,
          'T: 8 sessions scheduled on 2 courts');
SELECT is((SELECT count(*)::int FROM tourney.bookings WHERE tournament_id = test_support.id('T')), 8, '8 bookings');
CREATE TEMP TABLE t_before AS
SELECT session_id, starts_at, court FROM tourney.sessions WHERE tournament_id = test_support.id('T');
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''main'', 1, 1, 1)', test_support.id('T')), 'a walkover of round 1 match 1');
SELECT is((SELECT format('%s/%s/%s', starts_at, ends_at, court) FROM tourney.sessions
           WHERE session_id = test_support.session_id(test_support.id('T'), 1, 1)), '//',
          'the walkover has no time and no court any more');
SELECT is((SELECT count(*)::int FROM tourney.bookings WHERE tournament_id = test_support.id('T')), 7, 'and no booking');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN t_before b USING (session_id)
           WHERE s.result_submitted = false AND (s.starts_at, s.court) IS DISTINCT FROM (b.starts_at, b.court)
             AND s.starts_at < b.starts_at), 0, 'no session moved earlier than it was');
SELECT is(test_support.schedule_problems(test_support.id('T')), '', 'the schedule is sound');
SELECT lives_ok(format('SELECT tourney.submit_result(test_support.session_id(%s, 1, 2), ARRAY[1, 0])', test_support.id('T')),
                'round 1 match 2 played');
SELECT is((SELECT format('%s/%s', starts_at IS NOT NULL, court IS NOT NULL) FROM tourney.sessions
           WHERE session_id = test_support.session_id(test_support.id('T'), 1, 2)), 't/t',
          'a played session keeps its time and court');
SELECT lives_ok(format('SELECT pg_temp.wo(%s, ''main'', 2, 1, 2)', test_support.id('T')), 'the semi-final of those two by walkover');
SELECT is((SELECT format('%s/%s', starts_at, court) FROM tourney.sessions
           WHERE session_id = test_support.session_id(test_support.id('T'), 2, 1)), '/', 'it gives up its time and court too');
SELECT is((SELECT count(*)::int FROM tourney.bookings WHERE tournament_id = test_support.id('T')), 6,
          'its booking is gone (6 left: 5 pending and the played one)');
SELECT is(test_support.schedule_problems(test_support.id('T')), '', 'the schedule is still sound');
SELECT is(test_support.refusal(format('SELECT tourney.move_session(%s, %L)', test_support.session_id(test_support.id('T'), 1, 1),
                                      '2030-01-01 15:00+00')), '55000',
          'a walkover cannot be moved (it has a result)');
SELECT is(tourney.simulate_results(test_support.id('T'), 4), 5, 'simulate_results plays the 5 sessions left');
SELECT is(tourney.calculate_rankings(test_support.id('T')), 8, 'T ranks');
SELECT is(test_support.event_problems(test_support.id('T')), 'status in_progress', 'and the rules hold');

SELECT * FROM finish();
ROLLBACK;
