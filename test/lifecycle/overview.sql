-- tourney.overview, the live monitor (SPEC §3c, issue 15), against the
-- same figures counted here from the rows (enrollments, sessions, tasks,
-- sessions' own start times; support/live.sql, pg_temp.overview_want)
-- and, at the points where the SPEC fixes them, against the figures the
-- SPEC gives: a lifecycle in every format, from a draft with enrolments
-- (sessions 0, percent NULL, no task) through check-in and
-- drop_unchecked, synchronous generation (its task done, 100), a schedule
-- (the next start, and how it moves when the first sessions are played),
-- results, walkovers, withdrawals, corrections with cascade (later Swiss
-- rounds removed: fewer sessions), simulate_results, to completion and
-- cancellation (the row goes) and deletion (its counts go).  Also the
-- percent's rounding, a start exactly now, a queued and a cancelled task,
-- the latest of several tasks, and who may read the view.  A running
-- worker's progress is test/lifecycle/live_races.sh's.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SET LOCAL jit = off;

SELECT plan(79);

\ir ../support/live.sql

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(240, 'ov', '1000 + (g * 7919) % 1000'));

-- What each lifecycle saw: after every step, the overview row (got), the
-- same counted from the rows (want), and where the SPEC fixes it, the
-- figures it gives (spec).
CREATE TEMP TABLE obs (
    label   text,
    step    int,
    what    text,
    got     text,
    want    text,
    spec    text,
    PRIMARY KEY (label, step)
);
CREATE TEMP TABLE lifecycles (label text PRIMARY KEY, t bigint, format text, n int, kept int);

CREATE FUNCTION pg_temp.observe(label text, t bigint, what text, spec text DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO obs
    SELECT label, coalesce((SELECT max(step) + 1 FROM obs o WHERE o.label = $1), 0), what,
           pg_temp.overview_got(t), pg_temp.overview_want(t), spec
$$;

-- The sessions the SPEC gives each format at generation, from the count
-- of players alone (Swiss: round 1 only; groups_knockout: the groups').
CREATE FUNCTION pg_temp.spec_sessions(format text, n int, rounds int, grand_final text, groups int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE format
        WHEN 'knockout' THEN n - 1 + CASE WHEN n >= 4 THEN 1 ELSE 0 END
        WHEN 'double_elimination' THEN CASE grand_final WHEN 'none' THEN 2 * n - 3 ELSE 2 * n - 2 END
        WHEN 'round_robin' THEN coalesce(rounds, 1) * n * (n - 1) / 2
        WHEN 'swiss' THEN n / 2
        WHEN 'individual_ranking' THEN n * coalesce(rounds, 1)
        WHEN 'groups_knockout' THEN coalesce(rounds, 1) *
            (SELECT sum(size * (size - 1) / 2)::int
             FROM (SELECT n / groups + CASE WHEN g <= n % groups THEN 1 ELSE 0 END AS size
                   FROM generate_series(1, groups) g) x)
        END
$$;

-- A lifecycle: n players enrolled, all but two checked in and the two
-- dropped, generated, scheduled from tomorrow on two courts; the earliest
-- sessions played (the next start moves on); `steps` random live calls
-- (support/live.sql: results, corrections with cascade, walkovers,
-- withdrawals); simulate_results; rankings and completion.  Observed
-- after every step.
CREATE FUNCTION pg_temp.lifecycle(label text, format text, n int, first int, steps int,
                                  number_of_rounds int DEFAULT NULL, grand_final text DEFAULT NULL,
                                  group_count int DEFAULT NULL, finish text DEFAULT 'complete')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    players bigint[] := (test_support.ids('p'))[first : first + n - 1];
    t bigint := tourney.create_tournament('ov ' || label, format, number_of_rounds => number_of_rounds,
                                          grand_final => grand_final, group_count => group_count);
    kept int := n - 2;
    starts timestamptz := date_trunc('hour', now()) + interval '1 day';
    first_start timestamptz;
    s bigint;
BEGIN
    INSERT INTO lifecycles VALUES (label, t, format, n, kept);
    PERFORM pg_temp.observe(label, t, 'created', 'draft|0|0|0|null|null|null|null');
    PERFORM tourney.enroll(t, players);
    PERFORM pg_temp.observe(label, t, 'enrolled', format('draft|%s|0|0|null|null|null|null', n));
    PERFORM tourney.check_in(t, players[1 : kept]);
    PERFORM pg_temp.observe(label, t, 'checked in', format('draft|%s|0|0|null|null|null|null', n));
    PERFORM tourney.drop_unchecked(t);
    PERFORM pg_temp.observe(label, t, 'dropped the unchecked', format('draft|%s|0|0|null|null|null|null', kept));
    PERFORM tourney.generate_sessions(t, async => false);
    PERFORM pg_temp.observe(label, t, 'generated',
                            format('in_progress|%s|%s|0|0.0|done|100|null', kept,
                                   pg_temp.spec_sessions(format, kept, number_of_rounds, grand_final, group_count)));
    PERFORM tourney.schedule_sessions(t, starts, 30, 0, courts => 2);
    PERFORM pg_temp.observe(label, t, 'scheduled',
                            format('in_progress|%s|%s|0|0.0|done|100|%s', kept,
                                   pg_temp.spec_sessions(format, kept, number_of_rounds, grand_final, group_count),
                                   starts));
    -- the sessions of the first start, played
    FOR s IN SELECT x.session_id FROM tourney.sessions x WHERE x.tournament_id = t AND x.starts_at = starts
             ORDER BY x.session_id LOOP
        PERFORM tourney.submit_result(s, CASE WHEN format = 'individual_ranking' THEN ARRAY[5]::numeric[]
                                              ELSE ARRAY[1, 0]::numeric[] END);
    END LOOP;
    PERFORM pg_temp.observe(label, t, 'the first start played');
    FOR i IN 1 .. steps LOOP
        PERFORM pg_temp.observe(label, t, pg_temp.live_step(t, CASE WHEN i = 2 THEN 'walkover'
                                                                      WHEN i = 4 THEN 'withdraw' END));
    END LOOP;
    PERFORM pg_temp.observe(label, t, format('simulate %s', tourney.simulate_results(t, 3)));
    IF finish = 'complete' THEN
        PERFORM tourney.calculate_rankings(t);
        PERFORM pg_temp.observe(label, t, 'ranked');
        PERFORM tourney.complete_tournament(t);
        PERFORM pg_temp.observe(label, t, 'completed');
    END IF;
END $$;

SELECT setseed(0.15);
SELECT pg_temp.lifecycle('knockout 10', 'knockout', 10, 1, 12);
SELECT pg_temp.lifecycle('double elimination 9, double', 'double_elimination', 9, 11, 16, grand_final => 'double');
SELECT pg_temp.lifecycle('double elimination 7, none', 'double_elimination', 7, 21, 12, grand_final => 'none');
SELECT pg_temp.lifecycle('round robin 7, two cycles', 'round_robin', 7, 30, 20, number_of_rounds => 2);
SELECT pg_temp.lifecycle('swiss 12 x 4', 'swiss', 12, 40, 24, number_of_rounds => 4);
SELECT pg_temp.lifecycle('individual 8 x 3', 'individual_ranking', 8, 55, 14, number_of_rounds => 3);
SELECT pg_temp.lifecycle('groups 14 in 3', 'groups_knockout', 14, 65, 30, group_count => 3, finish => 'none');

-- every step of every lifecycle: the overview equals the count from the rows
SELECT is((SELECT array_agg(format('step %s (%s): got %s, want %s', o.step, o.what, o.got, o.want) ORDER BY o.step)
           FROM obs o WHERE o.label = l.label AND o.got IS DISTINCT FROM o.want),
          NULL, format('%s: after each of %s steps, overview = the figures counted from the rows', l.label,
                       (SELECT count(*) FROM obs o WHERE o.label = l.label)))
FROM lifecycles l ORDER BY l.label;
-- where the SPEC fixes the figures
SELECT is((SELECT array_agg(format('step %s (%s): got %s, want %s', o.step, o.what, o.got, o.spec) ORDER BY o.step)
           FROM obs o WHERE o.label = l.label AND o.spec IS NOT NULL AND o.got IS DISTINCT FROM o.spec),
          NULL, format('%s: created (no row counts), enrolled, checked in, dropped, generated (its sessions, '
                       'task done 100), scheduled (next start tomorrow): as the SPEC gives them', l.label))
FROM lifecycles l ORDER BY l.label;
-- the next start moved on when the first sessions were played
SELECT ok((SELECT split_part(o.got, '|', 8)::timestamptz > split_part(b.got, '|', 8)::timestamptz
           FROM obs o JOIN obs b ON b.label = o.label AND b.step = o.step - 1
           WHERE o.label = l.label AND o.what = 'the first start played'),
          l.label || ': once the first start''s sessions have results, the next start is later')
FROM lifecycles l ORDER BY l.label;
-- the lifecycles did what they say
SELECT is((SELECT string_agg(DISTINCT split_part(o.what, ' ', 1), ',' ORDER BY split_part(o.what, ' ', 1))
           FILTER (WHERE o.what ~ '^(submit|correct|walkover|withdraw|simulate) ')
           FROM obs o WHERE o.label = l.label),
          CASE WHEN l.format = 'individual_ranking' THEN 'correct,simulate,submit,withdraw'
               ELSE 'correct,simulate,submit,walkover,withdraw' END,
          l.label || ': results, corrections, walkovers (not in individual ranking), a withdrawal and simulate_results')
FROM lifecycles l ORDER BY l.label;
SELECT is((SELECT array_agg(o.what ORDER BY o.step) FROM obs o WHERE o.label = l.label AND o.what LIKE 'ERROR%'),
          NULL, l.label || ': every call succeeded')
FROM lifecycles l ORDER BY l.label;
SELECT is((SELECT split_part(o.got, '|', 4) || '/' || split_part(o.got, '|', 3) || ' ' || split_part(o.got, '|', 5)
           FROM obs o WHERE o.label = l.label AND o.what LIKE 'simulate%' ORDER BY o.step DESC LIMIT 1),
          (SELECT count(*) || '/' || count(*) || ' 100.0' FROM tourney.sessions s WHERE s.tournament_id = l.t),
          l.label || ': after simulate_results every session has a result: 100.0 percent')
FROM lifecycles l ORDER BY l.label;
SELECT is((SELECT o.got FROM obs o WHERE o.label = l.label AND o.what = 'completed'), NULL,
          l.label || ': a completed tournament has no row')
FROM lifecycles l WHERE EXISTS (SELECT FROM obs o WHERE o.label = l.label AND o.what = 'completed') ORDER BY l.label;
-- withdrawn players still count, dropped ones do not
SELECT is((SELECT players FROM tourney.overview WHERE tournament_id = l.t)::int, l.kept,
          l.label || ': players counts the withdrawn players, not those dropped at check-in')
FROM lifecycles l WHERE NOT EXISTS (SELECT FROM obs o WHERE o.label = l.label AND o.what = 'completed');
SELECT cmp_ok((SELECT count(*)::int FROM tourney.enrollments e WHERE e.tournament_id = l.t AND e.withdrawn_at IS NOT NULL),
              '>', 0, l.label || ': (it has withdrawn players)')
FROM lifecycles l WHERE NOT EXISTS (SELECT FROM obs o WHERE o.label = l.label AND o.what = 'completed');

-- Swiss: a correction with cascade removes the later rounds; the
-- sessions go down
SELECT ok(EXISTS (SELECT FROM obs o JOIN obs b ON b.label = o.label AND b.step = o.step - 1
                  WHERE o.label = 'swiss 12 x 4' AND o.what LIKE 'correct%'
                    AND split_part(o.got, '|', 3)::int < split_part(b.got, '|', 3)::int
                    AND o.got = o.want),
          'swiss: a correction removed later rounds, and the overview''s sessions went down with them');
-- groups: the knockout after the groups adds its sessions
SELECT ok(EXISTS (SELECT FROM obs o WHERE o.label = 'groups 14 in 3'
                  AND split_part(o.got, '|', 3)::int > pg_temp.spec_sessions('groups_knockout', 12, NULL, NULL, 3)),
          'groups: the knockout written after the groups counts in sessions');

----------------------------------------------------------------------------
-- Cancellation, deletion
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('c', test_support.tournament('knockout', (test_support.ids('p'))[100:107], 'ov cancel', generate => true)),
       ('d', test_support.tournament('round_robin', (test_support.ids('p'))[110:114], 'ov delete', generate => true)),
       ('cd', test_support.tournament('swiss', (test_support.ids('p'))[120:127], 'ov cancel draft'));
SELECT tourney.submit_result(test_support.session_id(test_support.id('c'), 1, 1), ARRAY[2, 1]);
SELECT is(pg_temp.overview_got(test_support.id('c')), 'in_progress|8|8|1|12.5|done|100|null',
          'knockout of 8 with one result: 8 players, 8 sessions, 1 with a result, 12.5 percent');
SELECT tourney.cancel_tournament(test_support.id('c'));
SELECT is(pg_temp.overview_got(test_support.id('c')), NULL, 'cancelled in progress: no row');
SELECT is(pg_temp.overview_got(test_support.id('cd')), 'draft|8|0|0|null|null|null|null', 'a draft Swiss of 8');
SELECT tourney.cancel_tournament(test_support.id('cd'));
SELECT is(pg_temp.overview_got(test_support.id('cd')), NULL, 'cancelled as a draft: no row');
SELECT tourney.simulate_results(test_support.id('d'), 1);
SELECT cmp_ok((SELECT count(*)::int FROM tourney.progress WHERE tournament_id = test_support.id('d')), '>', 0,
              'a tournament has rows in tourney.progress');
DELETE FROM tourney.tournaments WHERE tournament_id = test_support.id('d');
SELECT is((SELECT count(*)::int FROM tourney.progress WHERE tournament_id = test_support.id('d')), 0,
          'deleting the tournament removes its rows of tourney.progress');
SELECT is((SELECT count(*)::int FROM tourney.tallies WHERE tournament_id = test_support.id('d')), 0,
          'and its tallies');
SELECT is(pg_temp.overview_got(test_support.id('d')), NULL, 'and its overview row');

-- the view lists exactly the tournaments not completed or cancelled
SELECT set_eq('SELECT tournament_id FROM tourney.overview',
              $$SELECT tournament_id FROM tourney.tournaments WHERE status NOT IN ('completed', 'cancelled')$$,
              'the overview has one row for each tournament not completed or cancelled, no other');

----------------------------------------------------------------------------
-- Percent: to one decimal, rounded
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('r6', test_support.tournament('round_robin', (test_support.ids('p'))[130:133], 'ov percent', generate => true));
CREATE FUNCTION pg_temp.percent_after(k int) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tourney.submit_result(s.session_id, ARRAY[1, 0])
    FROM (SELECT x.session_id FROM tourney.sessions x WHERE x.tournament_id = test_support.id('r6')
          AND NOT x.result_submitted ORDER BY x.session_id LIMIT k) s;
    RETURN (SELECT sessions_with_result || '/' || sessions || ' ' || percent
            FROM tourney.overview WHERE tournament_id = test_support.id('r6'));
END $$;
SELECT is(pg_temp.percent_after(1), '1/6 16.7', 'percent: 1 of 6 is 16.7');
SELECT is(pg_temp.percent_after(1), '2/6 33.3', 'percent: 2 of 6 is 33.3');
SELECT is(pg_temp.percent_after(2), '4/6 66.7', 'percent: 4 of 6 is 66.7 (rounded up)');
SELECT is(pg_temp.percent_after(2), '6/6 100.0', 'percent: 6 of 6 is 100.0');
SELECT is((SELECT pg_typeof(percent)::text || ' ' || scale(percent) FROM tourney.overview
           WHERE tournament_id = test_support.id('r6')), 'numeric 1', 'percent is a numeric with one decimal');

----------------------------------------------------------------------------
-- The next start: from now on, now included; none when all is played
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('n5', test_support.tournament('round_robin', (test_support.ids('p'))[140:144], 'ov next start', generate => true));
-- one court, an hour a session, from an hour ago: the second session starts now
SELECT tourney.schedule_sessions(test_support.id('n5'), now() - interval '1 hour', 60, 0, courts => 1);
SELECT is((SELECT next_start FROM tourney.overview WHERE tournament_id = test_support.id('n5')), now(),
          'a session starting right now is the next start; the one an hour ago, without a result, is not');
SELECT tourney.submit_result(session_id, ARRAY[1, 0]) FROM tourney.sessions
WHERE tournament_id = test_support.id('n5') AND starts_at = now();
SELECT is((SELECT next_start FROM tourney.overview WHERE tournament_id = test_support.id('n5')), now() + interval '1 hour',
          'with a result it is not: the next start is in an hour');
SELECT tourney.submit_walkover(session_id, 2) FROM tourney.sessions
WHERE tournament_id = test_support.id('n5') AND starts_at = now() + interval '1 hour';
SELECT is((SELECT next_start FROM tourney.overview WHERE tournament_id = test_support.id('n5')), now() + interval '2 hours',
          'a walkover too: the next start is in two hours');
SELECT tourney.simulate_results(test_support.id('n5'), 1);
SELECT is((SELECT coalesce(next_start::text, 'none') FROM tourney.overview WHERE tournament_id = test_support.id('n5')), 'none',
          'every session with a result: no next start');
SELECT is(pg_temp.overview_got(test_support.id('n5')), pg_temp.overview_want(test_support.id('n5')),
          'and the rest of the row as counted');

----------------------------------------------------------------------------
-- Tasks: queued, cancelled, the latest of several
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('a', test_support.tournament('knockout', (test_support.ids('p'))[150:153], 'ov async'));
CREATE TEMP TABLE atask AS SELECT tourney.generate_sessions(test_support.id('a'), async => true) AS task;
SELECT is(pg_temp.overview_got(test_support.id('a')), 'draft|4|0|0|null|queued|0|null',
          'queued for a worker (this transaction has not committed): task queued, 0 percent, no sessions yet');
SELECT is((tourney.cancel_task(task)).status::text, 'cancelled', 'cancel_task') FROM atask;
SELECT is(pg_temp.overview_got(test_support.id('a')), 'draft|4|0|0|null|cancelled|null|null',
          'cancelled: task cancelled, task_percent NULL');
SELECT tourney.generate_sessions(test_support.id('a'), async => false);
SELECT is(array_to_string((string_to_array(pg_temp.overview_got(test_support.id('a')), '|'))[1:5], '|'), 'in_progress|4|4|0|0.0',
          'generated again, synchronously, in the same transaction: in progress, its 4 sessions');
-- which task is the latest, when both were queued in this transaction?
-- Twelve times over: cancelled and generated again in one transaction,
-- the task shown must be the one that generated the sessions
CREATE FUNCTION pg_temp.again(k int) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := test_support.tournament('knockout', (test_support.ids('p'))[160 + 2 * k : 161 + 2 * k], 'ov again ' || k);
BEGIN
    PERFORM tourney.cancel_task(tourney.generate_sessions(t, async => true));
    PERFORM tourney.generate_sessions(t, async => false);
    RETURN (SELECT task_status || ' ' || sessions FROM tourney.overview WHERE tournament_id = t);
END $$;
SET LOCAL client_min_messages = warning;  -- no NOTICE for the workers that wait for this transaction
SELECT is((SELECT array_agg(DISTINCT pg_temp.again(k)) FROM generate_series(1, 12) k), '{"done 1"}',
          'twelve tournaments generated after a cancelled task, each in one transaction: each shows its latest task, done '
          '(the two tasks were queued at the same time, the start of the transaction)');
RESET client_min_messages;

----------------------------------------------------------------------------
-- Who may read it
----------------------------------------------------------------------------
CREATE ROLE ov_reader NOLOGIN;
CREATE ROLE ov_nobody NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO ov_reader, ov_nobody;
GRANT SELECT ON tourney.overview TO ov_reader;
CREATE TEMP TABLE as_superuser AS SELECT * FROM tourney.overview;
GRANT SELECT ON as_superuser TO ov_reader;
SET LOCAL ROLE ov_reader;
SELECT set_eq('SELECT * FROM tourney.overview', 'SELECT * FROM as_superuser',
              'a role with SELECT on the view (and USAGE on the schema) reads every row, as the owner sees them');
SELECT throws_ok('SELECT * FROM tourney.progress', '42501', NULL,
                 'that role may not read tourney.progress itself');
RESET ROLE;
SET LOCAL ROLE ov_nobody;
SELECT throws_ok('SELECT * FROM tourney.overview', '42501', NULL, 'a role without SELECT on the view gets 42501');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
