-- Calling things off (SPEC §3e, issue 18; README "The event day"):
-- cancel_tournament takes a draft or an in-progress tournament to
-- cancelled, cancels its queued generation with it, frees the courts of
-- its sessions without a result, keeps every row readable, and from then
-- on every call that would change the tournament is refused (55000,
-- nothing changed); completed and cancelled tournaments: 55000.
-- cancel_task cancels a queued generation at once (here: one queued in
-- this transaction, which no worker sees); the tournament stays a draft
-- and can be generated again; a finished task: 55000.  A running task
-- cancelled, and the races with a worker: test/async/cancel.sh.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(87);

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(12, 'cancel', '1500 + g'));
INSERT INTO test_support.fixtures (key, id) SELECT 'p' || i, (test_support.ids('p'))[i] FROM generate_series(1, 12) i;
-- the status of a tournament and of its tasks, in the order queued (tasks
-- queued in one transaction, as here, tie on queued_at: then by status)
CREATE FUNCTION pg_temp.state(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT x.status || coalesce(' ' || (SELECT string_agg(k.status::text, ',' ORDER BY k.queued_at, k.status::text) FROM tourney.tasks k
                                        WHERE k.tournament_id = t), '')
    FROM tourney.tournaments x WHERE x.tournament_id = t
$$;

----------------------------------------------------------------------------
-- cancel_tournament of a draft, with and without a queued generation
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id) VALUES
    ('D', test_support.tournament('knockout', (test_support.ids('p'))[1:4], 'cancel D')),
    ('Q', test_support.tournament('swiss', (test_support.ids('p'))[1:6], 'cancel Q'));
SELECT tourney.generate_sessions(test_support.id('Q'), async => true) AS task_q \gset
SELECT is(pg_temp.state(test_support.id('Q')), 'draft queued', 'Q: a draft, its generation queued');
SELECT lives_ok(test_support.subst('SELECT tourney.cancel_tournament(@D@)'), 'cancel_tournament of the draft D');
SELECT is(pg_temp.state(test_support.id('D')), 'cancelled', 'D is cancelled');
SELECT is((SELECT count(*)::int FROM tourney.enrollments WHERE tournament_id = test_support.id('D')), 4, 'its enrolments stay');
SELECT lives_ok(test_support.subst('SELECT tourney.cancel_tournament(@Q@)'), 'cancel_tournament of Q, generation queued');
SELECT is(pg_temp.state(test_support.id('Q')), 'cancelled cancelled', 'Q and its queued generation are cancelled');
SELECT is((SELECT format('%s/%s/%s', k.finished_at IS NOT NULL, k.error, k.error_sqlstate) FROM tourney.generation_status(:'task_q') k),
          format('t/cancelled with its tournament by %s/57014', current_user),
          'the task: finished, the reason and who, SQLSTATE 57014');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('Q')), 0, 'Q has no sessions');
SELECT is(test_support.refusal(q), want, format('%s -> %s', what, want))
FROM (VALUES
    ('cancel_tournament again', 'SELECT tourney.cancel_tournament(@D@)', '55000'),
    ('enroll', 'SELECT tourney.enroll(@D@, ARRAY[@p5@])', '55000'),
    ('check_in', 'SELECT tourney.check_in(@D@, ARRAY[@p1@])', '55000'),
    ('drop_unchecked', 'SELECT tourney.drop_unchecked(@D@)', '55000'),
    ('generate_sessions', 'SELECT tourney.generate_sessions(@D@, async => false)', '55000'),
    ('generate_sessions async', 'SELECT tourney.generate_sessions(@D@, async => true)', '55000'),
    ('generate_sessions of Q, its task cancelled', 'SELECT tourney.generate_sessions(@Q@, async => false)', '55000'),
    ('simulate_results', 'SELECT tourney.simulate_results(@D@)', '55000'),
    ('calculate_rankings', 'SELECT tourney.calculate_rankings(@D@)', '55000'),
    ('complete_tournament', 'SELECT tourney.complete_tournament(@D@)', '55000'),
    ('withdraw_player', 'SELECT tourney.withdraw_player(@D@, @p1@)', '55000'),
    ('schedule_sessions', $$SELECT tourney.schedule_sessions(@D@, '2030-01-01 09:00+00', 30, 10, 2)$$, '55000'),
    ('cancel_task of Q''s cancelled task', format('SELECT tourney.cancel_task(%L)', :'task_q'), '55000')) v(what, q, want);

----------------------------------------------------------------------------
-- cancel_tournament in progress: scheduled, partly played
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('P', test_support.tournament('knockout', (test_support.ids('p'))[1:8], 'cancel P', seeded => true, generate => true));
SELECT is((tourney.schedule_sessions(test_support.id('P'), '2030-01-01 09:00+00', 30, 10, 2) ->> 'sessions')::int, 8, 'P: scheduled');
SELECT lives_ok(format('SELECT tourney.submit_result(test_support.session_id(%s, 1, 1), ARRAY[2, 1]);'
                       'SELECT tourney.submit_walkover(test_support.session_id(%1$s, 1, 2), 2);'
                       'SELECT tourney.withdraw_player(%1$s, test_support.seed_player(%1$s, 3))', test_support.id('P')),
                'one result, one walkover, one withdrawal');
CREATE TEMP TABLE p_before AS
SELECT s.session_id, s.result_submitted, s.winner_id, s.walkover, s.starts_at, s.court FROM tourney.sessions s
WHERE s.tournament_id = test_support.id('P');
SELECT lives_ok(test_support.subst('SELECT tourney.cancel_tournament(@P@)'), 'cancel_tournament of P');
SELECT is(pg_temp.state(test_support.id('P')), 'cancelled done', 'P is cancelled (its generation had ended: done)');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN p_before b USING (session_id)
           WHERE (s.result_submitted, s.winner_id, s.walkover) IS NOT DISTINCT FROM (b.result_submitted, b.winner_id, b.walkover)), 8,
          'its sessions stay, results as they were');
SELECT is((SELECT count(*)::int FROM tourney.sessions s WHERE s.tournament_id = test_support.id('P') AND NOT s.result_submitted
             AND (s.starts_at IS NOT NULL OR s.court IS NOT NULL)), 0, 'the sessions without a result give up their times and courts');
SELECT is((SELECT string_agg(b.session_id::text, ',') FROM tourney.bookings b WHERE b.tournament_id = test_support.id('P')),
          (SELECT string_agg(s.session_id::text, ',') FROM tourney.sessions s WHERE s.tournament_id = test_support.id('P')
             AND s.result_submitted AND NOT s.walkover),
          'only the played session keeps its booking');
SELECT is((SELECT count(*)::int FROM tourney.standings(test_support.id('P'))), 8, 'standings still reads it');
SELECT is((SELECT count(*)::int FROM tourney.group_tables(test_support.id('P'))), 0, 'group_tables too');
SELECT is((SELECT sum(wins)::int FROM tourney.standings(test_support.id('P'))), 3, 'with the three decided sessions');
SELECT is((SELECT status::text FROM tourney.generation_status((SELECT task_id FROM tourney.tasks WHERE tournament_id = test_support.id('P')))),
          'done', 'generation_status still reads its task');
SELECT is(test_support.refusal(q), want, format('cancelled in progress: %s -> %s', what, want))
FROM (VALUES
    ('cancel_tournament again', 'SELECT tourney.cancel_tournament(@P@)', '55000'),
    ('enroll', 'SELECT tourney.enroll(@P@, ARRAY[@p9@])', '55000'),
    ('generate_sessions', 'SELECT tourney.generate_sessions(@P@, async => false)', '55000'),
    ('submit_result', format('SELECT tourney.submit_result(%s, ARRAY[1, 0])', test_support.session_id(test_support.id('P'), 1, 3)), '55000'),
    ('submit_result, the identical result again', format('SELECT tourney.submit_result(%s, ARRAY[2, 1])', test_support.session_id(test_support.id('P'), 1, 1)), '55000'),
    ('submit_walkover', format('SELECT tourney.submit_walkover(%s, 1)', test_support.session_id(test_support.id('P'), 1, 3)), '55000'),
    ('submit_walkover, the identical walkover again', format('SELECT tourney.submit_walkover(%s, 2)', test_support.session_id(test_support.id('P'), 1, 2)), '55000'),
    ('withdraw_player', format('SELECT tourney.withdraw_player(%s, test_support.seed_player(%1$s, 2))', test_support.id('P')), '55000'),
    ('correct_result', format('SELECT tourney.correct_result(%s, ARRAY[1, 2], true)', test_support.session_id(test_support.id('P'), 1, 1)), '55000'),
    ('simulate_results', 'SELECT tourney.simulate_results(@P@)', '55000'),
    ('calculate_rankings', 'SELECT tourney.calculate_rankings(@P@)', '55000'),
    ('complete_tournament', 'SELECT tourney.complete_tournament(@P@)', '55000'),
    ('check_in', 'SELECT tourney.check_in(@P@, ARRAY[@p1@])', '55000'),
    ('drop_unchecked', 'SELECT tourney.drop_unchecked(@P@)', '55000'),
    ('schedule_sessions', $$SELECT tourney.schedule_sessions(@P@, '2030-01-02 09:00+00', 30, 10, 2)$$, '55000'),
    ('move_session', format($$SELECT tourney.move_session(%s, '2030-01-02 09:00+00', court => 1)$$, test_support.session_id(test_support.id('P'), 1, 4)), '55000'),
    ('swap_sessions', format('SELECT tourney.swap_sessions(%s, %s)', test_support.session_id(test_support.id('P'), 1, 4), test_support.session_id(test_support.id('P'), 2, 2)), '55000'),
    ('swap_players', format('SELECT tourney.swap_players(%s, 1, %s, 1)', test_support.session_id(test_support.id('P'), 1, 3), test_support.session_id(test_support.id('P'), 1, 4)), '55000'),
    ('delay_sessions', $$SELECT tourney.delay_sessions(@P@, '2030-01-01 09:00+00', 10)$$, '55000')) v(what, q, want);
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN p_before b USING (session_id)
           WHERE (s.result_submitted, s.winner_id, s.walkover) IS NOT DISTINCT FROM (b.result_submitted, b.winner_id, b.walkover)), 8,
          'P''s sessions are as they were after all the refusals');

-- every format, in progress with some results, can be called off
CREATE TEMP TABLE formats AS
SELECT fmt, n, test_support.tournament(fmt, n => n, name => 'cancel ' || fmt, generate => true, group_count => g) AS t
FROM (VALUES ('knockout', 6, NULL::int), ('double_elimination', 6, NULL), ('round_robin', 5, NULL), ('swiss', 7, NULL),
             ('individual_ranking', 4, NULL), ('groups_knockout', 8, 2)) v(fmt, n, g);
CREATE FUNCTION pg_temp.cancel_in_progress(t bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    outcome text;
BEGIN
    PERFORM test_support.play_random(t, 0.3, most => 3);
    outcome := test_support.sqlstate_of(format('SELECT tourney.cancel_tournament(%s)', t));
    RETURN outcome || '/' || pg_temp.state(t)
        || '/' || test_support.sqlstate_of(format('SELECT tourney.simulate_results(%s)', t))
        || '/' || (SELECT count(*) FROM tourney.standings(t));
END $$;
SELECT is(pg_temp.cancel_in_progress(t), format('ok/cancelled done/55000/%s', n), format('%s in progress: cancelled', fmt))
FROM formats ORDER BY fmt;

-- its rows stay readable, also to the PL/pgSQL call that made the
-- tournament and called it off (fails: standings and group_tables check
-- the tournament by tourney.tournament_checked, a STABLE function that
-- the planner evaluates ahead, with the snapshot of the statement that
-- called the function, which does not see the tournament: P0002)
CREATE FUNCTION pg_temp.made_and_cancelled() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := test_support.tournament('groups_knockout', n => 8, name => 'cancel made here', generate => true, group_count => 2);
BEGIN
    PERFORM test_support.play_random(t, 0.3, most => 3);
    PERFORM tourney.cancel_tournament(t);
    RETURN format('standings %s, group_tables %s', (SELECT count(*) FROM tourney.standings(t)),
                  (SELECT count(*) FROM tourney.group_tables(t)));
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT is(pg_temp.made_and_cancelled(), 'standings 8, group_tables 8',
          'made, played and cancelled in one PL/pgSQL call: standings and group_tables read it there');

----------------------------------------------------------------------------
-- completed, unknown, NULL
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('C', test_support.tournament('knockout', (test_support.ids('p'))[9:10], 'cancel C', generate => true));
SELECT tourney.simulate_results(test_support.id('C')), tourney.calculate_rankings(test_support.id('C')),
       tourney.complete_tournament(test_support.id('C')) \g /dev/null
SELECT is(test_support.refusal(q), want, format('cancel_tournament: %s -> %s', what, want))
FROM (VALUES
    ('completed', 'SELECT tourney.cancel_tournament(@C@)', '55000'),
    ('unknown', 'SELECT tourney.cancel_tournament(9223372036854775807)', 'P0002'),
    ('0', 'SELECT tourney.cancel_tournament(0)', 'P0002'),
    ('NULL', 'SELECT tourney.cancel_tournament(NULL)', '22004')) v(what, q, want);
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.cancel_tournament(@C@)')),
               '^cannot cancel tournament [0-9]+: it is completed$', 'completed: the message says so');
SELECT matches(test_support.message_of(test_support.subst('SELECT tourney.cancel_tournament(@D@)')),
               '^cannot cancel tournament [0-9]+: it is cancelled$', 'cancelled: the message says so');
SELECT is(pg_temp.state(test_support.id('C')), 'completed done', 'C stays completed');

----------------------------------------------------------------------------
-- cancel_task of a queued generation
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('T', test_support.tournament('round_robin', (test_support.ids('p'))[1:6], 'cancel T'));
SELECT tourney.generate_sessions(test_support.id('T'), async => true) AS task_t \gset
CREATE TEMP TABLE cancelled AS SELECT * FROM tourney.cancel_task(:'task_t');
SELECT is((SELECT format('%s/%s/%s/%s/%s/%s', c.task_id = :'task_t', c.tournament_id = test_support.id('T'), c.status,
                         c.finished_at IS NOT NULL, c.error, c.requested_by::text = current_user)
           FROM cancelled c),
          format('t/t/cancelled/t/cancelled by %s/t', current_user),
          'cancel_task returns the task''s row: cancelled, finished, by whom');
SELECT is((SELECT row_to_json(c)::text FROM cancelled c), (SELECT row_to_json(k)::text FROM tourney.tasks k WHERE k.task_id = :'task_t'),
          'the row returned is the stored row');
SELECT is(pg_temp.state(test_support.id('T')), 'draft cancelled', 'T stays a draft');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('T')), 0, 'no sessions');
SELECT is(test_support.refusal(format('SELECT tourney.cancel_task(%L)', :'task_t')), '55000', 'cancel_task again -> 55000');
SELECT matches(test_support.message_of(format('SELECT tourney.cancel_task(%L)', :'task_t')),
               '^cannot cancel task [0-9a-f-]+: it has ended$', 'the message says the task has ended');
SELECT is(tourney.check_in(test_support.id('T'), (test_support.ids('p'))[1:6]), 6, 'T takes check-ins again');
SELECT isnt(tourney.generate_sessions(test_support.id('T'), async => false), NULL, 'and is generated again');
SELECT is(pg_temp.state(test_support.id('T')), 'in_progress cancelled,done', 'in progress, the second task done');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('T')), 15, 'with its 15 sessions');
SELECT is(test_support.refusal(format('SELECT tourney.cancel_task(%L)',
                                      (SELECT task_id FROM tourney.tasks WHERE tournament_id = test_support.id('T') AND status = 'done'))),
          '55000', 'cancel_task of the done task -> 55000');
-- a generation queued again after cancel_task, cancelled by cancel_tournament
INSERT INTO test_support.fixtures (key, id)
VALUES ('U', test_support.tournament('knockout', (test_support.ids('p'))[1:6], 'cancel U'));
SELECT tourney.generate_sessions(test_support.id('U'), async => true) AS task_u1 \gset
SELECT is((tourney.cancel_task(:'task_u1')).status::text, 'cancelled', 'U: the first generation cancelled');
SELECT tourney.generate_sessions(test_support.id('U'), async => true) AS task_u2 \gset
SELECT is(pg_temp.state(test_support.id('U')), 'draft cancelled,queued', 'U queued again');
SELECT is(test_support.refusal(format('SELECT tourney.generate_sessions(%s, async => true)', test_support.id('U'))), '55000',
          'a third request while the second is queued -> 55000');
SELECT lives_ok(test_support.subst('SELECT tourney.cancel_tournament(@U@)'), 'cancel_tournament of U');
SELECT is(pg_temp.state(test_support.id('U')), 'cancelled cancelled,cancelled', 'U and both its tasks are cancelled');
-- an ended task in error
INSERT INTO test_support.fixtures (key, id)
VALUES ('V', test_support.tournament('knockout', (test_support.ids('p'))[1:6], 'cancel V'));
SELECT tourney.generate_sessions(test_support.id('V'), async => true) AS task_v \gset
UPDATE tourney.tasks SET status = 'error', finished_at = now(), error = 'planted' WHERE task_id = :'task_v';
SELECT is(test_support.refusal(format('SELECT tourney.cancel_task(%L)', :'task_v')), '55000', 'cancel_task of a task in error -> 55000');
SELECT is(test_support.refusal(q), want, format('cancel_task %s -> %s', what, want))
FROM (VALUES
    ('unknown', $$SELECT tourney.cancel_task('00000000-0000-0000-0000-000000000000')$$, 'P0002'),
    ('random', $$SELECT tourney.cancel_task(gen_random_uuid())$$, 'P0002'),
    ('NULL', $$SELECT tourney.cancel_task(NULL)$$, '22004')) v(what, q, want);
SELECT matches(test_support.message_of($$SELECT tourney.cancel_task('00000000-0000-0000-0000-000000000000')$$),
               '00000000-0000-0000-0000-000000000000', 'unknown: the message names the task');

SELECT * FROM finish();
ROLLBACK;
