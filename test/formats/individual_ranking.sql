-- individual_ranking: sessions, campus spread and capacity, ranking by summed
-- score in the tournament's direction with competition ranking (SPEC §3).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(43);

CREATE FUNCTION pg_temp.mkplayers(n int, prefix text) RETURNS bigint[]
LANGUAGE sql AS $$ SELECT test_support.players(n, prefix, '1400 + (g * 53) % 400') $$;

-- the session of player p in round rnd of tournament t
CREATE FUNCTION pg_temp.sess(t bigint, p bigint, rnd int) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT s.session_id FROM tourney.sessions s
    JOIN tourney.session_participants sp USING (tournament_id, session_id)
    WHERE s.tournament_id = t AND sp.player_id = p AND s.round = rnd
$$;

-- the campus with name nm
CREATE FUNCTION pg_temp.campus(nm text) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT campus_id FROM tourney.campuses WHERE name = nm $$;

INSERT INTO tourney.campuses (name, capacity) VALUES
    ('ir north', 3), ('ir south', 3), ('ir east', 3), ('ir west', NULL),
    ('ir tiny', 1), ('ir fourth', 3);

----------------------------------------------------------------------------
-- 10 players, 3 rounds, 4 campuses (capacities 3, 3, 3, unlimited)
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('players', NULL, pg_temp.mkplayers(10, 'ir'));
INSERT INTO test_support.fixtures VALUES ('t', tourney.create_tournament('ir 10x3', 'individual_ranking',
    number_of_rounds => 3,
    campus_ids => ARRAY[pg_temp.campus('ir north'), pg_temp.campus('ir south'),
                        pg_temp.campus('ir east'), pg_temp.campus('ir west')]));
SELECT is(tourney.enroll(test_support.id('t'), test_support.ids('players')),
          10, 'enroll 10 players');
SELECT is((tourney.generation_status(
              tourney.generate_sessions(test_support.id('t'), async => false))).status::text,
          'done', 'generate_sessions (synchronous) is done');

SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('t')),
          30, 'N x rounds = 30 sessions');
SELECT is((SELECT array_agg(DISTINCT stage) FROM tourney.sessions WHERE tournament_id = test_support.id('t')),
          ARRAY['main'], 'all sessions are in stage main');
SELECT is((SELECT array_agg(format('%s:%s/%s/%s', round, c, lo, hi) ORDER BY round) FROM (
              SELECT round, count(*) c, min(match_number) lo, max(match_number) hi
              FROM tourney.sessions WHERE tournament_id = test_support.id('t')
              GROUP BY round) x),
          ARRAY['1:10/1/10', '2:10/1/10', '3:10/1/10'],
          'rounds 1..3, each with match_number 1..10');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           WHERE s.tournament_id = test_support.id('t')
             AND (SELECT array_agg(p.slot::int) FROM tourney.session_participants p
                  WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id)
                 IS DISTINCT FROM ARRAY[1]),
          0, 'every session has exactly one participant, in slot 1');
SELECT set_eq(
    $$SELECT s.round, p.player_id FROM tourney.sessions s
      JOIN tourney.session_participants p USING (tournament_id, session_id)
      WHERE s.tournament_id = test_support.id('t')$$,
    $$SELECT r, unnest(test_support.ids('players')) FROM generate_series(1, 3) r$$,
    'every player plays once in every round');
SELECT is((SELECT count(*)::int FROM tourney.session_participants
           WHERE tournament_id = test_support.id('t')),
          30, 'no player twice in a round');
SELECT is((SELECT count(*)::int FROM tourney.sessions
           WHERE tournament_id = test_support.id('t')
             AND (winner_id IS NOT NULL OR next_session_id IS NOT NULL
                  OR loser_next_session_id IS NOT NULL OR result_submitted)),
          0, 'winner_id NULL, no advancement, no result yet');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.tournaments t USING (tournament_id)
           WHERE s.tournament_id = test_support.id('t')
             AND (s.campus_id IS NULL OR NOT s.campus_id = ANY (t.campus_ids))),
          0, 'every session is at one of the tournament''s campuses');
-- loads per round and campus, campuses without sessions counted as 0
CREATE TEMP VIEW loads AS
    SELECT t.tournament_id, r.round, c.campus_id, c.capacity,
           (SELECT count(*) FROM tourney.sessions s
            WHERE s.tournament_id = t.tournament_id AND s.round = r.round
              AND s.campus_id = c.campus_id)::int AS load
    FROM tourney.tournaments t
    CROSS JOIN LATERAL (SELECT DISTINCT round FROM tourney.sessions s
                        WHERE s.tournament_id = t.tournament_id) r
    JOIN tourney.campuses c ON c.campus_id = ANY (t.campus_ids);
SELECT is((SELECT array_agg(l ORDER BY round) FROM (
              SELECT round, max(load) - min(load) AS l FROM loads
              WHERE tournament_id = test_support.id('t') GROUP BY round) x),
          ARRAY[1, 1, 1], 'per round, campus loads differ by at most one (10 over 4: 3,3,2,2)');
SELECT is((SELECT array_agg(load ORDER BY load) FROM loads
           WHERE tournament_id = test_support.id('t') AND round = 2),
          ARRAY[2, 2, 3, 3], 'round 2 loads are 2, 2, 3, 3');
SELECT is((SELECT count(*)::int FROM loads
           WHERE tournament_id = test_support.id('t') AND load > capacity),
          0, 'no campus exceeds its capacity');

-- simulate and rank
SELECT is(tourney.simulate_results(test_support.id('t'), 5), 30,
          'simulate_results gives all 30 sessions a result');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.session_participants p USING (tournament_id, session_id)
           WHERE s.tournament_id = test_support.id('t')
             AND s.result_submitted AND s.winner_id IS NULL
             AND p.score IS NOT NULL AND p.placement = 1),
          30, 'each session: result, a score, placement 1, winner_id still NULL');
SELECT is(tourney.calculate_rankings(test_support.id('t')), 10,
          'calculate_rankings returns 10');
SELECT set_eq(
    $$SELECT player_id, rank, points FROM tourney.rankings
      WHERE tournament_id = test_support.id('t')$$,
    $$SELECT p.player_id, (rank() OVER (ORDER BY sum(p.score) DESC))::int, sum(p.score)
      FROM tourney.session_participants p
      WHERE p.tournament_id = test_support.id('t')
      GROUP BY p.player_id$$,
    'ranking = competition rank of the summed score, descending; points = total score');

----------------------------------------------------------------------------
-- campuses: a campus too small for its share fails before writing anything
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures VALUES ('small', tourney.create_tournament('ir small campus', 'individual_ranking',
    number_of_rounds => 2,
    campus_ids => ARRAY[pg_temp.campus('ir north'), pg_temp.campus('ir south'),
                        pg_temp.campus('ir east'), pg_temp.campus('ir tiny')]));
SELECT is(tourney.enroll(test_support.id('small'), pg_temp.mkplayers(10, 'ir small')),
          10, 'enroll 10 players for the small campus');
SELECT throws_ok(
    format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('small')),
    '55000', NULL,
    'a campus with capacity 1 cannot take its 2 or 3 of 10 sessions per round: 55000');

-- exact fit: 12 players over four campuses of capacity 3
INSERT INTO test_support.fixtures VALUES ('exact', tourney.create_tournament('ir exact fit', 'individual_ranking',
    number_of_rounds => 2,
    campus_ids => ARRAY[pg_temp.campus('ir north'), pg_temp.campus('ir south'),
                        pg_temp.campus('ir east'), pg_temp.campus('ir fourth')]));
SELECT is(tourney.enroll(test_support.id('exact'), pg_temp.mkplayers(12, 'ir exact')),
          12, 'enroll 12 players for the exact fit');
SELECT lives_ok(
    format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('exact')),
    '12 sessions per round fit exactly into 4 campuses of capacity 3');
SELECT is((SELECT array_agg(DISTINCT load) FROM loads WHERE tournament_id = test_support.id('exact')),
          ARRAY[3], 'every campus hosts exactly 3 sessions per round');

----------------------------------------------------------------------------
-- ranking order and ties, entered with submit_result
-- totals: a 10+10 = 20, b 5+10 = 15, c 7.5+7.5 = 15, d 1+1 = 2
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.tie_tournament(name text, scoring text, direction text, players bigint[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
BEGIN
    t := tourney.create_tournament(name, 'individual_ranking', scoring_type => scoring,
                                   ranking_direction => direction, number_of_rounds => 2);
    PERFORM tourney.enroll(t, players);
    PERFORM tourney.generate_sessions(t, async => false);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[1], 1), ARRAY[10]);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[2], 1), ARRAY[5]);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[3], 1), ARRAY[7.5]);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[4], 1), ARRAY[1]);
    RETURN t;
END $$;
CREATE FUNCTION pg_temp.round2(t bigint, players bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tourney.submit_result(pg_temp.sess(t, players[1], 2), ARRAY[10]);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[2], 2), ARRAY[10]);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[3], 2), ARRAY[7.5]);
    PERFORM tourney.submit_result(pg_temp.sess(t, players[4], 2), ARRAY[1]);
END $$;
-- ranks of the players in array order, from rankings or standings
CREATE FUNCTION pg_temp.ranks(t bigint, players bigint[]) RETURNS int[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(r.rank ORDER BY u.i)
    FROM unnest(players) WITH ORDINALITY u(p, i)
    LEFT JOIN tourney.rankings r ON r.tournament_id = t AND r.player_id = u.p
$$;
CREATE FUNCTION pg_temp.standing_ranks(t bigint, players bigint[]) RETURNS int[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(s.rank ORDER BY u.i)
    FROM unnest(players) WITH ORDINALITY u(p, i)
    LEFT JOIN tourney.standings(t) s ON s.player_id = u.p
$$;

INSERT INTO test_support.fixtures VALUES ('tie players', NULL, pg_temp.mkplayers(4, 'ir tie'));
INSERT INTO test_support.fixtures (key, id)
VALUES ('desc', pg_temp.tie_tournament('ir ties desc', 'score_based', NULL, test_support.ids('tie players')));

SELECT is((SELECT (placement, winner_id IS NULL, result_submitted)::text
           FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE s.session_id = pg_temp.sess(test_support.id('desc'),
                                             (test_support.ids('tie players'))[3], 1)),
          '(1,t,t)', 'submit_result on a one-player session: placement 1, no winner, submitted');
SELECT is((SELECT score FROM tourney.session_participants
           WHERE session_id = pg_temp.sess(test_support.id('desc'),
                                           (test_support.ids('tie players'))[3], 1)),
          7.5, 'the score is stored exactly');
SELECT throws_ok(
    format('SELECT tourney.calculate_rankings(%s)', test_support.id('desc')),
    '55000', NULL, 'calculate_rankings with round 2 still open: 55000');
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('desc'))),
          4, 'standings after round 1: one row per player');
SELECT is(pg_temp.standing_ranks(test_support.id('desc'), test_support.ids('tie players')),
          ARRAY[1, 3, 2, 4], 'standings after round 1 follow the scores so far (10, 5, 7.5, 1)');

SELECT lives_ok(
    format('SELECT pg_temp.round2(%s, %L)', test_support.id('desc'),
           test_support.ids('tie players')),
    'round 2 results');
SELECT is(tourney.calculate_rankings(test_support.id('desc')), 4, 'calculate_rankings returns 4');
SELECT is(pg_temp.ranks(test_support.id('desc'), test_support.ids('tie players')),
          ARRAY[1, 2, 2, 4], 'totals 20, 15, 15, 2 descending: ranks 1, 2, 2, 4');
SELECT is((SELECT array_agg(r.points ORDER BY u.i)
           FROM unnest(test_support.ids('tie players')) WITH ORDINALITY u(p, i)
           JOIN tourney.rankings r ON r.player_id = u.p
           WHERE r.tournament_id = test_support.id('desc')),
          ARRAY[20, 15, 15, 2]::numeric[], 'points are the summed scores');
SELECT is(pg_temp.standing_ranks(test_support.id('desc'), test_support.ids('tie players')),
          ARRAY[1, 2, 2, 4], 'standings agree with the rankings at the end');

-- time_based ranks ascending by default
INSERT INTO test_support.fixtures (key, id)
VALUES ('asc', pg_temp.tie_tournament('ir ties time', 'TIME_BASED', NULL, test_support.ids('tie players')));
SELECT is((SELECT ranking_direction::text FROM tourney.tournaments WHERE tournament_id = test_support.id('asc')),
          'asc', 'time_based defaults to ranking_direction asc');
SELECT lives_ok(
    format('SELECT pg_temp.round2(%s, %L)', test_support.id('asc'),
           test_support.ids('tie players')),
    'round 2 results (time_based)');
SELECT is(tourney.calculate_rankings(test_support.id('asc')), 4, 'calculate_rankings returns 4 (time_based)');
SELECT is(pg_temp.ranks(test_support.id('asc'), test_support.ids('tie players')),
          ARRAY[4, 2, 2, 1], 'time_based, totals 20, 15, 15, 2 ascending: ranks 4, 2, 2, 1');

-- an explicit direction overrides the scoring type's default
INSERT INTO test_support.fixtures (key, id)
VALUES ('time desc', pg_temp.tie_tournament('ir ties time desc', 'time_based', 'DESC', test_support.ids('tie players')));
SELECT lives_ok(
    format('SELECT pg_temp.round2(%s, %L); SELECT tourney.calculate_rankings(%1$s)',
           test_support.id('time desc'), test_support.ids('tie players')),
    'round 2 results and rankings (time_based, desc)');
SELECT is(pg_temp.ranks(test_support.id('time desc'), test_support.ids('tie players')),
          ARRAY[1, 2, 2, 4], 'time_based with ranking_direction DESC: ranks 1, 2, 2, 4');

-- simulated time_based results rank ascending
INSERT INTO test_support.fixtures VALUES ('sim time', tourney.create_tournament('ir sim time', 'individual_ranking',
    scoring_type => 'time_based', number_of_rounds => 2));
SELECT is(tourney.enroll(test_support.id('sim time'), pg_temp.mkplayers(20, 'ir sim time')),
          20, 'enroll 20 players (time_based)');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('sim time')),
                'generate (time_based)');
SELECT is(tourney.simulate_results(test_support.id('sim time'), 9), 40, 'simulate 40 sessions (time_based)');
SELECT is(tourney.calculate_rankings(test_support.id('sim time')), 20, 'calculate_rankings returns 20 (time_based)');
SELECT set_eq(
    $$SELECT player_id, rank FROM tourney.rankings
      WHERE tournament_id = test_support.id('sim time')$$,
    $$SELECT p.player_id, (rank() OVER (ORDER BY sum(p.score)))::int
      FROM tourney.session_participants p
      WHERE p.tournament_id = test_support.id('sim time')
      GROUP BY p.player_id$$,
    'time_based: competition rank of the summed time, ascending');

SELECT * FROM finish();
ROLLBACK;
