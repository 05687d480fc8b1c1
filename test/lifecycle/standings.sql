-- Live standings (SPEC §3c, issue 15): standings and group_tables read
-- the tallies that result entry keeps in the result's own transaction
-- (src/standings.c); here they are held, after every call of a random
-- sequence, to
--   (a) the standings the SPEC defines, computed in SQL from the stored
--       results (pg_temp.oracle in support/live.sql: the 0.1 ranking
--       query of knockout, individual ranking, round robin and Swiss, with
--       walkovers and withdrawals as §3e counts them, and the ladders of
--       double elimination and groups_knockout as §3 gives them), every
--       column as text;
--   (b) the standings after tourney.tallies_rebuild counts the tallies
--       again from scratch (in a subtransaction rolled back, so the
--       incremental tallies go on being tested), every column as text;
--   and for groups_knockout the group tables the same way; the tallies
--   rows themselves (rank keys included) equal a recount too.
-- Every format: knockout with and without a third-place match and with
-- lower scores winning; double elimination with each grand final;
-- round robin of one and two cycles; Swiss with and without a bye;
-- individual ranking in both directions and four scoring types;
-- groups_knockout with both group tiebreaks, tiers of qualifiers and the
-- knockout after the groups.  The calls: submit_result, correct_result
-- with cascade (resets downstream results, removes later Swiss rounds,
-- the knockout after the groups, a grand-final reset), submit_walkover,
-- withdraw_player and simulate_results, in an order drawn from a fixed
-- seed.  Also: a standings read in the same transaction as a result sees
-- it, and the errors of standings and group_tables.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SET LOCAL jit = off;  -- compiling the oracle's query costs more than running it

SELECT plan(179);

\ir ../support/live.sql

----------------------------------------------------------------------------
-- 1. A standings read sees the result just entered in its transaction
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('ko', test_support.tournament('knockout', n => 4, name => 'live ko 4', seeded => true, generate => true)),
       ('rr', test_support.tournament('round_robin', n => 4, name => 'live rr 4', seeded => true, generate => true)),
       ('ir', test_support.tournament('individual_ranking', n => 3, name => 'live ir 3', seeded => true,
                                      generate => true, number_of_rounds => 2));
-- a player's standings row: "rank points wins draws losses for against"
CREATE FUNCTION pg_temp.row_of(t bigint, seed int) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ', s.rank, s.points, s.wins, s.draws, s.losses, s.score_for, s.score_against)
    FROM tourney.standings(t) s JOIN test_support.seeding(t) sd USING (player_id) WHERE sd.seed = $2
$$;

SELECT is(pg_temp.row_of(test_support.id('ko'), 4), '1 0 0 0 0 0 0', 'knockout: seed 4 before any result: rank 1, nothing played');
SELECT tourney.submit_result(test_support.session_id(test_support.id('ko'), 1, 1), ARRAY[1, 3]);
SELECT is(pg_temp.row_of(test_support.id('ko'), 4) || ' / ' || pg_temp.row_of(test_support.id('ko'), 1),
          '1 1 1 0 0 3 1 / 3 0 0 0 1 1 3',
          'knockout: right after seed 4 beats seed 1 3:1, the same transaction''s standings show it (seed 1 now 3rd, the semi-final losers'' rank)');
SELECT tourney.submit_walkover(test_support.session_id(test_support.id('ko'), 1, 2), 2);
SELECT is(pg_temp.row_of(test_support.id('ko'), 3) || ' / ' || pg_temp.row_of(test_support.id('ko'), 2),
          '1 1 1 0 0 0 0 / 3 0 0 0 1 0 0',
          'knockout: right after a walkover for seed 3, its win and seed 2''s loss show, without scores');
SELECT is(ARRAY(SELECT tourney.correct_result(test_support.session_id(test_support.id('ko'), 1, 1), ARRAY[5, 2], cascade => true)),
          '{}'::bigint[], 'knockout: seed 1 wins semi-final 1 5:2 after all (nothing after it had a result)');
SELECT is(pg_temp.row_of(test_support.id('ko'), 1) || ' / ' || pg_temp.row_of(test_support.id('ko'), 4),
          '1 1 1 0 0 5 2 / 3 0 0 0 1 2 5', 'knockout: the correction shows at once: seed 1 in with 5:2, seed 4 out');

SELECT tourney.submit_result(test_support.session_id(test_support.id('rr'), 1, 1), ARRAY[2, 2]);
SELECT is(pg_temp.row_of(test_support.id('rr'), 1) || ' / ' || pg_temp.row_of(test_support.id('rr'), 4),
          '1 1 0 1 0 2 2 / 1 1 0 1 0 2 2', 'round robin: a 2:2 draw of seeds 1 and 4 shows at once: a point each, both first');
SELECT tourney.submit_result(test_support.session_id(test_support.id('rr'), 1, 2), ARRAY[0, 1.5]);
SELECT is(pg_temp.row_of(test_support.id('rr'), 3) || ' / ' || pg_temp.row_of(test_support.id('rr'), 2),
          '1 3 1 0 0 1.5 0 / 4 0 0 0 1 0 1.5', 'round robin: seed 3 beats seed 2 1.5:0 and leads at once');

SELECT tourney.submit_result(test_support.session_id(test_support.id('ir'), 1, 2), ARRAY[7.25]);
SELECT is(pg_temp.row_of(test_support.id('ir'), 2), '1 7.25 0 0 0 7.25 0',
          'individual ranking: the first score shows at once, its player first');

SELECT throws_ok('SELECT * FROM tourney.standings(NULL)', '22004', NULL, 'standings(NULL) -> 22004');
SELECT throws_ok('SELECT * FROM tourney.standings(9223372036854775807)', 'P0002', NULL, 'standings of an unknown tournament -> P0002');
SELECT throws_ok('SELECT * FROM tourney.standings(NULL, 20)', '22004', NULL, 'standings(NULL, 20) -> 22004');
SELECT throws_ok(format('SELECT * FROM tourney.standings(%s, NULL)', test_support.id('ir')), '22004', NULL,
                 'standings(t, NULL) -> 22004');
SELECT throws_ok(format('SELECT * FROM tourney.standings(%s, -1)', test_support.id('ir')), '22023', NULL,
                 'standings(t, -1) -> 22023');
SELECT throws_ok('SELECT * FROM tourney.standings(9223372036854775807, 20)', 'P0002', NULL,
                 'standings(t, 20) of an unknown tournament -> P0002');
-- standings with top joins each row to its player as stored now: a name
-- kept out of line (TOAST) comes back whole, a renamed player shows at once
UPDATE tourney.players SET name = (SELECT string_agg(md5(g::text || 'long'), '') FROM generate_series(1, 5000) g)
WHERE player_id = (SELECT player_id FROM tourney.standings(test_support.id('ir'), 1));
SELECT ok((SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', reltoastrelid::regclass),
                                                        false, true, '')))[1]::text::int > 0
           FROM pg_class WHERE oid = 'tourney.players'::regclass),
          'a 160,000-character name is stored out of line');
SELECT is((SELECT md5(name) FROM tourney.standings(test_support.id('ir'), 3) LIMIT 1),
          (SELECT md5(string_agg(md5(g::text || 'long'), '')) FROM generate_series(1, 5000) g),
          'standings(t, 3) returns that name whole');
UPDATE tourney.players SET name = 'renamed leader'
WHERE player_id = (SELECT player_id FROM tourney.standings(test_support.id('ir'), 1));
SELECT is((SELECT name FROM tourney.standings(test_support.id('ir'), 3) LIMIT 1), 'renamed leader',
          'a renamed player shows under the new name at once');
SELECT throws_ok('SELECT * FROM tourney.group_tables(NULL)', '22004', NULL, 'group_tables(NULL) -> 22004');
SELECT throws_ok('SELECT * FROM tourney.group_tables(9223372036854775807)', 'P0002', NULL,
                 'group_tables of an unknown tournament -> P0002');

----------------------------------------------------------------------------
-- 2. Sessions decided for nobody (SPEC §3e): a withdrawn player ranks in
--    the rank the format gives the session he left in, also when that
--    session was decided for nobody.  Built by hand: a correction that
--    makes a withdrawn player the winner sends him on, and the session he
--    reaches then has nobody to play it.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('w', test_support.players(8, 'nobody', '1500'));
-- seed i of a tournament; the session at (stage, round, match)
CREATE FUNCTION pg_temp.sd(t bigint, i int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT player_id FROM test_support.seeding(t) WHERE seed = i $$;
CREATE FUNCTION pg_temp.ss(t bigint, stage text, r int, m int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT test_support.session_id(t, stage, r, m) $$;
-- "seed:rank" of every player, by seed
CREATE FUNCTION pg_temp.seed_ranks(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(sd.seed || ':' || s.rank, ' ' ORDER BY sd.seed)
    FROM tourney.standings(t) s JOIN test_support.seeding(t) sd USING (player_id)
$$;
CREATE FUNCTION pg_temp.seed_rankings(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(sd.seed || ':' || r.rank, ' ' ORDER BY sd.seed)
    FROM tourney.rankings r JOIN test_support.seeding(t) sd USING (player_id) WHERE r.tournament_id = t
$$;

-- Knockout of 4 without a third place: seed 1 waits in the final and
-- withdraws; seed 3 withdraws (semi-final 2 and the final: walkovers for
-- seed 2); then semi-final 2 is corrected to a win of seed 3, who goes on
-- to a final of two withdrawn players, decided for nobody: both rank 2.
INSERT INTO test_support.fixtures (key, id)
VALUES ('n4', test_support.tournament('knockout', (test_support.ids('w'))[1:4], 'nobody ko 4', seeded => true,
                                      generate => true, third_place_playoff => false));
SELECT tourney.submit_result(pg_temp.ss(test_support.id('n4'), 'main', 1, 1), ARRAY[1, 0]);
SELECT tourney.withdraw_player(test_support.id('n4'), pg_temp.sd(test_support.id('n4'), 1));
SELECT tourney.withdraw_player(test_support.id('n4'), pg_temp.sd(test_support.id('n4'), 3));
SELECT tourney.correct_result(pg_temp.ss(test_support.id('n4'), 'main', 1, 2), ARRAY[0, 1], cascade => true);
SELECT is((SELECT format('%s %s', walkover, winner_id) FROM tourney.sessions
           WHERE session_id = pg_temp.ss(test_support.id('n4'), 'main', 2, 1)), 't ',
          'knockout 4: the final of two withdrawn players is decided for nobody');
SELECT is(pg_temp.seed_ranks(test_support.id('n4')), '1:2 2:3 3:2 4:3',
          'knockout 4: both finalists rank 2 (the final''s loser), the semi-final losers 3');

-- Knockout of 8: seed 2 wins its quarter- and semi-final and waits in the
-- final; it withdraws.  Seed 4 wins quarter-final 2, waits in semi-final
-- 1 and withdraws; seed 8 withdraws (quarter-final 1, semi-final 1, the
-- final: walkovers for seed 1).  A correction: seed 8 had won quarter-
-- final 1.  Semi-final 1, seeds 8 and 4, both withdrawn, is decided for
-- nobody, and so is the final, where seed 2 is alone: seed 2 left in the
-- final and ranks 2, as its loser; nobody won it.  The third place is a
-- walkover for seed 3.
INSERT INTO test_support.fixtures (key, id)
VALUES ('n8', test_support.tournament('knockout', test_support.ids('w'), 'nobody ko 8', seeded => true, generate => true));
SELECT tourney.submit_result(pg_temp.ss(test_support.id('n8'), 'main', 1, m), ARRAY[1, 0]) FROM generate_series(3, 4) m;
SELECT tourney.submit_result(pg_temp.ss(test_support.id('n8'), 'main', 2, 2), ARRAY[1, 0]);
SELECT tourney.withdraw_player(test_support.id('n8'), pg_temp.sd(test_support.id('n8'), 2));
SELECT tourney.submit_result(pg_temp.ss(test_support.id('n8'), 'main', 1, 2), ARRAY[1, 0]);
SELECT tourney.withdraw_player(test_support.id('n8'), pg_temp.sd(test_support.id('n8'), 4));
SELECT tourney.withdraw_player(test_support.id('n8'), pg_temp.sd(test_support.id('n8'), 8));
SELECT tourney.correct_result(pg_temp.ss(test_support.id('n8'), 'main', 1, 1), ARRAY[0, 1], cascade => true);
SELECT is((SELECT string_agg(format('%s/%s:%s', stage, round, walkover AND winner_id IS NULL), ' ' ORDER BY session_id)
           FROM tourney.sessions WHERE tournament_id = test_support.id('n8') AND round > 1),
          'main/2:t main/2:f main/3:t third_place/3:f',
          'knockout 8: semi-final 1 and the final are decided for nobody, the third place is not');
SELECT is(pg_temp.seed_ranks(test_support.id('n8')), '1:5 2:2 3:3 4:3 5:5 6:5 7:5 8:3',
          'knockout 8: seed 2, alone in a final decided for nobody, ranks 2, not 1: nobody won the final');
SELECT tourney.calculate_rankings(test_support.id('n8'));
SELECT is(pg_temp.seed_rankings(test_support.id('n8')), '1:5 2:2 3:3 4:3 5:5 6:5 7:5 8:3',
          'knockout 8: and so in the calculated rankings: no champion');

-- Double elimination of 3, simple grand final: seed 1 wins the winners'
-- bracket and waits in the grand final; it withdraws.  Seed 3 withdraws:
-- the losers' final and the grand final are walkovers for seed 2.  A
-- correction: seed 3 had won the losers' final, and reaches a grand final
-- of two withdrawn players, decided for nobody.  Both finalists rank 2,
-- as in a knockout's final; seed 3 left with two losses.
INSERT INTO test_support.fixtures (key, id)
VALUES ('n3', test_support.tournament('double_elimination', (test_support.ids('w'))[5:7], 'nobody de 3', seeded => true,
                                      generate => true, grand_final => 'simple'));
SELECT tourney.submit_result(pg_temp.ss(test_support.id('n3'), 'winners', r, 1), ARRAY[1, 0]) FROM generate_series(1, 2) r;
SELECT tourney.withdraw_player(test_support.id('n3'), pg_temp.sd(test_support.id('n3'), 1));
SELECT tourney.withdraw_player(test_support.id('n3'), pg_temp.sd(test_support.id('n3'), 3));
SELECT tourney.correct_result(pg_temp.ss(test_support.id('n3'), 'losers', 2, 1), ARRAY[0, 1], cascade => true);
SELECT is((SELECT format('%s %s', walkover, winner_id) FROM tourney.sessions
           WHERE session_id = pg_temp.ss(test_support.id('n3'), 'grand_final', 1, 1)), 't ',
          'double elimination 3: the grand final of two withdrawn players is decided for nobody');
SELECT is(pg_temp.seed_ranks(test_support.id('n3')), '1:2 2:3 3:2',
          'double elimination 3: both finalists rank 2, as in a knockout''s final for nobody, not 1');
SELECT tourney.calculate_rankings(test_support.id('n3'));
SELECT is(pg_temp.seed_rankings(test_support.id('n3')), '1:2 2:3 3:2',
          'double elimination 3: and so in the calculated rankings: no two champions');
SELECT is(test_support.standings_mismatch(t), 0, 'and the standings are the rankings')
FROM (VALUES (test_support.id('n8')), (test_support.id('n3'))) v(t);

----------------------------------------------------------------------------
-- 2. Random sequences, every format
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(200, 'live', '1000 + (g * 7919) % 1000'));

CREATE TEMP TABLE cases (
    label   text PRIMARY KEY,
    t       bigint,
    steps   int,
    wants   text[]      -- the kinds of call the sequence must have made
);
CREATE TEMP TABLE steps (
    label           text,
    step            int,
    what            text,
    oracle          text,       -- NULL: standings = the SPEC's, else where they first differ
    recount         text,       -- NULL: standings = after a recount
    tallies_recount text,       -- NULL: the tallies rows = after a recount
    group_recount   text,
    group_oracle    text,
    group_places    text,
    page            text,       -- NULL: standings(t, k) = the first k rows of standings(t)
    shape           jsonb,      -- sessions by stage, and the first of stage main
    PRIMARY KEY (label, step)
);

-- A tournament of the players p[first .. first + n - 1], generated.
CREATE FUNCTION pg_temp.make(label text, format text, n int, first int, steps int, wants text[],
                             scoring_type text DEFAULT 'score_based', ranking_direction text DEFAULT NULL,
                             number_of_rounds int DEFAULT NULL, third_place_playoff bool DEFAULT NULL,
                             grand_final text DEFAULT NULL, group_count int DEFAULT NULL,
                             advance_per_group int DEFAULT NULL, group_tiebreak text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t bigint := test_support.tournament(format, (test_support.ids('p'))[first : first + n - 1], 'live ' || label,
                                        generate => true, scoring_type => scoring_type,
                                        ranking_direction => ranking_direction, number_of_rounds => number_of_rounds,
                                        third_place_playoff => third_place_playoff, grand_final => grand_final,
                                        group_count => group_count, advance_per_group => advance_per_group,
                                        group_tiebreak => group_tiebreak);
BEGIN
    INSERT INTO cases VALUES (label, t, steps, wants);
END $$;

-- The first k rows of the standings by standings(t, k), as standings_text.
CREATE FUNCTION pg_temp.page_text(t bigint, k int) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(concat_ws('|', s.rank, s.player_id, s.name, s.points, s.wins, s.draws,
                                        s.losses, s.score_for, s.score_against)), '{}')
    FROM tourney.standings(t, k) s
$$;

-- After a call: every check, into steps.
CREATE FUNCTION pg_temp.check_step(label text, t bigint, step int, what text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    now_standings text[] := pg_temp.standings_text(t);
    groups bool := (SELECT format = 'groups_knockout' FROM tourney.tournaments WHERE tournament_id = t);
BEGIN
    INSERT INTO steps VALUES (
        label, step, what,
        pg_temp.first_diff(now_standings, pg_temp.oracle_text(t)),
        pg_temp.first_diff(now_standings, pg_temp.recounted(t, 'standings')),
        pg_temp.first_diff(pg_temp.tallies_text(t), pg_temp.recounted(t, 'tallies')),
        CASE WHEN groups THEN pg_temp.first_diff(pg_temp.group_text(t), pg_temp.recounted(t, 'groups')) END,
        CASE WHEN groups THEN pg_temp.first_diff(pg_temp.group_cells_text(t), pg_temp.group_oracle_text(t)) END,
        CASE WHEN groups THEN pg_temp.group_places_wrong(t) END,
        pg_temp.first_diff(pg_temp.page_text(t, step % (cardinality(now_standings) + 3)),
                           now_standings[1 : step % (cardinality(now_standings) + 3)]),
        (SELECT jsonb_object_agg(x.stage, x.n) FROM (SELECT stage, count(*) AS n FROM tourney.sessions
                                                     WHERE tournament_id = t GROUP BY stage) x)
        || jsonb_build_object('first', (SELECT min(session_id) FROM tourney.sessions
                                        WHERE tournament_id = t AND stage = 'main')));
END $$;

-- The sequence, checked before the first call and after each: `steps`
-- random calls, of which the 3rd is a walkover, the 5th and the one at
-- 3/4 a withdrawal and the one at 1/2 simulate_results (the calls after
-- it are mostly corrections, which open sessions again); then
-- simulate_results, six more random calls, simulate_results.
CREATE FUNCTION pg_temp.play(label text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    c cases;
BEGIN
    SELECT * INTO c FROM cases x WHERE x.label = play.label;
    PERFORM setseed(((hashtext(label) % 1000) / 1000.0)::float8);
    PERFORM pg_temp.check_step(label, c.t, 0, 'generated');
    FOR i IN 1 .. c.steps + 8 LOOP
        PERFORM pg_temp.check_step(label, c.t, i, pg_temp.live_step(c.t,
            CASE WHEN i = 3 THEN 'walkover'
                 WHEN i IN (5, c.steps * 3 / 4) THEN 'withdraw'
                 WHEN i IN (c.steps / 2, c.steps + 1, c.steps + 8) THEN 'simulate' END));
    END LOOP;
END $$;

-- knockout
SELECT pg_temp.make('knockout 8', 'knockout', 8, 1, 24, '{submit,correct,reset,walkover,withdraw,simulate}');
SELECT pg_temp.make('knockout 11, no third place', 'knockout', 11, 9, 30, '{submit,correct,reset,walkover,withdraw,simulate}',
                    third_place_playoff => false);
SELECT pg_temp.make('knockout 6, time_based (lower wins)', 'knockout', 6, 20, 20, '{submit,correct,reset,walkover,withdraw,simulate}',
                    scoring_type => 'time_based');
SELECT pg_temp.make('knockout 16', 'knockout', 16, 26, 40, '{submit,correct,reset,walkover,withdraw,simulate}');
-- double elimination
SELECT pg_temp.make('double elimination 8, double', 'double_elimination', 8, 42, 40,
                    '{submit,correct,reset,walkover,withdraw,simulate}', grand_final => 'double');
SELECT pg_temp.make('double elimination 5, double', 'double_elimination', 5, 50, 24,
                    '{submit,correct,reset,walkover,withdraw,simulate}');
SELECT pg_temp.make('double elimination 7, simple', 'double_elimination', 7, 55, 34,
                    '{submit,correct,reset,walkover,withdraw,simulate}', grand_final => 'simple');
SELECT pg_temp.make('double elimination 6, none', 'double_elimination', 6, 62, 26,
                    '{submit,correct,reset,walkover,withdraw,simulate}', grand_final => 'none');
-- round robin
SELECT pg_temp.make('round robin 7', 'round_robin', 7, 68, 40, '{submit,correct,walkover,withdraw,simulate}');
SELECT pg_temp.make('round robin 6, two cycles, win_loss', 'round_robin', 6, 75, 50, '{submit,correct,walkover,withdraw,simulate}',
                    scoring_type => 'win_loss', number_of_rounds => 2);
-- Swiss
SELECT pg_temp.make('swiss 10 x 4', 'swiss', 10, 81, 45, '{submit,correct,reset,walkover,withdraw,simulate}',
                    number_of_rounds => 4);
SELECT pg_temp.make('swiss 9 x 3 (a bye)', 'swiss', 9, 91, 36, '{submit,correct,reset,walkover,withdraw,simulate}',
                    number_of_rounds => 3);
-- individual ranking
SELECT pg_temp.make('individual 10 x 3, desc', 'individual_ranking', 10, 100, 45, '{submit,correct,withdraw,simulate}',
                    number_of_rounds => 3);
SELECT pg_temp.make('individual 8 x 2, time_based asc', 'individual_ranking', 8, 110, 30, '{submit,correct,withdraw,simulate}',
                    scoring_type => 'time_based', number_of_rounds => 2);
SELECT pg_temp.make('individual 9 x 2, placement asc', 'individual_ranking', 9, 118, 30, '{submit,correct,withdraw,simulate}',
                    scoring_type => 'placement', ranking_direction => 'asc', number_of_rounds => 2);
SELECT pg_temp.make('individual 7 x 3, distance_based', 'individual_ranking', 7, 127, 30, '{submit,correct,withdraw,simulate}',
                    scoring_type => 'distance_based', number_of_rounds => 3);
-- groups, then a knockout
SELECT pg_temp.make('groups 12 in 3, k 2, overall', 'groups_knockout', 12, 134, 60,
                    '{submit,correct,reset,walkover,withdraw,simulate}', group_count => 3);
SELECT pg_temp.make('groups 12 in 4, two cycles, head_to_head', 'groups_knockout', 12, 146, 60,
                    '{submit,correct,reset,walkover,withdraw,simulate}', group_count => 4, number_of_rounds => 2,
                    group_tiebreak => 'head_to_head');
SELECT pg_temp.make('groups 10 in 2, k 3, no third place', 'groups_knockout', 10, 158, 50,
                    '{submit,correct,reset,walkover,withdraw,simulate}', group_count => 2, advance_per_group => 3,
                    third_place_playoff => false);

SELECT pg_temp.play(label) FROM cases ORDER BY label;

-- The calls each sequence made, by kind ('reset': a correction that reset
-- or removed later sessions).
CREATE TEMP VIEW kinds AS
SELECT s.label, array_agg(DISTINCT k) AS made
FROM steps s
CROSS JOIN LATERAL (VALUES (split_part(s.what, ' ', 1)),
                           (CASE WHEN s.what ~ '^correct .*reset [1-9]' THEN 'reset' END)) v(k)
WHERE k IS NOT NULL AND s.what NOT LIKE 'ERROR%'
GROUP BY s.label;

-- per case: no call failed; standings as the SPEC's and as a recount
-- after every call; every kind of call made; at the end the standings
-- are the rankings
SELECT is((SELECT array_agg(format('step %s: %s', s.step, s.what) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.what LIKE 'ERROR%'),
          NULL, c.label || ': every call of the sequence succeeded')
FROM cases c ORDER BY c.label;
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.oracle) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.oracle IS NOT NULL),
          NULL, format('%s: standings as the SPEC''s ranking rules give them, after each of %s calls',
                       c.label, (SELECT count(*) FROM steps s WHERE s.label = c.label)))
FROM cases c ORDER BY c.label;
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.recount) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.recount IS NOT NULL),
          NULL, format('%s: standings equal a recount from scratch (tallies_rebuild) after each call', c.label))
FROM cases c ORDER BY c.label;
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.tallies_recount) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.tallies_recount IS NOT NULL),
          NULL, format('%s: the tallies rows themselves (every column, rank keys included) equal a recount after each call', c.label))
FROM cases c ORDER BY c.label;
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.page) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.page IS NOT NULL),
          NULL, format('%s: standings(t, k) is the first k rows of standings(t) after each call (k from 0 to beyond the last)', c.label))
FROM cases c ORDER BY c.label;
SELECT is((SELECT array_agg(w ORDER BY w) FROM unnest(c.wants) w
           WHERE w <> ALL (coalesce((SELECT made FROM kinds k WHERE k.label = c.label), '{}'))),
          NULL, format('%s: the sequence made every kind of call (%s)', c.label, array_to_string(c.wants, ', ')))
FROM cases c ORDER BY c.label;
CREATE TEMP TABLE ranked AS
SELECT c.label, tourney.calculate_rankings(c.t) AS rankings FROM cases c ORDER BY c.label;
SELECT is(test_support.standings_mismatch(c.t) || ' of ' || r.rankings,
          '0 of ' || (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = c.t),
          c.label || ': at the end, the standings are the calculated rankings')
FROM cases c JOIN ranked r USING (label) ORDER BY c.label;

-- group tables
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.group_recount) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.group_recount IS NOT NULL),
          NULL, c.label || ': group_tables equal a recount from scratch after each call')
FROM cases c JOIN tourney.tournaments k ON k.tournament_id = c.t
WHERE k.format = 'groups_knockout' ORDER BY c.label;
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.group_oracle) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.group_oracle IS NOT NULL),
          NULL, c.label || ': group_tables'' played, wins, draws, losses, scores and points as counted from the group results')
FROM cases c JOIN tourney.tournaments k ON k.tournament_id = c.t
WHERE k.format = 'groups_knockout' ORDER BY c.label;
SELECT is((SELECT array_agg(format('after step %s (%s): %s', s.step, s.what, s.group_places) ORDER BY s.step)
           FROM steps s WHERE s.label = c.label AND s.group_places IS NOT NULL),
          NULL, c.label || ': group places 1 .. size in each group, points never rising down a table')
FROM cases c JOIN tourney.tournaments k ON k.tournament_id = c.t
WHERE k.format = 'groups_knockout' ORDER BY c.label;

-- what the sequences went through: a correction that removed later Swiss
-- rounds, one that removed the knockout after the groups, a grand-final
-- reset written (and, in one of the two cases, removed again)
CREATE TEMP VIEW shapes AS
SELECT s.label, s.step, s.what, s.shape, lag(s.shape) OVER (PARTITION BY s.label ORDER BY s.step) AS before
FROM steps s;
SELECT ok(EXISTS (SELECT FROM shapes x WHERE x.label = c.label AND x.what LIKE 'correct%'
                  AND (x.shape ->> 'main')::int < (x.before ->> 'main')::int),
          c.label || ': a correction with cascade removed later rounds')
FROM cases c JOIN tourney.tournaments k ON k.tournament_id = c.t
WHERE k.format = 'swiss' ORDER BY c.label;
SELECT ok(EXISTS (SELECT FROM shapes x WHERE x.label = c.label AND x.what LIKE 'correct group%'
                  AND x.before ? 'main' AND (x.shape ->> 'first') <> (x.before ->> 'first')),
          c.label || ': a group correction removed the knockout (and the complete groups wrote it again)')
FROM cases c JOIN tourney.tournaments k ON k.tournament_id = c.t
WHERE k.format = 'groups_knockout' ORDER BY c.label;
SELECT ok(EXISTS (SELECT FROM shapes x WHERE x.label = c.label AND x.shape ? 'grand_final_reset'),
          c.label || ': the sequence wrote a grand-final reset')
FROM cases c JOIN tourney.tournaments k ON k.tournament_id = c.t
WHERE k.format = 'double_elimination' AND k.grand_final = 'double' ORDER BY c.label;
SELECT ok(EXISTS (SELECT FROM shapes x JOIN cases c USING (label) JOIN tourney.tournaments k ON k.tournament_id = c.t
                  WHERE k.format = 'double_elimination' AND x.what LIKE 'correct%'
                    AND x.before ? 'grand_final_reset' AND NOT x.shape ? 'grand_final_reset'),
          'double elimination: a correction removed a grand-final reset');

SELECT * FROM finish();
ROLLBACK;
