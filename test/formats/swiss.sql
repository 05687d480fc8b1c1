-- Swiss (SPEC §3 "swiss", issue 4): round 1 top half against bottom half,
-- later rounds paired when the previous one is complete, within score
-- groups, never a rematch, at most one bye each (to the lowest-ranked player
-- without one), number of rounds, and the ranking by points, Buchholz and
-- Sonneborn-Berger, checked against an independent computation here.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;

-- 10 cases x 21 + 2 + 35 hand-played + 13 rounds and arguments
SELECT plan(10 * 21 + 2 + 35 + 13 + 4);

-- Every game and bye of every player, from session_participants and byes:
-- round, opponent (NULL for a bye) and the points it earned (1 a win or a
-- bye, 1/2 a draw, 0 a loss; higher score wins).
CREATE FUNCTION pg_temp.games(tid bigint)
RETURNS TABLE (player_id bigint, round int, opponent bigint, pts numeric)
LANGUAGE sql STABLE AS $$
    SELECT me.player_id, s.round, op.player_id,
           CASE WHEN me.score > op.score THEN 1 WHEN me.score = op.score THEN 0.5 ELSE 0 END::numeric
    FROM tourney.sessions s
    JOIN tourney.session_participants me ON me.tournament_id = tid AND me.session_id = s.session_id
    JOIN tourney.session_participants op
      ON op.tournament_id = tid AND op.session_id = s.session_id AND op.slot <> me.slot
    WHERE s.tournament_id = tid AND s.result_submitted
    UNION ALL
    SELECT b.player_id, b.round, NULL, 1 FROM tourney.byes b WHERE b.tournament_id = tid
$$;

-- The final ranking computed here: points (test_support.points_before: 1 a
-- win or a bye, 1/2 a draw), Buchholz (sum of the opponents'
-- points), Sonneborn-Berger (beaten opponents' points + half of drawn
-- opponents' points); ties share the rank.
CREATE FUNCTION pg_temp.expected(tid bigint)
RETURNS TABLE (player_id bigint, rank int, points numeric, buchholz numeric, sb numeric)
LANGUAGE sql STABLE AS $$
    WITH pts AS (SELECT * FROM test_support.points_before(tid, 2147483647)),
    br AS (
        SELECT e.player_id,
               coalesce(sum(o.points) FILTER (WHERE g.opponent IS NOT NULL), 0) AS buchholz,
               coalesce(sum(o.points * g.pts) FILTER (WHERE g.opponent IS NOT NULL), 0) AS sb
        FROM tourney.enrollments e
        LEFT JOIN pg_temp.games(tid) g ON g.player_id = e.player_id
        LEFT JOIN pts o ON o.player_id = g.opponent
        WHERE e.tournament_id = tid
        GROUP BY e.player_id)
    SELECT p.player_id,
           (rank() OVER (ORDER BY p.points DESC, b.buchholz DESC, b.sb DESC))::int,
           p.points, b.buchholz, b.sb
    FROM pts p JOIN br b USING (player_id)
$$;

-- One Swiss tournament of n players (rounds NULL: the default), simulated
-- with `seed`; nseeded of them with explicit seeds.  21 assertions.
CREATE FUNCTION pg_temp.sw(n int, rounds int, nseeded int, seed bigint)
RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    r int := coalesce(rounds, ceil(log(2, n))::int);
    half int := n / 2;
    tid bigint;
    ids bigint[];
    enrolled int := 0;
    task uuid;
    lbl text;
    v bigint;
BEGIN
    lbl := format('N=%s, %s rounds%s, seed %s: ', n, r,
                  CASE WHEN nseeded > 0 THEN format(', %s seeded', nseeded) ELSE '' END, seed);
    ids := test_support.players(n, format('swiss %s', n), '1400 + ((g * 53) % 23) * 10');

    IF rounds IS NULL THEN
        tid := tourney.create_tournament(format('swiss %s', n), 'swiss');
    ELSE
        tid := tourney.create_tournament(format('swiss %s', n), 'Swiss', number_of_rounds => rounds);
    END IF;
    -- the last nseeded players get explicit, non-contiguous seeds, the very
    -- last one the best (5)
    enrolled := test_support.enroll_last_seeded(tid, ids, nseeded, 5);
    RETURN NEXT is(enrolled, n, lbl || 'enrolled');

    task := tourney.generate_sessions(tid, async => false);
    RETURN NEXT is((tourney.generation_status(task)).status::text, 'done', lbl || 'generation done');
    RETURN NEXT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = tid), r,
                   lbl || CASE WHEN rounds IS NULL THEN format('number_of_rounds set to ceil(log2 %s) = %s', n, r)
                               ELSE format('number_of_rounds %s', r) END);
    RETURN NEXT is((SELECT array_agg(round ORDER BY round) FROM tourney.sessions WHERE tournament_id = tid),
                   array_fill(1, ARRAY[half]), lbl || format('at generation: round 1 only, %s sessions', half));

    -- round 1: seed i against seed i + N/2, the better seed in slot 1
    SELECT count(*) INTO v FROM (
        (SELECT m.i AS match_number, 1 AS slot, a.player_id FROM generate_series(1, half) m(i)
         JOIN test_support.seeding(tid) a ON a.seed = m.i
         UNION ALL
         SELECT m.i, 2, b.player_id FROM generate_series(1, half) m(i)
         JOIN test_support.seeding(tid) b ON b.seed = m.i + half)
        EXCEPT
        SELECT s.match_number, p.slot, p.player_id FROM tourney.sessions s
        JOIN tourney.session_participants p USING (tournament_id, session_id)
        WHERE s.tournament_id = tid) d;
    RETURN NEXT is(v + (SELECT count(*) FROM tourney.session_participants WHERE tournament_id = tid) - 2 * half,
                   0::bigint, lbl || 'round 1: match i is seed i (slot 1) against seed i + N/2 (slot 2)');
    RETURN NEXT is((SELECT coalesce(array_agg(format('%s:%s', b.round, sd.seed)), '{}')
                    FROM tourney.byes b JOIN test_support.seeding(tid) sd ON sd.player_id = b.player_id
                    WHERE b.tournament_id = tid),
                   CASE WHEN n % 2 = 1 THEN ARRAY[format('1:%s', n)] ELSE '{}'::text[] END,
                   lbl || CASE WHEN n % 2 = 1 THEN 'round 1: the lowest seed has the bye'
                               ELSE 'round 1: no bye' END);

    RETURN NEXT is(tourney.simulate_results(tid, seed), r * half,
                   lbl || format('simulate_results plays %s rounds of %s sessions', r, half));
    RETURN NEXT is((SELECT array_agg(c ORDER BY round) FROM (
                        SELECT round, count(*)::int AS c FROM tourney.sessions
                        WHERE tournament_id = tid GROUP BY round) x),
                   array_fill(half, ARRAY[r]), lbl || format('rounds 1..%s, %s sessions each', r, half));
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid
                      AND (NOT s.result_submitted
                           OR s.stage <> 'main' OR s.next_session_id IS NOT NULL
                           OR (SELECT array_agg(p.slot::int ORDER BY p.slot)
                               FROM tourney.session_participants p
                               WHERE p.tournament_id = tid AND p.session_id = s.session_id)
                              IS DISTINCT FROM ARRAY[1, 2])),
                   0, lbl || 'every session: stage main, two participants, a result');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid
                      AND (SELECT count(*) FROM tourney.sessions s2
                           WHERE s2.tournament_id = tid AND s2.round = s.round)
                          <> (SELECT max(match_number) FROM tourney.sessions s2
                              WHERE s2.tournament_id = tid AND s2.round = s.round)),
                   0, lbl || 'match_number runs 1..k within each round');

    -- every player exactly once per round: in one session or with the bye
    SELECT count(*) INTO v FROM (
        SELECT e.player_id, rr.round,
               (SELECT count(*) FROM tourney.sessions s
                JOIN tourney.session_participants p USING (tournament_id, session_id)
                WHERE s.tournament_id = tid AND s.round = rr.round AND p.player_id = e.player_id)
             + (SELECT count(*) FROM tourney.byes b
                WHERE b.tournament_id = tid AND b.round = rr.round AND b.player_id = e.player_id) AS c
        FROM tourney.enrollments e, generate_series(1, r) rr(round)
        WHERE e.tournament_id = tid) x
    WHERE c <> 1;
    RETURN NEXT is(v, 0::bigint, lbl || 'every player plays exactly once per round or has its bye');

    RETURN NEXT is(test_support.rematches(tid), 0, lbl || 'no rematch over all rounds');
    RETURN NEXT is((SELECT format('%s byes, %s players, %s rounds', count(*), count(DISTINCT player_id),
                                  count(DISTINCT round))
                    FROM tourney.byes WHERE tournament_id = tid),
                   CASE WHEN n % 2 = 1 THEN format('%s byes, %s players, %s rounds', r, r, r)
                        ELSE '0 byes, 0 players, 0 rounds' END,
                   lbl || CASE WHEN n % 2 = 1 THEN 'one bye per round, nobody has two'
                               ELSE 'no byes' END);
    -- the bye of round k goes to a player with the fewest points among those
    -- without a bye so far
    SELECT count(*) INTO v FROM tourney.byes b
    WHERE b.tournament_id = tid AND b.round > 1
      AND (SELECT points FROM test_support.points_before(tid, b.round) x WHERE x.player_id = b.player_id)
          > (SELECT min(x.points) FROM test_support.points_before(tid, b.round) x
             WHERE NOT EXISTS (SELECT 1 FROM tourney.byes b2
                               WHERE b2.tournament_id = tid AND b2.round < b.round
                                 AND b2.player_id = x.player_id));
    RETURN NEXT is(v, 0::bigint, lbl || 'each bye goes to the lowest-ranked player without one');

    -- ranking
    RETURN NEXT is(tourney.calculate_rankings(tid), n, lbl || 'calculate_rankings returns N');
    RETURN NEXT is((SELECT ARRAY[count(*), count(e.player_id)]::int[] FROM tourney.rankings rk
                    LEFT JOIN tourney.enrollments e ON e.tournament_id = tid AND e.player_id = rk.player_id
                    WHERE rk.tournament_id = tid),
                   ARRAY[n, n], lbl || 'one ranking row per enrolled player');
    RETURN NEXT set_eq(format('SELECT player_id, points FROM tourney.rankings WHERE tournament_id = %s', tid),
                       format('SELECT player_id, points FROM pg_temp.expected(%s)', tid),
                       lbl || 'points: 1 a win or bye, 1/2 a draw (recomputed here)');
    RETURN NEXT set_eq(format('SELECT player_id, tiebreaks FROM tourney.rankings WHERE tournament_id = %s', tid),
                       format('SELECT player_id, ARRAY[buchholz, sb] FROM pg_temp.expected(%s)', tid),
                       lbl || 'tiebreaks = {Buchholz, Sonneborn-Berger} (recomputed here)');
    RETURN NEXT set_eq(format('SELECT player_id, rank FROM tourney.rankings WHERE tournament_id = %s', tid),
                       format('SELECT player_id, rank FROM pg_temp.expected(%s)', tid),
                       lbl || 'ranks by points, Buchholz, Sonneborn-Berger; ties share a rank');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.rankings rk
                    WHERE rk.tournament_id = tid
                      AND (rk.wins + rk.draws + rk.losses
                           + (SELECT count(*) FROM tourney.byes b
                              WHERE b.tournament_id = tid AND b.player_id = rk.player_id)) <> r),
                   0, lbl || 'wins + draws + losses + byes = rounds for everybody');
    RETURN NEXT set_eq(format('SELECT rank, player_id, points FROM tourney.standings(%s)', tid),
                       format('SELECT rank, player_id, points FROM tourney.rankings WHERE tournament_id = %s', tid),
                       lbl || 'standings agree with the rankings');
END $$;

SELECT * FROM pg_temp.sw(8, NULL, 0, 0);
SELECT * FROM pg_temp.sw(8, NULL, 8, 5);
SELECT * FROM pg_temp.sw(13, NULL, 0, 0);
SELECT * FROM pg_temp.sw(13, NULL, 4, 3);
SELECT * FROM pg_temp.sw(13, 6, 0, 11);
SELECT * FROM pg_temp.sw(64, NULL, 0, 0);
SELECT * FROM pg_temp.sw(64, NULL, 0, 17);
SELECT * FROM pg_temp.sw(3, 3, 0, 0);
SELECT * FROM pg_temp.sw(2, NULL, 0, 0);
SELECT * FROM pg_temp.sw(101, NULL, 0, 2);

-- In the 64-player tournaments Buchholz really decides: players level on
-- points get different ranks.
SELECT is((SELECT count(*)::int FROM tourney.tournaments t
           WHERE t.name = 'swiss 64'
             AND EXISTS (SELECT points FROM tourney.rankings r WHERE r.tournament_id = t.tournament_id
                         GROUP BY points HAVING count(DISTINCT rank) > 1)),
          2, 'N=64: in both tournaments Buchholz separates players level on points');

-- Up to N-1 rounds are allowed, but a Swiss pairing can run out of
-- rematch-free pairings before that: then nobody is paired twice, the
-- tournament ends after the rounds played (number_of_rounds lowered, with a
-- warning) and the result that completed the round is kept.
CREATE FUNCTION pg_temp.play_out(n int, rounds int, seed int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := tourney.create_tournament(format('swiss full %s/%s/%s', n, rounds, seed), 'swiss',
                                          number_of_rounds => rounds);
    msg text;
    played int;
BEGIN
    PERFORM tourney.enroll(t, (SELECT array_agg(player_id) FROM (
        SELECT player_id FROM tourney.players ORDER BY player_id LIMIT n) x));
    PERFORM tourney.generate_sessions(t, async => false);
    BEGIN
        PERFORM tourney.simulate_results(t, seed);
    EXCEPTION WHEN object_not_in_prerequisite_state THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
        RETURN CASE WHEN msg LIKE '%rematch%' THEN 'refused' ELSE 'other 55000: ' || msg END;
    END;
    SELECT number_of_rounds INTO played FROM tourney.tournaments WHERE tournament_id = t;
    RETURN CASE WHEN (SELECT count(*) FROM tourney.sessions WHERE tournament_id = t) <> played * (n / 2)
                     OR (SELECT count(*) FROM tourney.sessions WHERE tournament_id = t AND NOT result_submitted) > 0
                     OR test_support.rematches(t) > 0 THEN 'wrong'
                WHEN played = rounds THEN 'complete'
                WHEN played < rounds THEN 'ended early'
                ELSE 'wrong' END;
END $$;
SET LOCAL client_min_messages = error;
SELECT is((SELECT array_agg(DISTINCT r) FILTER (WHERE r NOT IN ('complete', 'ended early'))
           FROM (SELECT pg_temp.play_out(n, n - 1 + n % 2, seed) AS r
                 FROM (VALUES (4), (5), (6), (7), (8), (10)) v(n), generate_series(0, 5) seed) x),
          NULL, 'N-1 (N) rounds for 4..10 players, 6 seeds each: played out without a rematch, or ended early without one');
RESET client_min_messages;

-- A case that does run out (6 players, 5 rounds, seed 0: after round 3 every
-- pairing would repeat a game): it ends after round 3, every result kept.
CREATE TEMP TABLE six AS
SELECT test_support.tournament('swiss', n => 6, name => 'swiss six', generate => true, number_of_rounds => 5,
                               rating => '1500 + 10 * g') AS t;
SET LOCAL client_min_messages = error;
SELECT tourney.simulate_results(t, 0) FROM six;
RESET client_min_messages;
SELECT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = (SELECT t FROM six)),
          3, 'six players out of rematch-free pairings: the tournament ends after round 3');
SELECT is((SELECT count(*) FILTER (WHERE result_submitted)::int || '/' || count(*) FROM tourney.sessions
           WHERE tournament_id = (SELECT t FROM six)),
          '9/9', 'six players: the 9 sessions of 3 rounds all keep their results');
SELECT is(test_support.rematches((SELECT t FROM six)), 0, 'six players: nobody met twice');
SELECT is(tourney.calculate_rankings((SELECT t FROM six)), 6, 'six players: the shortened tournament ranks');

----------------------------------------------------------------------------
-- Hand-played 8 players, seeds 1..8 = p(1)..p(8): the next round appears
-- when (and only when) the last result of a round arrives.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(8, 'swiss hand'));
CREATE FUNCTION pg_temp.p(i int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (test_support.ids('p'))[i] $$;
CREATE FUNCTION pg_temp.round_count(t bigint, rnd int) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = t AND round = rnd
$$;

INSERT INTO test_support.fixtures VALUES ('t', tourney.create_tournament('swiss hand', 'swiss'), NULL);
SELECT is(tourney.enroll(test_support.id('t'), test_support.ids('p'), ARRAY[1, 2, 3, 4, 5, 6, 7, 8]), 8,
          'hand: enroll 8 seeded players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('t')), 'hand: generate');
SELECT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = test_support.id('t')), 3,
          'hand: 3 rounds for 8 players');
SELECT is((SELECT array_agg(format('%s-%s',
                  (SELECT i FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i) WHERE u.p = a.player_id),
                  (SELECT i FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i) WHERE u.p = b.player_id))
                  ORDER BY s.match_number)
           FROM tourney.sessions s
           JOIN tourney.session_participants a ON a.tournament_id = s.tournament_id AND a.session_id = s.session_id AND a.slot = 1
           JOIN tourney.session_participants b ON b.tournament_id = s.tournament_id AND b.session_id = s.session_id AND b.slot = 2
           WHERE s.tournament_id = test_support.id('t')),
          ARRAY['1-5', '2-6', '3-7', '4-8'], 'hand: round 1 is 1-5, 2-6, 3-7, 4-8');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.session_id(test_support.id('t'), 1, 1)), 'hand: 1-5 1:0');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, 0])', test_support.session_id(test_support.id('t'), 1, 2)), 'hand: 2-6 2:0');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0.5])', test_support.session_id(test_support.id('t'), 1, 3)), 'hand: 3-7 1:0.5');
SELECT is(pg_temp.round_count(test_support.id('t'), 2), 0, 'hand: three of four results in: no round 2 yet');
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', test_support.id('t')), '55000', NULL,
                 'hand: calculate_rankings during round 1 -> 55000');
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('t'))), 8, 'hand: provisional standings have 8 rows');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[3, 3])', test_support.session_id(test_support.id('t'), 1, 4)),
                'hand: 4-8 3:3, a draw, the last result of round 1');
SELECT is((SELECT format('%s/%s', coalesce(winner_id::text, 'none'),
                         (SELECT array_agg(placement ORDER BY slot) FROM tourney.session_participants p
                          WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id))
           FROM tourney.sessions s WHERE session_id = test_support.session_id(test_support.id('t'), 1, 4)),
          'none/{1,1}', 'hand: a Swiss draw has no winner and both placed 1');
SELECT is(pg_temp.round_count(test_support.id('t'), 2), 4, 'hand: the last result pairs round 2 (4 sessions)');
SELECT is(pg_temp.round_count(test_support.id('t'), 3), 0, 'hand: round 3 does not exist yet');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('t') AND round = 2
           AND NOT result_submitted AND winner_id IS NULL), 4, 'hand: round 2 sessions are open');
-- points before round 2: 1, 2, 3 have 1; 4 and 8 have 1/2; 5, 6, 7 have 0.
-- Groups {1,2,3} and {5,6,7} are odd: one player floats each way at most.
SELECT is((SELECT array_agg(format('%s:%s', u.i, pb.points) ORDER BY u.i)
           FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
           JOIN test_support.points_before(test_support.id('t'), 2) pb ON pb.player_id = u.p),
          ARRAY['1:1', '2:1', '3:1', '4:0.5', '5:0', '6:0', '7:0', '8:0.5'], 'hand: points after round 1');
SELECT is(test_support.cross_group_pairings(test_support.id('t'), 2), 2,
          'hand: round 2 within score groups: only the two floats (1 -> 1/2 and 1/2 -> 0) cross groups');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.session_participants a ON a.tournament_id = s.tournament_id AND a.session_id = s.session_id AND a.slot = 1
           JOIN tourney.session_participants b ON b.tournament_id = s.tournament_id AND b.session_id = s.session_id AND b.slot = 2
           WHERE s.tournament_id = test_support.id('t') AND s.round = 2
             AND ARRAY[a.player_id, b.player_id] <@ ARRAY[pg_temp.p(4), pg_temp.p(8)]),
          0, 'hand: 4 and 8 (both 1/2, they drew) do not meet again');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.session_id(test_support.id('t'), 1, 1)),
                'hand: re-sending a round 1 result after round 2 was paired is a no-op');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[0, 1])', test_support.session_id(test_support.id('t'), 1, 1)), '55000', NULL,
                 'hand: a different round 1 result -> 55000');
SELECT is(pg_temp.round_count(test_support.id('t'), 2), 4, 'hand: still one round 2 of 4 sessions');
-- round 2: slot 1 wins all but the last, which is drawn
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.session_id(test_support.id('t'), 2, m)),
                format('hand: round 2 match %s, slot 1 wins', m))
FROM generate_series(1, 3) m;
SELECT is(pg_temp.round_count(test_support.id('t'), 3), 0, 'hand: round 2 not complete: no round 3');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[0, 0])', test_support.session_id(test_support.id('t'), 2, 4)),
                'hand: round 2 match 4 drawn 0:0, the last result');
SELECT is(pg_temp.round_count(test_support.id('t'), 3), 4, 'hand: round 3 paired (4 sessions)');
SELECT is(tourney.simulate_results(test_support.id('t'), 1), 4, 'hand: simulate_results plays the 4 sessions of round 3');
SELECT is((SELECT max(round) FROM tourney.sessions WHERE tournament_id = test_support.id('t')), 3,
          'hand: no round 4 after the last round');
SELECT is(test_support.rematches(test_support.id('t')), 0, 'hand: no rematch');
SELECT is(tourney.simulate_results(test_support.id('t'), 1), 0, 'hand: simulate_results has nothing left to do');
SELECT is(tourney.calculate_rankings(test_support.id('t')), 8, 'hand: calculate_rankings');
SELECT set_eq(format('SELECT player_id, rank, points, tiebreaks FROM tourney.rankings WHERE tournament_id = %s', test_support.id('t')),
              format('SELECT player_id, rank, points, ARRAY[buchholz, sb] FROM pg_temp.expected(%s)', test_support.id('t')),
              'hand: rank, points (with halves), Buchholz and Sonneborn-Berger as recomputed here');
SELECT is((SELECT sum(points) FROM tourney.rankings WHERE tournament_id = test_support.id('t')), 12::numeric,
          'hand: 12 points shared out over the 12 sessions');
SELECT lives_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('t')), 'hand: complete');

----------------------------------------------------------------------------
-- Number of rounds and arguments
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.swiss_of(n int, rounds int) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := tourney.create_tournament(format('swiss %s/%s', n, rounds), 'swiss', number_of_rounds => rounds);
BEGIN
    PERFORM tourney.enroll(t, (SELECT array_agg(player_id) FROM (
        SELECT player_id FROM tourney.players ORDER BY player_id LIMIT n) x));
    RETURN t;
END $$;
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', pg_temp.swiss_of(8, 8)),
                 '55000', NULL, '8 players, 8 rounds (more than N-1) -> 55000');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', pg_temp.swiss_of(8, 7)),
                '8 players, 7 rounds (N-1) can be generated');
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', pg_temp.swiss_of(13, 14)),
                 '55000', NULL, '13 players, 14 rounds (more than N) -> 55000');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', pg_temp.swiss_of(13, 13)),
                '13 players, 13 rounds (N, odd) can be generated');
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', pg_temp.swiss_of(2, 2)),
                 '55000', NULL, '2 players, 2 rounds -> 55000');
INSERT INTO test_support.fixtures VALUES ('nine', pg_temp.swiss_of(9, NULL), NULL);
SELECT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = test_support.id('nine')), NULL::int,
          'number_of_rounds stays NULL until generation');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('nine')), 'generate 9 players');
SELECT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = test_support.id('nine')), 4,
          'generation writes ceil(log2 9) = 4 rounds');
SELECT is((SELECT count(*)::int FROM tourney.byes WHERE tournament_id = test_support.id('nine') AND round = 1), 1,
          '9 players: one bye in round 1');
INSERT INTO test_support.fixtures VALUES ('single', pg_temp.swiss_of(1, NULL), NULL);
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('single')),
                 '55000', NULL, 'a Swiss tournament of one player -> 55000');
SELECT throws_ok($$SELECT tourney.create_tournament('swiss bad', 'swiss', number_of_rounds => 0)$$,
                 '22023', NULL, 'number_of_rounds 0 -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('swiss bad', 'swiss', number_of_rounds => -3)$$,
                 '22023', NULL, 'number_of_rounds -3 -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.session_id(test_support.id('t'), 3, 1)),
                 '55000', NULL, 'submit_result in a completed Swiss tournament -> 55000');

SELECT * FROM finish();
ROLLBACK;
