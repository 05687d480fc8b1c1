-- Check-in before the draw (SPEC §3e, issue 18; README "The event day"):
-- check_in marks enrolled players of a draft as present, once (a second
-- check-in keeps the first time), and returns how many of the listed
-- players are checked in; drop_unchecked removes the enrolments without a
-- check-in and closes the seeds up to 1 .. k in their old order.  Both
-- are refused after the draw (in progress, a generation queued, completed,
-- cancelled), and every refusal changes nothing.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(62);

-- p1 .. p10; D a knockout draft of p1 .. p6 with seeds 10, -, 30, 20, -, 5;
-- O another draft, of p8
INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(10, 'checkin', '1500 + g'));
INSERT INTO test_support.fixtures (key, id)
SELECT 'p' || i, (test_support.ids('p'))[i] FROM generate_series(1, 10) i;
INSERT INTO test_support.fixtures (key, id) VALUES
    ('D', tourney.create_tournament('checkin D', 'knockout')),
    ('O', tourney.create_tournament('checkin O', 'knockout'));
SELECT tourney.enroll(test_support.id('D'), (test_support.ids('p'))[1:6], ARRAY[10, NULL, 30, 20, NULL, 5]) \g /dev/null
SELECT tourney.enroll(test_support.id('O'), ARRAY[test_support.id('p8')]) \g /dev/null

-- "seed:checked in" of each enrolment of D, by player
CREATE FUNCTION pg_temp.roster(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('p%s:%s:%s', array_position(test_support.ids('p'), e.player_id), coalesce(e.seed::text, '-'),
                             CASE WHEN e.checked_in_at IS NULL THEN 'out' ELSE 'in' END), ' ' ORDER BY e.player_id)
    FROM tourney.enrollments e WHERE e.tournament_id = t
$$;

----------------------------------------------------------------------------
-- check_in
----------------------------------------------------------------------------
SELECT is(pg_temp.roster(test_support.id('D')), 'p1:10:out p2:-:out p3:30:out p4:20:out p5:-:out p6:5:out',
          'D before check-in: nobody checked in');
SELECT is(tourney.check_in(test_support.id('D'), ARRAY[test_support.id('p1'), test_support.id('p1'), test_support.id('p3')]), 2,
          'check_in of p1, p1, p3 returns 2: the listed players, each once');
SELECT is(pg_temp.roster(test_support.id('D')), 'p1:10:in p2:-:out p3:30:in p4:20:out p5:-:out p6:5:out',
          'p1 and p3 are checked in, nobody else, the seeds unchanged');
SELECT is((SELECT array_agg(checked_in_at = now() ORDER BY player_id) FROM tourney.enrollments
           WHERE tournament_id = test_support.id('D') AND checked_in_at IS NOT NULL), '{t,t}',
          'checked_in_at is the time of the call');
-- a second check-in keeps the first time (set back here, as a call made
-- earlier would have left it)
UPDATE tourney.enrollments SET checked_in_at = '2030-01-01 08:00+00'
WHERE tournament_id = test_support.id('D') AND player_id = test_support.id('p1');
SELECT is(tourney.check_in(test_support.id('D'), ARRAY[test_support.id('p3'), test_support.id('p1')]), 2,
          'the same check-in again returns the same 2');
SELECT is((SELECT checked_in_at FROM tourney.enrollments
           WHERE tournament_id = test_support.id('D') AND player_id = test_support.id('p1')),
          '2030-01-01 08:00+00'::timestamptz, 'and p1 keeps the time of its first check-in');
SELECT is(tourney.check_in(test_support.id('D'), ARRAY[test_support.id('p1'), test_support.id('p2')]), 2,
          'p1 (in already) and p2: 2, the listed players checked in');
SELECT is(pg_temp.roster(test_support.id('D')), 'p1:10:in p2:-:in p3:30:in p4:20:out p5:-:out p6:5:out',
          'p1, p2 and p3 are checked in');
SELECT is(tourney.check_in(test_support.id('D'), '{}'), 0, 'an empty list: 0');

-- refusals: SQLSTATE, and nothing changed
SELECT is(test_support.refusal(q), want, format('check_in %s -> %s', what, want))
FROM (VALUES
    ('NULL tournament', 'SELECT tourney.check_in(NULL, ARRAY[@p4@])', '22004'),
    ('NULL list', 'SELECT tourney.check_in(@D@, NULL)', '22004'),
    ('a NULL in the list', 'SELECT tourney.check_in(@D@, ARRAY[@p4@, NULL])', '22004'),
    ('a two-dimensional list', 'SELECT tourney.check_in(@D@, ARRAY[[@p4@, @p5@]])', '22023'),
    ('unknown tournament', 'SELECT tourney.check_in(9223372036854775807, ARRAY[@p4@])', 'P0002'),
    ('unknown player', 'SELECT tourney.check_in(@D@, ARRAY[@p4@, 9223372036854775807])', 'P0002'),
    ('a player enrolled in no tournament', 'SELECT tourney.check_in(@D@, ARRAY[@p4@, @p7@])', '55000'),
    ('a player of another tournament', 'SELECT tourney.check_in(@D@, ARRAY[@p8@, @p5@])', '55000')) v(what, q, want);
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.check_in(@D@, ARRAY[@p7@])')),
               '^player [0-9]+ is not enrolled in tournament [0-9]+$',
               'not enrolled: the message names the player and the tournament');
SELECT is(pg_temp.roster(test_support.id('D')), 'p1:10:in p2:-:in p3:30:in p4:20:out p5:-:out p6:5:out',
          'after the refusals D is as it was (p4, p5 listed with a bad id are not checked in)');

----------------------------------------------------------------------------
-- drop_unchecked: seeds close up
----------------------------------------------------------------------------
SELECT is(tourney.drop_unchecked(test_support.id('D')), 3, 'drop_unchecked removes p4, p5, p6: 3');
SELECT is(pg_temp.roster(test_support.id('D')), 'p1:1:in p2:-:in p3:2:in',
          'p1, p2, p3 stay; the seeds 10 and 30 close up to 1 and 2 in their order, p2 stays without one');
SELECT is(tourney.drop_unchecked(test_support.id('D')), 0, 'again: 0');
SELECT is(pg_temp.roster(test_support.id('D')), 'p1:1:in p2:-:in p3:2:in', 'and nothing changes');
SELECT is((SELECT count(*)::int FROM tourney.enrollments WHERE tournament_id = test_support.id('O')), 1,
          'the other tournament''s enrolment (p8, not checked in there) is untouched');
SELECT is(tourney.enroll(test_support.id('D'), ARRAY[test_support.id('p4'), test_support.id('p6')], ARRAY[3, NULL]), 2,
          'a dropped player can be enrolled again (p4 with the free seed 3, p6)');
SELECT is(tourney.check_in(test_support.id('D'), ARRAY[test_support.id('p4'), test_support.id('p6')]), 2,
          'and checked in');
SELECT isnt(tourney.generate_sessions(test_support.id('D'), async => false), NULL, 'D is drawn');
-- the draw uses the closed-up seeds: seeds 1, 2, 3 are p1, p3, p4, then p2
-- and p6 by rating (p6 1506 before p2 1502)
SELECT is((SELECT array_agg(array_position(test_support.ids('p'), s.player_id) ORDER BY s.seed)
           FROM test_support.seeding(test_support.id('D')) s), '{1,3,4,6,2}',
          'the draw seeds p1, p3, p4 (the seeds 1, 2, 3), then p6 and p2 by rating');
SELECT is(test_support.lineup(test_support.session_id(test_support.id('D'), 1, 1)), '1:4 2:5',
          '5 players: round 1 match 1 pairs seeds 4 and 5');

-- more seed patterns: every gap and order kept
CREATE FUNCTION pg_temp.closed(seeds int[], checked bool[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := tourney.create_tournament('checkin seeds', 'round_robin');
    ps bigint[] := test_support.players(cardinality(seeds), 'checkin seeds');
    dropped int;
BEGIN
    PERFORM tourney.enroll(t, ps, seeds);
    PERFORM tourney.check_in(t, ARRAY(SELECT ps[i] FROM generate_series(1, cardinality(ps)) i WHERE checked[i]));
    dropped := tourney.drop_unchecked(t);
    RETURN 'ok ' || dropped || ': ' || coalesce((SELECT string_agg(coalesce(e.seed::text, '-'), ',' ORDER BY e.player_id)
                                                 FROM tourney.enrollments e WHERE e.tournament_id = t), '');
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT is(pg_temp.closed(seeds, checked), want, format('seeds %s, checked in %s -> %s', seeds, checked, want))
FROM (VALUES
    ('{1,2,3,4}'::int[], '{t,f,t,f}'::bool[], 'ok 2: 1,2'),
    ('{4,3,2,1}', '{t,t,f,t}', 'ok 1: 3,2,1'),
    ('{7,NULL,3,NULL,9}', '{t,t,t,f,f}', 'ok 2: 2,-,1'),
    ('{NULL,NULL,NULL}', '{f,t,f}', 'ok 2: -'),
    ('{2,1}', '{f,f}', 'ok 2: '),
    ('{100,50,NULL,25}', '{t,f,t,t}', 'ok 1: 2,-,1'),
    -- the largest seeds enroll accepts: they close up like any others
    -- (fail: drop_unchecked first moves every seed up by the largest
    -- one, which overflows int, 22003)
    ('{2147483647,1073741824,5}', '{t,t,f}', 'ok 1: 2,1'),
    ('{2147483647,2147483646,1}', '{t,t,f}', 'ok 1: 2,1')) v(seeds, checked, want);

----------------------------------------------------------------------------
-- after the draw, and while a generation is queued
----------------------------------------------------------------------------
-- Q: a draft whose generation is queued (this transaction's task, which
-- no worker sees before COMMIT); C: completed; X: cancelled
DO $fixtures$
DECLARE
    id bigint;
BEGIN
    id := test_support.tournament('knockout', (test_support.ids('p'))[7:10], 'checkin Q');
    INSERT INTO test_support.fixtures (key, id, value)
    VALUES ('Q', id, NULL), ('taskQ', NULL, quote_literal(tourney.generate_sessions(id, async => true)) || '::uuid');
    id := test_support.tournament('knockout', (test_support.ids('p'))[7:8], 'checkin C', generate => true);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('C', id);
    id := test_support.tournament('knockout', (test_support.ids('p'))[7:8], 'checkin X');
    PERFORM tourney.cancel_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('X', id);
END $fixtures$;
SELECT is(test_support.refusal(q), want, format('%s -> %s', what, want))
FROM (VALUES
    ('check_in in progress', 'SELECT tourney.check_in(@D@, ARRAY[@p1@])', '55000'),
    ('drop_unchecked in progress', 'SELECT tourney.drop_unchecked(@D@)', '55000'),
    ('check_in, generation queued', 'SELECT tourney.check_in(@Q@, ARRAY[@p7@])', '55000'),
    ('drop_unchecked, generation queued', 'SELECT tourney.drop_unchecked(@Q@)', '55000'),
    ('check_in completed', 'SELECT tourney.check_in(@C@, ARRAY[@p7@])', '55000'),
    ('drop_unchecked completed', 'SELECT tourney.drop_unchecked(@C@)', '55000'),
    ('check_in cancelled', 'SELECT tourney.check_in(@X@, ARRAY[@p7@])', '55000'),
    ('drop_unchecked cancelled', 'SELECT tourney.drop_unchecked(@X@)', '55000'),
    ('drop_unchecked NULL', 'SELECT tourney.drop_unchecked(NULL)', '22004'),
    ('drop_unchecked unknown tournament', 'SELECT tourney.drop_unchecked(9223372036854775807)', 'P0002'),
    ('drop_unchecked unknown tournament 0', 'SELECT tourney.drop_unchecked(0)', 'P0002')) v(what, q, want);
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.check_in(@Q@, ARRAY[@p7@])')),
               'generation of tournament [0-9]+ is queued', 'queued: the message says the generation is queued');
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.drop_unchecked(@D@)')),
               'tournament [0-9]+ is in_progress', 'in progress: the message says so');
-- the queued generation cancelled: a draft again, check-in works
SELECT is((SELECT (tourney.cancel_task(k.task_id)).status::text FROM tourney.tasks k
           WHERE k.tournament_id = test_support.id('Q')), 'cancelled',
          'the queued generation of Q is cancelled');
SELECT is(tourney.check_in(test_support.id('Q'), ARRAY[test_support.id('p7'), test_support.id('p8')]), 2,
          'Q is a draft without a pending generation: check_in works');
SELECT is(tourney.drop_unchecked(test_support.id('Q')), 2, 'and drop_unchecked removes p9 and p10');
SELECT isnt(tourney.generate_sessions(test_support.id('Q'), async => false), NULL, 'Q is generated with p7 and p8');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('Q')), 1,
          'two players: one session');

-- every format draws after a drop (groups need the players the groups take)
CREATE FUNCTION pg_temp.drop_and_draw(fmt text, n int, keep int, g int DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    ps bigint[] := test_support.players(n, 'checkin ' || fmt, '1500 + g');
    t bigint := tourney.create_tournament('checkin ' || fmt, fmt, group_count => g);
    outcome text;
BEGIN
    PERFORM tourney.enroll(t, ps, ARRAY(SELECT n + 1 - i FROM generate_series(1, n) i));
    PERFORM tourney.check_in(t, ps[1:keep]);
    PERFORM tourney.drop_unchecked(t);
    outcome := test_support.sqlstate_of(format('SELECT tourney.generate_sessions(%s, async => false)', t));
    RETURN outcome || '/' || (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = t)
        || '/' || (SELECT string_agg(e.seed::text, ',' ORDER BY e.player_id) FROM tourney.enrollments e WHERE e.tournament_id = t)
        || '/' || (SELECT count(DISTINCT p.player_id) FROM tourney.session_participants p WHERE p.tournament_id = t);
END $$;
SELECT is(pg_temp.drop_and_draw(fmt, n, keep, g), want, format('%s of %s, %s checked in -> %s', fmt, n, keep, want))
FROM (VALUES
    ('knockout', 8, 5, NULL::int, 'ok/5/5,4,3,2,1/5'),
    ('double_elimination', 8, 3, NULL, 'ok/3/3,2,1/3'),
    ('double_elimination', 8, 2, NULL, '55000/2/2,1/0'),
    ('round_robin', 6, 4, NULL, 'ok/4/4,3,2,1/4'),
    ('swiss', 9, 7, NULL, 'ok/7/7,6,5,4,3,2,1/6'),
    ('individual_ranking', 5, 1, NULL, 'ok/1/1/1'),
    ('groups_knockout', 12, 6, 2, 'ok/6/6,5,4,3,2,1/6')) v(fmt, n, keep, g, want);

SELECT * FROM finish();
ROLLBACK;
