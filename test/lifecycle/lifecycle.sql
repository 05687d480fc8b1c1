-- The whole synchronous lifecycle of a 1024-player knockout, the generation
-- task, standings on the way, and run_scenario (SPEC §3).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(31);

CREATE FUNCTION pg_temp.t() RETURNS tourney.tournaments
LANGUAGE sql STABLE AS $$ SELECT * FROM tourney.tournaments WHERE tournament_id = test_support.id('t') $$;
-- the generation task
CREATE FUNCTION pg_temp.task() RETURNS uuid
LANGUAGE sql STABLE AS $$ SELECT value::uuid FROM test_support.fixtures WHERE key = 'task' $$;

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(1024, 'life', '1000 + (g * 7) % 1000'));

-- create
INSERT INTO test_support.fixtures (key, id) VALUES ('t', tourney.create_tournament('lifecycle 1024', 'knockout'));
SELECT isnt(test_support.id('t'), NULL, 'create_tournament returns an id');
SELECT is((pg_temp.t()).status::text, 'draft', 'a new tournament is draft');

-- enroll
SELECT is(tourney.enroll(test_support.id('t'), test_support.ids('p')), 1024, 'enroll 1024 players in one call');
SELECT is((SELECT count(*)::int FROM tourney.enrollments WHERE tournament_id = test_support.id('t')), 1024, '1024 enrollments');

-- generate
INSERT INTO test_support.fixtures (key, value)
VALUES ('task', tourney.generate_sessions(test_support.id('t'), async => false)::text);
SELECT isnt(pg_temp.task(), NULL, 'generate_sessions returns a task id');
CREATE TEMP VIEW task AS SELECT (tourney.generation_status(pg_temp.task())).*;
SELECT is((SELECT format('%s/%s/%s/%s', tournament_id = test_support.id('t'), task_id = pg_temp.task(),
                         kind, status) FROM task),
          't/t/generate/done', 'the task: this tournament, kind generate, done');
SELECT is((SELECT session_count FROM task), 1024, 'the task counted 1024 sessions');
SELECT ok((SELECT generation_ms >= 0 AND db_write_ms >= 0 FROM task), 'generation_ms and db_write_ms are recorded');
SELECT ok((SELECT started_at IS NOT NULL AND finished_at >= started_at AND finished_at >= queued_at FROM task),
          'queued_at <= finished_at, started_at set');
SELECT is((SELECT requested_by::oid FROM task), current_user::regrole::oid, 'requested_by is the calling role');
SELECT is((SELECT worker_pid FROM task), pg_backend_pid(), 'the synchronous task ran in the caller''s backend');
SELECT is((SELECT format('%s/%s', status, sessions_generated_at IS NOT NULL) FROM tourney.tournaments
           WHERE tournament_id = test_support.id('t')),
          'in_progress/t', 'in_progress, sessions_generated_at set');
SELECT is((SELECT array_agg(c ORDER BY round) FROM (
              SELECT round, count(*)::int c FROM tourney.sessions
              WHERE tournament_id = test_support.id('t') AND stage = 'main' GROUP BY round) x),
          ARRAY[512, 256, 128, 64, 32, 16, 8, 4, 2, 1], 'rounds of 512, 256, ..., 1 matches');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('t')), 1024,
          '1023 + 1 = 1024 sessions');
SELECT is((SELECT count(*)::int FROM tourney.session_participants WHERE tournament_id = test_support.id('t')), 1024,
          'round 1 holds all 1024 players at generation');
SELECT is((SELECT count(DISTINCT session_id)::int FROM tourney.sessions WHERE tournament_id = test_support.id('t')), 1024,
          'session ids are distinct');

-- standings before any result
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('t'))), 1024, 'standings before any result: 1024 rows');

-- results
SELECT is(tourney.simulate_results(test_support.id('t'), 2024), 1024, 'simulate_results: 1024 sessions');
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('t'))), 1024, 'standings with all results: 1024 rows');

-- rank
SELECT is(tourney.calculate_rankings(test_support.id('t')), 1024, 'calculate_rankings returns 1024');
SELECT isnt((pg_temp.t()).rankings_calculated_at, NULL, 'rankings_calculated_at set');
SELECT is((SELECT array_agg(format('%s:%s', rank, c) ORDER BY rank) FROM (
              SELECT rank, count(*) c FROM tourney.rankings WHERE tournament_id = test_support.id('t') GROUP BY rank) x),
          ARRAY['1:1', '2:1', '3:1', '4:1', '5:4', '9:8', '17:16', '33:32', '65:64', '129:128', '257:256', '513:512'],
          'the ladder: 1, 2, 3, 4, then 4 x 5, 8 x 9, ..., 512 x 513');
SELECT set_eq(format('SELECT player_id, rank FROM tourney.standings(%s)', test_support.id('t')),
              format('SELECT player_id, rank FROM tourney.rankings WHERE tournament_id = %s', test_support.id('t')),
              'standings agree with the rankings');
SELECT is((SELECT r.player_id FROM tourney.rankings r WHERE r.tournament_id = test_support.id('t') AND r.rank = 1),
          (SELECT winner_id FROM tourney.sessions WHERE tournament_id = test_support.id('t') AND stage = 'main' AND round = 10),
          'rank 1 is the winner of the final');

-- complete
SELECT lives_ok(format('SELECT tourney.complete_tournament(%s)', test_support.id('t')), 'complete_tournament');
SELECT is((SELECT format('%s/%s', status, completed_at IS NOT NULL) FROM tourney.tournaments
           WHERE tournament_id = test_support.id('t')),
          'completed/t', 'status completed, completed_at set');
SELECT is((SELECT count(*)::int FROM tourney.rankings WHERE tournament_id = test_support.id('t')), 1024, '1024 rankings');
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('t'))), 1024, 'standings after completion: 1024 rows');

----------------------------------------------------------------------------
-- run_scenario: the operator's one call runs the same lifecycle
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id) SELECT 'before', coalesce(max(tournament_id), 0) FROM tourney.tournaments;
SELECT is(jsonb_typeof(tourney.run_scenario(64, async => false)), 'object', 'run_scenario(64) returns a json object');
SELECT is((SELECT array_agg(format('%s/%s', status, (SELECT count(*) FROM tourney.rankings r
                                                      WHERE r.tournament_id = t.tournament_id)))
           FROM tourney.tournaments t WHERE t.tournament_id > test_support.id('before')),
          ARRAY['completed/64'], 'it made one tournament, completed, with 64 rankings');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN tourney.tournaments t USING (tournament_id)
           WHERE t.tournament_id > test_support.id('before')),
          64, 'with 63 matches and a third-place match');

SELECT * FROM finish();
ROLLBACK;
