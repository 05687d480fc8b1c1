-- Round robin (SPEC §3 "round_robin", issue 4): FIDE Berger tables by seed
-- number (slot 1 = white), odd N (the player meeting N+1 rests), double
-- round robin (second cycle with slots swapped), draws, and the ranking by
-- points (3/1/0), score difference, score for, ties sharing a rank.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;

-- 4 model checks + 20 cases x 16 + 34 hand-played + 8 argument checks
SELECT plan(4 + 20 * 16 + 34 + 8);

-- The official FIDE Berger tables (Handbook C.05, Annex 1) for 4, 6 and 10
-- players: one text per round, boards in order, "white-black" by seed.
CREATE FUNCTION pg_temp.fide(n int) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE n
        WHEN 4 THEN ARRAY['1-4, 2-3', '4-3, 1-2', '2-4, 3-1']
        WHEN 6 THEN ARRAY['1-6, 2-5, 3-4', '6-4, 5-3, 1-2', '2-6, 3-1, 4-5',
                          '6-5, 1-4, 2-3', '3-6, 4-2, 5-1']
        WHEN 10 THEN ARRAY['1-10, 2-9, 3-8, 4-7, 5-6',
                           '10-6, 7-5, 8-4, 9-3, 1-2',
                           '2-10, 3-1, 4-9, 5-8, 6-7',
                           '10-7, 8-6, 9-5, 1-4, 2-3',
                           '3-10, 4-2, 5-1, 6-9, 7-8',
                           '10-8, 9-7, 1-6, 2-5, 3-4',
                           '4-10, 5-3, 6-2, 7-1, 8-9',
                           '10-9, 1-8, 2-7, 3-6, 4-5',
                           '5-10, 6-4, 7-3, 8-2, 9-1']
    END
$$;

-- The generated schedule as text per round: "slot1-slot2" by seed number,
-- boards in match_number order.
CREATE FUNCTION pg_temp.schedule(tid bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(t ORDER BY round), '{}') FROM (
        SELECT s.round, string_agg(format('%s-%s', w.seed, b.seed), ', ' ORDER BY s.match_number) AS t
        FROM tourney.sessions s
        JOIN tourney.session_participants pw
          ON pw.tournament_id = tid AND pw.session_id = s.session_id AND pw.slot = 1
        JOIN tourney.session_participants pb
          ON pb.tournament_id = tid AND pb.session_id = s.session_id AND pb.slot = 2
        JOIN test_support.seeding(tid) w ON w.player_id = pw.player_id
        JOIN test_support.seeding(tid) b ON b.player_id = pb.player_id
        WHERE s.tournament_id = tid
        GROUP BY s.round) x
$$;

-- Ranking of a round robin computed here from the participants: 3 points
-- a win, 1 a draw; rank by points, score difference, score for.
CREATE FUNCTION pg_temp.rr_expected(tid bigint)
RETURNS TABLE (player_id bigint, rank int, points numeric, wins int, draws int, losses int,
               score_for numeric, score_against numeric, tiebreaks numeric[])
LANGUAGE sql STABLE AS $$
    WITH games AS (
        SELECT me.player_id, me.score AS mine, op.score AS theirs
        FROM tourney.sessions s
        JOIN tourney.session_participants me
          ON me.tournament_id = tid AND me.session_id = s.session_id
        JOIN tourney.session_participants op
          ON op.tournament_id = tid AND op.session_id = s.session_id AND op.slot <> me.slot
        WHERE s.tournament_id = tid AND s.result_submitted),
    per AS (
        SELECT e.player_id,
               count(*) FILTER (WHERE g.mine > g.theirs)::int AS wins,
               count(*) FILTER (WHERE g.mine = g.theirs)::int AS draws,
               count(*) FILTER (WHERE g.mine < g.theirs)::int AS losses,
               coalesce(sum(g.mine), 0) AS sf, coalesce(sum(g.theirs), 0) AS sa
        FROM tourney.enrollments e LEFT JOIN games g ON g.player_id = e.player_id
        WHERE e.tournament_id = tid GROUP BY e.player_id)
    SELECT player_id,
           (rank() OVER (ORDER BY 3 * wins + draws DESC, sf - sa DESC, sf DESC))::int,
           (3 * wins + draws)::numeric, wins, draws, losses, sf, sa, ARRAY[sf - sa, sf]
    FROM per
$$;

-- One round robin of n players, `cycles` cycles (NULL: the default),
-- nseeded of them with explicit seeds; `expected` is the table to find
-- (NULL: the model).  16 assertions.
CREATE FUNCTION pg_temp.rr(n int, cycles int, nseeded int, expected text[])
RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    c int := coalesce(cycles, 1);
    tn int := n + n % 2;          -- size of the table used
    per_cycle int := tn - 1;      -- rounds per cycle
    tid bigint;
    ids bigint[];
    enrolled int := 0;
    task uuid;
    lbl text;
    total int := c * n * (n - 1) / 2;
BEGIN
    lbl := format('N=%s%s%s: ', n,
                  CASE WHEN c = 2 THEN ', double' ELSE '' END,
                  CASE WHEN nseeded > 0 THEN format(', %s seeded', nseeded) ELSE '' END);

    -- ratings repeat so that player_id has to break ties
    ids := test_support.players(n, format('rr %s', n), '1500 + ((g * 37) % 7) * 10');

    IF cycles IS NULL THEN
        tid := tourney.create_tournament(format('round robin %s', n), 'round_robin');
    ELSE
        tid := tourney.create_tournament(format('round robin %s', n), 'ROUND_ROBIN',
                                         number_of_rounds => cycles);
    END IF;
    -- the last nseeded players get explicit, non-contiguous seeds, the very
    -- last one the best (2)
    enrolled := test_support.enroll_last_seeded(tid, ids, nseeded, 2);
    RETURN NEXT is(enrolled, n, lbl || 'enrolled');

    task := tourney.generate_sessions(tid, async => false);
    RETURN NEXT is((tourney.generation_status(task)).status::text, 'done', lbl || 'generation done');
    RETURN NEXT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = tid), c,
                   lbl || format('number_of_rounds is %s', c));

    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = tid), total,
                   lbl || format('%s sessions (every pair %s)', total,
                                 CASE WHEN c = 2 THEN 'twice' ELSE 'once' END));
    RETURN NEXT is((SELECT array_agg(cnt ORDER BY round) FROM (
                        SELECT round, count(*)::int AS cnt FROM tourney.sessions
                        WHERE tournament_id = tid GROUP BY round) x),
                   array_fill(n / 2, ARRAY[c * per_cycle]),
                   lbl || format('%s rounds of %s sessions', c * per_cycle, n / 2));
    RETURN NEXT is((SELECT count(*)::int FROM (
                        SELECT round FROM tourney.sessions WHERE tournament_id = tid
                        GROUP BY round
                        HAVING min(match_number) <> 1 OR max(match_number) <> count(*)
                            OR bool_or(stage <> 'main' OR next_session_id IS NOT NULL
                                       OR loser_next_session_id IS NOT NULL
                                       OR result_submitted OR winner_id IS NOT NULL)) x),
                   0, lbl || 'stage main, match_number 1..k per round, no links, no results yet');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid
                      AND (SELECT array_agg(p.slot::int ORDER BY p.slot)
                           FROM tourney.session_participants p
                           WHERE p.tournament_id = tid AND p.session_id = s.session_id)
                          IS DISTINCT FROM ARRAY[1, 2]),
                   0, lbl || 'every session has two participants, slots 1 and 2');
    RETURN NEXT is((SELECT count(*)::int FROM (
                        SELECT s.round, p.player_id FROM tourney.sessions s
                        JOIN tourney.session_participants p USING (tournament_id, session_id)
                        WHERE s.tournament_id = tid
                        GROUP BY s.round, p.player_id HAVING count(*) > 1) x),
                   0, lbl || 'nobody plays twice in a round');

    RETURN NEXT is(pg_temp.schedule(tid), coalesce(expected, test_support.berger_text(n, c)),
                   lbl || CASE WHEN expected IS NULL THEN 'the Berger table, board by board'
                               ELSE 'the official FIDE Berger table, board by board' END);

    -- every pair meets exactly once per cycle
    RETURN NEXT is((SELECT array[count(*), max(cnt)]::int[] FROM (
                        SELECT (s.round - 1) / per_cycle AS cycle,
                               least(a.player_id, b.player_id), greatest(a.player_id, b.player_id),
                               count(*) AS cnt
                        FROM tourney.sessions s
                        JOIN tourney.session_participants a
                          ON a.tournament_id = tid AND a.session_id = s.session_id AND a.slot = 1
                        JOIN tourney.session_participants b
                          ON b.tournament_id = tid AND b.session_id = s.session_id AND b.slot = 2
                        WHERE s.tournament_id = tid
                        GROUP BY 1, 2, 3) x),
                   ARRAY[total, 1], lbl || 'every pair meets exactly once per cycle');

    -- rests: odd N, each player sits out exactly one round per cycle, and
    -- the one resting in round r is the player the table pairs with N+1
    RETURN NEXT is((SELECT count(*)::int FROM (
                        SELECT sd.player_id, sd.seed, r.round,
                               NOT EXISTS (SELECT 1 FROM tourney.sessions s
                                           JOIN tourney.session_participants p USING (tournament_id, session_id)
                                           WHERE s.tournament_id = tid AND s.round = r.round
                                             AND p.player_id = sd.player_id) AS rests
                        FROM test_support.seeding(tid) sd, generate_series(1, c * per_cycle) AS r(round)) x
                    WHERE rests IS DISTINCT FROM (
                        n % 2 = 1 AND EXISTS (
                            SELECT 1 FROM test_support.berger(tn, c) bt
                            WHERE bt.round = x.round
                              AND ((bt.white = x.seed AND bt.black = tn)
                                   OR (bt.black = x.seed AND bt.white = tn))))),
                   0, lbl || CASE WHEN n % 2 = 1 THEN 'in each round the player facing N+1 rests, nobody else'
                                  ELSE 'everybody plays every round' END);

    -- second cycle: round r + per_cycle is round r with the slots swapped
    IF c = 2 THEN
        RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s1
                        JOIN tourney.session_participants a1
                          ON a1.tournament_id = tid AND a1.session_id = s1.session_id AND a1.slot = 1
                        JOIN tourney.session_participants b1
                          ON b1.tournament_id = tid AND b1.session_id = s1.session_id AND b1.slot = 2
                        JOIN tourney.sessions s2
                          ON s2.tournament_id = tid AND s2.round = s1.round + per_cycle
                         AND s2.match_number = s1.match_number
                        JOIN tourney.session_participants a2
                          ON a2.tournament_id = tid AND a2.session_id = s2.session_id AND a2.slot = 1
                        JOIN tourney.session_participants b2
                          ON b2.tournament_id = tid AND b2.session_id = s2.session_id AND b2.slot = 2
                        WHERE s1.tournament_id = tid AND s1.round <= per_cycle
                          AND a2.player_id = b1.player_id AND b2.player_id = a1.player_id),
                       total / 2, lbl || 'the second cycle repeats the first with slots swapped');
    ELSE
        RETURN NEXT is((SELECT max(round) FROM tourney.sessions WHERE tournament_id = tid), per_cycle,
                       lbl || format('a single cycle: %s rounds', per_cycle));
    END IF;

    -- results and ranking
    RETURN NEXT is(tourney.simulate_results(tid, n), total, lbl || 'simulate_results gives every session a result');
    RETURN NEXT is(tourney.calculate_rankings(tid), n, lbl || 'calculate_rankings: one row per enrolled player');
    RETURN NEXT set_eq(format('SELECT player_id, rank, points, wins, draws, losses, score_for, score_against, tiebreaks'
                              ' FROM tourney.rankings WHERE tournament_id = %s', tid),
                       format('SELECT * FROM pg_temp.rr_expected(%s)', tid),
                       lbl || 'rankings: 3/1/0 points, then difference, then score for (recomputed here)');
    RETURN NEXT set_eq(format('SELECT rank, player_id, points, wins, draws, losses, score_for, score_against'
                              ' FROM tourney.standings(%s)', tid),
                       format('SELECT rank, player_id, points, wins, draws, losses, score_for, score_against'
                              ' FROM tourney.rankings WHERE tournament_id = %s', tid),
                       lbl || 'standings agree with the rankings');
END $$;

-- The model reproduces the official tables.
SELECT is(test_support.berger_text(4, 1), pg_temp.fide(4), 'model: Berger table for 4 players');
SELECT is(test_support.berger_text(6, 1), pg_temp.fide(6), 'model: Berger table for 6 players');
SELECT is(test_support.berger_text(10, 1), pg_temp.fide(10), 'model: Berger table for 10 players');
SELECT is(test_support.berger_text(5, 1), ARRAY['2-5, 3-4', '5-3, 1-2', '3-1, 4-5', '1-4, 2-3', '4-2, 5-1'],
          'model: 5 players use the table of 6 without player 6');

-- The official tables, compared whole.
SELECT * FROM pg_temp.rr(4, 1, 0, pg_temp.fide(4));
SELECT * FROM pg_temp.rr(6, NULL, 0, pg_temp.fide(6));
SELECT * FROM pg_temp.rr(10, 1, 0, pg_temp.fide(10));
SELECT * FROM pg_temp.rr(6, 1, 6, pg_temp.fide(6));
SELECT * FROM pg_temp.rr(10, 1, 4, pg_temp.fide(10));
-- odd N: the table of N + 1, the player meeting N + 1 rests
SELECT * FROM pg_temp.rr(3, 1, 0, ARRAY['2-3', '1-2', '3-1']);
SELECT * FROM pg_temp.rr(5, 1, 0, ARRAY['2-5, 3-4', '5-3, 1-2', '3-1, 4-5', '1-4, 2-3', '4-2, 5-1']);
SELECT * FROM pg_temp.rr(9, 1, 0, ARRAY['2-9, 3-8, 4-7, 5-6',
                                        '7-5, 8-4, 9-3, 1-2',
                                        '3-1, 4-9, 5-8, 6-7',
                                        '8-6, 9-5, 1-4, 2-3',
                                        '4-2, 5-1, 6-9, 7-8',
                                        '9-7, 1-6, 2-5, 3-4',
                                        '5-3, 6-2, 7-1, 8-9',
                                        '1-8, 2-7, 3-6, 4-5',
                                        '6-4, 7-3, 8-2, 9-1']);
SELECT * FROM pg_temp.rr(7, 1, 3, NULL);
SELECT * FROM pg_temp.rr(11, NULL, 0, NULL);
-- other sizes, against the model
SELECT * FROM pg_temp.rr(2, 1, 0, ARRAY['1-2']);
SELECT * FROM pg_temp.rr(8, 1, 0, NULL);
SELECT * FROM pg_temp.rr(12, 1, 0, NULL);
SELECT * FROM pg_temp.rr(16, 1, 0, NULL);
-- double round robin
SELECT * FROM pg_temp.rr(4, 2, 0, pg_temp.fide(4) || ARRAY['4-1, 3-2', '3-4, 2-1', '4-2, 1-3']);
SELECT * FROM pg_temp.rr(6, 2, 0, pg_temp.fide(6) || ARRAY['6-1, 5-2, 4-3', '4-6, 3-5, 2-1', '6-2, 1-3, 5-4',
                                                           '5-6, 4-1, 3-2', '6-3, 2-4, 1-5']);
SELECT * FROM pg_temp.rr(10, 2, 0, NULL);
SELECT * FROM pg_temp.rr(5, 2, 0, ARRAY['2-5, 3-4', '5-3, 1-2', '3-1, 4-5', '1-4, 2-3', '4-2, 5-1',
                                        '5-2, 4-3', '3-5, 2-1', '1-3, 5-4', '4-1, 3-2', '2-4, 1-5']);
SELECT * FROM pg_temp.rr(3, 2, 1, NULL);
SELECT * FROM pg_temp.rr(2, 2, 0, ARRAY['1-2', '2-1']);

----------------------------------------------------------------------------
-- Hand-played 4-player round robins: draws, points, difference, score for,
-- shared ranks.  Seeds 1..4 = p(1)..p(4); schedule
-- R1 1-4, 2-3 · R2 4-3, 1-2 · R3 2-4, 3-1.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(4, 'rr hand'));
CREATE FUNCTION pg_temp.p(i int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT (test_support.ids('p'))[i] $$;
-- session of tournament t where seed a has slot 1 and seed b slot 2
CREATE FUNCTION pg_temp.game(t bigint, a int, b int) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT s.session_id FROM tourney.sessions s
    JOIN tourney.session_participants x ON x.tournament_id = t AND x.session_id = s.session_id AND x.slot = 1
    JOIN tourney.session_participants y ON y.tournament_id = t AND y.session_id = s.session_id AND y.slot = 2
    WHERE s.tournament_id = t AND x.player_id = pg_temp.p(a) AND y.player_id = pg_temp.p(b)
$$;
-- "seed:rank:points:w/d/l:for:against:tiebreaks" in seed order
CREATE FUNCTION pg_temp.table_of(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(format('%s:%s:%s:%s/%s/%s:%s:%s:%s', u.i, r.rank, r.points, r.wins, r.draws, r.losses,
                            r.score_for, r.score_against, r.tiebreaks) ORDER BY u.i)
    FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
    JOIN tourney.rankings r ON r.tournament_id = t AND r.player_id = u.p
$$;
CREATE FUNCTION pg_temp.submit(t bigint, a int, b int, x numeric, y numeric) RETURNS void
LANGUAGE sql AS $$ SELECT tourney.submit_result(pg_temp.game(t, a, b), ARRAY[x, y]) $$;

-- T1: points first, then score difference (not score for)
INSERT INTO test_support.fixtures VALUES ('t1', tourney.create_tournament('rr hand 1', 'round_robin', number_of_rounds => 1), NULL);
SELECT is(tourney.enroll(test_support.id('t1'), test_support.ids('p'), ARRAY[1, 2, 3, 4]), 4, 'T1: enroll 4 seeded players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('t1')), 'T1: generate');
SELECT is(pg_temp.schedule(test_support.id('t1')), pg_temp.fide(4), 'T1: the schedule of the Berger table for 4');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 1, 4, 3, 0)', test_support.id('t1')), 'T1: 1-4 3:0');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 2, 3, 1, 0)', test_support.id('t1')), 'T1: 2-3 1:0');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 4, 3, 2, 2)', test_support.id('t1')), 'T1: 4-3 2:2, a draw');
SELECT is((SELECT format('%s/%s', result_submitted, coalesce(winner_id::text, 'none'))
           FROM tourney.sessions WHERE session_id = pg_temp.game(test_support.id('t1'), 4, 3)),
          't/none', 'a draw: submitted, no winner');
SELECT is((SELECT array_agg(placement ORDER BY slot) FROM tourney.session_participants
           WHERE session_id = pg_temp.game(test_support.id('t1'), 4, 3)),
          ARRAY[1, 1], 'a draw: both placed 1');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 4, 3, 2.0, 2)', test_support.id('t1')), 'the identical draw again is a no-op');
SELECT throws_ok(format('SELECT pg_temp.submit(%s, 4, 3, 3, 2)', test_support.id('t1')), '55000', NULL,
                 'a different result for a drawn session -> 55000');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1])', pg_temp.game(test_support.id('t1'), 1, 2)), '22023', NULL,
                 'one score for a round robin session -> 22023');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 1, 2, 0, 1)', test_support.id('t1')), 'T1: 1-2 0:1');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 2, 4, 0, 2)', test_support.id('t1')), 'T1: 2-4 0:2');
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', test_support.id('t1')), '55000', NULL,
                 'calculate_rankings with one session open -> 55000');
SELECT is((SELECT array_agg(format('%s:%s', r.rank, u.i) ORDER BY r.rank, u.i)
           FROM tourney.standings(test_support.id('t1')) r
           JOIN unnest(test_support.ids('p')) WITH ORDINALITY u(p, i) ON u.p = r.player_id),
          ARRAY['1:2', '2:4', '3:1', '4:3'],
          'provisional standings before the last game: 2 (6), 4 (4), 1 (3), 3 (1)');
SELECT lives_ok(format('SELECT pg_temp.submit(%s, 3, 1, 1, 0)', test_support.id('t1')), 'T1: 3-1 1:0');
SELECT is(tourney.calculate_rankings(test_support.id('t1')), 4, 'T1: calculate_rankings');
-- 1: W L L = 3, for 3 against 2; 2: W W L = 6, 2/2; 3: L D W = 4, 3/3; 4: L D W = 4, 4/5
SELECT is(pg_temp.table_of(test_support.id('t1')),
          ARRAY['1:4:3:1/0/2:3:2:{1,3}', '2:1:6:2/0/1:2:2:{0,2}',
                '3:2:4:1/1/1:3:3:{0,3}', '4:3:4:1/1/1:4:5:{-1,4}'],
          'T1: points (3 a win, 1 a draw) first; at 4 points the better difference (0 over -1) ranks first despite fewer scored');
SELECT set_eq(format('SELECT player_id, rank FROM tourney.standings(%s)', test_support.id('t1')),
              format('SELECT player_id, rank FROM tourney.rankings WHERE tournament_id = %s', test_support.id('t1')),
              'T1: standings agree with the rankings');
SELECT lives_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('t1')), 'T1: complete');

-- T2: all draws; equal points and difference, score for decides, and equal
-- score for shares the rank: 1 and 2 score 6, 3 and 4 score 4 -> 1, 1, 3, 3
INSERT INTO test_support.fixtures VALUES ('t2', tourney.create_tournament('rr hand 2', 'round_robin'), NULL);
SELECT is(tourney.enroll(test_support.id('t2'), test_support.ids('p'), ARRAY[1, 2, 3, 4]), 4, 'T2: enroll');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('t2')), 'T2: generate');
SELECT lives_ok(format($q$
    SELECT pg_temp.submit(%1$s, 1, 4, 2, 2), pg_temp.submit(%1$s, 2, 3, 2, 2),
           pg_temp.submit(%1$s, 4, 3, 1, 1), pg_temp.submit(%1$s, 1, 2, 3, 3),
           pg_temp.submit(%1$s, 2, 4, 1, 1), pg_temp.submit(%1$s, 3, 1, 1, 1)$q$, test_support.id('t2')),
    'T2: six draws');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('t2')
           AND result_submitted AND winner_id IS NULL), 6, 'T2: six results without a winner');
SELECT is(tourney.calculate_rankings(test_support.id('t2')), 4, 'T2: calculate_rankings');
SELECT is(pg_temp.table_of(test_support.id('t2')),
          ARRAY['1:1:3:0/3/0:6:6:{0,6}', '2:1:3:0/3/0:6:6:{0,6}',
                '3:3:3:0/3/0:4:4:{0,4}', '4:3:3:0/3/0:4:4:{0,4}'],
          'T2: equal points and difference: score for decides; full ties share the rank (1, 1, 3, 3)');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.standings(test_support.id('t2'))),
          ARRAY[1, 1, 3, 3], 'T2: standings rank the same way');

-- T3: double round robin of the same four: all 12 games, every pair twice,
-- once with each colour; points add up over both cycles
INSERT INTO test_support.fixtures VALUES ('t3', tourney.create_tournament('rr hand 3', 'round_robin', number_of_rounds => 2), NULL);
SELECT is(tourney.enroll(test_support.id('t3'), test_support.ids('p'), ARRAY[1, 2, 3, 4]), 4, 'T3: enroll');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('t3')), 'T3: generate');
SELECT is((SELECT count(*)::int FROM (
               SELECT a.player_id, b.player_id FROM tourney.sessions s
               JOIN tourney.session_participants a ON a.tournament_id = s.tournament_id AND a.session_id = s.session_id AND a.slot = 1
               JOIN tourney.session_participants b ON b.tournament_id = s.tournament_id AND b.session_id = s.session_id AND b.slot = 2
               WHERE s.tournament_id = test_support.id('t3')) x), 12, 'T3: 12 sessions');
SELECT is((SELECT count(DISTINCT (a.player_id, b.player_id))::int FROM tourney.sessions s
           JOIN tourney.session_participants a ON a.tournament_id = s.tournament_id AND a.session_id = s.session_id AND a.slot = 1
           JOIN tourney.session_participants b ON b.tournament_id = s.tournament_id AND b.session_id = s.session_id AND b.slot = 2
           WHERE s.tournament_id = test_support.id('t3')), 12,
          'T3: all 12 ordered pairs: each pair once with each player in slot 1');
-- the player in slot 1 wins every game: seeds' white games decide
SELECT lives_ok(format($q$
    SELECT count(tourney.submit_result(s.session_id, ARRAY[1, 0]))
    FROM tourney.sessions s WHERE s.tournament_id = %s$q$, test_support.id('t3')),
    'T3: slot 1 wins every game 1:0');
SELECT is(tourney.calculate_rankings(test_support.id('t3')), 4, 'T3: calculate_rankings');
SELECT is(pg_temp.table_of(test_support.id('t3')),
          ARRAY['1:1:9:3/0/3:3:3:{0,3}', '2:1:9:3/0/3:3:3:{0,3}',
                '3:1:9:3/0/3:3:3:{0,3}', '4:1:9:3/0/3:3:3:{0,3}'],
          'T3: three white wins each: 9 points, all share rank 1');

----------------------------------------------------------------------------
-- Arguments
----------------------------------------------------------------------------
SELECT throws_ok($$SELECT tourney.create_tournament('rr bad', 'round_robin', number_of_rounds => 3)$$,
                 '22023', NULL, 'number_of_rounds 3 for a round robin -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('rr bad', 'round_robin', number_of_rounds => 0)$$,
                 '22023', NULL, 'number_of_rounds 0 for a round robin -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('rr bad', 'round_robin', number_of_rounds => -1)$$,
                 '22023', NULL, 'number_of_rounds -1 for a round robin -> 22023');
INSERT INTO test_support.fixtures VALUES ('one', tourney.create_tournament('rr one', 'round_robin'), NULL);
SELECT is(tourney.enroll(test_support.id('one'), ARRAY[pg_temp.p(1)]), 1, 'enroll a single player');
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('one')),
                 '55000', NULL, 'a round robin of one player -> 55000');
SELECT is((SELECT status::text FROM tourney.tournaments WHERE tournament_id = test_support.id('one')), 'draft',
          'and it stays a draft');
SELECT is((SELECT number_of_rounds FROM tourney.tournaments WHERE tournament_id = test_support.id('one')), 1,
          'number_of_rounds NULL means one cycle');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[0, 1])', pg_temp.game(test_support.id('t1'), 1, 4)),
                 '55000', NULL, 'correct_result in a completed round robin -> 55000');

SELECT * FROM finish();
ROLLBACK;
