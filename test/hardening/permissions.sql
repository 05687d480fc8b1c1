-- Permissions (SPEC §6, README "Security and grants", issues 6, 13, 14,
-- 15, 16, 17 and 18: the application role schedules, changes schedules and
-- writes opening hours and closures; nobody else writes them, nobody writes
-- schedule_requests; the application role runs the event day (check_in,
-- drop_unchecked, submit_walkover, withdraw_player) and the node side of a
-- PL/Proxy deployment (create_tournament_with_id, put_players,
-- put_campuses); the operator role also closes campuses, cancels
-- tournaments and tasks and rates tournaments (SPEC §6), nobody writes
-- rating_history, tallies, progress, bookings or global_batches; the three
-- roles read the view overview; tallies_rebuild and the helpers of
-- put_players and put_campuses are the owner's).
-- 1. The three group roles of the README, made with the README's GRANT
--    statements (names suffixed with this backend's pid: roles are
--    cluster-wide), plus a role with no grants at all and one with only
--    USAGE on the schema: each may do exactly what the README gives it and
--    gets 42501 for everything else (functions, SELECT / INSERT / UPDATE /
--    DELETE / TRUNCATE on every table, the id sequences).
-- 2. Every SECURITY DEFINER function pins search_path, none is executable
--    by PUBLIC, and nothing in the schema is granted to PUBLIC.
-- 3. A caller whose search_path starts with a schema of its own holding a
--    hostile now(), "=" (bigint, bigint), "=" (uuid, uuid) and
--    unnest(bigint[]) does not subvert the SECURITY DEFINER functions.
-- Everything, roles included, is rolled back at the end.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(844);

SELECT 'tperm_app_' || pg_backend_pid() AS app,
       'tperm_operator_' || pg_backend_pid() AS operator,
       'tperm_readonly_' || pg_backend_pid() AS readonly,
       'tperm_nobody_' || pg_backend_pid() AS nobody,
       'tperm_usage_' || pg_backend_pid() AS usage_only,
       'tperm_evil_' || pg_backend_pid() AS evil,
       current_user AS owner
\gset

----------------------------------------------------------------------------
-- The README's grants, verbatim but for the role names
----------------------------------------------------------------------------
-- application: runs tournaments, registers players and campuses
CREATE ROLE :"app" NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO :"app";
GRANT SELECT ON ALL TABLES IN SCHEMA tourney TO :"app";
GRANT INSERT, UPDATE ON tourney.players, tourney.campuses TO :"app";
GRANT INSERT, UPDATE, DELETE ON tourney.campus_hours, tourney.campus_closures TO :"app";
GRANT USAGE ON SEQUENCE tourney.players_player_id_seq,
                        tourney.campuses_campus_id_seq TO :"app";
GRANT EXECUTE ON FUNCTION
    tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text),
    tourney.enroll(bigint, bigint[], int[]),
    tourney.generate_sessions(bigint, bool),
    tourney.submit_result(bigint, numeric[]),
    tourney.calculate_rankings(bigint),
    tourney.complete_tournament(bigint),
    tourney.generation_status(uuid),
    tourney.wait_for_task(uuid, interval),
    tourney.standings(bigint),
    tourney.standings(bigint, int),
    tourney.group_tables(bigint),
    tourney.schedule_sessions(bigint, timestamptz, int, int, int),
    tourney.move_session(bigint, timestamptz, bigint, int, uuid),
    tourney.swap_sessions(bigint, bigint, uuid),
    tourney.swap_players(bigint, int, bigint, int, uuid),
    tourney.delay_sessions(bigint, timestamptz, int, uuid),
    tourney.check_in(bigint, bigint[]),
    tourney.drop_unchecked(bigint),
    tourney.submit_walkover(bigint, int),
    tourney.withdraw_player(bigint, bigint),
    -- what a PL/Proxy proxy calls on the data nodes (see "Beyond one machine")
    tourney.create_tournament_with_id(bigint, text, text, text, text, int, bool, bigint[], text, int, int, text),
    tourney.put_players(bigint[], text[], float8[], text[], bytea),
    tourney.put_campuses(bigint[], text[], int[], int[], bytea)
  TO :"app";

-- operator: everything of tourney_app, plus synthetic scenarios, simulation,
-- closing a campus, calling off tournaments and generations, and ratings
CREATE ROLE :"operator" NOLOGIN;
GRANT :"app" TO :"operator";
GRANT EXECUTE ON FUNCTION
    tourney.run_scenario(int, text, int, int, bool, bigint, bool, text, int, int, text),
    tourney.simulate_results(bigint, bigint),
    tourney.close_campus(bigint, bigint, timestamptz, timestamptz, uuid),
    tourney.cancel_tournament(bigint),
    tourney.cancel_task(uuid),
    tourney.update_ratings(bigint, text, float8, float8),
    -- what a PL/Proxy proxy's update_ratings calls on the data nodes
    tourney.put_ratings(bigint[], float8[], float8[], float8[])
  TO :"operator";

-- read-only: dashboards and reports
CREATE ROLE :"readonly" NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO :"readonly";
GRANT SELECT ON ALL TABLES IN SCHEMA tourney TO :"readonly";
GRANT EXECUTE ON FUNCTION
    tourney.standings(bigint),
    tourney.standings(bigint, int),
    tourney.group_tables(bigint),
    tourney.generation_status(uuid),
    tourney.wait_for_task(uuid, interval)
  TO :"readonly";

-- no grants at all, and only USAGE on the schema
CREATE ROLE :"nobody" NOLOGIN;
CREATE ROLE :"usage_only" NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO :"usage_only";

CREATE TEMP TABLE roles (k text PRIMARY KEY, rolname text NOT NULL, ord int NOT NULL);
INSERT INTO roles VALUES ('app', :'app', 1), ('operator', :'operator', 2),
                         ('readonly', :'readonly', 3), ('nobody', :'nobody', 4),
                         ('usage', :'usage_only', 5);

----------------------------------------------------------------------------
-- Fixtures (as the owner)
----------------------------------------------------------------------------
-- p1..p12, c1, and the knockouts D (draft), P (one result: sP11; sP12
-- open; taskP), Q (every result) and K (ranked)
SELECT test_support.state_fixtures('perm') \g /dev/null
-- and the formats of 0.2: a double elimination DE and a groups_knockout GK
-- in progress (sDE its first winners' session, sGK a group session), GKQ
-- played to the end (every group and knockout result), GKD a draft
DO $fixtures$
DECLARE
    id bigint;
BEGIN
    id := test_support.tournament('double_elimination', n => 4, name => 'perm DE', generate => true);
    INSERT INTO test_support.fixtures (key, id) VALUES ('DE', id), ('sDE', test_support.session_id(id, 'winners', 1, 1));
    id := test_support.tournament('groups_knockout', n => 6, name => 'perm GK', generate => true, group_count => 2);
    INSERT INTO test_support.fixtures (key, id)
    SELECT 'GK', id UNION ALL
    SELECT 'sGK', min(session_id) FROM tourney.sessions WHERE tournament_id = id AND stage = 'group';
    id := test_support.tournament('groups_knockout', n => 8, name => 'perm GKQ', generate => true, group_count => 2,
                                  group_tiebreak => 'head_to_head');
    PERFORM tourney.simulate_results(id, 3);
    INSERT INTO test_support.fixtures (key, id) VALUES ('GKQ', id);
    INSERT INTO test_support.fixtures (key, id)
    VALUES ('GKD', test_support.tournament('groups_knockout', n => 6, name => 'perm GKD', group_count => 3, advance_per_group => 1));
    -- scheduling (0.2): SK a knockout of 8 on campuses cA and cB, scheduled
    INSERT INTO test_support.fixtures (key, ids) VALUES ('cAB', test_support.campuses(2, 'perm sched', '{2}'));
    INSERT INTO test_support.fixtures (key, id) VALUES ('cA', (test_support.ids('cAB'))[1]), ('cB', (test_support.ids('cAB'))[2]);
    id := test_support.tournament('knockout', n => 8, name => 'perm SK', seeded => true, generate => true,
                                  campus_ids => test_support.ids('cAB'));
    PERFORM tourney.schedule_sessions(id, '2030-01-01 09:00+00', 30, 10);
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('SK', id), ('sSK1', test_support.session_id(id, 1, 1)), ('sSK2', test_support.session_id(id, 1, 2)),
        ('sSKF', test_support.session_id(id, 3, 1)), ('sSKT', test_support.session_id(id, 'third_place', 3, 1));
    INSERT INTO tourney.campus_hours VALUES (test_support.id('cA'), tstzrange('2030-01-01 08:00+00', '2030-01-02 20:00+00'));
    INSERT INTO tourney.campus_closures VALUES (test_support.id('cA'), tstzrange('2031-01-01', '2031-01-02'), 'perm');
    -- the event day (0.2): A a draft whose generation is queued (in this
    -- transaction; taskA)
    id := test_support.tournament('knockout', n => 2, name => 'perm A');
    INSERT INTO test_support.fixtures (key, id, value)
    VALUES ('A', id, NULL), ('taskA', NULL, quote_literal(tourney.generate_sessions(id, async => true)) || '::uuid');
    -- ratings (0.2): KC a completed knockout of 4, not rated
    id := test_support.tournament('knockout', n => 4, name => 'perm KC', generate => true);
    PERFORM tourney.simulate_results(id, 5);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('KC', id);
END $fixtures$;

----------------------------------------------------------------------------
-- 1. The permission matrix
----------------------------------------------------------------------------
CREATE TEMP TABLE actions (
    n serial PRIMARY KEY,
    what text NOT NULL,
    call text NOT NULL,
    allowed text[] NOT NULL,            -- role keys that may do it
    roles text[]                        -- role keys to try (NULL: all)
);

INSERT INTO actions (what, call, allowed) VALUES
('create_tournament', $$SELECT tourney.create_tournament('perm', 'knockout')$$, '{app,operator}'),
('enroll', $$SELECT tourney.enroll(@D@, ARRAY[@p5@])$$, '{app,operator}'),
('generate_sessions', $$SELECT tourney.generate_sessions(@D@, async => false)$$, '{app,operator}'),
('generation_status', $$SELECT tourney.generation_status(@taskP@)$$, '{app,operator,readonly}'),
('wait_for_task', $$SELECT tourney.wait_for_task(@taskP@, '10 ms')$$, '{app,operator,readonly}'),
('submit_result', $$SELECT tourney.submit_result(@sP12@, ARRAY[3, 1])$$, '{app,operator}'),
('correct_result', $$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[5, 1])$$, '{}'),
('simulate_results', $$SELECT tourney.simulate_results(@P@)$$, '{operator}'),
('calculate_rankings', $$SELECT tourney.calculate_rankings(@Q@)$$, '{app,operator}'),
('standings', $$SELECT * FROM tourney.standings(@P@)$$, '{app,operator,readonly}'),
('standings top', $$SELECT * FROM tourney.standings(@P@, 5)$$, '{app,operator,readonly}'),
('create_tournament double_elimination', $$SELECT tourney.create_tournament('perm', 'double_elimination', grand_final => 'simple')$$, '{app,operator}'),
('create_tournament groups_knockout', $$SELECT tourney.create_tournament('perm', 'groups_knockout', group_count => 4, advance_per_group => 1, group_tiebreak => 'head_to_head')$$, '{app,operator}'),
('generate_sessions groups_knockout', $$SELECT tourney.generate_sessions(@GKD@, async => false)$$, '{app,operator}'),
('submit_result double elimination', $$SELECT tourney.submit_result(@sDE@, ARRAY[2, 1])$$, '{app,operator}'),
('submit_result group', $$SELECT tourney.submit_result(@sGK@, ARRAY[1, 1])$$, '{app,operator}'),
('simulate_results groups_knockout', $$SELECT tourney.simulate_results(@GK@)$$, '{operator}'),
('group_tables', $$SELECT * FROM tourney.group_tables(@GK@)$$, '{app,operator,readonly}'),
('group_tables played', $$SELECT * FROM tourney.group_tables(@GKQ@)$$, '{app,operator,readonly}'),
('group_tables of a knockout', $$SELECT * FROM tourney.group_tables(@P@)$$, '{app,operator,readonly}'),
('standings groups_knockout', $$SELECT * FROM tourney.standings(@GKQ@)$$, '{app,operator,readonly}'),
('calculate_rankings groups_knockout', $$SELECT tourney.calculate_rankings(@GKQ@)$$, '{app,operator}'),
('correct_result group', $$SELECT * FROM tourney.correct_result(@sGK@, ARRAY[1, 0])$$, '{}'),
('run_scenario double_elimination', $$SELECT tourney.run_scenario(4, 'double_elimination', async => false)$$, '{operator}'),
('run_scenario groups_knockout', $$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, async => false)$$, '{operator}'),
('complete_tournament', $$SELECT tourney.complete_tournament(@K@)$$, '{app,operator}'),
('run_scenario', $$SELECT tourney.run_scenario(4, async => false)$$, '{operator}'),
('players_restrict()', $$SELECT tourney.players_restrict()$$, '{}'),
('campuses_restrict()', $$SELECT tourney.campuses_restrict()$$, '{}'),
('tournaments_delete_cascade()', $$SELECT tourney.tournaments_delete_cascade()$$, '{}'),
-- scheduling (0.2): the application role schedules and changes schedules
('schedule_sessions', $$SELECT tourney.schedule_sessions(@P@, '2030-01-01 09:00+00', 30, 10, 2)$$, '{app,operator}'),
('move_session', $$SELECT tourney.move_session(@sSKF@, '2030-01-02 09:00+00')$$, '{app,operator}'),
('swap_sessions', $$SELECT tourney.swap_sessions(@sSKF@, @sSKT@)$$, '{app,operator}'),
('swap_players', $$SELECT tourney.swap_players(@sSK1@, 1, @sSK2@, 2)$$, '{app,operator}'),
('delay_sessions', $$SELECT tourney.delay_sessions(@SK@, '2030-01-01 09:00+00', 10)$$, '{app,operator}'),
-- closing a campus is the operator's (SPEC §6)
('close_campus', $$SELECT count(*) FROM tourney.close_campus(@SK@, @cA@, '2030-01-01 09:00+00', '2030-01-01 12:00+00')$$, '{operator}'),
('campus_schedule_guard()', $$SELECT tourney.campus_schedule_guard()$$, '{}'),
-- the event day (0.2): the application checks players in, drops the
-- absent, gives walkovers and takes withdrawals; the operator calls off
-- tournaments and generations
('check_in', $$SELECT tourney.check_in(@D@, ARRAY[@p1@, @p2@])$$, '{app,operator}'),
('drop_unchecked', $$SELECT tourney.drop_unchecked(@D@)$$, '{app,operator}'),
('submit_walkover', $$SELECT tourney.submit_walkover(@sP12@, 2)$$, '{app,operator}'),
('submit_walkover double elimination', $$SELECT tourney.submit_walkover(@sDE@, 1)$$, '{app,operator}'),
('withdraw_player', $$SELECT * FROM tourney.withdraw_player(@P@, @p2@)$$, '{app,operator}'),
('withdraw_player groups_knockout', $$SELECT count(*) FROM tourney.withdraw_player(@GK@, (SELECT min(player_id) FROM tourney.enrollments WHERE tournament_id = @GK@))$$, '{app,operator}'),
('cancel_tournament', $$SELECT tourney.cancel_tournament(@P@)$$, '{operator}'),
('cancel_tournament draft', $$SELECT tourney.cancel_tournament(@D@)$$, '{operator}'),
('cancel_task', $$SELECT tourney.cancel_task(@taskA@)$$, '{operator}'),
-- the readers of 0.2: task_percent is PUBLIC's (USAGE on the schema is
-- enough); tournament_checked is PUBLIC's but reads tournaments with the
-- caller's rights, as standings does; overview is a view the three roles
-- may read
('task_percent', $$SELECT tourney.task_percent(@taskP@)$$, '{app,operator,readonly,usage}'),
('task_percent queued', $$SELECT tourney.task_percent(@taskA@)$$, '{app,operator,readonly,usage}'),
('tournament_checked', $$SELECT tourney.tournament_checked(@P@)$$, '{app,operator,readonly}'),
('SELECT overview', $$SELECT count(*) FROM tourney.overview$$, '{app,operator,readonly}'),
('SELECT overview of one tournament', $$SELECT * FROM tourney.overview WHERE tournament_id = @P@$$, '{app,operator,readonly}'),
-- the owner's: tallies_rebuild (run by the update to 0.2) and the helpers
-- of put_players and put_campuses
('tallies_rebuild', $$SELECT tourney.tallies_rebuild(@P@)$$, '{}'),
('global_rows_check', $$SELECT tourney.global_rows_check('player_ids', '{1}', '{x}', NULL, NULL, NULL)$$, '{}'),
('global_rows_written', $$SELECT * FROM tourney.global_rows_written('players', '{140737488355399}', '\x00')$$, '{}'),
-- a data node behind a PL/Proxy proxy (0.2, README "Beyond one machine"):
-- the proxy connects as the calling role, which the node's grants decide
('create_tournament_with_id', $$SELECT tourney.create_tournament_with_id(140737488355329, 'perm with id', 'knockout')$$, '{app,operator}'),
('create_tournament_with_id double_elimination', $$SELECT tourney.create_tournament_with_id(140737488355330, 'perm with id', 'double_elimination', grand_final => 'none')$$, '{app,operator}'),
('put_players', $$SELECT * FROM tourney.put_players(ARRAY[140737488355329], ARRAY['perm px player'], ARRAY[1600], NULL, '\x01')$$, '{app,operator}'),
('put_players again', $$SELECT * FROM tourney.put_players(ARRAY[@p1@], ARRAY['perm player 1'], ARRAY[1990])$$, '{app,operator}'),
('put_ratings', $$SELECT * FROM tourney.put_ratings(ARRAY[@p12@], ARRAY[1234], ARRAY[100], ARRAY[0.05])$$, '{operator}'),
('put_campuses', $$SELECT * FROM tourney.put_campuses(ARRAY[140737488355329], ARRAY['perm px campus'], ARRAY[2], ARRAY[3], '\x02')$$, '{app,operator}'),
-- ratings (0.2): the operator rates a completed tournament
('update_ratings', $$SELECT tourney.update_ratings(@KC@)$$, '{operator}'),
('update_ratings elo', $$SELECT tourney.update_ratings(@KC@, 'elo', k_factor => 16)$$, '{operator}'),
('UPDATE players rating_deviation', $$UPDATE tourney.players SET rating_deviation = 200 WHERE player_id = @p12@$$, '{app,operator}'),
('INSERT campus_hours', $$INSERT INTO tourney.campus_hours VALUES (@cB@, tstzrange('2030-01-01 08:00+00', '2030-01-02 20:00+00'))$$, '{app,operator}'),
('UPDATE campus_hours', $$UPDATE tourney.campus_hours SET open = tstzrange('2030-01-01 07:00+00', '2030-01-02 20:00+00') WHERE campus_id = @cA@$$, '{app,operator}'),
('DELETE campus_hours', $$DELETE FROM tourney.campus_hours WHERE campus_id = @cA@$$, '{app,operator}'),
('TRUNCATE campus_hours', $$TRUNCATE tourney.campus_hours$$, '{}'),
('INSERT campus_closures', $$INSERT INTO tourney.campus_closures VALUES (@cB@, tstzrange('2031-02-01', '2031-02-02'), 'perm')$$, '{app,operator}'),
('UPDATE campus_closures', $$UPDATE tourney.campus_closures SET reason = 'perm moved' WHERE campus_id = @cA@$$, '{app,operator}'),
('DELETE campus_closures', $$DELETE FROM tourney.campus_closures WHERE campus_id = @cA@$$, '{app,operator}'),
('TRUNCATE campus_closures', $$TRUNCATE tourney.campus_closures$$, '{}'),
('SELECT campus_hours', $$SELECT count(*) FROM tourney.campus_hours$$, '{app,operator,readonly}'),
('SELECT campus_closures', $$SELECT count(*) FROM tourney.campus_closures$$, '{app,operator,readonly}'),
('UPDATE campuses courts', $$UPDATE tourney.campuses SET courts = 3 WHERE campus_id = @cB@$$, '{app,operator}'),
-- writable tables of the application
('INSERT players', $$INSERT INTO tourney.players (name) VALUES ('perm new player')$$, '{app,operator}'),
('UPDATE players', $$UPDATE tourney.players SET rating = rating + 1 WHERE player_id = @p12@$$, '{app,operator}'),
('INSERT campuses', $$INSERT INTO tourney.campuses (name) VALUES ('perm new campus')$$, '{app,operator}'),
('UPDATE campuses', $$UPDATE tourney.campuses SET capacity = 7 WHERE campus_id = @c1@$$, '{app,operator}'),
-- sequences
('nextval players_player_id_seq', $$SELECT nextval('tourney.players_player_id_seq')$$, '{app,operator}'),
('nextval tournament_id_seq', $$SELECT nextval('tourney.tournament_id_seq')$$, '{}'),
('setval session_id_seq', $$SELECT setval('tourney.session_id_seq', (SELECT last_value FROM tourney.session_id_seq))$$, '{}');

-- every table: SELECT for the three roles; INSERT (other than above), UPDATE
-- (other than above), DELETE and TRUNCATE for nobody
INSERT INTO actions (what, call, allowed)
SELECT format('%s %s', op, t), format(q, t, c), allowed
FROM unnest(ARRAY['campuses', 'players', 'tournaments', 'enrollments', 'sessions',
                  'session_participants', 'byes', 'rankings', 'tasks', 'schedule_requests',
                  'rating_history', 'tallies', 'progress', 'bookings', 'global_batches'],
            ARRAY['campus_id', 'player_id', 'tournament_id', 'tournament_id', 'tournament_id',
                  'tournament_id', 'tournament_id', 'tournament_id', 'tournament_id', 'tournament_id',
                  'tournament_id', 'tournament_id', 'tournament_id', 'tournament_id', 'kind']) WITH ORDINALITY tt(t, c, tord)
CROSS JOIN (VALUES
    (1, 'SELECT', 'SELECT count(*) FROM tourney.%I', '{app,operator,readonly}'::text[]),
    (2, 'INSERT', 'INSERT INTO tourney.%1$I SELECT * FROM tourney.%1$I WHERE false', '{}'),
    (3, 'UPDATE', 'UPDATE tourney.%1$I SET %2$I = %2$I WHERE false', '{}'),
    (4, 'DELETE', 'DELETE FROM tourney.%I WHERE false', '{}'),
    (5, 'TRUNCATE', 'TRUNCATE tourney.%I', '{}')) o(oord, op, q, allowed)
WHERE NOT (op IN ('INSERT', 'UPDATE') AND t IN ('players', 'campuses'))
ORDER BY tord, oord;

-- the progress view: the README's roles read it (it is covered by
-- GRANT SELECT ON ALL TABLES)
INSERT INTO actions (what, call, allowed, roles) VALUES
('SELECT task_progress', $$SELECT count(*) FROM tourney.task_progress$$, '{app,operator,readonly}',
 '{app,operator,readonly}');

CREATE TEMP TABLE cases AS
SELECT row_number() OVER (ORDER BY a.n, r.ord)::int AS n, a.what, a.call, r.k AS role_key,
       r.rolname, CASE WHEN r.k = ANY (a.allowed) THEN 'ok' ELSE '42501' END AS expect
FROM actions a CROSS JOIN roles r
WHERE a.roles IS NULL OR r.k = ANY (a.roles);

-- Run a case as its role in a subtransaction that is always rolled back.
CREATE FUNCTION pg_temp.run_case(case_no int) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    c record;
    q text;
    o test_support.outcome;
    me text := current_user;
BEGIN
    SELECT * INTO c FROM cases WHERE n = case_no;
    q := test_support.subst(c.call);
    o := test_support.capture(format('SET LOCAL ROLE %I; %s', c.rolname, q), rollback => true);
    RETURN NEXT ok(o.sqlstate = c.expect AND current_user = me,
                   format('%s as %s: %s', c.what, c.role_key,
                          CASE c.expect WHEN 'ok' THEN 'allowed' ELSE 'refused with 42501' END));
    IF o.sqlstate <> c.expect OR current_user <> me THEN
        RETURN NEXT diag(format(E'    %s\n    got %s: %s (current_user %s)',
                                q, o.sqlstate, o.message, current_user));
    END IF;
END $$;

SELECT pg_temp.run_case(n) FROM cases ORDER BY n;
SELECT is((SELECT count(*)::int FROM cases), 318 + 14 * 5 + 18 * 5 + 5 * 5 + 3 * 5 + 5 * 5 + 23 * 5 + 4 * 5 * 5
                                                  + 1 * 5,  -- standings with top
          'the matrix has 763 cells');

----------------------------------------------------------------------------
-- 2. SECURITY DEFINER functions pin search_path; nothing public
----------------------------------------------------------------------------
CREATE TEMP VIEW definer AS
SELECT p.oid::regprocedure::text AS fn, p.proconfig, p.proacl,
       (SELECT substr(c, length('search_path=') + 1) FROM unnest(p.proconfig) c
        WHERE c LIKE 'search_path=%') AS search_path
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'tourney' AND p.prosecdef;

SELECT cmp_ok((SELECT count(*)::int FROM definer), '>=', 11,
              'the API functions but standings and group_tables are SECURITY DEFINER');
SELECT is((SELECT array_agg(fn ORDER BY fn) FROM definer WHERE search_path IS NULL),
          NULL, 'every SECURITY DEFINER function has search_path in proconfig');
-- only trusted schemas, pg_temp explicitly last
SELECT is((SELECT array_agg(fn || ': ' || search_path ORDER BY fn) FROM definer
           WHERE NOT (string_to_array(replace(replace(search_path, '"', ''), ' ', ''), ',')
                      <@ ARRAY['pg_catalog', 'tourney', 'pg_temp'])
              OR (string_to_array(replace(replace(search_path, '"', ''), ' ', ''), ','))
                  [cardinality(string_to_array(search_path, ','))] <> 'pg_temp'),
          NULL, 'their search_path holds only pg_catalog (and tourney), with pg_temp last');
-- what PUBLIC may execute: the read-only standings and group_tables, the
-- tournament check they make and the task progress the overview shows, all
-- with the caller's rights (so the readers need SELECT on the tables)
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = 'tourney'
             AND (p.proacl IS NULL OR EXISTS (SELECT FROM aclexplode(p.proacl) a
                                              WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))),
          ARRAY['tourney.group_tables(bigint)', 'tourney.standings(bigint)',
                'tourney.standings(bigint,integer)', 'tourney.task_percent(uuid)', 'tourney.tournament_checked(bigint)'],
          'PUBLIC may execute group_tables, standings and their read-only helpers, nothing else');
-- standings and group_tables are SQL the planner inlines into the query
-- that calls them (so LIMIT reaches the index): no SET clause, which would
-- stop the inlining; every name and operator in them is qualified instead
-- (standings with top is C over the SQL standings, caller's rights too)
SELECT is((SELECT array_agg(format('%s %s %s %s', p.proname, l.lanname, p.prosecdef, p.provolatile)
                            ORDER BY p.proname, l.lanname)
           FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           JOIN pg_language l ON l.oid = p.prolang
           WHERE n.nspname = 'tourney' AND p.proname IN ('group_tables', 'standings')
             AND p.proconfig IS NULL
             AND p.prosrc !~ '(FROM|JOIN)\s+(?!tourney\.)[a-z_]+\s'),
          ARRAY['group_tables sql f s', 'standings c f s', 'standings sql f s'],
          'group_tables and standings: inlinable SQL with the caller''s rights, STABLE, every table qualified');
SELECT is((SELECT array_agg(fn ORDER BY fn) FROM definer
           WHERE proacl IS NULL
              OR EXISTS (SELECT FROM aclexplode(proacl) a
                         WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')),
          NULL, 'no SECURITY DEFINER function is executable by PUBLIC');
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'tourney' AND c.relkind IN ('r', 'v', 'S', 'p', 'm')
             AND (c.relacl IS NULL
                  OR EXISTS (SELECT FROM aclexplode(c.relacl) a WHERE a.grantee = 0))),
          NULL, 'no table, view or sequence of tourney grants anything to PUBLIC');

----------------------------------------------------------------------------
-- 3. Hostile objects early in the caller's search_path
----------------------------------------------------------------------------
CREATE ROLE :"evil" NOLOGIN;
GRANT :"app" TO :"evil";
CREATE SCHEMA evil AUTHORIZATION :"evil";

-- more fixtures: a draft to generate, a draft to enrol into
DO $fixtures$
DECLARE
    id bigint;
BEGIN
    id := tourney.create_tournament('perm E', 'knockout');
    PERFORM tourney.enroll(id, ARRAY(SELECT test_support.id('p' || i) FROM generate_series(1, 4) i));
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('E', id), ('E2', tourney.create_tournament('perm E2', 'knockout'));
END $fixtures$;

CREATE TEMP TABLE evil_calls (step int PRIMARY KEY, k text NOT NULL, q text NOT NULL);
CREATE TEMP TABLE evil_results (k text PRIMARY KEY, r text);
GRANT SELECT ON evil_calls TO PUBLIC;
GRANT INSERT ON evil_results TO PUBLIC;
-- The hostile caller's steps first .. last, in order, each in a statement
-- of its own, with the SQLSTATE each ends with (test_support.sqlstate_of
-- does not set search_path: the steps run with the caller's).
CREATE PROCEDURE pg_temp.run_steps(first int, last int)
LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.k, c.q FROM pg_temp.evil_calls c WHERE c.step BETWEEN first AND last ORDER BY c.step LOOP
        INSERT INTO pg_temp.evil_results VALUES (r.k, test_support.sqlstate_of(r.q));
    END LOOP;
END $$;

INSERT INTO evil_calls (step, k, q)
SELECT step, k, test_support.subst(q) FROM (VALUES
    (1, 'standings P', $$SELECT * FROM tourney.standings(@P@)$$),
    (2, 'enroll unknown player', $$SELECT tourney.enroll(@E2@, ARRAY[9223372036854775807]::bigint[])$$),
    (3, 'enroll one player', $$SELECT tourney.enroll(@E2@, ARRAY[@p7@]::bigint[])$$),
    (4, 'generate E', $$SELECT tourney.generate_sessions(@E@, async => false)$$),
    (5, 'generation_status unknown', $$SELECT tourney.generation_status('00000000-0000-0000-0000-000000000000'::uuid)$$),
    (6, 'wait_for_task unknown', $$SELECT tourney.wait_for_task('00000000-0000-0000-0000-000000000000'::uuid, '10 ms')$$),
    (7, 'calculate_rankings unknown', $$SELECT tourney.calculate_rankings(0)$$),
    (8, 'complete_tournament unknown', $$SELECT tourney.complete_tournament(0)$$),
    (9, 'generate unknown', $$SELECT tourney.generate_sessions(0, async => false)$$),
    (10, 'submit unknown session', $$SELECT tourney.submit_result(0, ARRAY[3, 1])$$),
    (11, 'submit E R1M1', $$SELECT tourney.submit_result((SELECT min(session_id) FROM tourney.sessions WHERE tournament_id = @E@ AND stage = 'main' AND round = 1 AND match_number = 1), ARRAY[3, 1])$$),
    (12, 'create_tournament bad format', $$SELECT tourney.create_tournament('evil', 'nope')$$),
    (13, 'create_tournament', $$SELECT tourney.create_tournament('perm evil made', 'knockout')$$),
    (14, 'schedule E', $$SELECT tourney.schedule_sessions(@E@, '2030-01-01 09:00+00', 30, 10, 2)$$),
    (15, 'move E final', $$SELECT tourney.move_session((SELECT session_id FROM tourney.sessions WHERE tournament_id = @E@ AND stage = 'main' AND round = 2), '2030-01-01 12:00+00')$$),
    (16, 'move E final onto the third place', $$SELECT tourney.move_session((SELECT session_id FROM tourney.sessions WHERE tournament_id = @E@ AND stage = 'main' AND round = 2), starts_at, court => court) FROM tourney.sessions WHERE tournament_id = @E@ AND stage = 'third_place'$$)) v(step, k, q);

-- the state the hostile caller must not disturb
CREATE TEMP TABLE others_before AS
SELECT tournament_id, count(*) AS sessions, count(*) FILTER (WHERE result_submitted) AS results,
       md5(string_agg(s::text, ',' ORDER BY s::text)) AS hash
FROM tourney.sessions s WHERE tournament_id <> test_support.id('E') GROUP BY tournament_id;
CREATE TEMP TABLE enrollments_before AS
SELECT tournament_id, count(*) AS n FROM tourney.enrollments GROUP BY tournament_id;
-- every row of the tournaments the steps do not name (all but E and E2)
CREATE TEMP TABLE untouched_before AS
SELECT tournament_id, test_support.fingerprint(tournament_id) AS fingerprint FROM tourney.tournaments
WHERE tournament_id NOT IN (test_support.id('E'), test_support.id('E2'));

SET ROLE :"evil";
CREATE FUNCTION evil.now() RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$ SELECT '2000-01-01 00:00:00+00'::timestamptz $$;
CREATE FUNCTION evil.clock_timestamp() RETURNS timestamptz
    LANGUAGE sql IMMUTABLE AS $$ SELECT '2000-01-01 00:00:00+00'::timestamptz $$;
CREATE FUNCTION evil.int8_always(bigint, bigint) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.int8_always);
CREATE FUNCTION evil.uuid_always(uuid, uuid) RETURNS boolean
    LANGUAGE sql IMMUTABLE AS $$ SELECT true $$;
CREATE OPERATOR evil.= (LEFTARG = uuid, RIGHTARG = uuid, FUNCTION = evil.uuid_always);
CREATE FUNCTION evil.unnest(bigint[]) RETURNS SETOF bigint
    LANGUAGE sql IMMUTABLE AS $$ SELECT NULL::bigint WHERE false $$;
SET search_path = evil, pg_catalog, public;
-- plans cached earlier in this backend are re-analysed from here on
DISCARD PLANS;

-- the hostile objects are live for the caller's own queries
INSERT INTO pg_temp.evil_results VALUES
    ('sanity now', (now() = '2000-01-01 00:00:00+00'::timestamptz)::text),
    ('sanity =', (1::bigint = 2::bigint)::text),
    ('sanity = uuid', ('00000000-0000-0000-0000-000000000000'::uuid = gen_random_uuid())::text),
    ('sanity unnest', (SELECT count(*) FROM unnest(ARRAY[7]::bigint[]))::text);
CALL pg_temp.run_steps(1, 16);
RESET search_path;
RESET ROLE;

SELECT is(current_user::text, :'owner', 'back to the owner');
SELECT is((SELECT array_agg(r ORDER BY k) FROM evil_results WHERE k LIKE 'sanity%'),
          '{true,true,true,0}'::text[],
          'in the caller''s own queries now(), = (bigint and uuid) and unnest(bigint[]) are the hostile ones');

CREATE FUNCTION pg_temp.evil(key text) RETURNS text
LANGUAGE sql STABLE AS $$ SELECT r FROM evil_results WHERE k = key $$;
SELECT is(pg_temp.evil('standings P'), 'ok', 'standings of a tournament works (caches its plans under the hostile path)');
SELECT is(pg_temp.evil('enroll unknown player'), 'P0002', 'enrolling an unknown player is still P0002');
SELECT is(pg_temp.evil('enroll one player'), 'ok', 'enrolling one player works');
SELECT is((SELECT array_agg(tournament_id ORDER BY tournament_id) FROM (
               SELECT tournament_id FROM tourney.enrollments GROUP BY tournament_id
               EXCEPT SELECT tournament_id FROM enrollments_before) x),
          ARRAY[test_support.id('E2')], 'and it enrolled into that tournament only');
SELECT is((SELECT array_agg(player_id) FROM tourney.enrollments WHERE tournament_id = test_support.id('E2')),
          ARRAY[test_support.id('p7')], 'exactly the one player given');
SELECT is((SELECT sum(n)::int FROM (SELECT count(*) AS n FROM tourney.enrollments GROUP BY tournament_id) x),
          (SELECT sum(n)::int + 1 FROM enrollments_before), 'no other enrolment appeared');
SELECT is(pg_temp.evil('generate E'), 'ok', 'generate_sessions works');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('E')), 4,
          'it wrote the right number of sessions (4 players: 3 + third place)');
SELECT is((SELECT count(*)::int FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE s.tournament_id = test_support.id('E') AND s.round = 1), 4,
          'and the 4 round-1 participants');
SELECT is((SELECT sessions_generated_at FROM tourney.tournaments WHERE tournament_id = test_support.id('E')),
          now(), 'sessions_generated_at is the real now(), not the hostile one');
SELECT is((SELECT requested_by::text FROM tourney.tasks WHERE tournament_id = test_support.id('E')),
          :'evil', 'the task records the hostile caller as requested_by');
SELECT is((SELECT status::text FROM tourney.tasks WHERE tournament_id = test_support.id('E')),
          'done', 'its task is done');
SELECT is(pg_temp.evil('generation_status unknown'), 'P0002', 'generation_status of an unknown task is still P0002');
SELECT is(pg_temp.evil('wait_for_task unknown'), 'P0002', 'wait_for_task of an unknown task is still P0002');
SELECT is(pg_temp.evil('calculate_rankings unknown'), 'P0002', 'calculate_rankings of an unknown tournament is still P0002');
SELECT is(pg_temp.evil('complete_tournament unknown'), 'P0002', 'complete_tournament of an unknown tournament is still P0002');
SELECT is(pg_temp.evil('generate unknown'), 'P0002', 'generate_sessions of an unknown tournament is still P0002');
SELECT is(pg_temp.evil('submit unknown session'), 'P0002', 'submit_result of an unknown session is still P0002');
SELECT is(pg_temp.evil('submit E R1M1'), 'ok', 'submit_result works');
SELECT is((SELECT array_agg(format('%s/%s/%s', round, match_number, (result_submitted_at = now())::text))
           FROM tourney.sessions WHERE tournament_id = test_support.id('E') AND result_submitted),
          '{1/1/true}'::text[], 'exactly the session given got its result, stamped with the real now()');
SELECT is((SELECT array_agg(format('%s:%s', p.score, p.placement) ORDER BY p.slot)
           FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
           WHERE s.tournament_id = test_support.id('E') AND s.round = 1 AND s.match_number = 1),
          '{3:1,1:2}'::text[], 'with the scores and placements given');
SELECT is((SELECT count(*)::int FROM tourney.session_participants
           WHERE tournament_id = test_support.id('E') AND session_id = (
               SELECT session_id FROM tourney.sessions WHERE tournament_id = test_support.id('E')
                  AND stage = 'main' AND round = 2)), 1, 'and its winner moved on to the final');
SELECT is((SELECT array_agg(format('%s/%s/%s/%s', s.tournament_id, s.sessions, s.results, s.hash) ORDER BY s.tournament_id)
           FROM (SELECT tournament_id, count(*) AS sessions, count(*) FILTER (WHERE result_submitted) AS results,
                        md5(string_agg(s::text, ',' ORDER BY s::text)) AS hash
                 FROM tourney.sessions s WHERE tournament_id <> test_support.id('E')
                 GROUP BY tournament_id) s),
          (SELECT array_agg(format('%s/%s/%s/%s', tournament_id, sessions, results, hash) ORDER BY tournament_id)
           FROM others_before), 'no session of another tournament changed');
SELECT is((SELECT array_agg(u.tournament_id ORDER BY u.tournament_id) FROM untouched_before u
           WHERE test_support.fingerprint(u.tournament_id) IS DISTINCT FROM u.fingerprint),
          NULL, 'no row of a tournament the steps do not name changed (enrolments, sessions, results, rankings, tasks)');
SELECT is(pg_temp.evil('schedule E'), 'ok', 'schedule_sessions works under the hostile search_path');
SELECT is(pg_temp.evil('move E final'), 'ok', 'move_session works');
SELECT is(pg_temp.evil('move E final onto the third place'), '23P01', 'a move onto a taken court is still 23P01 (the hostile = does not match every row)');
SELECT is(test_support.schedule_problems(test_support.id('E')), '', 'E''s schedule is sound');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('E') AND starts_at = '2030-01-01 12:00+00'
             AND stage = 'main' AND round = 2), 1, 'the final is at 12:00, where it was moved');
SELECT is(pg_temp.evil('create_tournament bad format'), '22023', 'a bad format is still 22023');
SELECT is(pg_temp.evil('create_tournament'), 'ok', 'create_tournament works');
SELECT is((SELECT created_at FROM tourney.tournaments WHERE name = 'perm evil made'), now(),
          'and its created_at is the real now()');

-- the event day and the node side under the same hostile search_path:
-- each call touches exactly the rows it names, with the real now()
CREATE TEMP TABLE checked_in_before AS
SELECT count(*) AS n FROM tourney.enrollments WHERE checked_in_at IS NOT NULL;
INSERT INTO evil_calls (step, k, q)
SELECT step, k, test_support.subst(q) FROM (VALUES
    (41, 'check_in E2', $$SELECT tourney.check_in(@E2@, ARRAY[@p7@]::bigint[])$$),
    (42, 'drop_unchecked E2', $$SELECT tourney.drop_unchecked(@E2@)$$),
    (43, 'walkover E R1M2', $$SELECT tourney.submit_walkover((SELECT session_id FROM tourney.sessions WHERE tournament_id = @E@ AND stage = 'main' AND round = 1 AND match_number = 2), 2)$$),
    (44, 'withdraw E winner of R1M1', $$SELECT count(*) FROM tourney.withdraw_player(@E@, (SELECT winner_id FROM tourney.sessions WHERE tournament_id = @E@ AND stage = 'main' AND round = 1 AND match_number = 1))$$),
    (45, 'put_players', $$SELECT count(*) FROM tourney.put_players(ARRAY[140737488355400]::bigint[], ARRAY['perm evil player'])$$),
    (46, 'create_tournament_with_id', $$SELECT tourney.create_tournament_with_id(140737488355401, 'perm evil with id', 'knockout')$$),
    (47, 'cancel_tournament E2', $$SELECT tourney.cancel_tournament(@E2@)$$)) v(step, k, q);
SET ROLE :"evil";
SET search_path = evil, pg_catalog, public;
DISCARD PLANS;
CALL pg_temp.run_steps(41, 47);
RESET search_path;
RESET ROLE;
SELECT is(pg_temp.evil('check_in E2'), 'ok', 'check_in works under the hostile search_path');
SELECT is((SELECT array_agg(format('%s/%s/%s', tournament_id = test_support.id('E2'), player_id = test_support.id('p7'),
                                   checked_in_at = now()))
           FROM tourney.enrollments WHERE checked_in_at IS NOT NULL),
          '{t/t/t}'::text[], 'it checked in exactly the one enrolment named, at the real now()');
SELECT is((SELECT n FROM checked_in_before), 0::bigint, '(nobody was checked in before)');
SELECT is(pg_temp.evil('drop_unchecked E2'), 'ok', 'drop_unchecked works');
SELECT is((SELECT array_agg(player_id) FROM tourney.enrollments WHERE tournament_id = test_support.id('E2')),
          ARRAY[test_support.id('p7')], 'and kept the checked-in player');
SELECT is(pg_temp.evil('walkover E R1M2'), 'ok', 'submit_walkover works');
SELECT is((SELECT array_agg(format('%s/%s', round, match_number)) FROM tourney.sessions
           WHERE tournament_id = test_support.id('E') AND walkover),
          '{1/2,2/1}'::text[], 'exactly the session named is a walkover (and the final, which the withdrawal below decides)');
SELECT is(pg_temp.evil('withdraw E winner of R1M1'), 'ok', 'withdraw_player works');
SELECT is((SELECT array_agg(format('%s/%s', player_id = (SELECT winner_id FROM tourney.sessions WHERE tournament_id = test_support.id('E')
                                                          AND stage = 'main' AND round = 1 AND match_number = 1),
                                   withdrawn_at = now()))
           FROM tourney.enrollments WHERE withdrawn_at IS NOT NULL),
          '{t/t}'::text[], 'exactly the player named is withdrawn, at the real now()');
SELECT is((SELECT format('%s/%s', walkover, winner_id = (SELECT winner_id FROM tourney.sessions WHERE tournament_id = test_support.id('E')
                                                          AND stage = 'main' AND round = 1 AND match_number = 2))
           FROM tourney.sessions WHERE tournament_id = test_support.id('E') AND stage = 'main' AND round = 2),
          't/t', 'and the final is a walkover for the other finalist');
SELECT is(pg_temp.evil('put_players'), 'ok', 'put_players works');
SELECT is((SELECT array_agg(format('%s/%s', name, rating)) FROM tourney.players WHERE player_id = 140737488355400),
          '{perm evil player/1500}'::text[], 'and wrote the one player given, with its id');
SELECT is(pg_temp.evil('create_tournament_with_id'), 'ok', 'create_tournament_with_id works');
SELECT is((SELECT format('%s/%s', name, created_at = now()) FROM tourney.tournaments WHERE tournament_id = 140737488355401),
          'perm evil with id/t', 'and made the tournament with that id, created at the real now()');
SELECT is(pg_temp.evil('cancel_tournament E2'), '42501', 'cancel_tournament is still refused to the application role');
SELECT is((SELECT array_agg(u.tournament_id ORDER BY u.tournament_id) FROM untouched_before u
           WHERE test_support.fingerprint(u.tournament_id) IS DISTINCT FROM u.fingerprint),
          NULL, 'still no row of a tournament the steps do not name changed');

-- standings runs with the caller's rights but must not run hostile code
-- either: with pg_catalog (implicitly) first in the path, an operator that
-- matches argument types more exactly than pg_catalog's still wins, as in
-- CVE-2018-1058.  Here the read-only role has the attacker's schema after
-- pg_catalog in its search_path.
SET ROLE :"evil";
CREATE FUNCTION evil.minus(numeric, bigint) RETURNS numeric
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile operator ran as %', current_user; END $$;
CREATE OPERATOR evil.- (LEFTARG = numeric, RIGHTARG = bigint, FUNCTION = evil.minus);
CREATE FUNCTION evil.times(numeric, integer) RETURNS numeric
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hostile operator ran as %', current_user; END $$;
CREATE OPERATOR evil.* (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = evil.times);
GRANT USAGE ON SCHEMA evil TO PUBLIC;
RESET ROLE;
INSERT INTO evil_calls (step, k, q)
SELECT step, k, test_support.subst(q) FROM (VALUES
    (21, 'sanity hostile minus', $$SELECT 1.5 - 1::bigint$$),
    (22, 'readonly standings Q', $$SELECT * FROM tourney.standings(@Q@)$$),
    (23, 'readonly standings P', $$SELECT * FROM tourney.standings(@P@)$$),
    (24, 'readonly generation_status', $$SELECT tourney.generation_status(@taskP@)$$),
    (25, 'app calculate_rankings Q', $$SELECT tourney.calculate_rankings(@Q@)$$),
    (26, 'readonly group_tables GKQ', $$SELECT * FROM tourney.group_tables(@GKQ@)$$),
    (27, 'readonly group_tables GK', $$SELECT * FROM tourney.group_tables(@GK@)$$),
    (28, 'readonly standings GKQ', $$SELECT * FROM tourney.standings(@GKQ@)$$),
    (29, 'operator update_ratings KC', $$SELECT tourney.update_ratings(@KC@)$$),
    (30, 'operator put_ratings p11', $$SELECT count(*) FROM tourney.put_ratings(ARRAY[@p11@]::bigint[], ARRAY[1111], ARRAY[111], ARRAY[0.011])$$),
    (31, 'readonly standings top P', $$SELECT * FROM tourney.standings(@P@, 3)$$)) v(step, k, q);
SET ROLE :"readonly";
SET search_path = evil, public;
DISCARD PLANS;
CALL pg_temp.run_steps(21, 24);
CALL pg_temp.run_steps(26, 28);
CALL pg_temp.run_steps(31, 31);
RESET ROLE;
SET ROLE :"app";
CALL pg_temp.run_steps(25, 25);
RESET ROLE;
SET ROLE :"operator";
CALL pg_temp.run_steps(29, 30);
RESET search_path;
RESET ROLE;

SELECT is(pg_temp.evil('sanity hostile minus'), 'P0001',
          'with pg_catalog first, numeric - bigint in the caller''s own query is the hostile operator');
SELECT is(pg_temp.evil('readonly standings Q'), 'ok',
          'standings (knockout, every result) does not run the hostile operators');
SELECT is(pg_temp.evil('readonly standings P'), 'ok',
          'standings (knockout, partly played) does not run the hostile operators');
SELECT is(pg_temp.evil('readonly generation_status'), 'ok', 'generation_status does not either');
SELECT is(pg_temp.evil('app calculate_rankings Q'), 'ok', 'calculate_rankings does not either');
SELECT is(pg_temp.evil('readonly group_tables GKQ'), 'ok',
          'group_tables (groups_knockout, every result) does not run the hostile operators');
SELECT is(pg_temp.evil('readonly group_tables GK'), 'ok', 'group_tables (no result yet) does not either');
SELECT is(pg_temp.evil('readonly standings GKQ'), 'ok', 'standings of a groups_knockout does not either');
SELECT is(pg_temp.evil('readonly standings top P'), 'ok', 'standings with top (its index read under the hostile path) does not either');
SELECT is((SELECT count(*)::int FROM tourney.rankings WHERE tournament_id = test_support.id('Q')), 4,
          'and it wrote the 4 rankings');
SELECT is(pg_temp.evil('operator update_ratings KC'), 'ok',
          'update_ratings does not run the hostile operators either');
SELECT is((SELECT count(*)::int FROM tourney.rating_history h JOIN tourney.players p USING (player_id)
           WHERE h.tournament_id = test_support.id('KC')
             AND (p.rating, p.rating_deviation, p.rating_volatility) = (h.rating_after, h.deviation_after, h.volatility_after)),
          4, 'and it rated the 4 players of that tournament, their rows as its history says');
SELECT is(pg_temp.evil('operator put_ratings p11'), 'ok', 'put_ratings does not run them either');
SELECT is((SELECT array_agg(player_id) FROM tourney.players WHERE (rating, rating_deviation, rating_volatility) = (1111, 111, 0.011)),
          ARRAY[test_support.id('p11')], 'and it set the values of exactly the player given');

----------------------------------------------------------------------------
-- standings with top reads the tallies without a query: it checks the
-- rights a query over the same columns would need (table or column
-- grants, LIMIT 0 too), and under row security it leaves the reading to
-- the query, which applies the policies: its rows are always those of
-- standings(t) LIMIT k for the same role
----------------------------------------------------------------------------
SELECT 'tperm_cols_' || pg_backend_pid() AS cols, 'tperm_noname_' || pg_backend_pid() AS noname,
       'tperm_rls_' || pg_backend_pid() AS rls \gset
CREATE ROLE :"cols" NOLOGIN;
CREATE ROLE :"noname" NOLOGIN;
CREATE ROLE :"rls" NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO :"cols", :"noname", :"rls";
GRANT SELECT ON tourney.tallies TO :"cols", :"noname", :"rls";
GRANT SELECT (tournament_id) ON tourney.tournaments TO :"cols", :"noname";
GRANT SELECT (player_id, name) ON tourney.players TO :"cols";
GRANT SELECT (player_id) ON tourney.players TO :"noname";
GRANT SELECT ON tourney.tournaments, tourney.players TO :"rls";
CREATE FUNCTION pg_temp.sqlstate_as(role text, q text) RETURNS text LANGUAGE sql AS $$
    SELECT (test_support.capture(format('SET LOCAL ROLE %I; %s', role, replace(q, '@P@', test_support.id('P')::text)),
                                 rollback => true)).sqlstate $$;
SELECT is(pg_temp.sqlstate_as(:'cols', 'SELECT * FROM tourney.standings(@P@, 5)'), 'ok',
          'standings with top: SELECT on the columns it reads is enough');
SELECT is(pg_temp.sqlstate_as(:'noname', 'SELECT * FROM tourney.standings(@P@, 5)'), '42501',
          'standings with top: without SELECT on players.name -> 42501');
SELECT is(pg_temp.sqlstate_as(:'noname', 'SELECT * FROM tourney.standings(@P@) LIMIT 5'), '42501',
          'as the query standings(t) LIMIT 5 is refused');
SELECT is(pg_temp.sqlstate_as(:'noname', 'SELECT * FROM tourney.standings(@P@, 0)'), '42501',
          'standings with top 0 checks the same rights');
SELECT is(pg_temp.sqlstate_as(:'usage_only', 'SELECT * FROM tourney.standings(@P@, 0)'), '42501',
          'standings with top 0 with only USAGE on the schema -> 42501');
-- the best player of P hidden from one role by a policy on players
SELECT player_id AS hidden FROM tourney.standings(test_support.id('P')) ORDER BY rank, player_id LIMIT 1 \gset
ALTER TABLE tourney.players ENABLE ROW LEVEL SECURITY;
CREATE POLICY tperm_hide ON tourney.players TO :"rls" USING (player_id <> :hidden);
CREATE POLICY tperm_all ON tourney.players TO :"cols" USING (true);
SET ROLE :"cols";
SELECT string_agg(format('%s', s), ';') AS cols_top FROM tourney.standings(test_support.id('P'), 6) s \gset
SELECT string_agg(format('%s', s), ';') AS cols_limit FROM (SELECT * FROM tourney.standings(test_support.id('P')) LIMIT 6) s \gset
RESET ROLE;
SET ROLE :"rls";
SELECT string_agg(format('%s', s), ';') AS rls_top FROM tourney.standings(test_support.id('P'), 6) s \gset
SELECT string_agg(format('%s', s), ';') AS rls_limit FROM (SELECT * FROM tourney.standings(test_support.id('P')) LIMIT 6) s \gset
SELECT count(*) AS rls_hidden_rows FROM tourney.standings(test_support.id('P'), 1000) WHERE player_id = :hidden \gset
RESET ROLE;
SELECT is(:'cols_top'::text, :'cols_limit', 'under row security that shows every row, standings(t, 6) = standings(t) LIMIT 6');
SELECT is(:'rls_top'::text, :'rls_limit', 'under a policy that hides a player, standings(t, 6) = standings(t) LIMIT 6 for that role');
SELECT is(:rls_hidden_rows::int, 0, 'and the hidden player is not among its rows');
SELECT isnt(:'rls_top'::text, :'cols_top', 'while a role the policy does not hide the player from sees other rows');
ALTER TABLE tourney.players DISABLE ROW LEVEL SECURITY;

SELECT * FROM finish();
ROLLBACK;
