-- Knockout bracket structure, seeding, advancement and ranking ladder
-- for many player counts (SPEC §3 "knockout").
--
-- For every case pg_temp.ko(N, third_place_playoff, explicitly_seeded,
-- spread) builds a tournament of every spread-th of N * spread new players
-- (player ids with gaps: generation reads ratings by id range or by id list), checks the generated bracket against a model computed
-- here in SQL (standard seeding order, byes to the top seeds), simulates all
-- results, checks advancement, ranks and checks the ranking ladder.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;

-- 2 checks of the model + 17 cases x 22 assertions + 4 on campuses
SELECT plan(2 + 17 * 22 + 4);

-- Round 1 bracket positions of a bracket of size b: pos, better seed, worse seed.
CREATE FUNCTION pg_temp.bracket(b int)
RETURNS TABLE (pos int, hi int, lo int)
LANGUAGE sql IMMUTABLE AS $$
    SELECT p, (test_support.standard_order(b))[2 * p - 1], (test_support.standard_order(b))[2 * p]
    FROM generate_series(1, b / 2) AS p
$$;

-- Who is where in a main round: (match_number, slot, player_id).
CREATE FUNCTION pg_temp.placed(tid bigint, rnd int)
RETURNS TABLE (match_number int, slot int, player_id bigint)
LANGUAGE sql STABLE AS $$
    SELECT s.match_number, p.slot::int, p.player_id
    FROM tourney.sessions s
    JOIN tourney.session_participants p USING (tournament_id, session_id)
    WHERE s.tournament_id = tid AND s.stage = 'main' AND s.round = rnd
$$;

-- Round 1 sessions that exist (pairs without a bye), numbered in bracket order.
CREATE FUNCTION pg_temp.round1(b int, n int)
RETURNS TABLE (m int, pos int, hi int, lo int)
LANGUAGE sql IMMUTABLE AS $$
    SELECT (row_number() OVER (ORDER BY br.pos))::int, br.pos, br.hi, br.lo
    FROM pg_temp.bracket(b) br
    WHERE br.lo <= n
$$;

CREATE FUNCTION pg_temp.ko(n int, third bool, nseeded int, spread int DEFAULT 1)
RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    tid bigint;
    ids bigint[];
    r int := 0;
    b int := 1;
    k int;
    has_tp bool := third AND n >= 4;
    tp bigint;
    lbl text;
    task uuid;
    enrolled int;
    exp_counts int[] := '{}';
    exp_dist text[] := '{}';
    total int;
    v bigint;
    t text[];
    a int[];
BEGIN
    WHILE b < n LOOP
        b := b * 2;
        r := r + 1;
    END LOOP;
    total := n - 1 + CASE WHEN has_tp THEN 1 ELSE 0 END;
    lbl := format('N=%s%s%s%s: ', n,
                  CASE WHEN third THEN '' ELSE ', no third place' END,
                  CASE WHEN nseeded > 0 THEN format(', %s seeded', nseeded) ELSE '' END,
                  CASE WHEN spread > 1 THEN format(', every %s. player', spread) ELSE '' END);

    -- players; ratings repeat so that player_id has to break ties
    ids := ARRAY(SELECT x FROM unnest(test_support.players(n * spread, format('ko %s', n), '1500 + ((g * 37) % 11) * 10'))
                               WITH ORDINALITY u(x, i)
                 WHERE (i - 1) % spread = 0 ORDER BY x);

    IF third THEN
        tid := tourney.create_tournament(format('knockout %s', n), 'knockout');
    ELSE
        tid := tourney.create_tournament(format('knockout %s', n), 'knockout',
                                         third_place_playoff => false);
    END IF;

    -- the last nseeded players (lowest in rating/player_id order) get
    -- explicit, non-contiguous seeds: the very last one the best (3)
    enrolled := test_support.enroll_last_seeded(tid, ids, nseeded, 3);
    RETURN NEXT is(enrolled, n, lbl || 'enroll returns the number of players enrolled');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.enrollments
                    WHERE tournament_id = tid AND seed IS NOT NULL),
                   nseeded, lbl || 'explicit seeds are stored');

    task := tourney.generate_sessions(tid, async => false);
    RETURN NEXT is((tourney.generation_status(task)).status::text, 'done',
                   lbl || 'synchronous generation task is done');

    -- expected sessions per round: N - B/2, then B/4, B/8, ..., 1
    FOR k IN 1 .. r LOOP
        exp_counts := exp_counts || CASE WHEN k = 1 THEN n - b / 2 ELSE b >> k END;
    END LOOP;

    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions
                    WHERE tournament_id = tid AND stage = 'main'),
                   n - 1, lbl || 'N-1 main sessions');
    RETURN NEXT is((SELECT array_agg(c ORDER BY round) FROM (
                        SELECT round, count(*)::int AS c FROM tourney.sessions
                        WHERE tournament_id = tid AND stage = 'main'
                        GROUP BY round) x),
                   exp_counts, lbl || format('%s rounds with N-B/2, B/4, ..., 1 sessions', r));
    RETURN NEXT is((SELECT coalesce(array_agg(format('%s/%s/%s', stage, round, match_number)), '{}')
                    FROM tourney.sessions
                    WHERE tournament_id = tid AND stage <> 'main'),
                   CASE WHEN has_tp THEN ARRAY[format('third_place/%s/1', r)] ELSE '{}'::text[] END,
                   lbl || CASE WHEN has_tp THEN 'one third_place session, round R, match 1'
                               ELSE 'no third_place session' END);
    RETURN NEXT is((SELECT count(*)::int FROM (
                        SELECT stage, round FROM tourney.sessions
                        WHERE tournament_id = tid
                        GROUP BY stage, round
                        HAVING min(match_number) <> 1 OR max(match_number) <> count(*)) x),
                   0, lbl || 'match_number runs 1..k within each stage and round');

    -- round 1 at generation: two participants, slots 1 and 2
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid AND s.stage = 'main' AND s.round = 1
                      AND (SELECT array_agg(p.slot::int ORDER BY p.slot)
                           FROM tourney.session_participants p
                           WHERE p.tournament_id = tid AND p.session_id = s.session_id)
                          IS DISTINCT FROM ARRAY[1, 2]),
                   0, lbl || 'every round 1 session has both participants at generation');

    -- round 1 pairs the standard seeding order; slot 1 is the better seed
    SELECT count(*) INTO v FROM (
        WITH want AS (
            SELECT r1.m, 1 AS slot, sd.player_id FROM pg_temp.round1(b, n) r1
            JOIN test_support.seeding(tid) sd ON sd.seed = r1.hi
            UNION ALL
            SELECT r1.m, 2, sd.player_id FROM pg_temp.round1(b, n) r1
            JOIN test_support.seeding(tid) sd ON sd.seed = r1.lo),
        got AS (SELECT * FROM pg_temp.placed(tid, 1))
        (TABLE want EXCEPT TABLE got) UNION ALL (TABLE got EXCEPT TABLE want)) d;
    RETURN NEXT is(v, 0::bigint, lbl || 'round 1 pairs seeds in standard order (slot 1 = better seed)');

    -- round 2 at generation holds exactly the players with byes, in the
    -- slot of their bracket position
    SELECT count(*) INTO v FROM (
        WITH want AS (
            SELECT (br.pos + 1) / 2 AS m, 2 - br.pos % 2 AS slot, sd.player_id
            FROM pg_temp.bracket(b) br JOIN test_support.seeding(tid) sd ON sd.seed = br.hi
            WHERE br.lo > n),
        got AS (SELECT * FROM pg_temp.placed(tid, 2))
        (TABLE want EXCEPT TABLE got) UNION ALL (TABLE got EXCEPT TABLE want)) d;
    RETURN NEXT is(v, 0::bigint,
                   lbl || format('round 2 holds exactly the %s top seeds with byes at generation', b - n));

    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    JOIN tourney.session_participants p USING (tournament_id, session_id)
                    WHERE s.tournament_id = tid AND (s.round > 2 OR s.stage <> 'main')),
                   0, lbl || 'later rounds and third place are empty at generation');

    -- advancement: the winner of bracket position m goes to match ceil(m/2)
    -- of the next round, slot 1 from odd positions, slot 2 from even ones
    SELECT count(*) INTO v FROM (
        SELECT s.round, coalesce(r1.pos, s.match_number) AS pos, s.next_session_id, s.next_slot
        FROM tourney.sessions s
        LEFT JOIN pg_temp.round1(b, n) r1 ON s.round = 1 AND r1.m = s.match_number
        WHERE s.tournament_id = tid AND s.stage = 'main') x
    LEFT JOIN tourney.sessions nx
           ON nx.tournament_id = tid AND nx.stage = 'main'
          AND nx.round = x.round + 1 AND nx.match_number = (x.pos + 1) / 2
    WHERE (x.round < r AND (nx.session_id IS NULL
                            OR x.next_session_id IS DISTINCT FROM nx.session_id
                            OR x.next_slot IS DISTINCT FROM 2 - x.pos % 2))
       OR (x.round = r AND (x.next_session_id IS NOT NULL OR x.next_slot IS NOT NULL));
    RETURN NEXT is(v, 0::bigint,
                   lbl || 'winners advance to match ceil(m/2) of the next round; the final leads nowhere');

    SELECT session_id INTO tp FROM tourney.sessions
    WHERE tournament_id = tid AND stage = 'third_place';
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid
                      AND CASE WHEN has_tp AND s.stage = 'main' AND s.round = r - 1
                               THEN s.loser_next_session_id IS DISTINCT FROM tp
                               ELSE s.loser_next_session_id IS NOT NULL
                                    OR (s.stage <> 'main' AND s.next_session_id IS NOT NULL)
                          END),
                   0, lbl || CASE WHEN has_tp THEN 'semi-final losers go to the third_place session, nobody else moves on losing'
                                  ELSE 'no loser moves on' END);
    RETURN NEXT is((SELECT coalesce(array_agg(loser_next_slot::int ORDER BY loser_next_slot), '{}')
                    FROM tourney.sessions
                    WHERE tournament_id = tid AND loser_next_slot IS NOT NULL),
                   CASE WHEN has_tp THEN ARRAY[1, 2] ELSE '{}'::int[] END,
                   lbl || 'loser slots of the third place match');

    -- results
    RETURN NEXT is(tourney.simulate_results(tid, n), total,
                   lbl || 'simulate_results gives every session a result');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid
                      AND (NOT s.result_submitted OR s.winner_id IS NULL
                           OR (SELECT array_agg(p.slot::int ORDER BY p.slot)
                               FROM tourney.session_participants p
                               WHERE p.tournament_id = tid AND p.session_id = s.session_id)
                              IS DISTINCT FROM ARRAY[1, 2])),
                   0, lbl || 'every session has a result, a winner and exactly two participants');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    JOIN tourney.session_participants w
                      ON w.tournament_id = tid AND w.session_id = s.session_id AND w.player_id = s.winner_id
                    JOIN tourney.session_participants l
                      ON l.tournament_id = tid AND l.session_id = s.session_id AND l.player_id <> s.winner_id
                    WHERE s.tournament_id = tid
                      AND w.placement = 1 AND l.placement = 2 AND w.score > l.score),
                   total, lbl || 'the winner has placement 1 and the higher score (no draws)');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.sessions s
                    WHERE s.tournament_id = tid
                      AND ((s.next_session_id IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM tourney.session_participants p
                               WHERE p.tournament_id = tid AND p.session_id = s.next_session_id
                                 AND p.slot = s.next_slot AND p.player_id = s.winner_id))
                        OR (s.loser_next_session_id IS NOT NULL AND NOT EXISTS (
                               SELECT 1 FROM tourney.session_participants p
                               JOIN tourney.session_participants l
                                 ON l.tournament_id = tid AND l.session_id = s.session_id
                                AND l.player_id <> s.winner_id
                               WHERE p.tournament_id = tid AND p.session_id = s.loser_next_session_id
                                 AND p.slot = s.loser_next_slot AND p.player_id = l.player_id)))),
                   0, lbl || 'winners (and semi-final losers) appear in their next session''s slot');

    -- rankings
    RETURN NEXT is(tourney.calculate_rankings(tid), n, lbl || 'calculate_rankings returns N');
    RETURN NEXT is((SELECT ARRAY[count(*), count(e.player_id)]::int[]
                    FROM tourney.rankings rk
                    LEFT JOIN tourney.enrollments e
                      ON e.tournament_id = tid AND e.player_id = rk.player_id
                    WHERE rk.tournament_id = tid),
                   ARRAY[n, n], lbl || 'one ranking row per enrolled player');

    -- ladder from the results: 1/2 final, 3/4 third place (or 3/3),
    -- losers of round k share rank 2^(R-k)+1
    SELECT count(*) INTO v FROM (
        WITH res AS (
            SELECT s.stage, s.round, s.winner_id, l.player_id AS loser
            FROM tourney.sessions s
            JOIN tourney.session_participants l
              ON l.tournament_id = tid AND l.session_id = s.session_id AND l.player_id <> s.winner_id
            WHERE s.tournament_id = tid),
        ex AS (
            SELECT winner_id AS player_id, 1 AS rank FROM res WHERE stage = 'main' AND round = r
            UNION ALL SELECT loser, 2 FROM res WHERE stage = 'main' AND round = r
            UNION ALL SELECT winner_id, 3 FROM res WHERE stage = 'third_place'
            UNION ALL SELECT loser, 4 FROM res WHERE stage = 'third_place'
            UNION ALL SELECT loser, (1 << (r - round)) + 1 FROM res
                      WHERE stage = 'main' AND round < r AND NOT (has_tp AND round = r - 1))
        (SELECT player_id, rank FROM ex
         EXCEPT SELECT player_id, rank FROM tourney.rankings WHERE tournament_id = tid)
        UNION ALL
        (SELECT player_id, rank FROM tourney.rankings WHERE tournament_id = tid
         EXCEPT SELECT player_id, rank FROM ex)) d;
    RETURN NEXT is(v, 0::bigint, lbl || 'ranks follow the ladder of the results');

    -- the same ladder as counts per rank, from N alone
    exp_dist := ARRAY['1x1'];
    IF r >= 1 THEN
        exp_dist := exp_dist || '2x1'::text;
    END IF;
    IF has_tp THEN
        exp_dist := exp_dist || ARRAY['3x1', '4x1'];
    END IF;
    FOR k IN REVERSE r - 1 .. 1 LOOP
        IF NOT (has_tp AND k = r - 1) THEN
            exp_dist := exp_dist || format('%sx%s', (1 << (r - k)) + 1, exp_counts[k]);
        END IF;
    END LOOP;
    RETURN NEXT is((SELECT array_agg(format('%sx%s', rank, c) ORDER BY rank) FROM (
                        SELECT rank, count(*) AS c FROM tourney.rankings
                        WHERE tournament_id = tid GROUP BY rank) x),
                   exp_dist, lbl || 'rank counts ' || array_to_string(exp_dist, ' '));
END $$;

-- The model itself: the standard seeding order (SPEC: for B = 8, round 1
-- is 1-8, 4-5, 2-7, 3-6).
SELECT is(test_support.standard_order(8), '{1,8,4,5,2,7,3,6}'::int[], 'model: standard order of 8');
SELECT is(test_support.standard_order(16), '{1,16,8,9,4,13,5,12,2,15,7,10,3,14,6,11}'::int[],
          'model: standard order of 16');

SELECT * FROM pg_temp.ko(2, true, 0);
SELECT * FROM pg_temp.ko(3, true, 0);
SELECT * FROM pg_temp.ko(4, true, 0);
SELECT * FROM pg_temp.ko(5, true, 0);
SELECT * FROM pg_temp.ko(6, true, 0);
SELECT * FROM pg_temp.ko(7, true, 0);
SELECT * FROM pg_temp.ko(8, true, 8);
SELECT * FROM pg_temp.ko(12, true, 5);
SELECT * FROM pg_temp.ko(100, true, 10);
SELECT * FROM pg_temp.ko(1000, true, 0);
SELECT * FROM pg_temp.ko(1024, true, 0);
SELECT * FROM pg_temp.ko(4, false, 0);
SELECT * FROM pg_temp.ko(5, false, 2);
SELECT * FROM pg_temp.ko(100, false, 0);
SELECT * FROM pg_temp.ko(37, true, 4, 2);
SELECT * FROM pg_temp.ko(37, true, 4, 5);
SELECT * FROM pg_temp.ko(6, false, 0, 3);

-- campuses in a knockout: each round's sessions (the third-place match is in
-- round R with the final) spread over the campuses, loads differ by at most 1
INSERT INTO tourney.campuses (name, capacity) VALUES ('ko c1', NULL), ('ko c2', NULL), ('ko c3', 2), ('ko c4', NULL);
CREATE TEMP TABLE ko_campus AS
    SELECT tourney.create_tournament('knockout on campuses', 'knockout',
               campus_ids => ARRAY(SELECT campus_id FROM tourney.campuses WHERE name LIKE 'ko c_' ORDER BY name))
           AS tid;
SELECT is(tourney.enroll((SELECT tid FROM ko_campus), test_support.players(12, 'ko campus', '1500 + g')), 12,
          'campuses: enroll 12 players');
SELECT lives_ok(format('SELECT tourney.generate_sessions(%s, async => false)', (SELECT tid FROM ko_campus)),
                'campuses: generate a 12-player knockout over 4 campuses');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN tourney.tournaments t USING (tournament_id)
           WHERE s.tournament_id = (SELECT tid FROM ko_campus)
             AND (s.campus_id IS NULL OR NOT s.campus_id = ANY (t.campus_ids))),
          0, 'campuses: every session is at one of the tournament''s campuses');
SELECT is((SELECT array_agg(format('%s:%s', round, spread) ORDER BY round) FROM (
              SELECT r.round, max(l.load) - min(l.load) AS spread
              FROM (SELECT DISTINCT round FROM tourney.sessions WHERE tournament_id = (SELECT tid FROM ko_campus)) r
              CROSS JOIN LATERAL (
                  SELECT c.campus_id,
                         (SELECT count(*) FROM tourney.sessions s
                          WHERE s.tournament_id = (SELECT tid FROM ko_campus)
                            AND s.round = r.round AND s.campus_id = c.campus_id) AS load
                  FROM tourney.campuses c WHERE c.name LIKE 'ko c_') l
              GROUP BY r.round) x),
          ARRAY['1:0', '2:0', '3:1', '4:1'],
          'campuses: per round (4, 4, 2, final + third place) loads differ by at most one');

SELECT * FROM finish();
ROLLBACK;
