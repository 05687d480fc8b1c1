-- Argument checks, state checks and their SQLSTATEs (SPEC §4), for
-- create_tournament (with the options of double_elimination and
-- groups_knockout), enroll, generate_sessions, simulate_results,
-- calculate_rankings, complete_tournament, standings, group_tables,
-- generation_status and update_ratings (0.2; its effects are in
-- lifecycle/ratings.sql); schedule_sessions, move_session, swap_sessions,
-- swap_players, delay_sessions, close_campus and the guards of
-- campus_hours, campus_closures and campuses.courts (0.2; their effects
-- are in scheduling/live.sql); the event day's check_in, drop_unchecked,
-- submit_walkover, withdraw_player, cancel_tournament and cancel_task
-- (0.2), correct_result, wait_for_task, run_scenario, the readers
-- task_percent, tournament_checked and overview, tallies_rebuild, and a
-- data node's create_tournament_with_id, put_players, put_campuses and
-- put_ratings (0.2, SPEC §8).  submit_result's errors are in results.sql (draws of
-- the new formats in formats/double_elimination.sql and
-- formats/groups_knockout.sql).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(436);

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(8, 'err', '1500 + g'));
INSERT INTO tourney.campuses (name, capacity) VALUES ('err campus', NULL);

----------------------------------------------------------------------------
-- create_tournament
----------------------------------------------------------------------------
SELECT throws_ok($$SELECT tourney.create_tournament(NULL, 'knockout')$$,
                 '22004', NULL, 'create_tournament: NULL name -> 22004');
SELECT throws_ok($$SELECT tourney.create_tournament('x', NULL)$$,
                 '22004', NULL, 'create_tournament: NULL format -> 22004');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'bracket')$$,
                 '22023', NULL, 'create_tournament: unknown format -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', '')$$,
                 '22023', NULL, 'create_tournament: empty format -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', scoring_type => 'goals')$$,
                 '22023', NULL, 'create_tournament: unknown scoring_type -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', scoring_type => NULL)$$,
                 '22004', NULL, 'create_tournament: NULL scoring_type -> 22004');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => 'sideways')$$,
                 '22023', NULL, 'create_tournament: unknown ranking_direction -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => 3)$$,
                 '22023', NULL, 'create_tournament: number_of_rounds given for knockout -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => 0)$$,
                 '22023', NULL, 'create_tournament: number_of_rounds 0 -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => -1)$$,
                 '22023', NULL, 'create_tournament: number_of_rounds -1 -> 22023');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => 3)$$,
                 '22023', NULL, 'create_tournament: round_robin with 3 cycles -> 22023');
SELECT tourney.create_tournament('x', 'knockout', third_place_playoff => NULL) AS null_third \gset
SELECT is((SELECT third_place_playoff FROM tourney.tournaments WHERE tournament_id = :null_third),
          true, 'create_tournament: NULL third_place_playoff is the knockout default, true');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => NULL)$$,
                 '22004', NULL, 'create_tournament: NULL campus_ids -> 22004');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[NULL]::bigint[])$$,
                 '22004', NULL, 'create_tournament: NULL campus id -> 22004');
SELECT throws_ok($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[9223372036854775807])$$,
                 'P0002', NULL, 'create_tournament: unknown campus -> P0002');
SELECT throws_ok(format('SELECT tourney.create_tournament(%L, %L, campus_ids => ARRAY[%s, -5])',
                        'x', 'knockout', (SELECT campus_id FROM tourney.campuses WHERE name = 'err campus')),
                 'P0002', NULL, 'create_tournament: one known and one unknown campus -> P0002');

-- case-insensitive text arguments and defaults
INSERT INTO test_support.fixtures VALUES ('ko', tourney.create_tournament('err ko', 'KNOCKOUT'), NULL);
SELECT is((SELECT format('%s/%s/%s/%s/%s/%s/%s', format, scoring_type, ranking_direction,
                         number_of_rounds, third_place_playoff, campus_ids, status)
           FROM tourney.tournaments WHERE tournament_id = test_support.id('ko')),
          'knockout/score_based/desc//t/{}/draft',
          '''KNOCKOUT'' works; defaults score_based, desc, third place, no campuses, draft');
SELECT is((SELECT (created_at IS NOT NULL AND sessions_generated_at IS NULL AND completed_at IS NULL)
           FROM tourney.tournaments WHERE tournament_id = test_support.id('ko')),
          true, 'created_at set, sessions_generated_at and completed_at not yet');
INSERT INTO test_support.fixtures VALUES ('ir', tourney.create_tournament('err ir', 'Individual_Ranking',
                                                      scoring_type => 'Time_Based',
                                                      number_of_rounds => 2), NULL);
SELECT is((SELECT format('%s/%s/%s/%s', format, scoring_type, ranking_direction, number_of_rounds)
           FROM tourney.tournaments WHERE tournament_id = test_support.id('ir')),
          'individual_ranking/time_based/asc/2',
          '''Individual_Ranking'', ''Time_Based'' work; time_based defaults to asc');
INSERT INTO test_support.fixtures VALUES ('dir', tourney.create_tournament('err dir', 'knockout', ranking_direction => 'ASC'), NULL);
SELECT is((SELECT ranking_direction::text FROM tourney.tournaments WHERE tournament_id = test_support.id('dir')),
          'asc', 'ranking_direction ''ASC'' works');
SELECT lives_ok($$SELECT tourney.create_tournament('err rr', 'round_robin', number_of_rounds => 2)$$,
                'round_robin with 2 cycles is accepted');

----------------------------------------------------------------------------
-- create_tournament: the options of double_elimination and groups_knockout
-- (0.2), each refused for a format it does not apply to
----------------------------------------------------------------------------
SELECT is(test_support.sqlstate_of('SELECT tourney.create_tournament(''x'', ' || args || ')'), want,
          format('create_tournament(%s) -> %s', args, want))
FROM (VALUES
    ($$'double_elimination'$$, 'ok'),
    ($$'Double_Elimination', grand_final => 'NONE'$$, 'ok'),
    ($$'double_elimination', grand_final => 'Simple'$$, 'ok'),
    ($$'double_elimination', grand_final => 'double'$$, 'ok'),
    ($$'double_elimination', grand_final => 'triple'$$, '22023'),
    ($$'double_elimination', grand_final => ''$$, '22023'),
    ($$'double_elimination', grand_final => ' double'$$, '22023'),
    ($$'double_elimination', third_place_playoff => true$$, '22023'),
    ($$'double_elimination', third_place_playoff => false$$, 'ok'),
    ($$'double_elimination', third_place_playoff => NULL$$, 'ok'),
    ($$'double_elimination', number_of_rounds => 1$$, '22023'),
    ($$'double_elimination', number_of_rounds => 3$$, '22023'),
    ($$'double_elimination', group_count => 2$$, '22023'),
    ($$'double_elimination', advance_per_group => 1$$, '22023'),
    ($$'double_elimination', group_tiebreak => 'overall'$$, '22023'),
    ($$'knockout', grand_final => 'double'$$, '22023'),
    ($$'knockout', grand_final => 'none'$$, '22023'),
    ($$'round_robin', grand_final => 'simple'$$, '22023'),
    ($$'swiss', group_count => 2$$, '22023'),
    ($$'knockout', group_count => 4$$, '22023'),
    ($$'knockout', advance_per_group => 2$$, '22023'),
    ($$'individual_ranking', group_tiebreak => 'overall'$$, '22023'),
    ($$'round_robin', group_tiebreak => 'head_to_head'$$, '22023'),
    ($$'groups_knockout', group_count => 2$$, 'ok'),
    ($$'GROUPS_KNOCKOUT', group_count => 4, advance_per_group => 3, group_tiebreak => 'Head_To_Head'$$, 'ok'),
    ($$'groups_knockout'$$, '22004'),
    ($$'groups_knockout', group_count => NULL$$, '22004'),
    ($$'groups_knockout', group_count => 1$$, '22023'),
    ($$'groups_knockout', group_count => 0$$, '22023'),
    ($$'groups_knockout', group_count => -1$$, '22023'),
    ($$'groups_knockout', group_count => 2, advance_per_group => 0$$, '22023'),
    ($$'groups_knockout', group_count => 2, advance_per_group => -1$$, '22023'),
    ($$'groups_knockout', group_count => 2, advance_per_group => 1$$, 'ok'),
    ($$'groups_knockout', group_count => 2, group_tiebreak => 'uefa'$$, '22023'),
    ($$'groups_knockout', group_count => 2, group_tiebreak => ''$$, '22023'),
    ($$'groups_knockout', group_count => 2, group_tiebreak => 'OVERALL'$$, 'ok'),
    ($$'groups_knockout', group_count => 2, number_of_rounds => 1$$, 'ok'),
    ($$'groups_knockout', group_count => 2, number_of_rounds => 2$$, 'ok'),
    ($$'groups_knockout', group_count => 2, number_of_rounds => 3$$, '22023'),
    ($$'groups_knockout', group_count => 2, number_of_rounds => 0$$, '22023'),
    ($$'groups_knockout', group_count => 2, grand_final => 'double'$$, '22023'),
    ($$'groups_knockout', group_count => 2, third_place_playoff => false$$, 'ok')) v(args, want);

-- what the tournament keeps: the given value, or the format's default
CREATE TEMP TABLE kept AS
SELECT lbl, want, tourney.create_tournament('x', fmt, grand_final => gf, group_count => g, advance_per_group => k,
                                            group_tiebreak => tb, third_place_playoff => tp, number_of_rounds => r) AS tid
FROM (VALUES
    (1, 'double_elimination', NULL, NULL, NULL, NULL, NULL::bool, NULL::int, 'double_elimination, defaults', 'double/f////'),
    (2, 'double_elimination', 'SIMPLE', NULL, NULL, NULL, false, NULL, 'double_elimination, SIMPLE, no third place', 'simple/f////'),
    (3, 'groups_knockout', NULL, 4, NULL, NULL, NULL, NULL, 'groups_knockout of 4 groups, defaults', '/t/1/4/2/overall'),
    (4, 'groups_knockout', NULL, 3, 1, 'Head_to_Head', false, 2, 'groups_knockout with every option', '/f/2/3/1/head_to_head'),
    (5, 'knockout', NULL, NULL, NULL, NULL, NULL, NULL, 'knockout, defaults', '/t////')
) v(i, fmt, gf, g, k, tb, tp, r, lbl, want)
ORDER BY i;
SELECT is(format('%s/%s/%s/%s/%s/%s', t.grand_final, t.third_place_playoff, t.number_of_rounds,
                 t.group_count, t.advance_per_group, t.group_tiebreak),
          k.want, format('%s kept as grand_final/third_place_playoff/number_of_rounds/group_count/advance_per_group/group_tiebreak %s',
                         k.lbl, k.want))
FROM kept k JOIN tourney.tournaments t ON t.tournament_id = k.tid ORDER BY k.tid;

----------------------------------------------------------------------------
-- enroll
----------------------------------------------------------------------------
SELECT is(tourney.enroll(test_support.id('ko'), (test_support.ids('p'))[1:2], ARRAY[1, 2]), 2,
          'enroll 2 seeded players returns 2');
SELECT is(tourney.enroll(test_support.id('ko'), (test_support.ids('p'))[3:4]), 2,
          'enroll 2 unseeded players returns 2');

SELECT throws_ok(format('SELECT tourney.enroll(2147483647, ARRAY[%s])', (test_support.ids('p'))[5]),
                 'P0002', NULL, 'enroll: unknown tournament -> P0002');
SELECT throws_ok(format('SELECT tourney.enroll(NULL, ARRAY[%s])', (test_support.ids('p'))[5]),
                 '22004', NULL, 'enroll: NULL tournament -> 22004');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s, 9223372036854775807])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 'P0002', NULL, 'enroll: unknown player -> P0002');
-- players are checked by merging them in id order: by id range when the
-- ids are close together, by id list when they are far apart
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s, %s])', test_support.id('ko'), m, m + 1),
                 'P0002', format('player %s does not exist', m + 1),
                 'enroll: unknown player next to a known one (id range) -> P0002 naming it')
FROM (SELECT max(player_id) AS m FROM tourney.players) x;
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[-9223372036854775808, 9223372036854775807])',
                        test_support.id('ko')),
                 'P0002', 'player -9223372036854775808 does not exist',
                 'enroll: the smallest and largest bigint ids -> P0002');
SELECT throws_ok(format('SELECT tourney.enroll(%s, NULL)', test_support.id('ko')),
                 '22004', NULL, 'enroll: NULL player array -> 22004');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s, NULL])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 '22004', NULL, 'enroll: NULL player id -> 22004');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s, %s], ARRAY[3])', test_support.id('ko'),
                        (test_support.ids('p'))[5], (test_support.ids('p'))[6]),
                 '22023', NULL, 'enroll: fewer seeds than players -> 22023');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s], ARRAY[3, 4])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 '22023', NULL, 'enroll: more seeds than players -> 22023');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[[%s, %s]])', test_support.id('ko'),
                        (test_support.ids('p'))[5], (test_support.ids('p'))[6]),
                 '22023', NULL, 'enroll: a two-dimensional player array -> 22023');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s], ARRAY[0])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 '22023', NULL, 'enroll: seed 0 -> 22023');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s], ARRAY[-3])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 '22023', NULL, 'enroll: negative seed -> 22023');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%2$s, %3$s, %2$s])', test_support.id('ko'),
                        (test_support.ids('p'))[5], (test_support.ids('p'))[6]),
                 '23505', NULL, 'enroll: a player twice in the array -> 23505');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s, %s])', test_support.id('ko'),
                        (test_support.ids('p'))[5], (test_support.ids('p'))[1]),
                 '23505', NULL, 'enroll: an already enrolled player -> 23505');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s, %s], ARRAY[7, 7])', test_support.id('ko'),
                        (test_support.ids('p'))[5], (test_support.ids('p'))[6]),
                 '23505', NULL, 'enroll: the same seed twice in the array -> 23505');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s], ARRAY[2])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 '23505', NULL, 'enroll: a seed already taken -> 23505');
SELECT is((SELECT array_agg(seed ORDER BY player_id) FROM tourney.enrollments WHERE tournament_id = test_support.id('ko')),
          ARRAY[1, 2, NULL, NULL]::int[], 'seeds as given');
SELECT matches(test_support.message_of('SELECT tourney.enroll(2147483646, ARRAY[1])'),
               '2147483646', 'the unknown-tournament message names the tournament');
SELECT matches(test_support.message_of(format('SELECT tourney.enroll(%s, ARRAY[9223372036854775806])', test_support.id('ko'))),
               '9223372036854775806', 'the unknown-player message names the player');

----------------------------------------------------------------------------
-- phases before generation
----------------------------------------------------------------------------
SELECT throws_ok(format('SELECT tourney.simulate_results(%s)', test_support.id('ko')),
                 '55000', NULL, 'simulate_results before generation -> 55000');
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', test_support.id('ko')),
                 '55000', NULL, 'calculate_rankings before generation -> 55000');
SELECT throws_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('ko')),
                 '55000', NULL, 'complete_tournament of a draft -> 55000');
SELECT throws_ok(format('SELECT tourney.update_ratings(%s)', test_support.id('ko')),
                 '55000', NULL, 'update_ratings of a draft -> 55000');

----------------------------------------------------------------------------
-- generate_sessions
----------------------------------------------------------------------------
SELECT throws_ok('SELECT tourney.generate_sessions(2147483647, async => false)',
                 'P0002', NULL, 'generate_sessions: unknown tournament -> P0002');
SELECT throws_ok('SELECT tourney.generate_sessions(NULL, async => false)',
                 '22004', NULL, 'generate_sessions: NULL tournament -> 22004');
INSERT INTO test_support.fixtures VALUES ('ko0', tourney.create_tournament('err ko 0', 'knockout'), NULL);
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('ko0')),
                 '55000', NULL, 'generate_sessions: knockout without players -> 55000');
INSERT INTO test_support.fixtures VALUES ('ko1', tourney.create_tournament('err ko 1', 'knockout'), NULL);
SELECT is(tourney.enroll(test_support.id('ko1'), (test_support.ids('p'))[1:1]), 1, 'enroll one player');
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('ko1')),
                 '55000', NULL, 'generate_sessions: knockout with one player -> 55000');
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('ir')),
                 '55000', NULL, 'generate_sessions: individual_ranking without players -> 55000');

CREATE TEMP TABLE gen AS
    SELECT tourney.generate_sessions(test_support.id('ko'), async => false) AS task_id;
SELECT is((SELECT format('%s/%s', status, sessions_generated_at IS NOT NULL)
           FROM tourney.tournaments WHERE tournament_id = test_support.id('ko')),
          'in_progress/t', 'generate_sessions moves draft -> in_progress and sets sessions_generated_at');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('ko')), 4,
          '4 players: 3 matches and a third-place match');
SELECT is((SELECT array_agg(task_id) FROM tourney.tasks WHERE tournament_id = test_support.id('ko')),
          (SELECT array_agg(task_id) FROM gen), 'one generation task, the one returned');

SELECT throws_ok(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('ko')),
                 '55000', NULL, 'generate_sessions twice -> 55000');
SELECT throws_like(format('SELECT tourney.generate_sessions(%s, async => false)', test_support.id('ko')),
                   '%sessions already generated at%', 'the message says when the sessions were generated');
SELECT throws_ok(format('SELECT tourney.generate_sessions(%s)', test_support.id('ko')),
                 '55000', NULL, 'generate_sessions twice (async default) -> 55000');

-- too few players for double elimination (3) and for groups whose
-- smallest group must exceed advance_per_group (G (k + 1)); 55000 before
-- anything is written, and the tournament stays a draft
CREATE FUNCTION pg_temp.generate_with(fmt text, n int, g int, k int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := tourney.create_tournament(format('err %s %s', fmt, n), fmt, group_count => g, advance_per_group => k);
    outcome text;
BEGIN
    PERFORM tourney.enroll(t, test_support.players(n, 'err gen'));
    outcome := test_support.sqlstate_of(format('SELECT tourney.generate_sessions(%s, async => false)', t));
    RETURN outcome || (SELECT format('/%s/%s', status, count(s.session_id))
                       FROM tourney.tournaments x LEFT JOIN tourney.sessions s USING (tournament_id)
                       WHERE x.tournament_id = t GROUP BY status);
END $$;
SELECT is(pg_temp.generate_with(fmt, n, g, k), want,
          format('generate_sessions: %s with %s players%s -> %s', fmt, n,
                 CASE WHEN g IS NOT NULL THEN format(', %s groups, %s advancing', g, coalesce(k, 2)) ELSE '' END, want))
FROM (VALUES
    ('double_elimination', 0, NULL::int, NULL::int, '55000/draft/0'),
    ('double_elimination', 2, NULL, NULL, '55000/draft/0'),
    ('double_elimination', 3, NULL, NULL, 'ok/in_progress/4'),
    ('groups_knockout', 5, 2, NULL, '55000/draft/0'),
    ('groups_knockout', 6, 2, NULL, 'ok/in_progress/6'),
    ('groups_knockout', 5, 3, 1, '55000/draft/0'),
    ('groups_knockout', 6, 3, 1, 'ok/in_progress/3'),
    ('groups_knockout', 7, 2, 3, '55000/draft/0'),
    ('groups_knockout', 8, 2, 3, 'ok/in_progress/12'),
    ('groups_knockout', 0, 2, NULL, '55000/draft/0')) v(fmt, n, g, k, want);

----------------------------------------------------------------------------
-- group_tables: read-only, for every format
----------------------------------------------------------------------------
SELECT throws_ok('SELECT * FROM tourney.group_tables(2147483647)', 'P0002', NULL, 'group_tables: unknown tournament -> P0002');
SELECT throws_ok('SELECT * FROM tourney.group_tables(NULL)', '22004', NULL, 'group_tables: NULL -> 22004');
SELECT is((SELECT count(*)::int FROM tourney.group_tables(test_support.id('ko'))), 0,
          'group_tables of a knockout: no rows');
SELECT tourney.create_tournament('err gk draft', 'groups_knockout', group_count => 2) AS gk_draft \gset
SELECT is((SELECT count(*)::int FROM tourney.group_tables(:gk_draft)), 0,
          'group_tables of a groups_knockout draft: no rows (no groups yet)');

-- enrol after the start
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s])', test_support.id('ko'), (test_support.ids('p'))[5]),
                 '55000', NULL, 'enroll after generation -> 55000');
SELECT throws_ok(format('SELECT tourney.enroll(%s, ARRAY[%s])', test_support.id('ko'), (test_support.ids('p'))[1]),
                 '55000', NULL, 'enroll of an already enrolled player after generation -> 55000');

-- phases out of order after generation
SELECT throws_ok(format('SELECT tourney.calculate_rankings(%s)', test_support.id('ko')),
                 '55000', NULL, 'calculate_rankings before all results -> 55000');
SELECT throws_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('ko')),
                 '55000', NULL, 'complete_tournament before rankings -> 55000');
SELECT is(tourney.simulate_results(test_support.id('ko')), 4, 'simulate_results');
SELECT throws_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('ko')),
                 '55000', NULL, 'complete_tournament with all results but no rankings -> 55000');
SELECT throws_ok(format('SELECT tourney.update_ratings(%s)', test_support.id('ko')),
                 '55000', NULL, 'update_ratings with all results, not completed -> 55000');
SELECT is(tourney.calculate_rankings(test_support.id('ko')), 4, 'calculate_rankings');
SELECT lives_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('ko')), 'complete_tournament');
SELECT is((SELECT status::text FROM tourney.tournaments WHERE tournament_id = test_support.id('ko')),
          'completed', 'completed');
SELECT is(tourney.update_ratings(test_support.id('ko')), 4, 'update_ratings of the completed tournament: 4 players');
SELECT throws_ok(format('SELECT tourney.update_ratings(%s)', test_support.id('ko')),
                 '55000', NULL, 'update_ratings twice -> 55000');
SELECT throws_ok(format('SELECT tourney.update_ratings(%s, %L)', test_support.id('ko'), 'elo'),
                 '55000', NULL, 'update_ratings twice, by another method -> 55000');

----------------------------------------------------------------------------
-- unknown ids, NULLs, extreme ids: P0002 / 22004 / 22023, never a crash
----------------------------------------------------------------------------
SELECT throws_ok('SELECT tourney.simulate_results(2147483647)', 'P0002', NULL,
                 'simulate_results: unknown tournament -> P0002');
SELECT throws_ok('SELECT tourney.calculate_rankings(2147483647)', 'P0002', NULL,
                 'calculate_rankings: unknown tournament -> P0002');
SELECT throws_ok('SELECT tourney.complete_tournament(2147483647)', 'P0002', NULL,
                 'complete_tournament: unknown tournament -> P0002');
SELECT throws_ok('SELECT * FROM tourney.standings(2147483647)', 'P0002', NULL,
                 'standings: unknown tournament -> P0002');
SELECT throws_ok('SELECT tourney.update_ratings(2147483647)', 'P0002', NULL,
                 'update_ratings: unknown tournament -> P0002');
SELECT throws_ok('SELECT tourney.update_ratings(NULL)', '22004', NULL,
                 'update_ratings: NULL tournament -> 22004');
SELECT throws_ok('SELECT tourney.simulate_results(NULL)', '22004', NULL,
                 'simulate_results: NULL tournament -> 22004');
SELECT throws_ok('SELECT tourney.calculate_rankings(NULL)', '22004', NULL,
                 'calculate_rankings: NULL tournament -> 22004');
SELECT throws_ok('SELECT tourney.complete_tournament(NULL)', '22004', NULL,
                 'complete_tournament: NULL tournament -> 22004');
SELECT throws_ok($$SELECT tourney.generation_status('00000000-0000-0000-0000-000000000000')$$,
                 'P0002', NULL, 'generation_status: unknown task -> P0002');
SELECT throws_ok($$SELECT tourney.generation_status(gen_random_uuid())$$,
                 'P0002', NULL, 'generation_status: random uuid -> P0002');
SELECT throws_ok($$SELECT tourney.generation_status(NULL)$$,
                 '22004', NULL, 'generation_status: NULL -> 22004');

SELECT matches(test_support.sqlstate_of(format(q, id)), '^(P0002|22023)$',
               format(q, id) || ' -> P0002 or 22023')
FROM unnest(ARRAY[
        'SELECT tourney.enroll(%s, ''{1}'')',
        'SELECT tourney.generate_sessions(%s, async => false)',
        'SELECT tourney.simulate_results(%s)',
        'SELECT tourney.calculate_rankings(%s)',
        'SELECT tourney.complete_tournament(%s)',
        'SELECT * FROM tourney.standings(%s)',
        'SELECT tourney.update_ratings(%s)',
        'SELECT tourney.submit_result(%s, ''{1,2}'')']) AS q,
     unnest(ARRAY['-1', '-2147483648', '-9223372036854775808', '9223372036854775807']) AS id
ORDER BY q, id;
SELECT matches(test_support.sqlstate_of(format('SELECT tourney.enroll(%s, ARRAY[%s])', test_support.id('ko0'), id)),
               '^(P0002|22023)$', format('enroll of player %s -> P0002 or 22023', id))
FROM unnest(ARRAY['-1', '0', '2147483647', '-9223372036854775808']) AS id;

-- an absurd round count fails cleanly: at creation or at generation
CREATE FUNCTION pg_temp.huge() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
BEGIN
    t := tourney.create_tournament('err huge', 'individual_ranking', number_of_rounds => 2147483647);
    PERFORM tourney.enroll(t, (test_support.ids('p'))[1:3]);
    PERFORM tourney.generate_sessions(t, async => false);
END $$;
SET LOCAL statement_timeout = '60s';
SELECT matches(test_support.sqlstate_of('SELECT pg_temp.huge()'), '^(22023|54000)$',
               'individual_ranking with 2^31-1 rounds -> 22023 or 54000 (at creation or generation)');
RESET statement_timeout;

----------------------------------------------------------------------------
-- references the bulk tables keep without foreign keys
----------------------------------------------------------------------------
SELECT throws_ok(format('DELETE FROM tourney.players WHERE player_id = %s', (test_support.ids('p'))[1]),
                 '23503', NULL, 'deleting an enrolled player is refused -> 23503');
INSERT INTO test_support.fixtures VALUES ('campus t', tourney.create_tournament('err campus t', 'knockout',
    campus_ids => ARRAY(SELECT campus_id FROM tourney.campuses WHERE name = 'err campus')), NULL);
SELECT throws_ok($$DELETE FROM tourney.campuses WHERE name = 'err campus'$$,
                 '23503', NULL, 'deleting a campus a tournament uses is refused -> 23503');
SELECT lives_ok(format('DELETE FROM tourney.players WHERE player_id = %s', (test_support.ids('p'))[8]),
                'a player enrolled nowhere can be deleted');

----------------------------------------------------------------------------
-- scheduling (SPEC §3b): schedule_sessions, the live changes, the guards
-- of campus_hours, campus_closures and campuses.courts.  Each call in a
-- subtransaction rolled back afterwards; its SQLSTATE, and a message in
-- PostgreSQL style (lower case, no full stop).
----------------------------------------------------------------------------
-- E1 (2 courts, open 08:00-20:00 on 1 January 2030, closed 15:00-16:00),
-- E2 (2 courts), E3 (1 court); EK a knockout of 8 on E1 and E2 from 09:00
-- (30 min, rest 10), its R1M1 with a result; ER a round robin of 4 on an
-- implicit venue of 3 courts; ES a Swiss of 4 with round 1 played; EG a
-- groups_knockout of 6; EU a knockout of 4 on E3 alone; ED a draft; EN
-- generated, not scheduled; EX scheduled, then cancelled; EW a Swiss of 4
-- on E3 whose round 2 found no room in its hours
DO $fixtures$
DECLARE
    c bigint[] := test_support.campuses(4, 'err sched', '{2,2,1,2}');
BEGIN
    INSERT INTO test_support.fixtures (key, id) SELECT 'E' || i, c[i] FROM generate_series(1, 4) i;
    INSERT INTO tourney.campus_hours VALUES (c[1], tstzrange('2030-01-01 08:00+00', '2030-01-01 20:00+00')),
                                            (c[4], tstzrange('2030-01-01 09:00+00', '2030-01-01 10:00+00'));
    INSERT INTO tourney.campus_closures VALUES (c[1], tstzrange('2030-01-01 15:00+00', '2030-01-01 16:00+00'), 'err lunch');
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('EK', test_support.tournament('knockout', n => 8, name => 'err EK', seeded => true, generate => true, campus_ids => c[1:2])),
        ('ER', test_support.tournament('round_robin', n => 4, name => 'err ER', seeded => true, generate => true)),
        ('ES', test_support.tournament('swiss', n => 4, name => 'err ES', seeded => true, generate => true, number_of_rounds => 3)),
        ('EG', test_support.tournament('groups_knockout', n => 6, name => 'err EG', seeded => true, generate => true, group_count => 2)),
        ('EU', test_support.tournament('knockout', n => 4, name => 'err EU', seeded => true, generate => true, campus_ids => ARRAY[c[3]])),
        ('ED', test_support.tournament('knockout', n => 4, name => 'err ED')),
        ('EN', test_support.tournament('knockout', n => 4, name => 'err EN', generate => true)),
        ('EX', test_support.tournament('knockout', n => 4, name => 'err EX', generate => true)),
        ('EW', test_support.tournament('swiss', n => 4, name => 'err EW', seeded => true, generate => true, number_of_rounds => 2,
                                       campus_ids => ARRAY[c[4]]));
    PERFORM tourney.schedule_sessions(test_support.id('EK'), '2030-01-01 09:00+00', 30, 10);
    PERFORM tourney.schedule_sessions(test_support.id('ER'), '2030-01-01 09:00+00', 30, 10, 3);
    PERFORM tourney.schedule_sessions(test_support.id('ES'), '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM tourney.schedule_sessions(test_support.id('EG'), '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM tourney.schedule_sessions(test_support.id('EU'), '2030-01-01 09:00+00', 30, 10);
    PERFORM tourney.schedule_sessions(test_support.id('EX'), '2030-01-01 09:00+00', 30, 10, 2);
    UPDATE tourney.tournaments SET status = 'cancelled' WHERE tournament_id = test_support.id('EX');
    PERFORM tourney.schedule_sessions(test_support.id('EW'), '2030-01-01 09:00+00', 30, 40);
    INSERT INTO test_support.fixtures (key, id)
    SELECT lower(f.key) || CASE WHEN s.stage = 'third_place' THEN 't' ELSE '' END || s.round || '_' || s.match_number, s.session_id
    FROM test_support.fixtures f JOIN tourney.sessions s ON s.tournament_id = f.id
    WHERE f.key IN ('EK', 'ER', 'ES', 'EU', 'EN', 'EX', 'EW');
    INSERT INTO test_support.fixtures (key, id)
    SELECT 'eg' || row_number() OVER (ORDER BY session_id), session_id FROM tourney.sessions
    WHERE tournament_id = test_support.id('EG') AND round = 1;
END $fixtures$;
SELECT tourney.submit_result(test_support.id('ek1_1'), ARRAY[2, 1]) \g /dev/null
SELECT test_support.play_in_order(test_support.id('ES'), most => 2) \g /dev/null
SET LOCAL client_min_messages = error;  -- the warning that round 2 found no room
SELECT test_support.play_in_order(test_support.id('EW'), most => 2) \g /dev/null
RESET client_min_messages;
INSERT INTO test_support.fixtures (key, id)
SELECT lower(f.key) || s.round || '_' || s.match_number, s.session_id
FROM test_support.fixtures f JOIN tourney.sessions s ON s.tournament_id = f.id
WHERE f.key IN ('ES', 'EW') AND s.round = 2;
INSERT INTO test_support.fixtures (key, value) VALUES
    -- a free court of E1 at 17:00 (nothing is scheduled there after 12:00)
    ('FREE', $$'2030-01-01 17:00+00', @E1@, 1$$);

-- The deferred guards fire at COMMIT: here at a SET CONSTRAINTS ...
-- IMMEDIATE after the statement, inside the subtransaction.
CREATE FUNCTION pg_temp.sched_error(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    o test_support.outcome := test_support.capture(
        test_support.subst(test_support.subst(q))
        || '; SET CONSTRAINTS tourney.campus_hours_guard, tourney.campus_closures_guard, tourney.campuses_courts_guard IMMEDIATE',
        rollback => true);
BEGIN
    RETURN o.sqlstate || CASE WHEN o.sqlstate <> 'ok' AND (o.message ~ '\.$' OR o.message ~ '^[A-Z][a-z]')
                              THEN ' (message not in PostgreSQL style: ' || o.message || ')' ELSE '' END;
END $$;
SELECT is(pg_temp.sched_error(q), want, format('%s -> %s', what, want))
FROM (VALUES
    -- schedule_sessions
    ('schedule_sessions: NULL tournament', $$SELECT tourney.schedule_sessions(NULL, '2030-01-01', 30)$$, '22004'),
    ('schedule_sessions: NULL starts_at', $$SELECT tourney.schedule_sessions(@EN@, NULL, 30, 0, 2)$$, '22004'),
    ('schedule_sessions: NULL match_minutes', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', NULL, 0, 2)$$, '22004'),
    ('schedule_sessions: NULL rest_minutes', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 30, NULL, 2)$$, '22004'),
    ('schedule_sessions: courts NULL, no campuses', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 30)$$, '22004'),
    ('schedule_sessions: courts given, campuses', $$SELECT tourney.schedule_sessions(@EU@, '2030-01-01', 30, 0, 2)$$, '22023'),
    ('schedule_sessions: match_minutes 0', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 0, 0, 2)$$, '22023'),
    ('schedule_sessions: match_minutes 527041', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 527041, 0, 2)$$, '22023'),
    ('schedule_sessions: match_minutes 527040 (a leap year)', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 527040, 0, 2)$$, 'ok'),
    ('schedule_sessions: rest_minutes -1', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 30, -1, 2)$$, '22023'),
    ('schedule_sessions: courts 0', $$SELECT tourney.schedule_sessions(@EN@, '2030-01-01', 30, 0, 0)$$, '22023'),
    ('schedule_sessions: starts_at infinity', $$SELECT tourney.schedule_sessions(@EN@, 'infinity', 30, 0, 2)$$, '22023'),
    ('schedule_sessions: unknown tournament', $$SELECT tourney.schedule_sessions(9223372036854775807, '2030-01-01', 30, 0, 2)$$, 'P0002'),
    ('schedule_sessions: a draft (before generation)', $$SELECT tourney.schedule_sessions(@ED@, '2030-01-01', 30, 0, 2)$$, '55000'),
    ('schedule_sessions: a cancelled tournament', $$SELECT tourney.schedule_sessions(@EX@, '2030-01-01', 30, 0, 2)$$, '55000'),
    ('schedule_sessions: the hours run out (E4 open one hour, round 2 waits 40 min)',
     $$SELECT tourney.schedule_sessions(@EW@, '2030-01-01 09:00+00', 30, 40)$$, '55000'),
    ('schedule_sessions: again, nothing left to place', $$SELECT tourney.schedule_sessions(@EK@, '2030-01-01 09:00+00', 30, 10)$$, 'ok'),
    -- move_session
    ('move_session: onto a court and time taken', $$SELECT tourney.move_session(@ek1_2@, s.starts_at, s.campus_id, s.court)
                                                   FROM tourney.sessions s WHERE s.session_id = @ek1_3@ AND s.starts_at =
                                                   (SELECT starts_at FROM tourney.sessions WHERE session_id = @ek1_2@)$$, '23P01'),
    ('move_session: a player in two sessions at once', $$SELECT tourney.move_session(@er2_1@, (SELECT o.starts_at FROM tourney.sessions o
        JOIN tourney.session_participants op USING (tournament_id, session_id) JOIN tourney.session_participants me
          ON me.tournament_id = op.tournament_id AND me.player_id = op.player_id AND me.slot = 1
        WHERE me.session_id = @er2_1@ AND o.round = 1), court => 3)$$, '23P01'),
    ('move_session: rest too short', $$SELECT tourney.move_session(@er2_1@, (SELECT o.ends_at + interval '5 min' FROM tourney.sessions o
        JOIN tourney.session_participants op USING (tournament_id, session_id) JOIN tourney.session_participants me
          ON me.tournament_id = op.tournament_id AND me.player_id = op.player_id AND me.slot = 1
        WHERE me.session_id = @er2_1@ AND o.round = 1), court => 3)$$, '23514'),
    ('move_session: less than rest after what feeds it ends', $$SELECT tourney.move_session(@ek3_1@, f.ends_at + interval '5 min', f.campus_id, f.court)
                                                 FROM tourney.sessions f WHERE f.next_session_id = @ek3_1@ ORDER BY f.ends_at DESC LIMIT 1$$, '23514'),
    ('move_session: a Swiss round 2 session before round 1 ends', $$SELECT tourney.move_session(@es2_1@, '2030-01-01 08:00+00')$$, '23514'),
    ('move_session: outside the opening hours', $$SELECT tourney.move_session(@ekt3_1@, '2030-01-01 20:00+00', @E1@, 1)$$, '22023'),
    ('move_session: in a closure', $$SELECT tourney.move_session(@ekt3_1@, '2030-01-01 15:15+00', @E1@, 1)$$, '22023'),
    ('move_session: a campus not of the tournament', $$SELECT tourney.move_session(@ekt3_1@, '2030-01-01 17:00+00', @E3@, 1)$$, '22023'),
    ('move_session: a court that does not exist', $$SELECT tourney.move_session(@ekt3_1@, '2030-01-01 17:00+00', @E1@, 3)$$, '22023'),
    ('move_session: court 0', $$SELECT tourney.move_session(@ekt3_1@, '2030-01-01 17:00+00', @E1@, 0)$$, '22023'),
    ('move_session: starts_at -infinity', $$SELECT tourney.move_session(@ekt3_1@, '-infinity')$$, '22023'),
    ('move_session: a session with a result', $$SELECT tourney.move_session(@ek1_1@, @FREE@)$$, '55000'),
    ('move_session: a session not scheduled (EW round 2)', $$SELECT tourney.move_session(@ew2_1@, '2030-01-01 09:30+00')$$, '55000'),
    ('move_session: a tournament without a schedule', $$SELECT tourney.move_session(@en1_1@, '2030-01-01 17:00+00', court => 1)$$, '55000'),
    ('move_session: a cancelled tournament', $$SELECT tourney.move_session(@ex1_1@, '2030-01-01 17:00+00')$$, '55000'),
    ('move_session: unknown session', $$SELECT tourney.move_session(9223372036854775807, @FREE@)$$, 'P0002'),
    ('move_session: unknown campus', $$SELECT tourney.move_session(@ekt3_1@, '2030-01-01 17:00+00', 9223372036854775807, 1)$$, 'P0002'),
    ('move_session: NULL session', $$SELECT tourney.move_session(NULL, @FREE@)$$, '22004'),
    ('move_session: to a free court', $$SELECT tourney.move_session(@ekt3_1@, @FREE@)$$, 'ok'),
    ('move_session: a request_id used for another call',
     $$SELECT tourney.move_session(@ekt3_1@, @FREE@, request_id => '7e000000-0000-0000-0000-0000000000e1');
       SELECT tourney.move_session(@ekt3_1@, '2030-01-01 17:30+00', request_id => '7e000000-0000-0000-0000-0000000000e1')$$, '22023'),
    ('move_session: the same request_id and arguments twice',
     $$SELECT tourney.move_session(@ekt3_1@, @FREE@, request_id => '7e000000-0000-0000-0000-0000000000e1');
       SELECT tourney.move_session(@ekt3_1@, @FREE@, request_id => '7e000000-0000-0000-0000-0000000000e1')$$, 'ok'),
    -- swap_sessions
    ('swap_sessions: a session with itself', $$SELECT tourney.swap_sessions(@ek1_2@, @ek1_2@)$$, '22023'),
    ('swap_sessions: a session with a result', $$SELECT tourney.swap_sessions(@ek1_1@, @ek1_2@)$$, '55000'),
    ('swap_sessions: breaking precedence', $$SELECT tourney.swap_sessions(@ek1_2@, @ek3_1@)$$, '23514'),
    ('swap_sessions: unknown session', $$SELECT tourney.swap_sessions(@ek1_2@, 9223372036854775807)$$, 'P0002'),
    ('swap_sessions: NULL session', $$SELECT tourney.swap_sessions(@ek1_2@, NULL)$$, '22004'),
    ('swap_sessions: final and third place', $$SELECT tourney.swap_sessions(@ek3_1@, @ekt3_1@)$$, 'ok'),
    -- swap_players
    ('swap_players: round robin', $$SELECT tourney.swap_players(@er1_1@, 1, @er1_2@, 1)$$, '22023'),
    ('swap_players: group stage', $$SELECT tourney.swap_players(@eg1@, 1, @eg2@, 1)$$, '22023'),
    ('swap_players: a slot filled from another session', $$SELECT tourney.swap_players(@ek2_1@, 1, @ek2_2@, 1)$$, '22023'),
    ('swap_players: a Swiss rematch', $$SELECT tourney.swap_players(@es2_1@, 2, @es2_2@, 1)$$, '22023'),
    ('swap_players: a session with a result', $$SELECT tourney.swap_players(@ek1_1@, 1, @ek1_2@, 1)$$, '55000'),
    ('swap_players: sessions of different rounds', $$SELECT tourney.swap_players(@ek1_2@, 1, @ek2_1@, 2)$$, '22023'),
    ('swap_players: within one session', $$SELECT tourney.swap_players(@ek1_2@, 1, @ek1_2@, 2)$$, '22023'),
    ('swap_players: slot 3', $$SELECT tourney.swap_players(@ek1_2@, 3, @ek1_3@, 1)$$, '22023'),
    ('swap_players: unknown session', $$SELECT tourney.swap_players(@ek1_2@, 1, 9223372036854775807, 1)$$, 'P0002'),
    ('swap_players: NULL slot', $$SELECT tourney.swap_players(@ek1_2@, NULL, @ek1_3@, 1)$$, '22004'),
    ('swap_players: a draw fixed in round 1', $$SELECT tourney.swap_players(@ek1_2@, 1, @ek1_3@, 2)$$, 'ok'),
    -- delay_sessions
    ('delay_sessions: 0 minutes', $$SELECT tourney.delay_sessions(@EK@, '2030-01-01 09:00+00', 0)$$, '22023'),
    ('delay_sessions: -1 minutes', $$SELECT tourney.delay_sessions(@EK@, '2030-01-01 09:00+00', -1)$$, '22023'),
    ('delay_sessions: into the closure', $$SELECT tourney.delay_sessions(@EK@, '2030-01-01 09:00+00', 360)$$, '22023'),
    ('delay_sessions: past closing time', $$SELECT tourney.delay_sessions(@EK@, '2030-01-01 09:00+00', 600)$$, '22023'),
    ('delay_sessions: without a schedule', $$SELECT tourney.delay_sessions(@EN@, '2030-01-01 09:00+00', 10)$$, '55000'),
    ('delay_sessions: unknown tournament', $$SELECT tourney.delay_sessions(9223372036854775807, '2030-01-01 09:00+00', 10)$$, 'P0002'),
    ('delay_sessions: NULL minutes', $$SELECT tourney.delay_sessions(@EK@, '2030-01-01 09:00+00', NULL)$$, '22004'),
    ('delay_sessions: 20 minutes', $$SELECT tourney.delay_sessions(@EK@, '2030-01-01 09:00+00', 20)$$, 'ok'),
    -- close_campus
    ('close_campus: from = to', $$SELECT tourney.close_campus(@EK@, @E1@, '2030-01-01 10:00+00', '2030-01-01 10:00+00')$$, '22023'),
    ('close_campus: no other campus', $$SELECT tourney.close_campus(@EU@, @E3@, '2030-01-01 09:00+00', '2030-01-01 12:00+00')$$, '55000'),
    ('close_campus: a campus not of the tournament', $$SELECT tourney.close_campus(@EK@, @E3@, '2030-01-01 09:00+00', '2030-01-01 12:00+00')$$, '22023'),
    ('close_campus: unknown campus', $$SELECT tourney.close_campus(@EK@, 9223372036854775807, '2030-01-01 09:00+00', '2030-01-01 12:00+00')$$, 'P0002'),
    ('close_campus: unknown tournament', $$SELECT tourney.close_campus(9223372036854775807, @E1@, '2030-01-01 09:00+00', '2030-01-01 12:00+00')$$, 'P0002'),
    ('close_campus: without a schedule', $$SELECT tourney.close_campus(@EN@, @E1@, '2030-01-01 09:00+00', '2030-01-01 12:00+00')$$, '55000'),
    ('close_campus: NULL to_time', $$SELECT tourney.close_campus(@EK@, @E1@, '2030-01-01 09:00+00', NULL)$$, '22004'),
    ('close_campus: E2 after 10:00, its sessions to E1', $$SELECT tourney.close_campus(@EK@, @E2@, '2030-01-01 10:00+00', '2030-01-01 14:00+00')$$, 'ok'),
    -- the guards
    ('campus_hours: the window EK plays in deleted', $$DELETE FROM tourney.campus_hours WHERE campus_id = @E1@$$, 'ok'),
    ('campus_hours: shortened to end before EK''s final', $$UPDATE tourney.campus_hours SET open = tstzrange('2030-01-01 08:00+00', '2030-01-01 10:00+00') WHERE campus_id = @E1@$$, '22023'),
    ('campus_hours: E2 (always open) given hours without EK''s sessions', $$INSERT INTO tourney.campus_hours VALUES (@E2@, tstzrange('2030-01-02', '2030-01-03'))$$, '22023'),
    ('campus_hours: a window overlapping another of E1', $$INSERT INTO tourney.campus_hours VALUES (@E1@, tstzrange('2030-01-01 19:00+00', '2030-01-01 22:00+00'))$$, '23P01'),
    ('campus_hours: an empty window', $$INSERT INTO tourney.campus_hours VALUES (@E2@, 'empty')$$, '23514'),
    ('campus_hours: a NULL window', $$INSERT INTO tourney.campus_hours VALUES (@E2@, NULL)$$, '23502'),
    ('campus_hours: an unknown campus', $$INSERT INTO tourney.campus_hours VALUES (-1, tstzrange('2030-01-02', '2030-01-03'))$$, '23503'),
    ('campus_closures: an unknown campus', $$INSERT INTO tourney.campus_closures VALUES (-1, tstzrange('2030-01-02', '2030-01-03'), 'x')$$, '23503'),
    ('campus_closures: over EK''s sessions', $$INSERT INTO tourney.campus_closures VALUES (@E2@, tstzrange('2030-01-01 09:00+00', '2030-01-01 09:05+00'), 'x')$$, '22023'),
    ('campus_closures: moved over EK''s sessions', $$UPDATE tourney.campus_closures SET during = tstzrange('2030-01-01 09:00+00', '2030-01-01 16:00+00') WHERE campus_id = @E1@$$, '22023'),
    ('campus_closures: an empty closure', $$INSERT INTO tourney.campus_closures VALUES (@E2@, 'empty', 'x')$$, '23514'),
    ('campus_closures: another day', $$INSERT INTO tourney.campus_closures VALUES (@E2@, tstzrange('2030-02-01', '2030-02-02'), 'x')$$, 'ok'),
    ('campuses.courts: lowered below a court in use', $$UPDATE tourney.campuses SET courts = 1 WHERE campus_id = @E1@$$, '22023'),
    ('campuses.courts: 0', $$UPDATE tourney.campuses SET courts = 0 WHERE campus_id = @E1@$$, '23514'),
    ('campuses.courts: raised', $$UPDATE tourney.campuses SET courts = 3 WHERE campus_id = @E1@$$, 'ok')
) v(what, q, want);

----------------------------------------------------------------------------
-- the event day (SPEC §3e), corrections, waiting, run_scenario, the
-- readers of 0.2 (task_percent, tournament_checked, overview), the
-- owner's tallies_rebuild and a data node's create_tournament_with_id,
-- put_players and put_campuses (SPEC §8).  Their effects are in
-- eventday/*.sql, lifecycle/corrections.sql, lifecycle/overview.sql and
-- cluster/sharded.sh.  Each call in a subtransaction rolled back
-- afterwards: its SQLSTATE; for a refusal, a message in PostgreSQL style
-- that matches the pattern given, and every table as it was.
----------------------------------------------------------------------------
-- q1..q8 players; VD a draft knockout of q1..q4; VP the same generated,
-- vp1 (round 1, match 1) 2:1, vp2 open, vpf the final, vpt the third
-- place; VQ a knockout of q5..q8 with every result (vq1 its first match);
-- VW a draft made by create_tournament_with_id; VK a knockout of q3, q4 played (nobody has a session left); VA a draft
-- whose generation is queued (VTA, in this transaction); VC completed
-- (vc1, VTC its task); VX generated, then cancelled (vx1); VI an
-- individual ranking (vi1)
DO $fixtures$
DECLARE
    q bigint[] := test_support.players(8, 'err event', '1600 - g');
    id bigint;
    task uuid;
BEGIN
    INSERT INTO test_support.fixtures (key, id) SELECT 'q' || i, q[i] FROM generate_series(1, 8) i;
    INSERT INTO test_support.fixtures (key, id) VALUES ('VD', test_support.tournament('knockout', q[1:4], 'err VD'));
    INSERT INTO test_support.fixtures (key, id) VALUES ('VW', tourney.create_tournament_with_id(140737488355999, 'err VW', 'knockout'));
    id := test_support.tournament('knockout', q[1:4], 'err VP', generate => true);
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('VP', id), ('vp1', test_support.session_id(id, 1, 1)), ('vp2', test_support.session_id(id, 1, 2)),
        ('vpf', test_support.session_id(id, 2, 1)), ('vpt', test_support.session_id(id, 'third_place', 2, 1));
    PERFORM tourney.submit_result(test_support.id('vp1'), ARRAY[2, 1]);
    id := test_support.tournament('knockout', q[5:8], 'err VQ', generate => true);
    PERFORM tourney.simulate_results(id, 11);
    INSERT INTO test_support.fixtures (key, id) VALUES ('VQ', id), ('vq1', test_support.session_id(id, 1, 1));
    INSERT INTO test_support.fixtures (key, value)
    SELECT 'VQ1FLIP', format('ARRAY[%s]', string_agg(score::text, ', ' ORDER BY slot DESC))
    FROM tourney.session_participants WHERE session_id = test_support.id('vq1');
    id := test_support.tournament('knockout', q[3:4], 'err VK', generate => true);
    PERFORM tourney.submit_result(test_support.session_id(id, 1, 1), ARRAY[1, 0]);
    INSERT INTO test_support.fixtures (key, id) VALUES ('VK', id);
    id := test_support.tournament('knockout', q[5:6], 'err VA');
    task := tourney.generate_sessions(id, async => true);
    INSERT INTO test_support.fixtures (key, id, value) VALUES ('VA', id, NULL), ('VTA', NULL, quote_literal(task) || '::uuid');
    id := test_support.tournament('knockout', q[7:8], 'err VC');
    task := tourney.generate_sessions(id, async => false);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    INSERT INTO test_support.fixtures (key, id, value) VALUES
        ('VC', id, NULL), ('vc1', test_support.session_id(id, 1, 1), NULL), ('VTC', NULL, quote_literal(task) || '::uuid');
    id := test_support.tournament('knockout', q[5:8], 'err VX', generate => true);
    PERFORM tourney.cancel_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('VX', id), ('vx1', test_support.session_id(id, 1, 1));
    id := test_support.tournament('individual_ranking', q[1:2], 'err VI', generate => true);
    INSERT INTO test_support.fixtures (key, id) VALUES ('VI', id), ('vi1', test_support.session_id(id, 1, 1));
    INSERT INTO test_support.fixtures (key, value) VALUES
        ('NOUUID', '''00000000-0000-0000-0000-000000000000''::uuid'),
        ('BIG', '9223372036854775807'),
        -- ids as a proxy mints them for node 0, and the first of node 1
        ('PX1', '140737488355329'), ('PX2', '140737488355330'), ('NODE1', '281474976710656');
END $fixtures$;

CREATE FUNCTION pg_temp.refusal(q text, pattern text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    before text := test_support.fingerprint();
    o test_support.outcome := test_support.capture(test_support.subst(q), rollback => true);
BEGIN
    pattern := test_support.subst(pattern);
    RETURN o.sqlstate
        || CASE WHEN o.sqlstate <> 'ok' AND (o.message ~ '\.$' OR o.message ~ '^[A-Z][a-z]')
                THEN ' (message not in PostgreSQL style: ' || o.message || ')' ELSE '' END
        || CASE WHEN o.sqlstate <> 'ok' AND pattern IS NOT NULL AND o.message !~ pattern
                THEN format(' (message "%s" does not match /%s/)', o.message, pattern) ELSE '' END
        || CASE WHEN o.sqlstate <> 'ok' AND test_support.fingerprint() IS DISTINCT FROM before
                THEN ' (tables changed by a refused call)' ELSE '' END;
END $$;
SELECT is(pg_temp.refusal(q, pattern), want, format('%s -> %s', what, want))
FROM (VALUES
    -- check_in
    ('check_in: NULL tournament', $$SELECT tourney.check_in(NULL, ARRAY[@q1@])$$, '22004', 'tournament_id'),
    ('check_in: NULL player_ids', $$SELECT tourney.check_in(@VD@, NULL)$$, '22004', 'player_ids'),
    ('check_in: a NULL player', $$SELECT tourney.check_in(@VD@, ARRAY[@q1@, NULL])$$, '22004', 'player_ids'),
    ('check_in: a two-dimensional array', $$SELECT tourney.check_in(@VD@, ARRAY[[@q1@, @q2@]])$$, '22023', NULL),
    ('check_in: unknown tournament', $$SELECT tourney.check_in(@BIG@, ARRAY[@q1@])$$, 'P0002', '^tournament 9223372036854775807 does not exist$'),
    ('check_in: unknown player', $$SELECT tourney.check_in(@VD@, ARRAY[@q1@, @BIG@])$$, 'P0002', '^player 9223372036854775807 does not exist$'),
    ('check_in: a player not enrolled', $$SELECT tourney.check_in(@VD@, ARRAY[@q1@, @q5@])$$, '55000', '^player @q5@ is not enrolled in tournament @VD@$'),
    ('check_in: after the draw', $$SELECT tourney.check_in(@VP@, ARRAY[@q1@])$$, '55000', 'tournament @VP@ is in_progress'),
    ('check_in: while a generation is queued', $$SELECT tourney.check_in(@VA@, ARRAY[@q5@])$$, '55000', 'queued'),
    ('check_in: completed', $$SELECT tourney.check_in(@VC@, ARRAY[@q7@])$$, '55000', 'completed'),
    ('check_in: cancelled', $$SELECT tourney.check_in(@VX@, ARRAY[@q5@])$$, '55000', 'cancelled'),
    ('check_in: two players, one twice', $$SELECT tourney.check_in(@VD@, ARRAY[@q1@, @q2@, @q1@])$$, 'ok', NULL),
    ('check_in: nobody', $$SELECT tourney.check_in(@VD@, '{}')$$, 'ok', NULL),
    -- drop_unchecked
    ('drop_unchecked: NULL', $$SELECT tourney.drop_unchecked(NULL)$$, '22004', 'tournament_id'),
    ('drop_unchecked: unknown tournament', $$SELECT tourney.drop_unchecked(@BIG@)$$, 'P0002', 'tournament 9223372036854775807'),
    ('drop_unchecked: after the draw', $$SELECT tourney.drop_unchecked(@VP@)$$, '55000', 'in_progress'),
    ('drop_unchecked: while a generation is queued', $$SELECT tourney.drop_unchecked(@VA@)$$, '55000', 'queued'),
    ('drop_unchecked: completed', $$SELECT tourney.drop_unchecked(@VC@)$$, '55000', 'completed'),
    ('drop_unchecked: cancelled', $$SELECT tourney.drop_unchecked(@VX@)$$, '55000', 'cancelled'),
    ('drop_unchecked: a draft', $$SELECT tourney.drop_unchecked(@VD@)$$, 'ok', NULL),
    -- submit_walkover
    ('submit_walkover: NULL session', $$SELECT tourney.submit_walkover(NULL, 1)$$, '22004', 'session_id'),
    ('submit_walkover: NULL slot', $$SELECT tourney.submit_walkover(@vp2@, NULL)$$, '22004', 'winner_slot'),
    ('submit_walkover: slot 0', $$SELECT tourney.submit_walkover(@vp2@, 0)$$, '22023', '^winner_slot must be 1 or 2, not 0$'),
    ('submit_walkover: slot 3', $$SELECT tourney.submit_walkover(@vp2@, 3)$$, '22023', 'winner_slot'),
    ('submit_walkover: slot -1 of an unknown session', $$SELECT tourney.submit_walkover(@BIG@, -1)$$, '22023', 'winner_slot'),
    ('submit_walkover: unknown session', $$SELECT tourney.submit_walkover(@BIG@, 1)$$, 'P0002', '^session 9223372036854775807 does not exist$'),
    ('submit_walkover: a session with a result', $$SELECT tourney.submit_walkover(@vp1@, 1)$$, '55000', 'session @vp1@ already has a result'),
    ('submit_walkover: the final, its players not known', $$SELECT tourney.submit_walkover(@vpf@, 1)$$, '55000', 'both participants'),
    ('submit_walkover: the third place, one player known', $$SELECT tourney.submit_walkover(@vpt@, 1)$$, '55000', 'both participants'),
    ('submit_walkover: an individual ranking session', $$SELECT tourney.submit_walkover(@vi1@, 1)$$, '55000', NULL),
    ('submit_walkover: completed', $$SELECT tourney.submit_walkover(@vc1@, 1)$$, '55000', 'completed'),
    ('submit_walkover: cancelled', $$SELECT tourney.submit_walkover(@vx1@, 2)$$, '55000', 'cancelled'),
    ('submit_walkover: then the other slot', $$SELECT tourney.submit_walkover(@vp2@, 2); SELECT tourney.submit_walkover(@vp2@, 1)$$, '55000', 'walkover'),
    ('submit_walkover: then a result', $$SELECT tourney.submit_walkover(@vp2@, 2); SELECT tourney.submit_result(@vp2@, ARRAY[1, 0])$$, '55000', NULL),
    ('submit_walkover: the same twice', $$SELECT tourney.submit_walkover(@vp2@, 2); SELECT tourney.submit_walkover(@vp2@, 2)$$, 'ok', NULL),
    ('submit_walkover: then corrected', $$SELECT tourney.submit_walkover(@vp2@, 2); SELECT * FROM tourney.correct_result(@vp2@, ARRAY[3, 0])$$, 'ok', NULL),
    -- withdraw_player
    ('withdraw_player: NULL tournament', $$SELECT * FROM tourney.withdraw_player(NULL, @q2@)$$, '22004', 'tournament_id'),
    ('withdraw_player: NULL player', $$SELECT * FROM tourney.withdraw_player(@VP@, NULL)$$, '22004', 'player_id'),
    ('withdraw_player: unknown tournament', $$SELECT * FROM tourney.withdraw_player(@BIG@, @q2@)$$, 'P0002', 'tournament 9223372036854775807 does not exist'),
    ('withdraw_player: unknown player', $$SELECT * FROM tourney.withdraw_player(@VP@, @BIG@)$$, 'P0002', '^player 9223372036854775807 does not exist$'),
    ('withdraw_player: a player not enrolled', $$SELECT * FROM tourney.withdraw_player(@VP@, @q5@)$$, '55000', '^player @q5@ is not enrolled in tournament @VP@$'),
    ('withdraw_player: a draft', $$SELECT * FROM tourney.withdraw_player(@VD@, @q1@)$$, '55000', 'draft'),
    ('withdraw_player: completed', $$SELECT * FROM tourney.withdraw_player(@VC@, @q7@)$$, '55000', 'completed'),
    ('withdraw_player: cancelled', $$SELECT * FROM tourney.withdraw_player(@VX@, @q5@)$$, '55000', 'cancelled'),
    ('withdraw_player: twice', $$SELECT * FROM tourney.withdraw_player(@VP@, @q2@); SELECT * FROM tourney.withdraw_player(@VP@, @q2@)$$, '55000', 'already'),
    ('withdraw_player: the loser of a played final', $$SELECT * FROM tourney.withdraw_player(@VK@, @q4@)$$, '55000', 'no session left'),
    ('withdraw_player: the winner of a played final', $$SELECT * FROM tourney.withdraw_player(@VK@, @q3@)$$, '55000', 'no session left'),
    ('withdraw_player: a player with a session to play', $$SELECT * FROM tourney.withdraw_player(@VP@, @q2@)$$, 'ok', NULL),
    -- cancel_tournament
    ('cancel_tournament: NULL', $$SELECT tourney.cancel_tournament(NULL)$$, '22004', 'tournament_id'),
    ('cancel_tournament: unknown tournament', $$SELECT tourney.cancel_tournament(@BIG@)$$, 'P0002', 'tournament 9223372036854775807 does not exist'),
    ('cancel_tournament: completed', $$SELECT tourney.cancel_tournament(@VC@)$$, '55000', '^cannot cancel tournament @VC@: it is completed$'),
    ('cancel_tournament: cancelled', $$SELECT tourney.cancel_tournament(@VX@)$$, '55000', 'it is cancelled'),
    ('cancel_tournament: a draft', $$SELECT tourney.cancel_tournament(@VD@)$$, 'ok', NULL),
    ('cancel_tournament: in progress', $$SELECT tourney.cancel_tournament(@VP@)$$, 'ok', NULL),
    ('cancel_tournament: with its generation queued', $$SELECT tourney.cancel_tournament(@VA@)$$, 'ok', NULL),
    ('cancel_tournament: then a result', $$SELECT tourney.cancel_tournament(@VP@); SELECT tourney.submit_result(@vp2@, ARRAY[1, 0])$$, '55000', 'cancelled'),
    ('cancel_tournament: then an enrolment', $$SELECT tourney.cancel_tournament(@VD@); SELECT tourney.enroll(@VD@, ARRAY[@q5@])$$, '55000', 'cancelled'),
    ('cancel_tournament: then a generation', $$SELECT tourney.cancel_tournament(@VD@); SELECT tourney.generate_sessions(@VD@, false)$$, '55000', 'cancelled'),
    -- cancel_task
    ('cancel_task: NULL', $$SELECT tourney.cancel_task(NULL)$$, '22004', 'task_id'),
    ('cancel_task: unknown task', $$SELECT tourney.cancel_task(@NOUUID@)$$, 'P0002', '^task 00000000-0000-0000-0000-000000000000 does not exist$'),
    ('cancel_task: a done task', $$SELECT tourney.cancel_task(@VTC@)$$, '55000', 'it has ended'),
    ('cancel_task: a queued task', $$SELECT tourney.cancel_task(@VTA@)$$, 'ok', NULL),
    ('cancel_task: twice', $$SELECT tourney.cancel_task(@VTA@); SELECT tourney.cancel_task(@VTA@)$$, '55000', 'ended'),
    ('cancel_task: then generated again', $$SELECT tourney.cancel_task(@VTA@); SELECT tourney.generate_sessions(@VA@, false)$$, 'ok', NULL),
    -- correct_result
    ('correct_result: NULL session', $$SELECT * FROM tourney.correct_result(NULL, ARRAY[1, 0])$$, '22004', 'session_id'),
    ('correct_result: NULL scores', $$SELECT * FROM tourney.correct_result(@vp1@, NULL)$$, '22004', 'scores'),
    ('correct_result: NULL cascade', $$SELECT * FROM tourney.correct_result(@vp1@, ARRAY[1, 0], NULL)$$, '22004', 'cascade'),
    ('correct_result: unknown session', $$SELECT * FROM tourney.correct_result(@BIG@, ARRAY[1, 0])$$, 'P0002', '^session 9223372036854775807 does not exist$'),
    ('correct_result: a session without a result', $$SELECT * FROM tourney.correct_result(@vp2@, ARRAY[1, 0])$$, '55000', 'no result'),
    ('correct_result: a knockout draw', $$SELECT * FROM tourney.correct_result(@vp1@, ARRAY[1, 1])$$, '22023', 'draw'),
    ('correct_result: one score for two players', $$SELECT * FROM tourney.correct_result(@vp1@, ARRAY[1])$$, '22023', NULL),
    ('correct_result: NaN', $$SELECT * FROM tourney.correct_result(@vp1@, ARRAY['NaN', 1]::numeric[])$$, '22023', NULL),
    ('correct_result: a winner later results depend on', $$SELECT * FROM tourney.correct_result(@vq1@, @VQ1FLIP@)$$, '55000', 'later results'),
    ('correct_result: the same with cascade', $$SELECT * FROM tourney.correct_result(@vq1@, @VQ1FLIP@, true)$$, 'ok', NULL),
    ('correct_result: completed', $$SELECT * FROM tourney.correct_result(@vc1@, ARRAY[0, 1])$$, '55000', 'completed'),
    ('correct_result: cancelled', $$SELECT * FROM tourney.correct_result(@vx1@, ARRAY[0, 1])$$, '55000', NULL),
    -- wait_for_task
    ('wait_for_task: NULL task', $$SELECT tourney.wait_for_task(NULL)$$, '22004', 'task_id'),
    ('wait_for_task: NULL timeout', $$SELECT tourney.wait_for_task(@VTC@, NULL)$$, '22004', 'timeout'),
    ('wait_for_task: unknown task', $$SELECT tourney.wait_for_task(@NOUUID@, '10 ms')$$, 'P0002', '00000000-0000-0000-0000-000000000000'),
    ('wait_for_task: in the transaction that queued it', $$SELECT tourney.wait_for_task(@VTA@, '10 ms')$$, '55000', 'transaction that queued it'),
    ('wait_for_task: a done task', $$SELECT tourney.wait_for_task(@VTC@, '10 ms')$$, 'ok', NULL),
    -- run_scenario
    ('run_scenario: NULL player_count', $$SELECT tourney.run_scenario(NULL)$$, '22004', 'player_count'),
    ('run_scenario: one player', $$SELECT tourney.run_scenario(1)$$, '22023', NULL),
    ('run_scenario: unknown format', $$SELECT tourney.run_scenario(4, 'bracket')$$, '22023', '"bracket"'),
    ('run_scenario: NULL seed', $$SELECT tourney.run_scenario(4, seed => NULL)$$, '22004', 'seed'),
    ('run_scenario: campus_count -1', $$SELECT tourney.run_scenario(4, campus_count => -1)$$, '22023', NULL),
    ('run_scenario: 10 Swiss rounds for 4 players', $$SELECT tourney.run_scenario(4, 'swiss', 10)$$, '55000', NULL),
    ('run_scenario: groups_knockout without group_count', $$SELECT tourney.run_scenario(8, 'groups_knockout')$$, '22004', 'group_count'),
    -- the readers
    ('task_percent: NULL', $$SELECT tourney.task_percent(NULL)$$, '22004', 'task_id'),
    ('tournament_checked: NULL', $$SELECT tourney.tournament_checked(NULL)$$, '22004', '^tournament_id must not be null$'),
    ('tournament_checked: unknown tournament', $$SELECT tourney.tournament_checked(@BIG@)$$, 'P0002', '^tournament 9223372036854775807 does not exist$'),
    ('tallies_rebuild: NULL', $$SELECT tourney.tallies_rebuild(NULL)$$, '22004', 'tournament_id'),
    ('tallies_rebuild: unknown tournament', $$SELECT tourney.tallies_rebuild(@BIG@)$$, 'P0002', 'tournament 9223372036854775807 does not exist'),
    ('tallies_rebuild: cancelled', $$SELECT tourney.tallies_rebuild(@VX@)$$, 'ok', NULL),
    -- create_tournament_with_id
    ('create_tournament_with_id: NULL id', $$SELECT tourney.create_tournament_with_id(NULL, 'x', 'knockout')$$, '22004', 'tournament_id'),
    ('create_tournament_with_id: id 0', $$SELECT tourney.create_tournament_with_id(0, 'x', 'knockout')$$, '22023', '^tournament_id must be positive$'),
    ('create_tournament_with_id: an id of node 1', $$SELECT tourney.create_tournament_with_id(@NODE1@, 'x', 'knockout')$$, '22023',
     '^tournament_id 281474976710656 is stamped for node 1, and this is node 0$'),
    ('create_tournament_with_id: an id taken', $$SELECT tourney.create_tournament_with_id(@VW@, 'x', 'knockout')$$, '23505', '^tournament @VW@ exists already$'),
    ('create_tournament_with_id: a local part of the node''s own', $$SELECT tourney.create_tournament_with_id(@VD@, 'x', 'knockout')$$, '22023', 'below the proxy''s range$'),
    ('create_tournament_with_id: NULL name', $$SELECT tourney.create_tournament_with_id(@PX1@, NULL, 'knockout')$$, '22004', 'name'),
    ('create_tournament_with_id: unknown format', $$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'bracket')$$, '22023', '"bracket"'),
    ('create_tournament_with_id: number_of_rounds for a knockout', $$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', number_of_rounds => 3)$$, '22023', NULL),
    ('create_tournament_with_id: grand_final for a knockout', $$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', grand_final => 'none')$$, '22023', 'grand_final'),
    ('create_tournament_with_id: unknown campus', $$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => ARRAY[@BIG@])$$, 'P0002', 'campus 9223372036854775807'),
    ('create_tournament_with_id: an id minted for this node', $$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout')$$, 'ok', NULL),
    -- put_players
    ('put_players: NULL ids', $$SELECT * FROM tourney.put_players(NULL, ARRAY['x'])$$, '22004', '^player_ids must not be null$'),
    ('put_players: NULL names', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@], NULL)$$, '22004', '^names must not be null$'),
    ('put_players: a NULL id', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@, NULL], ARRAY['x', 'y'])$$, '22004', 'player_ids'),
    ('put_players: a NULL name', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY[NULL]::text[])$$, '22004', 'names'),
    ('put_players: more names than ids', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x', 'y'])$$, '22023', 'one length'),
    ('put_players: more ratings than ids', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY[1500, 1600])$$, '22023', 'ratings'),
    ('put_players: ratings of two dimensions', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], ARRAY[[1500], [1600]])$$, '22023', 'one-dimensional'),
    ('put_players: id 0', $$SELECT * FROM tourney.put_players(ARRAY[0], ARRAY['x'])$$, '22023', '^player_ids must be positive$'),
    ('put_players: an id twice', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX1@], ARRAY['x', 'y'])$$, '22023', 'repeat'),
    ('put_players: an empty name', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY[''])$$, '22023', 'names'),
    ('put_players: a NaN rating', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY['NaN'::float8])$$, '22023', 'finite'),
    ('put_players: a player here with other values', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @q1@], ARRAY['x', 'someone else'])$$, '23505',
     '^player @q1@ exists on this node with other values$'),
    ('put_players: an email twice', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], emails => ARRAY['same@example.org', 'same@example.org'])$$, '23505', NULL),
    ('put_players: two new players', $$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'])$$, 'ok', NULL),
    -- put_campuses
    ('put_campuses: NULL ids', $$SELECT * FROM tourney.put_campuses(NULL, ARRAY['x'])$$, '22004', '^campus_ids must not be null$'),
    ('put_campuses: NULL names', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], NULL)$$, '22004', 'names'),
    ('put_campuses: fewer names than ids', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@, @PX2@], ARRAY['x'])$$, '22023', 'one length'),
    ('put_campuses: more courts than ids', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['x'], NULL, ARRAY[1, 2])$$, '22023', 'courts'),
    ('put_campuses: capacity 0', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['x'], ARRAY[0])$$, '22023', 'capacities'),
    ('put_campuses: courts 0', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['x'], NULL, ARRAY[0])$$, '22023', 'courts'),
    ('put_campuses: a name another campus has', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['err campus'])$$, '23505', NULL),
    ('put_campuses: a campus here with other values', $$SELECT * FROM tourney.put_campuses(ARRAY[@E1@], ARRAY['renamed'])$$, '23505',
     '^campus @E1@ exists on this node with other values$'),
    -- put_ratings
    ('put_ratings: NULL ratings', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@], NULL, ARRAY[350], ARRAY[0.06])$$, '22004', 'ratings'),
    ('put_ratings: a NULL rating', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@], ARRAY[NULL]::float8[], ARRAY[350], ARRAY[0.06])$$, '22004', 'ratings'),
    ('put_ratings: a player twice', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@, @q1@], ARRAY[1, 2], ARRAY[350, 350], ARRAY[0.06, 0.06])$$, '22023', 'repeat'),
    ('put_ratings: fewer deviations than players', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@, @q2@], ARRAY[1, 2], ARRAY[350], ARRAY[0.06, 0.06])$$, '22023',
     '^the arrays must have one length: player_ids has 2, ratings 2, deviations 1, volatilities 2$'),
    ('put_ratings: deviation 0', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@], ARRAY[1500], ARRAY[0], ARRAY[0.06])$$, '22023', 'deviations'),
    ('put_ratings: an infinite rating', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@], ARRAY['Infinity'::float8], ARRAY[350], ARRAY[0.06])$$, '22023', 'finite'),
    ('put_ratings: unknown player', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@, @BIG@], ARRAY[1, 2], ARRAY[350, 350], ARRAY[0.06, 0.06])$$, 'P0002',
     '^player 9223372036854775807 does not exist on this node$'),
    ('put_ratings: new values', $$SELECT * FROM tourney.put_ratings(ARRAY[@q1@], ARRAY[1234.5], ARRAY[99], ARRAY[0.07])$$, 'ok', NULL),
    ('put_campuses: two new campuses', $$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@, @PX2@], ARRAY['err new 1', 'err new 2'], ARRAY[NULL, 2], ARRAY[3, 1])$$, 'ok', NULL)
) v(what, q, want, pattern);

-- what the accepted calls return and keep
SELECT is(tourney.check_in(test_support.id('VD'), ARRAY[test_support.id('q1'), test_support.id('q2'), test_support.id('q1')]), 2,
          'check_in returns how many of the listed players are checked in (a player listed twice counts once)');
SELECT is((SELECT array_agg(checked_in_at IS NOT NULL ORDER BY player_id) FROM tourney.enrollments
           WHERE tournament_id = test_support.id('VD')), '{t,t,f,f}'::bool[], 'q1 and q2 are checked in, q3 and q4 not');
SELECT is(tourney.drop_unchecked(test_support.id('VD')), 2, 'drop_unchecked removes the two others');
SELECT is(tourney.drop_unchecked(test_support.id('VD')), 0, 'and then nobody');
SELECT is((SELECT tourney.task_percent(task_id) FROM tourney.tasks WHERE tournament_id = test_support.id('VA')), NULL,
          'task_percent of a queued task: NULL (no worker runs it)');
SELECT is((SELECT tourney.task_percent(task_id) FROM tourney.tasks WHERE tournament_id = test_support.id('VC')), NULL,
          'task_percent of a done task: NULL');
SELECT is(tourney.task_percent('00000000-0000-0000-0000-000000000000'), NULL, 'task_percent of an unknown task: NULL');
SELECT is(tourney.tournament_checked(test_support.id('VX')), test_support.id('VX'), 'tournament_checked returns the id of a tournament that exists');
SELECT is((SELECT array_agg(tournament_id ORDER BY tournament_id) FROM tourney.overview
           WHERE tournament_id IN (test_support.id('VD'), test_support.id('VP'), test_support.id('VA'),
                                   test_support.id('VC'), test_support.id('VX'))),
          ARRAY[test_support.id('VD'), test_support.id('VP'), test_support.id('VA')],
          'overview shows the draft, the one in progress and the queued one, not the completed or the cancelled one');
CREATE TEMP TABLE vp_standings AS SELECT * FROM tourney.standings(test_support.id('VP'));
SELECT cmp_ok(tourney.tallies_rebuild(test_support.id('VP')), '>', 0::bigint, 'tallies_rebuild writes the tallies of VP again');
SELECT set_eq('SELECT * FROM tourney.standings(' || test_support.id('VP') || ')', 'SELECT * FROM vp_standings',
              'and its standings are what they were');
SELECT is(tourney.create_tournament_with_id(140737488355331, 'err with id', 'KNOCKOUT'), 140737488355331::bigint,
          'create_tournament_with_id returns the id given');
SELECT is((SELECT format('%s/%s/%s', name, format, status) FROM tourney.tournaments WHERE tournament_id = 140737488355331),
          'err with id/knockout/draft', 'and the tournament has it');
-- an id the node's own sequence hands out next: refused, or skipped by
-- that sequence; the next create_tournament never collides (SPEC §8)
SELECT matches(test_support.sqlstate_of(
                   'SELECT tourney.create_tournament_with_id((SELECT last_value + 1 FROM tourney.tournament_id_seq), ''x'', ''knockout'');'
                   ' SELECT tourney.create_tournament(''y'', ''knockout'')'),
               '^(ok|22023)$',
               'create_tournament_with_id of the next local id: refused (22023) or no collision at the next create_tournament');
SELECT is(ARRAY(SELECT tourney.put_players(ARRAY[140737488355342, 140737488355341], ARRAY['err px b', 'err px a'],
                                           ARRAY[1700, NULL], ARRAY['pxb@example.org', NULL], '\x0102')),
          '{140737488355342,140737488355341}'::bigint[], 'put_players returns the ids in the order given');
SELECT is((SELECT array_agg(format('%s/%s/%s/%s', player_id, name, rating, coalesce(email, '-')) ORDER BY player_id)
           FROM tourney.players WHERE player_id IN (140737488355341, 140737488355342)),
          '{140737488355341/err px a/1500/-,140737488355342/err px b/1700/pxb@example.org}'::text[],
          'and writes the rows with those ids (rating 1500 where none is given)');
SELECT is(ARRAY(SELECT tourney.put_players(ARRAY[140737488355342, 140737488355341], ARRAY['err px b', 'err px a'],
                                           ARRAY[1700, NULL], ARRAY['pxb@example.org', NULL], '\x0102')),
          '{140737488355342,140737488355341}'::bigint[], 'the same batch again returns the same ids');
SELECT is((SELECT count(*)::int FROM tourney.players WHERE name LIKE 'err px %'), 2, 'and adds no row');
SELECT is((SELECT format('%s/%s/%s', kind, first_id, ids) FROM tourney.global_batches WHERE digest = '\x0102'),
          'players/140737488355342/{140737488355342,140737488355341}', 'the batch is recorded once, by its digest');
SELECT is(ARRAY(SELECT tourney.put_campuses(ARRAY[140737488355351], ARRAY['err px campus'], ARRAY[4], NULL)),
          '{140737488355351}'::bigint[], 'put_campuses returns the id');
SELECT is((SELECT format('%s/%s/%s', name, capacity, courts) FROM tourney.campuses WHERE campus_id = 140737488355351),
          'err px campus/4/1', 'and writes the campus (1 court where none is given)');
SELECT lives_ok($$SELECT tourney.put_campuses(ARRAY[140737488355351], ARRAY['err px campus'], ARRAY[4], ARRAY[1])$$,
                'the same campus again is kept');
SELECT is(ARRAY(SELECT tourney.put_ratings(ARRAY[test_support.id('q2'), test_support.id('q1')], ARRAY[1234.5, 1599],
                                           ARRAY[99, 350], ARRAY[0.07, 0.06])),
          ARRAY[test_support.id('q2')], 'put_ratings returns the players whose values changed (q1 has these already)');
SELECT is((SELECT format('%s/%s/%s', rating, rating_deviation, rating_volatility) FROM tourney.players
           WHERE player_id = test_support.id('q2')), '1234.5/99/0.07', 'and sets them');
SELECT is(ARRAY(SELECT tourney.put_ratings(ARRAY[test_support.id('q2')], ARRAY[1234.5], ARRAY[99], ARRAY[0.07])),
          '{}'::bigint[], 'the same values again change nothing');

----------------------------------------------------------------------------
-- privileges: state-changing functions and table writes are not PUBLIC
----------------------------------------------------------------------------
CREATE ROLE tourney_test_nobody NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO tourney_test_nobody;
SELECT throws_ok($$SET LOCAL ROLE tourney_test_nobody; SELECT tourney.create_tournament('nobody', 'knockout')$$,
                 '42501', NULL, 'a role without grants cannot call create_tournament');
SELECT throws_ok(format('SET LOCAL ROLE tourney_test_nobody; SELECT tourney.simulate_results(%s)', test_support.id('ko')),
                 '42501', NULL, 'nor simulate_results');
SELECT throws_ok(format('SET LOCAL ROLE tourney_test_nobody; INSERT INTO tourney.sessions (tournament_id, session_id, stage, round, match_number) VALUES (%s, 1, %L, 9, 9)',
                        test_support.id('ko'), 'main'),
                 '42501', NULL, 'nor write tourney.sessions directly');
GRANT EXECUTE ON FUNCTION tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text) TO tourney_test_nobody;
SELECT lives_ok($$SET LOCAL ROLE tourney_test_nobody; SELECT tourney.create_tournament('granted', 'knockout'); RESET ROLE$$,
                'with EXECUTE granted, create_tournament works (it runs with the owner''s rights)');
SELECT is(current_user::text, session_user::text, 'back to the test role');

SELECT * FROM finish();
ROLLBACK;
