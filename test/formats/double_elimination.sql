-- Double elimination (SPEC §3 "double_elimination", issue 13;
-- ../shared/research/multistage.md §1 and §4 for the reference vectors).
--
-- 1. Structure, for N = 3 .. 64, 100, 1000 and 1024 with every grand-final
--    option, against a model of the padded bracket computed here in SQL
--    (pg_temp.de_model: the knockout bracket of P = 2^k places, the losers
--    dropping in the Challonge cycle, byes resolved), and against
--    properties that need no model: N - 1 winners' and N - 2 losers'
--    sessions, every slot fed exactly once, links pointing forward.
-- 2. The drop order of 8 and 16 players, written out by hand from the
--    research (and the model checked against it).
-- 3. Whole tournaments played by submit_result in random valid orders and
--    by simulate_results: losses, totals, waves, the ranking ladder, the
--    rank multiset, standings against calculate_rankings.
-- 4. The grand-final reset and its corrections; a correction in the
--    winners' first round cascading into the losers' bracket; draws.
-- 5. Campuses: per wave, loads differ by at most one.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SET LOCAL jit = off;  -- compiling the models' queries costs more than running them

SELECT plan(140);

-- one pool of players for every tournament here; ratings repeat so that
-- player_id has to break ties in the seeding
INSERT INTO test_support.fixtures (key, ids)
VALUES ('p', test_support.players(1024, 'de', '1500 + ((g * 37) % 11) * 10'));

----------------------------------------------------------------------------
-- The model
----------------------------------------------------------------------------

-- Slot 1 of losers' match j in round 2(r - 1) gets the loser of winners'
-- round r match f(j), n = matches of winners' round r: the Challonge cycle
-- by r: 2 reverse (n + 1 - j), 3 reverse each half, 4 half shift, 5
-- natural, then again.
CREATE FUNCTION pg_temp.drop_from(r int, n int, j int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN n = 1 THEN 1
                ELSE CASE (r - 2) % 4
                         WHEN 0 THEN n + 1 - j
                         WHEN 1 THEN CASE WHEN j <= n / 2 THEN n / 2 + 1 - j ELSE n + n / 2 + 1 - j END
                         WHEN 2 THEN (j - 1 + n / 2) % n + 1
                         ELSE j END
           END
$$;

-- Where every slot of every session of an N-player double elimination is
-- filled from, at generation: 'seed s' (a participant from the start),
-- 'W stage/round/match' (that session's winner) or 'L stage/round/match'
-- (its loser).  Padded matches with one entrant are no sessions: the
-- entrant goes on (a winners' round 1 bye to winners' round 2, a lone
-- losers' round 1 entrant to losers' round 2 in slot 2, a dropper without
-- an opponent to losers' round 3 in the slot of its padded position).
-- Sessions are numbered in padded order within their round.
CREATE FUNCTION pg_temp.de_model(n int, gf text)
RETURNS TABLE (stage text, round int, match int, slot int, source text)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    k int := ceil(log(2, n::numeric))::int;
    p int := 1 << ceil(log(2, n::numeric))::int;
    std int[] := test_support.standard_order(1 << ceil(log(2, n::numeric))::int);
    out_prev text[];          -- what each padded match of the previous round passes on
    out_cur text[];
    loser1 text[];            -- loser of winners' round 1 padded match (NULL: a bye)
    m int;
    i int;
    a text;
    b text;
    lr int;
    wr int;
BEGIN
    -- winners' round 1
    out_prev := '{}';
    loser1 := '{}';
    m := 0;
    FOR i IN 1 .. p / 2 LOOP
        IF std[2 * i] <= n THEN
            m := m + 1;
            stage := 'winners'; round := 1; match := m;
            slot := 1; source := 'seed ' || std[2 * i - 1]; RETURN NEXT;
            slot := 2; source := 'seed ' || std[2 * i]; RETURN NEXT;
            out_prev := out_prev || format('W winners/1/%s', m);
            loser1 := loser1 || format('L winners/1/%s', m);
        ELSE
            out_prev := out_prev || ('seed ' || std[2 * i - 1]);
            loser1 := loser1 || NULL::text;
        END IF;
    END LOOP;
    -- winners' rounds 2 .. k: every match is a session
    FOR wr IN 2 .. k LOOP
        out_cur := '{}';
        FOR i IN 1 .. p >> wr LOOP
            stage := 'winners'; round := wr; match := i;
            slot := 1; source := out_prev[2 * i - 1]; RETURN NEXT;
            slot := 2; source := out_prev[2 * i]; RETURN NEXT;
            out_cur := out_cur || format('W winners/%s/%s', wr, i);
        END LOOP;
        out_prev := out_cur;
    END LOOP;
    IF gf <> 'none' THEN
        stage := 'grand_final'; round := 1; match := 1;
        slot := 1; source := format('W winners/%s/1', k); RETURN NEXT;
    END IF;

    -- losers' round 1: the losers of winners' round 1 padded 2j - 1 and 2j
    out_prev := '{}';
    m := 0;
    FOR i IN 1 .. p / 4 LOOP
        a := loser1[2 * i - 1];
        b := loser1[2 * i];
        IF a IS NOT NULL AND b IS NOT NULL THEN
            m := m + 1;
            stage := 'losers'; round := 1; match := m;
            slot := 1; source := a; RETURN NEXT;
            slot := 2; source := b; RETURN NEXT;
            out_prev := out_prev || format('W losers/1/%s', m);
        ELSE
            out_prev := out_prev || coalesce(a, b);
        END IF;
    END LOOP;
    -- losers' rounds 2 .. 2k - 2
    FOR lr IN 2 .. 2 * k - 2 LOOP
        out_cur := '{}';
        m := 0;
        IF lr % 2 = 0 THEN
            -- the losers of winners' round lr/2 + 1 drop in, in slot 1
            wr := lr / 2 + 1;
            FOR i IN 1 .. p >> wr LOOP
                a := format('L winners/%s/%s', wr, pg_temp.drop_from(wr, p >> wr, i));
                b := out_prev[i];
                IF b IS NOT NULL THEN
                    m := m + 1;
                    stage := 'losers'; round := lr; match := m;
                    slot := 1; source := a; RETURN NEXT;
                    slot := 2; source := b; RETURN NEXT;
                    out_cur := out_cur || format('W losers/%s/%s', lr, m);
                ELSE
                    out_cur := out_cur || a;
                END IF;
            END LOOP;
        ELSE
            FOR i IN 1 .. cardinality(out_prev) / 2 LOOP
                m := m + 1;
                stage := 'losers'; round := lr; match := m;
                slot := 1; source := out_prev[2 * i - 1]; RETURN NEXT;
                slot := 2; source := out_prev[2 * i]; RETURN NEXT;
                out_cur := out_cur || format('W losers/%s/%s', lr, m);
            END LOOP;
        END IF;
        out_prev := out_cur;
    END LOOP;
    IF gf <> 'none' THEN
        stage := 'grand_final'; round := 1; match := 1;
        slot := 2; source := out_prev[1]; RETURN NEXT;
    END IF;
END $$;

-- Sessions of the model per stage and round, "stage round: count".
CREATE FUNCTION pg_temp.model_counts(n int) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_agg(format('%s %s: %s', stage, round, c) ORDER BY stage DESC, round) FROM (
        SELECT stage, round, count(DISTINCT match) AS c FROM pg_temp.de_model(n, 'none') GROUP BY 1, 2) x
$$;

-- The rank multiset of the ladder, from the model: 1 and 2, then the
-- losers of each losers' round share 1 + the number of players placed
-- before them, later rounds first.
CREATE FUNCTION pg_temp.model_ranks(n int) RETURNS int[]
LANGUAGE sql IMMUTABLE AS $$
    WITH lb AS (
        SELECT round, count(DISTINCT match)::int AS c FROM pg_temp.de_model(n, 'none')
        WHERE stage = 'losers' GROUP BY round),
    placed AS (
        SELECT round, c, 3 + coalesce(sum(c) OVER (ORDER BY round DESC ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::int AS rank
        FROM lb)
    SELECT ARRAY[1, 2] || array_agg(rank ORDER BY rank) FROM placed, generate_series(1, c)
$$;

-- The model against the research (multistage.md §1 totals table, §1
-- placements): sessions per losers' round and the rank multisets.
SELECT is(pg_temp.model_counts(n), want, format('model: %s players, sessions per round as in the research table', n))
FROM (VALUES
    (3, ARRAY['winners 1: 1', 'winners 2: 1', 'losers 2: 1']),
    (5, ARRAY['winners 1: 1', 'winners 2: 2', 'winners 3: 1', 'losers 2: 1', 'losers 3: 1', 'losers 4: 1']),
    (6, ARRAY['winners 1: 2', 'winners 2: 2', 'winners 3: 1', 'losers 2: 2', 'losers 3: 1', 'losers 4: 1']),
    (7, ARRAY['winners 1: 3', 'winners 2: 2', 'winners 3: 1', 'losers 1: 1', 'losers 2: 2', 'losers 3: 1', 'losers 4: 1']),
    (8, ARRAY['winners 1: 4', 'winners 2: 2', 'winners 3: 1', 'losers 1: 2', 'losers 2: 2', 'losers 3: 1', 'losers 4: 1']),
    (12, ARRAY['winners 1: 4', 'winners 2: 4', 'winners 3: 2', 'winners 4: 1',
               'losers 2: 4', 'losers 3: 2', 'losers 4: 2', 'losers 5: 1', 'losers 6: 1']),
    (16, ARRAY['winners 1: 8', 'winners 2: 4', 'winners 3: 2', 'winners 4: 1',
               'losers 1: 4', 'losers 2: 4', 'losers 3: 2', 'losers 4: 2', 'losers 5: 1', 'losers 6: 1'])) v(n, want)
ORDER BY n;
SELECT is(pg_temp.model_ranks(n), want, format('model: the %s-player rank multiset of the research', n))
FROM (VALUES (16, ARRAY[1, 2, 3, 4, 5, 5, 7, 7, 9, 9, 9, 9, 13, 13, 13, 13]),
             (12, ARRAY[1, 2, 3, 4, 5, 5, 7, 7, 9, 9, 9, 9]),
             (7, ARRAY[1, 2, 3, 4, 5, 5, 7]),
             (6, ARRAY[1, 2, 3, 4, 5, 5])) v(n, want)
ORDER BY n DESC;
SELECT is(pg_temp.drop_from(r, n, j), f, format('model: drop order, winners round %s, %s matches, losers match %s', r, n, j))
FROM (VALUES (2, 4, 1, 4), (2, 4, 4, 1), (3, 4, 1, 2), (3, 4, 3, 4), (4, 4, 1, 3), (4, 4, 4, 2),
             (5, 4, 2, 2), (6, 4, 1, 4)) v(r, n, j, f);

----------------------------------------------------------------------------
-- 1. Structure
----------------------------------------------------------------------------
CREATE TEMP TABLE cases (tid bigint PRIMARY KEY, n int NOT NULL, gf text, label text NOT NULL);
DO $$
DECLARE
    n int;
    gf text;
BEGIN
    FOR n IN SELECT generate_series(3, 64) UNION ALL VALUES (100), (1000), (1024) LOOP
        FOREACH gf IN ARRAY ARRAY['none', 'simple', 'double', NULL] LOOP
            -- the default (NULL = double) only for some sizes
            CONTINUE WHEN gf IS NULL AND n NOT IN (3, 4, 9, 100);
            INSERT INTO cases VALUES (
                test_support.tournament('double_elimination', (test_support.ids('p'))[1:n],
                                        format('de %s %s', n, coalesce(gf, 'default')), generate => true,
                                        grand_final => gf),
                n, gf, format('N=%s/%s', n, coalesce(gf, 'default')));
        END LOOP;
    END LOOP;
END $$;
-- what the tournament says (gf NULL: the default)
CREATE TEMP VIEW case_gf AS
SELECT c.*, t.grand_final AS g, ceil(log(2, c.n::numeric))::int AS k FROM cases c
JOIN tourney.tournaments t ON t.tournament_id = c.tid;

SELECT is((SELECT array_agg(label ORDER BY n, label) FROM case_gf
           WHERE g IS DISTINCT FROM coalesce(gf, 'double')),
          NULL, 'grand_final is stored as given, NULL as double');
SELECT is((SELECT array_agg(c.label ORDER BY c.n, c.label) FROM cases c JOIN tourney.tournaments t ON t.tournament_id = c.tid
           WHERE t.third_place_playoff OR t.number_of_rounds IS NOT NULL OR t.group_count IS NOT NULL
              OR t.advance_per_group IS NOT NULL OR t.group_tiebreak IS NOT NULL OR t.status <> 'in_progress'),
          NULL, 'third_place_playoff false, number_of_rounds and the group options NULL, in_progress');

CREATE TEMP TABLE counts AS
SELECT c.tid, c.n, c.g, c.k, c.label,
       count(*) FILTER (WHERE s.stage = 'winners')::int AS wb,
       count(*) FILTER (WHERE s.stage = 'losers')::int AS lb,
       count(*) FILTER (WHERE s.stage = 'grand_final')::int AS gfs,
       count(*) FILTER (WHERE s.stage NOT IN ('winners', 'losers', 'grand_final'))::int AS other,
       count(*)::int AS total,
       max(s.round) FILTER (WHERE s.stage = 'winners') AS wb_rounds,
       max(s.round) FILTER (WHERE s.stage = 'losers') AS lb_rounds
FROM case_gf c JOIN tourney.sessions s ON s.tournament_id = c.tid
GROUP BY c.tid, c.n, c.g, c.k, c.label;

SELECT is((SELECT array_agg(label ORDER BY n, label) FROM counts WHERE wb <> n - 1),
          NULL, 'exactly N - 1 winners'' sessions');
SELECT is((SELECT array_agg(label ORDER BY n, label) FROM counts WHERE lb <> n - 2),
          NULL, 'exactly N - 2 losers'' sessions');
SELECT is((SELECT array_agg(label ORDER BY n, label) FROM counts
           WHERE gfs <> CASE WHEN g = 'none' THEN 0 ELSE 1 END OR other <> 0),
          NULL, 'one grand_final session (none without a grand final), no reset at generation');
SELECT is((SELECT array_agg(label ORDER BY n, label) FROM counts
           WHERE total <> CASE WHEN g = 'none' THEN 2 * n - 3 ELSE 2 * n - 2 END),
          NULL, 'totals at generation: 2N - 3 (none), 2N - 2 (simple, double)');
SELECT is((SELECT array_agg(label ORDER BY n, label) FROM counts
           WHERE wb_rounds <> k OR lb_rounds <> 2 * k - 2),
          NULL, 'k = ceil(log2 N) winners'' rounds, 2k - 2 losers'' rounds');
SELECT is((SELECT array_agg(c.label ORDER BY c.n, c.label) FROM cases c
           WHERE EXISTS (SELECT 1 FROM tourney.sessions s WHERE s.tournament_id = c.tid
                         GROUP BY s.stage, s.round
                         HAVING min(s.match_number) <> 1 OR max(s.match_number) <> count(*)
                             OR bool_or(s.pool <> 0 OR s.result_submitted OR s.winner_id IS NOT NULL))),
          NULL, 'match_number 1..m within each stage and round; pool 0; no results yet');

-- every slot of every session is fed exactly once: a participant at
-- generation, or the winner or loser of exactly one session
CREATE TEMP TABLE feeds AS
SELECT c.tid, p.session_id, p.slot::int AS slot, 'player' AS how
FROM cases c JOIN tourney.session_participants p ON p.tournament_id = c.tid
UNION ALL
SELECT c.tid, f.next_session_id, f.next_slot, 'winner'
FROM cases c JOIN tourney.sessions f ON f.tournament_id = c.tid WHERE f.next_session_id IS NOT NULL
UNION ALL
SELECT c.tid, f.loser_next_session_id, f.loser_next_slot, 'loser'
FROM cases c JOIN tourney.sessions f ON f.tournament_id = c.tid WHERE f.loser_next_session_id IS NOT NULL;
ANALYZE feeds;
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c JOIN tourney.sessions s ON s.tournament_id = c.tid
           LEFT JOIN (SELECT f.tid, f.session_id, array_agg(f.slot ORDER BY f.slot) AS slots FROM feeds f
                      GROUP BY f.tid, f.session_id) f ON f.tid = c.tid AND f.session_id = s.session_id
           WHERE f.slots IS DISTINCT FROM ARRAY[1, 2]),
          NULL, 'every session''s slots 1 and 2 are each fed exactly once: none ever has fewer than two participants');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c
           JOIN feeds f ON f.tid = c.tid AND f.how <> 'player'
           JOIN tourney.session_participants p ON p.tournament_id = c.tid AND p.session_id = f.session_id
                                               AND p.slot = f.slot),
          NULL, 'no slot holds a player and is the target of a link too');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c
           WHERE (SELECT array[count(*) FILTER (WHERE s.round = 1), count(*) FILTER (WHERE s.round = 2), count(*)]
                  FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
                  WHERE p.tournament_id = c.tid AND s.stage = 'winners')
                 IS DISTINCT FROM (SELECT array[2 * count(*), c.n - 2 * count(*), c.n] FROM tourney.sessions s
                                   WHERE s.tournament_id = c.tid AND s.stage = 'winners' AND s.round = 1)),
          NULL, 'at generation: two players in each winners'' round 1 session, the byes in round 2, nobody else');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c
           WHERE (SELECT count(*) - count(DISTINCT p.player_id) FROM tourney.session_participants p
                  WHERE p.tournament_id = c.tid) <> 0
              OR (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = c.tid
                  AND NOT EXISTS (SELECT 1 FROM tourney.session_participants p
                                  WHERE p.tournament_id = c.tid AND p.player_id = e.player_id)) <> 0),
          NULL, 'every enrolled player is placed once at generation');

-- links: every winners' session has a loser target, losers' and grand-final
-- sessions none; targets are sessions of the tournament with larger ids
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c JOIN tourney.sessions s ON s.tournament_id = c.tid
           WHERE (s.stage = 'winners') <> (s.loser_next_session_id IS NOT NULL AND s.loser_next_slot IS NOT NULL)),
          NULL, 'every winners'' session has loser_next_session_id and slot, no other session has one');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM case_gf c JOIN tourney.sessions s ON s.tournament_id = c.tid
           WHERE (s.next_session_id IS NULL) <> (s.next_slot IS NULL)
              OR (s.next_session_id IS NULL) <> (s.stage = 'grand_final'
                                                 OR (c.gf = 'none' AND s.stage = 'winners' AND s.round = c.k)
                                                 OR (c.gf = 'none' AND s.stage = 'losers' AND s.round = 2 * c.k - 2))),
          NULL, 'every session but the grand final (without one: both brackets'' finals) has a next session and slot');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c JOIN tourney.sessions s ON s.tournament_id = c.tid
           LEFT JOIN tourney.sessions nx ON nx.tournament_id = c.tid AND nx.session_id = s.next_session_id
           LEFT JOIN tourney.sessions lx ON lx.tournament_id = c.tid AND lx.session_id = s.loser_next_session_id
           WHERE (s.next_session_id IS NOT NULL AND (nx.session_id IS NULL OR nx.session_id <= s.session_id))
              OR (s.loser_next_session_id IS NOT NULL AND (lx.session_id IS NULL OR lx.session_id <= s.session_id))
              OR lx.stage <> 'losers'),
          NULL, 'next and loser targets are sessions of the tournament with larger ids; losers go to the losers'' bracket');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c JOIN tourney.sessions s ON s.tournament_id = c.tid
           JOIN tourney.sessions lx ON lx.tournament_id = c.tid AND lx.session_id = s.loser_next_session_id
           WHERE NOT CASE WHEN s.round = 1 THEN lx.round = 1 OR (lx.round = 2 AND s.loser_next_slot = 2)
                          WHEN s.round = 2 THEN (lx.round = 2 AND s.loser_next_slot = 1) OR lx.round = 3
                          ELSE lx.round = 2 * s.round - 2 AND s.loser_next_slot = 1 END),
          NULL, 'winners'' round r >= 2 losers drop into losers'' round 2r - 2 in slot 1 (round 2: round 3 when round 2 has nobody for them); round 1 losers into round 1 (or round 2, slot 2, facing a bye)');
SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c JOIN tourney.sessions s ON s.tournament_id = c.tid
           JOIN tourney.sessions lx ON lx.tournament_id = c.tid AND lx.session_id = s.loser_next_session_id
           WHERE s.round = 1 AND lx.round = 2
             AND EXISTS (SELECT 1 FROM tourney.sessions o WHERE o.tournament_id = c.tid AND o.stage = 'losers'
                         AND o.round = 1 AND o.next_session_id = lx.session_id)),
          NULL, 'a winners'' round 1 loser enters losers'' round 2 only where losers'' round 1 has no session feeding it');

-- the whole graph against the model
-- (each case's seeding once: as a lateral join beside the participants it
-- was called again for every participant row)
CREATE TEMP TABLE case_seeds AS
SELECT c.tid, sd.player_id, sd.seed FROM cases c CROSS JOIN LATERAL test_support.seeding(c.tid) sd;
ANALYZE case_seeds;
CREATE TEMP TABLE graph AS
SELECT c.tid, s.stage, s.round, s.match_number AS match, p.slot::int AS slot, 'seed ' || sd.seed AS source
FROM cases c
JOIN tourney.sessions s ON s.tournament_id = c.tid
JOIN tourney.session_participants p ON p.tournament_id = c.tid AND p.session_id = s.session_id
JOIN case_seeds sd ON sd.tid = c.tid AND sd.player_id = p.player_id
UNION ALL
SELECT c.tid, t.stage, t.round, t.match_number, f.next_slot, format('W %s/%s/%s', f.stage, f.round, f.match_number)
FROM cases c JOIN tourney.sessions f ON f.tournament_id = c.tid
JOIN tourney.sessions t ON t.tournament_id = c.tid AND t.session_id = f.next_session_id
UNION ALL
SELECT c.tid, t.stage, t.round, t.match_number, f.loser_next_slot, format('L %s/%s/%s', f.stage, f.round, f.match_number)
FROM cases c JOIN tourney.sessions f ON f.tournament_id = c.tid
JOIN tourney.sessions t ON t.tournament_id = c.tid AND t.session_id = f.loser_next_session_id;
CREATE TEMP TABLE model AS
SELECT c.tid, m.* FROM case_gf c CROSS JOIN LATERAL pg_temp.de_model(c.n, c.g) m;
ANALYZE graph, model;

SELECT is((SELECT array_agg(DISTINCT c.label) FROM cases c
           JOIN ((TABLE graph EXCEPT ALL TABLE model) UNION ALL (TABLE model EXCEPT ALL TABLE graph)) d ON d.tid = c.tid),
          NULL, 'every slot of every session is fed as the model says: standard seeding, byes, the Challonge drop order');
SELECT is((SELECT array_agg(x.label ORDER BY x.n) FROM (
               SELECT c.label, c.n, (SELECT array_agg(format('%s %s: %s', stage, round, cnt) ORDER BY stage DESC, round)
                                     FROM (SELECT s.stage, s.round, count(*) AS cnt FROM tourney.sessions s
                                           WHERE s.tournament_id = c.tid AND s.stage IN ('winners', 'losers')
                                           GROUP BY 1, 2) y) AS got
               FROM cases c WHERE c.gf = 'none') x
           WHERE x.got IS DISTINCT FROM pg_temp.model_counts(x.n)),
          NULL, 'sessions per round as the model counts them');

----------------------------------------------------------------------------
-- 2. The drop order of 8 and 16 players, by hand (multistage.md §1 "Exact
-- drop vectors", Challonge / tournament-pairings): "Wr.m>Lx.y/slot" for
-- every winners' session, the loser target first.
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.drops(tid bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(format('W%s.%s>L%s.%s/%s', s.round, s.match_number, l.round, l.match_number, s.loser_next_slot)
                     ORDER BY s.round, s.match_number)
    FROM tourney.sessions s
    JOIN tourney.sessions l ON l.tournament_id = s.tournament_id AND l.session_id = s.loser_next_session_id
    WHERE s.tournament_id = tid AND s.stage = 'winners'
$$;
-- and where each losers' session's winner goes
CREATE FUNCTION pg_temp.lb_next(tid bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(format('L%s.%s>%s%s.%s/%s', s.round, s.match_number,
                            CASE x.stage WHEN 'losers' THEN 'L' ELSE 'GF' END,
                            CASE x.stage WHEN 'losers' THEN x.round::text ELSE '' END,
                            x.match_number, s.next_slot)
                     ORDER BY s.round, s.match_number)
    FROM tourney.sessions s
    JOIN tourney.sessions x ON x.tournament_id = s.tournament_id AND x.session_id = s.next_session_id
    WHERE s.tournament_id = tid AND s.stage = 'losers'
$$;
SELECT tid AS de8 FROM cases WHERE n = 8 AND gf = 'double' \gset
SELECT tid AS de16 FROM cases WHERE n = 16 AND gf = 'simple' \gset
-- 8: LB1 L1.1-L1.2, L1.3-L1.4 . LB2 L2.2-W(LB1.1), L2.1-W(LB1.2) . LB3 W(LB2.1)-W(LB2.2) . LB4 L3.1-W(LB3.1)
SELECT is(pg_temp.drops(:de8),
          ARRAY['W1.1>L1.1/1', 'W1.2>L1.1/2', 'W1.3>L1.2/1', 'W1.4>L1.2/2',
                'W2.1>L2.2/1', 'W2.2>L2.1/1', 'W3.1>L4.1/1'],
          '8 players: which winners'' match''s loser goes to which losers'' match and slot');
SELECT is(pg_temp.lb_next(:de8),
          ARRAY['L1.1>L2.1/2', 'L1.2>L2.2/2', 'L2.1>L3.1/1', 'L2.2>L3.1/2', 'L3.1>L4.1/2', 'L4.1>GF.1/2'],
          '8 players: the losers'' bracket survivors meet the droppers; its final leads to the grand final, slot 2');
SELECT is((SELECT array_agg(test_support.lineup(s.session_id) ORDER BY s.match_number)
           FROM tourney.sessions s WHERE s.tournament_id = :de8 AND s.stage = 'winners' AND s.round = 1),
          ARRAY['1:1 2:8', '1:4 2:5', '1:2 2:7', '1:3 2:6'], '8 players: winners'' round 1 is 1-8, 4-5, 2-7, 3-6');
-- 16: LB1 (1,2)(3,4)(5,6)(7,8) . LB2 droppers L2.4, L2.3, L2.2, L2.1 . LB4 L3.1, L3.2 . LB6 L4.1
-- (tournament-pairings: W2.1 -> LB2.4, W2.2 -> LB2.3, W2.3 -> LB2.2, W2.4 -> LB2.1, W3.1 -> LB4.1, W3.2 -> LB4.2, W4.1 -> LB6.1)
SELECT is(pg_temp.drops(:de16),
          ARRAY['W1.1>L1.1/1', 'W1.2>L1.1/2', 'W1.3>L1.2/1', 'W1.4>L1.2/2',
                'W1.5>L1.3/1', 'W1.6>L1.3/2', 'W1.7>L1.4/1', 'W1.8>L1.4/2',
                'W2.1>L2.4/1', 'W2.2>L2.3/1', 'W2.3>L2.2/1', 'W2.4>L2.1/1',
                'W3.1>L4.1/1', 'W3.2>L4.2/1', 'W4.1>L6.1/1'],
          '16 players: the Challonge drop order (reverse, then reverse each half)');
SELECT is(pg_temp.lb_next(:de16),
          ARRAY['L1.1>L2.1/2', 'L1.2>L2.2/2', 'L1.3>L2.3/2', 'L1.4>L2.4/2',
                'L2.1>L3.1/1', 'L2.2>L3.1/2', 'L2.3>L3.2/1', 'L2.4>L3.2/2',
                'L3.1>L4.1/2', 'L3.2>L4.2/2', 'L4.1>L5.1/1', 'L4.2>L5.1/2',
                'L5.1>L6.1/2', 'L6.1>GF.1/2'],
          '16 players: survivors pair in the odd losers'' rounds and meet the droppers in the even ones');
SELECT is((SELECT array_agg(format('W%s>%s/%s', s.round, x.stage, s.next_slot))
           FROM tourney.sessions s JOIN tourney.sessions x ON x.tournament_id = s.tournament_id AND x.session_id = s.next_session_id
           WHERE s.tournament_id = :de16 AND s.stage = 'winners' AND s.round = 4),
          ARRAY['W4>grand_final/1'], '16 players: the winners'' champion goes to the grand final in slot 1');

----------------------------------------------------------------------------
-- 3. Whole tournaments
----------------------------------------------------------------------------
CREATE TEMP TABLE plays (tid bigint PRIMARY KEY, n int, gf text, how text, label text, mid_ok bool, given int);

-- Standings while it runs (before the grand final): the players with
-- fewer than two losses rank 1; a player out after losing in losers' round
-- m already has the rank the ladder gives, 3 + the losers' sessions of the
-- later rounds.
CREATE FUNCTION pg_temp.in_the_running(tid bigint) RETURNS bool
LANGUAGE sql STABLE AS $$
    WITH lost AS (
        SELECT p.player_id, count(*) AS l,
               max(s.round) FILTER (WHERE s.stage = 'losers') AS lb_round
        FROM tourney.sessions s
        JOIN tourney.session_participants p ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
        WHERE s.tournament_id = tid AND s.result_submitted AND s.winner_id <> p.player_id
        GROUP BY p.player_id),
    want AS (
        SELECT e.player_id,
               CASE WHEN coalesce(l.l, 0) < 2 THEN 1
                    ELSE 3 + (SELECT count(*)::int FROM tourney.sessions x WHERE x.tournament_id = tid
                              AND x.stage = 'losers' AND x.round > l.lb_round) END AS rank
        FROM tourney.enrollments e LEFT JOIN lost l USING (player_id)
        WHERE e.tournament_id = tid)
    SELECT NOT EXISTS ((SELECT player_id, rank FROM want EXCEPT SELECT player_id, rank FROM tourney.standings(tid))
                       UNION ALL
                       (SELECT player_id, rank FROM tourney.standings(tid) EXCEPT SELECT player_id, rank FROM want))
$$;

DO $$
DECLARE
    n int;
    gf text;
    how text;
    t bigint;
    i int := 0;
    half int;
    mid bool;
    given int;
BEGIN
    FOREACH n IN ARRAY ARRAY[3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 23, 32, 33] LOOP
        FOREACH gf IN ARRAY ARRAY['none', 'simple', 'double'] LOOP
            FOREACH how IN ARRAY ARRAY['submit', 'simulate'] LOOP
                i := i + 1;
                t := test_support.tournament('double_elimination', (test_support.ids('p'))[100 + i : 99 + i + n],
                                             format('de play %s %s %s', n, gf, how), generate => true,
                                             grand_final => gf);
                IF how = 'submit' THEN
                    -- half of it, a look at the standings, then the rest
                    half := test_support.play_random(t, 1.0 / (i + 1), most => n - 1);
                    mid := pg_temp.in_the_running(t);
                    given := half + test_support.play_random(t, -1.0 / (i + 1));
                ELSE
                    mid := true;
                    given := tourney.simulate_results(t, i);
                END IF;
                INSERT INTO plays VALUES (t, n, gf, how, format('N=%s/%s/%s', n, gf, how), mid, given);
            END LOOP;
        END LOOP;
    END LOOP;
END $$;

-- losses and wins of every player, from the sessions
CREATE TEMP VIEW player_record AS
SELECT pl.tid, e.player_id,
       count(*) FILTER (WHERE s.winner_id = e.player_id)::int AS wins,
       count(*) FILTER (WHERE s.winner_id <> e.player_id)::int AS losses,
       coalesce(sum(me.score), 0) AS sf, coalesce(sum(op.score), 0) AS sa
FROM plays pl
JOIN tourney.enrollments e ON e.tournament_id = pl.tid
LEFT JOIN tourney.session_participants me ON me.tournament_id = pl.tid AND me.player_id = e.player_id
LEFT JOIN tourney.sessions s ON s.tournament_id = pl.tid AND s.session_id = me.session_id AND s.result_submitted
LEFT JOIN tourney.session_participants op ON op.tournament_id = pl.tid AND op.session_id = s.session_id
                                          AND op.player_id <> e.player_id
GROUP BY pl.tid, e.player_id;

-- the decisive session: the reset if there is one, else the grand final
CREATE TEMP VIEW decisive AS
SELECT pl.tid, s.session_id, s.winner_id,
       (SELECT p.player_id FROM tourney.session_participants p
        WHERE p.tournament_id = pl.tid AND p.session_id = s.session_id AND p.player_id <> s.winner_id) AS loser_id
FROM plays pl JOIN tourney.sessions s ON s.tournament_id = pl.tid
WHERE s.stage = (SELECT max(x.stage) FROM tourney.sessions x
                 WHERE x.tournament_id = pl.tid AND x.stage IN ('grand_final', 'grand_final_reset'));
-- champion and runner-up: the decisive session's winner and loser; without
-- a grand final the winners' and the losers' champions
CREATE TEMP VIEW top2 AS
SELECT d.tid, d.winner_id AS first, d.loser_id AS second FROM decisive d
UNION ALL
SELECT pl.tid,
       (SELECT s.winner_id FROM tourney.sessions s WHERE s.tournament_id = pl.tid AND s.stage = 'winners'
        ORDER BY s.round DESC LIMIT 1),
       (SELECT s.winner_id FROM tourney.sessions s WHERE s.tournament_id = pl.tid AND s.stage = 'losers'
        ORDER BY s.round DESC LIMIT 1)
FROM plays pl WHERE pl.gf = 'none';

SELECT is((SELECT array_agg(label) FROM plays WHERE NOT mid_ok), NULL,
          'halfway through, standings rank 1 the players with fewer than two losses, the others as the ladder will');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE EXISTS (SELECT 1 FROM tourney.sessions s WHERE s.tournament_id = pl.tid
                         AND (NOT s.result_submitted OR s.winner_id IS NULL))),
          NULL, 'every session has a result and a winner at the end');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE pl.given <> (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = pl.tid)),
          NULL, 'submit_result and simulate_results gave exactly every session, the reset included, its result');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = pl.tid)
                 <> CASE pl.gf WHEN 'none' THEN 2 * pl.n - 3 WHEN 'simple' THEN 2 * pl.n - 2
                               ELSE 2 * pl.n - 2 + (SELECT count(*)::int FROM tourney.sessions s
                                                    WHERE s.tournament_id = pl.tid AND s.stage = 'grand_final_reset') END),
          NULL, 'totals: 2N - 3 (none), 2N - 2 (simple), 2N - 2 or 2N - 1 (double)');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = pl.tid AND s.stage = 'grand_final_reset')
                 <> CASE WHEN pl.gf = 'double'
                              AND (SELECT s.winner_id FROM tourney.sessions s JOIN tourney.session_participants p
                                     ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id AND p.slot = 2
                                   WHERE s.tournament_id = pl.tid AND s.stage = 'grand_final') =
                                  (SELECT p.player_id FROM tourney.sessions s JOIN tourney.session_participants p
                                     ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id AND p.slot = 2
                                   WHERE s.tournament_id = pl.tid AND s.stage = 'grand_final')
                         THEN 1 ELSE 0 END),
          NULL, 'a reset exactly when the losers'' champion (slot 2) won a double grand final');
SELECT is((SELECT array_agg(pl.label) FROM plays pl JOIN tourney.sessions r
             ON r.tournament_id = pl.tid AND r.stage = 'grand_final_reset'
           JOIN tourney.sessions g ON g.tournament_id = pl.tid AND g.stage = 'grand_final'
           WHERE r.session_id <= g.session_id OR r.next_session_id IS NOT NULL OR r.loser_next_session_id IS NOT NULL
              OR (SELECT array_agg(p.player_id ORDER BY p.slot) FROM tourney.session_participants p
                  WHERE p.tournament_id = pl.tid AND p.session_id = r.session_id)
                 IS DISTINCT FROM (SELECT array_agg(p.player_id ORDER BY p.slot) FROM tourney.session_participants p
                                   WHERE p.tournament_id = pl.tid AND p.session_id = g.session_id)),
          NULL, 'the reset: the grand final''s two players in the same slots, a later id, no links');
SELECT is((SELECT array_agg(pl.label) FROM plays pl WHERE test_support.bracket_errors(pl.tid) <> 0),
          NULL, 'winners and losers are where the results sent them');
SELECT is((SELECT array_agg(pl.label) FROM plays pl WHERE test_support.wave_clashes(pl.tid) <> 0),
          NULL, 'nobody plays twice in one wave');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE EXISTS (SELECT 1 FROM player_record r JOIN top2 t ON t.tid = r.tid
                         WHERE r.tid = pl.tid AND r.player_id NOT IN (t.first, t.second) AND r.losses <> 2)),
          NULL, 'every player but the champion and the runner-up leaves with exactly two losses');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE pl.gf = 'double'
             AND (SELECT array[r1.losses <= 1, r2.losses = 2] FROM top2 t
                  JOIN player_record r1 ON r1.tid = t.tid AND r1.player_id = t.first
                  JOIN player_record r2 ON r2.tid = t.tid AND r2.player_id = t.second
                  WHERE t.tid = pl.tid) IS DISTINCT FROM ARRAY[true, true]),
          NULL, 'double: the champion has at most one loss, the runner-up two');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE pl.gf = 'simple'
             AND (SELECT r1.losses + r2.losses FROM top2 t
                  JOIN player_record r1 ON r1.tid = t.tid AND r1.player_id = t.first
                  JOIN player_record r2 ON r2.tid = t.tid AND r2.player_id = t.second
                  WHERE t.tid = pl.tid) IS DISTINCT FROM 2),
          NULL, 'simple: the finalists'' losses sum to two');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE pl.gf = 'none'
             AND (SELECT array[r1.losses, r2.losses] FROM top2 t
                  JOIN player_record r1 ON r1.tid = t.tid AND r1.player_id = t.first
                  JOIN player_record r2 ON r2.tid = t.tid AND r2.player_id = t.second
                  WHERE t.tid = pl.tid) IS DISTINCT FROM ARRAY[0, 1]),
          NULL, 'none: the winners'' champion unbeaten, the losers'' champion with one loss');

-- rankings
SELECT is((SELECT array_agg(pl.label) FROM plays pl WHERE tourney.calculate_rankings(pl.tid) <> pl.n),
          NULL, 'calculate_rankings: one row per player');
-- the expected rank of every player: the decisive session's winner 1 and
-- loser 2 (none: the winners' champion 1, the losers' 2); the losers of
-- losers' round m 3 + the losers of later losers' rounds
CREATE TEMP TABLE expected_rank AS
WITH lb AS (
    SELECT pl.tid, s.round,
           (SELECT p.player_id FROM tourney.session_participants p
            WHERE p.tournament_id = pl.tid AND p.session_id = s.session_id AND p.player_id <> s.winner_id) AS loser_id
    FROM plays pl JOIN tourney.sessions s ON s.tournament_id = pl.tid AND s.stage = 'losers')
SELECT tid, first AS player_id, 1 AS rank FROM top2
UNION ALL SELECT tid, second, 2 FROM top2
UNION ALL
SELECT a.tid, a.loser_id, 3 + (SELECT count(*)::int FROM lb b WHERE b.tid = a.tid AND b.round > a.round) FROM lb a;

SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE EXISTS ((SELECT player_id, rank FROM expected_rank x WHERE x.tid = pl.tid
                          EXCEPT SELECT player_id, rank FROM tourney.rankings r WHERE r.tournament_id = pl.tid)
                         UNION ALL
                         (SELECT player_id, rank FROM tourney.rankings r WHERE r.tournament_id = pl.tid
                          EXCEPT SELECT player_id, rank FROM expected_rank x WHERE x.tid = pl.tid))),
          NULL, 'ranks: 1 and 2 from the decisive grand-final session (none: the brackets'' champions), then each losers'' round''s losers');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE (SELECT array_agg(rank ORDER BY rank) FROM tourney.rankings r WHERE r.tournament_id = pl.tid)
                 IS DISTINCT FROM pg_temp.model_ranks(pl.n)),
          NULL, 'the rank multiset of the ladder (16: 1, 2, 3, 4, 5, 5, 7, 7, 9 x4, 13 x4)');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.rankings r JOIN plays pl ON pl.tid = r.tournament_id
           WHERE pl.n = 16 AND pl.gf = 'double' AND pl.how = 'submit'),
          ARRAY[1, 2, 3, 4, 5, 5, 7, 7, 9, 9, 9, 9, 13, 13, 13, 13], '16 players: 1, 2, 3, 4, 5, 5, 7, 7, 9 x4, 13 x4');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.rankings r JOIN plays pl ON pl.tid = r.tournament_id
           WHERE pl.n = 12 AND pl.gf = 'simple' AND pl.how = 'simulate'),
          ARRAY[1, 2, 3, 4, 5, 5, 7, 7, 9, 9, 9, 9], '12 players: 1, 2, 3, 4, 5, 5, 7, 7, 9 x4');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.rankings r JOIN plays pl ON pl.tid = r.tournament_id
           WHERE pl.n = 7 AND pl.gf = 'none' AND pl.how = 'submit'),
          ARRAY[1, 2, 3, 4, 5, 5, 7], '7 players: 1, 2, 3, 4, 5, 5, 7');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.rankings r JOIN plays pl ON pl.tid = r.tournament_id
           WHERE pl.n = 6 AND pl.gf = 'double' AND pl.how = 'simulate'),
          ARRAY[1, 2, 3, 4, 5, 5], '6 players: 1, 2, 3, 4, 5, 5');
SELECT is((SELECT array_agg(pl.label) FROM plays pl JOIN tourney.rankings k ON k.tournament_id = pl.tid
           JOIN player_record r ON r.tid = pl.tid AND r.player_id = k.player_id
           WHERE k.points <> r.wins OR k.wins <> r.wins OR k.losses <> r.losses OR k.draws <> 0
              OR k.score_for <> r.sf OR k.score_against <> r.sa OR k.pool_rank IS NOT NULL),
          NULL, 'points = wins; wins, losses and scores recounted from the sessions; no draws, no pool_rank');
SELECT is((SELECT array_agg(pl.label) FROM plays pl WHERE test_support.standings_mismatch(pl.tid) <> 0),
          NULL, 'the standings at the end are the calculated rankings');
SELECT is((SELECT array_agg(pl.label) FROM plays pl
           WHERE test_support.sqlstate_of(format('SELECT tourney.complete_tournament(%s)', pl.tid)) <> 'ok'),
          NULL, 'and every tournament completes');

----------------------------------------------------------------------------
-- 4. The grand-final reset and its corrections (4 players, seeds 1..4)
--    W1.1 1-4, W1.2 2-3 -> W2.1 (winners' final); L1.1 4-3 (losers of W1.1,
--    W1.2); L2.1: loser of W2.1 (slot 1) against W(L1.1); grand final W2.1's
--    winner (slot 1) against L2.1's
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.s(tid bigint, stage text, round int, match int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT test_support.session_id(tid, stage, round, match) $$;
-- the tournament's sessions by stage: "stage round.match slot:seed ... [winner seed]"
CREATE FUNCTION pg_temp.state(tid bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(concat_ws(' ', format('%s %s.%s', s.stage, s.round, s.match_number),
                               nullif(test_support.lineup(s.session_id), ''),
                               CASE WHEN s.result_submitted THEN 'won by ' || w.seed END)
                     ORDER BY s.session_id)
    FROM tourney.sessions s LEFT JOIN test_support.seeding(tid) w ON w.player_id = s.winner_id
    WHERE s.tournament_id = tid
$$;
CREATE FUNCTION pg_temp.reset_id(tid bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT session_id FROM tourney.sessions WHERE tournament_id = tid AND stage = 'grand_final_reset'
$$;
CREATE FUNCTION pg_temp.top2(tid bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('%s:%s', r.rank, sd.seed), ' ' ORDER BY r.rank, sd.seed)
    FROM tourney.rankings r JOIN test_support.seeding(tid) sd USING (player_id)
    WHERE r.tournament_id = tid AND r.rank <= 2
$$;

SELECT test_support.tournament('double_elimination', (test_support.ids('p'))[1:4], 'de reset', seeded => true,
                               generate => true) AS r4 \gset
SELECT pg_temp.s(:r4, 'grand_final', 1, 1) AS gf4 \gset
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, 0]), tourney.submit_result(%s, ARRAY[2, 1]),'
                       ' tourney.submit_result(%s, ARRAY[3, 1]), tourney.submit_result(%s, ARRAY[0, 1]),'
                       ' tourney.submit_result(%s, ARRAY[2, 1])',
                       pg_temp.s(:r4, 'winners', 1, 1), pg_temp.s(:r4, 'winners', 1, 2), pg_temp.s(:r4, 'winners', 2, 1),
                       pg_temp.s(:r4, 'losers', 1, 1), pg_temp.s(:r4, 'losers', 2, 1)),
                'reset: 1 and 2 win round 1, 1 beats 2, 3 beats 4, 2 beats 3');
SELECT is(pg_temp.state(:r4),
          ARRAY['winners 1.1 1:1 2:4 won by 1', 'winners 1.2 1:2 2:3 won by 2', 'winners 2.1 1:1 2:2 won by 1',
                'losers 1.1 1:4 2:3 won by 3', 'losers 2.1 1:2 2:3 won by 2', 'grand_final 1.1 1:1 2:2'],
          'reset: the grand final is 1 (winners'' champion, slot 1) against 2 (losers'' champion, slot 2)');
SELECT is(pg_temp.reset_id(:r4), NULL, 'no reset before the grand final');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 3])', :gf4), 'the losers'' champion 2 wins the grand final');
SELECT pg_temp.reset_id(:r4) AS reset1 \gset
SELECT is(pg_temp.state(:r4) @> ARRAY['grand_final 1.1 1:1 2:2 won by 2', 'grand_final_reset 1.1 1:1 2:2'], true,
          'the same result wrote a grand_final_reset with both players, the winners'' champion in slot 1');
SELECT ok(:reset1 > :gf4, 'the reset''s id is larger than the grand final''s');
SELECT throws_ok(format('INSERT INTO tourney.sessions (tournament_id, session_id, stage, round, match_number)'
                        ' VALUES (%s, %s, %L, 2, 1)', :r4, :reset1::bigint + 1000000, 'grand_final_reset'),
                 '23505', NULL, 'the database keeps one reset at most: a second grand_final_reset is refused (23505)');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = :r4), 2 * 4 - 1, '2N - 1 sessions now');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.standings(:r4)), ARRAY[1, 1, 3, 4],
          'standings: both finalists still rank 1 (not decided), then 3 and 4');
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', :r4), '55000', NULL,
                 'calculate_rankings with the reset open -> 55000');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 3])', :gf4), 'the identical grand-final result again: a no-op');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = :r4 AND stage = 'grand_final_reset'), 1,
          'still one reset');
SELECT is(test_support.corrected(:gf4, ARRAY[0, 5]), '{}'::bigint[], 'correcting the grand final''s scores, same winner: nothing reset');
SELECT is(pg_temp.reset_id(:r4), :reset1::bigint, 'the reset stays');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, 2])', :reset1), '22023', NULL, 'a draw in the reset -> 22023');
SELECT is(test_support.corrected(:gf4, ARRAY[5, 0]), ARRAY[:reset1]::bigint[],
          'the winners'' champion wins the grand final after all: the reset (no result yet) is removed, without cascade');
SELECT is(pg_temp.reset_id(:r4), NULL, 'no reset any more');
SELECT is((SELECT count(*)::int FROM tourney.session_participants WHERE tournament_id = :r4 AND session_id = :reset1), 0,
          'nor its participants');
SELECT is(tourney.calculate_rankings(:r4), 4, 'the tournament is decided: rankings');
SELECT is(pg_temp.top2(:r4), '1:1 2:2', '1 first, 2 second');
SELECT is(test_support.corrected(:gf4, ARRAY[0, 1]), '{}'::bigint[], 'corrected again: the losers'' champion wins the grand final');
SELECT pg_temp.reset_id(:r4) AS reset2 \gset
SELECT is(test_support.lineup(:reset2), '1:1 2:2', 'the reset is written again, winners'' champion in slot 1');
SELECT is((SELECT rankings_calculated_at FROM tourney.tournaments WHERE tournament_id = :r4), NULL,
          'and the rankings are dropped');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[4, 2])', :reset2), 'the reset: 1 beats 2');
SELECT is(tourney.calculate_rankings(:r4), 4, 'rankings');
SELECT is(pg_temp.top2(:r4), '1:1 2:2', '1 first (one loss), 2 second (two losses)');
SELECT is((SELECT array_agg(format('%s:%s-%s', sd.seed, r.wins, r.losses) ORDER BY sd.seed)
           FROM tourney.rankings r JOIN test_support.seeding(:r4) sd USING (player_id) WHERE r.tournament_id = :r4),
          ARRAY['1:3-1', '2:3-2', '3:1-2', '4:0-2'], 'wins and losses: 1 3-1, 2 3-2, 3 1-2, 4 0-2');
SELECT test_support.fingerprint(:r4) AS before_refusal \gset
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[5, 0])', :gf4), '55000', NULL,
                 'undoing the losers'' champion''s grand-final win with the reset played, without cascade -> 55000');
SELECT is(test_support.fingerprint(:r4), :'before_refusal', 'the refused correction changed nothing');
SELECT is(test_support.corrected(:gf4, ARRAY[5, 0], true), ARRAY[:reset2]::bigint[], 'with cascade: the reset is removed and returned');
SELECT is(pg_temp.reset_id(:r4), NULL, 'no reset');
SELECT is((pg_temp.state(:r4))[6], 'grand_final 1.1 1:1 2:2 won by 1', 'the grand final won by 1');
SELECT is(tourney.calculate_rankings(:r4), 4, 'rankings again');
SELECT is(pg_temp.top2(:r4), '1:1 2:2', '1 first (unbeaten), 2 second');
-- a correction in the losers' bracket reaches the grand final and the reset
SELECT is(test_support.corrected(:gf4, ARRAY[0, 5]), '{}'::bigint[], 'the losers'' champion wins the grand final again');
SELECT pg_temp.reset_id(:r4) AS reset3 \gset
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[0, 1])', :reset3), 'and the reset: 2 beats 1');
SELECT is(tourney.calculate_rankings(:r4), 4, 'rankings');
SELECT is(pg_temp.top2(:r4), '1:2 2:1', '2 first, 1 second');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[1, 2])', pg_temp.s(:r4, 'losers', 2, 1)), '55000', NULL,
                 'the losers'' final turned round (3 beats 2) without cascade -> 55000');
SELECT is(test_support.corrected(pg_temp.s(:r4, 'losers', 2, 1), ARRAY[1, 2], true),
          (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[:gf4, :reset3]::bigint[]) x),
          'with cascade: the grand final is reset and the reset removed');
SELECT is(pg_temp.state(:r4),
          ARRAY['winners 1.1 1:1 2:4 won by 1', 'winners 1.2 1:2 2:3 won by 2', 'winners 2.1 1:1 2:2 won by 1',
                'losers 1.1 1:4 2:3 won by 3', 'losers 2.1 1:2 2:3 won by 3', 'grand_final 1.1 1:1 2:3'],
          'the grand final is 1 against 3, without a result; no reset');
SELECT is(test_support.bracket_errors(:r4), 0::bigint, 'the bracket agrees with the results');
SELECT tourney.simulate_results(:r4, 5) AS simulated4 \gset
SELECT is(:simulated4, 1 + (SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = :r4 AND stage = 'grand_final_reset'),
          'simulate_results plays the grand final, and the reset it calls for');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = :r4 AND NOT result_submitted), 0,
          'everything has a result');

-- the database keeps a player once per session
SELECT throws_ok(format('UPDATE tourney.session_participants SET player_id = (SELECT player_id FROM tourney.session_participants'
                        ' WHERE session_id = %1$s AND slot = 1) WHERE session_id = %1$s AND slot = 2', :gf4),
                 '23505', NULL, 'a player twice in one session is refused (23505)');

-- grand_final simple: the losers' champion winning it is the end
SELECT test_support.tournament('double_elimination', (test_support.ids('p'))[1:3], 'de simple', seeded => true,
                               generate => true, grand_final => 'Simple') AS s3 \gset
SELECT is(pg_temp.state(:s3),
          ARRAY['winners 1.1 1:2 2:3', 'winners 2.1 1:1', 'losers 2.1', 'grand_final 1.1'],
          '3 players: 2-3 in round 1, 1 waits with a bye; the losers'' bracket is one session');
SELECT is(test_support.play_random(:s3, 0.5), 4, 'played by hand: four sessions');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = :s3), 4, 'simple: never a reset');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.standings(:s3)), ARRAY[1, 2, 3], 'standings 1, 2, 3');

-- a correction in winners' round 1 cascading into the losers' bracket:
-- 8 players seeded 1..8, slot 1 wins everything played:
-- W1 1-8, 4-5, 2-7, 3-6; L1.1 8-5, L1.2 7-6; W2.1 1-4, W2.2 2-3;
-- L2.1 3-8 (loser of W2.2 against W(L1.1)), L2.2 4-7
SELECT test_support.tournament('double_elimination', (test_support.ids('p'))[1:8], 'de cascade', seeded => true,
                               generate => true) AS c8 \gset
SELECT lives_ok(format('SELECT tourney.submit_result(s, ARRAY[1, 0]) FROM unnest(ARRAY[%s]::bigint[]) s',
                       array_to_string(ARRAY(SELECT session_id FROM tourney.sessions WHERE tournament_id = :c8
                                             AND ((stage = 'winners' AND round <= 2) OR (stage = 'losers' AND round <= 2))
                                             ORDER BY session_id), ',')),
                'cascade: winners'' rounds 1-2 and losers'' rounds 1-2 played, slot 1 winning');
SELECT is(pg_temp.state(:c8),
          ARRAY['winners 1.1 1:1 2:8 won by 1', 'winners 1.2 1:4 2:5 won by 4', 'winners 1.3 1:2 2:7 won by 2',
                'winners 1.4 1:3 2:6 won by 3', 'winners 2.1 1:1 2:4 won by 1', 'winners 2.2 1:2 2:3 won by 2',
                'losers 1.1 1:8 2:5 won by 8', 'losers 1.2 1:7 2:6 won by 7', 'winners 3.1 1:1 2:2',
                'losers 2.1 1:3 2:8 won by 3', 'losers 2.2 1:4 2:7 won by 4', 'losers 3.1 1:3 2:4',
                'losers 4.1', 'grand_final 1.1'],
          'cascade: the bracket before the correction');
SELECT test_support.fingerprint(:c8) AS before_c8 \gset
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[0, 1])', pg_temp.s(:c8, 'winners', 1, 1)), '55000', NULL,
                 'W1.1 turned round (8 beats 1) with results after it, without cascade -> 55000');
SELECT is(test_support.fingerprint(:c8), :'before_c8', 'the refused correction changed nothing');
SELECT is(test_support.corrected(pg_temp.s(:c8, 'winners', 1, 1), ARRAY[0, 1], true),
          (SELECT array_agg(x ORDER BY x) FROM unnest(ARRAY[pg_temp.s(:c8, 'winners', 2, 1), pg_temp.s(:c8, 'losers', 1, 1),
                                                            pg_temp.s(:c8, 'losers', 2, 1), pg_temp.s(:c8, 'losers', 2, 2)]) x),
          'with cascade: W2.1 (its winner''s), L1.1 (its loser''s), and across brackets L2.1 and L2.2 are reset');
SELECT is(pg_temp.state(:c8),
          ARRAY['winners 1.1 1:1 2:8 won by 8', 'winners 1.2 1:4 2:5 won by 4', 'winners 1.3 1:2 2:7 won by 2',
                'winners 1.4 1:3 2:6 won by 3', 'winners 2.1 1:8 2:4', 'winners 2.2 1:2 2:3 won by 2',
                'losers 1.1 1:1 2:5', 'losers 1.2 1:7 2:6 won by 7', 'winners 3.1 2:2',
                'losers 2.1 1:3', 'losers 2.2 2:7', 'losers 3.1',
                'losers 4.1', 'grand_final 1.1'],
          'cascade: 8 in W2.1, 1 in L1.1; the players the reset sessions had moved on are gone');
SELECT is(test_support.bracket_errors(:c8), 0::bigint, 'cascade: the bracket agrees with the results');
SELECT is(test_support.play_random(:c8, 0.25) >= 9, true, 'cascade: played on to the end by hand');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = :c8 AND NOT result_submitted), 0,
          'cascade: every session has a result');
SELECT is((SELECT array_agg(l ORDER BY l) FROM (
               SELECT count(*) FILTER (WHERE s.winner_id <> p.player_id)::int AS l
               FROM tourney.sessions s JOIN tourney.session_participants p USING (tournament_id, session_id)
               WHERE s.tournament_id = :c8 GROUP BY p.player_id) x),
          CASE WHEN (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :c8 AND stage = 'grand_final_reset') = 1
               THEN ARRAY[1, 2, 2, 2, 2, 2, 2, 2] ELSE ARRAY[0, 2, 2, 2, 2, 2, 2, 2] END,
          'cascade: six players leave with two losses, the runner-up with two, the champion with one (after a reset) or none');
SELECT is(tourney.calculate_rankings(:c8), 8, 'cascade: ranked');
SELECT is((SELECT array_agg(rank ORDER BY rank) FROM tourney.rankings WHERE tournament_id = :c8),
          ARRAY[1, 2, 3, 4, 5, 5, 7, 7], 'cascade: 1, 2, 3, 4, 5, 5, 7, 7');
SELECT is(test_support.standings_mismatch(:c8), 0, 'cascade: standings are the rankings');

-- draws are refused in every bracket
SELECT test_support.tournament('double_elimination', (test_support.ids('p'))[1:4], 'de draws', seeded => true,
                               generate => true, grand_final => 'simple') AS d4 \gset
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 1])', pg_temp.s(:d4, 'winners', 1, 1)), '22023', NULL,
                 'a draw in the winners'' bracket -> 22023');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0]), tourney.submit_result(%s, ARRAY[1, 0])',
                       pg_temp.s(:d4, 'winners', 1, 1), pg_temp.s(:d4, 'winners', 1, 2)), 'round 1 played');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[2, 2])', pg_temp.s(:d4, 'losers', 1, 1)), '22023', NULL,
                 'a draw in the losers'' bracket -> 22023');
SELECT throws_ok(format('SELECT tourney.correct_result(%s, ARRAY[3, 3], true)', pg_temp.s(:d4, 'winners', 1, 1)), '22023', NULL,
                 'a draw as a correction -> 22023');
SELECT lives_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0]), tourney.submit_result(%s, ARRAY[1, 0]),'
                       ' tourney.submit_result(%s, ARRAY[1, 0])',
                       pg_temp.s(:d4, 'winners', 2, 1), pg_temp.s(:d4, 'losers', 1, 1), pg_temp.s(:d4, 'losers', 2, 1)),
                'the brackets played');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[0, 0])', pg_temp.s(:d4, 'grand_final', 1, 1)),
                 '22023', NULL, 'a draw in the grand final -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0, 2])', pg_temp.s(:d4, 'grand_final', 1, 1)),
                 '22023', NULL, 'three scores for the grand final -> 22023');
SELECT throws_ok(format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', pg_temp.s(:de8, 'losers', 2, 1)),
                 '55000', NULL, 'a losers'' session whose players are not known yet -> 55000');

----------------------------------------------------------------------------
-- 5. Campuses: per wave, loads differ by at most one
----------------------------------------------------------------------------
INSERT INTO tourney.campuses (name, capacity) VALUES ('de c1', NULL), ('de c2', NULL), ('de c3', 5);
CREATE TEMP TABLE de_campus AS
SELECT n, test_support.tournament('double_elimination', (test_support.ids('p'))[1:n], format('de campus %s', n),
                                  generate => true,
                                  campus_ids => ARRAY(SELECT campus_id FROM tourney.campuses WHERE name LIKE 'de c_' ORDER BY name))
       AS tid
FROM unnest(ARRAY[13, 16, 27]) n;
SELECT is((SELECT array_agg(format('%s: %s', c.n, l.wave) ORDER BY c.n, l.wave) FROM de_campus c, test_support.campus_loads(c.tid) l
           WHERE l.spread > 1 OR l.over_capacity > 0 OR l.elsewhere > 0),
          NULL, 'campuses (13, 16, 27 players over 3): per wave at the tournament''s campuses, loads differ by at most one, capacity kept');
ALTER TABLE de_campus ADD by_hand int, ADD simulated int;
UPDATE de_campus SET by_hand = test_support.play_random(tid, 0.75, most => n);
UPDATE de_campus SET simulated = tourney.simulate_results(tid, 3);
SELECT is((SELECT array_agg(c.n) FROM de_campus c
           WHERE c.by_hand <> c.n
              OR c.simulated <> c.n - 2 + (SELECT count(*) FROM tourney.sessions s
                                           WHERE s.tournament_id = c.tid AND s.stage = 'grand_final_reset')),
          NULL, 'campuses: N results by hand, simulate_results gives the N - 2 others (and a reset) theirs');
SELECT is((SELECT array_agg(format('%s: %s', c.n, l.wave) ORDER BY c.n, l.wave) FROM de_campus c, test_support.campus_loads(c.tid) l
           WHERE l.spread > 1 OR l.over_capacity > 0 OR l.elsewhere > 0),
          NULL, 'campuses: still so at the end, a reset included');
SELECT is((SELECT array_agg(c.n) FROM de_campus c WHERE test_support.wave_clashes(c.tid) <> 0),
          NULL, 'campuses: nobody twice in a wave');

SELECT * FROM finish();
ROLLBACK;
