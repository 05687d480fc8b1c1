-- SQL injection and hostile text (SPEC §6, issues 6, 13, 14, 16, 17 and
-- 18): tournament names (of every format, and given to a data node's
-- create_tournament_with_id), player names (standings, group_tables, a
-- rated tournament; written by put_players, with hostile emails too,
-- through an event day of check-ins, a withdrawal, a walkover and a
-- cancellation), campus names (put_campuses too) and closure reasons (a
-- schedule and its live changes), and enum text arguments (grand_final,
-- group_tiebreak, update_ratings' method and create_tournament_with_id's
-- too) holding quotes, semicolons,
-- backslashes, dollar quotes, statement terminators, printf directives and
-- unicode are data.  Names are stored and read back verbatim; enum text is
-- refused with 22023 and quoted verbatim in the message, never executed.
-- Every payload is passed as a value (no SQL is built from it here).
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(395);

CREATE TEMP TABLE payloads (i int PRIMARY KEY, s text NOT NULL);
INSERT INTO payloads VALUES
    (1, $p$O'Brien$p$),
    (2, $p$'); DROP TABLE tourney.players; --$p$),
    (3, $p$x'; DROP TABLE tourney.tournaments CASCADE; SELECT '$p$),
    (4, $p$knockout'; CREATE TABLE public.injected (); --$p$),
    (5, $p$a;b;c;$p$),
    (6, $p$back\slash \' \\ \0 \x41$p$),
    (7, $p$$$ DROP TABLE tourney.sessions; $$$p$),
    (8, $p$$x$ x $x$; DROP SCHEMA tourney CASCADE; --$p$),
    (9, $p$"double" "quoted"); DROP TABLE tourney.tasks; --$p$),
    (10, $p$%s%s%s%s%s%n%n%d%x%p%%$p$),
    (11, $p$Zoë Ångström — ñandú 🏆 日本語 中文 한국어 مرحبا עברית$p$),
    (12, E'line1\nline2\r\ttab\u00a0nbsp\u200bzwsp'),
    (13, $p$*/ SELECT pg_sleep(10); /*$p$),
    (14, $p$1; UPDATE tourney.tournaments SET status = 'completed'; --$p$),
    (15, $p$ＫＮＯＣＫＯＵＴ$p$),
    (16, repeat($p$'";\$$ $p$, 20000));

-- the state before
CREATE TEMP TABLE before AS
    SELECT (SELECT count(*) FROM tourney.players) AS players,
           (SELECT count(*) FROM tourney.tournaments) AS tournaments,
           (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'tourney') AS relations;

-- An enum text argument: its SQLSTATE and message.
CREATE FUNCTION pg_temp.try_enum(which text, payload text) RETURNS text[]
LANGUAGE plpgsql AS $$
BEGIN
    CASE which
        WHEN 'format' THEN
            PERFORM tourney.create_tournament('injection', payload);
        WHEN 'scoring_type' THEN
            PERFORM tourney.create_tournament('injection', 'knockout', payload);
        WHEN 'ranking_direction' THEN
            PERFORM tourney.create_tournament('injection', 'knockout', 'score_based', payload);
        WHEN 'run_scenario format' THEN
            PERFORM tourney.run_scenario(2, payload);
        WHEN 'grand_final' THEN
            PERFORM tourney.create_tournament('injection', 'double_elimination', grand_final => payload);
        WHEN 'group_tiebreak' THEN
            PERFORM tourney.create_tournament('injection', 'groups_knockout', group_count => 2, group_tiebreak => payload);
        WHEN 'run_scenario grand_final' THEN
            PERFORM tourney.run_scenario(3, 'double_elimination', grand_final => payload);
        WHEN 'run_scenario group_tiebreak' THEN
            PERFORM tourney.run_scenario(4, 'groups_knockout', group_count => 2, advance_per_group => 1,
                                         group_tiebreak => payload);
        WHEN 'update_ratings method' THEN
            PERFORM tourney.update_ratings((SELECT tournament_id FROM cup), payload);
        WHEN 'create_tournament_with_id format' THEN
            PERFORM tourney.create_tournament_with_id(140737488355999, 'injection', payload);
        WHEN 'create_tournament_with_id scoring_type' THEN
            PERFORM tourney.create_tournament_with_id(140737488355999, 'injection', 'knockout', payload);
        WHEN 'create_tournament_with_id ranking_direction' THEN
            PERFORM tourney.create_tournament_with_id(140737488355999, 'injection', 'knockout', 'score_based', payload);
        WHEN 'create_tournament_with_id grand_final' THEN
            PERFORM tourney.create_tournament_with_id(140737488355999, 'injection', 'double_elimination', grand_final => payload);
        WHEN 'create_tournament_with_id group_tiebreak' THEN
            PERFORM tourney.create_tournament_with_id(140737488355999, 'injection', 'groups_knockout', group_count => 2,
                                                      group_tiebreak => payload);
    END CASE;
    RETURN ARRAY['ok', NULL];
EXCEPTION WHEN OTHERS THEN
    RETURN ARRAY[SQLSTATE, SQLERRM];
END $$;

-- tournaments named after the payloads
CREATE TEMP TABLE named AS
    SELECT i, tourney.create_tournament(s, 'knockout') AS tournament_id FROM payloads;
-- their rows as created, to compare at the end
CREATE TEMP TABLE named_before AS
    SELECT tournament_id, test_support.fingerprint(tournament_id) AS fingerprint FROM named;

SELECT is(t.name, p.s, format('tournament name %s is stored verbatim', p.i))
FROM payloads p JOIN named n USING (i) JOIN tourney.tournaments t USING (tournament_id)
ORDER BY p.i;

SELECT is(octet_length(t.name), octet_length(p.s), format('tournament name %s keeps its length', p.i))
FROM payloads p JOIN named n USING (i) JOIN tourney.tournaments t USING (tournament_id)
ORDER BY p.i;

-- players named after the payloads, through a whole tournament
CREATE TEMP TABLE hostile AS
    WITH ins AS (
        INSERT INTO tourney.players (name, email, rating)
        SELECT s, format('injection-%s@example.org', i), 1500 + i FROM payloads ORDER BY i
        RETURNING player_id, name)
    SELECT p.i, ins.player_id FROM ins JOIN payloads p ON p.s = ins.name;
CREATE TEMP TABLE cup AS
    SELECT tourney.create_tournament((SELECT s FROM payloads WHERE i = 2), 'knockout') AS tournament_id;
SELECT is(tourney.enroll((SELECT tournament_id FROM cup),
                         ARRAY(SELECT player_id FROM hostile ORDER BY i)),
          16, 'the 16 players with hostile names are enrolled');
SELECT isnt(tourney.generate_sessions((SELECT tournament_id FROM cup), async => false), NULL,
            'their tournament is generated');
SELECT is(tourney.simulate_results((SELECT tournament_id FROM cup), 3), 16, 'and simulated');
SELECT is(tourney.calculate_rankings((SELECT tournament_id FROM cup)), 16, 'and ranked');
SELECT lives_ok(format('SELECT tourney.complete_tournament(%s)', (SELECT tournament_id FROM cup)),
                'and completed');

SELECT is(s.name, p.s, format('player name %s comes back verbatim from standings', p.i))
FROM payloads p JOIN hostile h USING (i)
LEFT JOIN tourney.standings((SELECT tournament_id FROM cup)) s ON s.player_id = h.player_id
ORDER BY p.i;
SELECT is(tourney.update_ratings((SELECT tournament_id FROM cup)), 16, 'and rated (update_ratings)');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p JOIN hostile h USING (i)
           JOIN tourney.players x ON x.player_id = h.player_id
           WHERE x.name IS DISTINCT FROM p.s
              OR NOT EXISTS (SELECT FROM tourney.rating_history r
                             WHERE r.tournament_id = (SELECT tournament_id FROM cup) AND r.player_id = h.player_id
                               AND r.rating_after = x.rating)),
          NULL, 'each has a history row and the rating it records; the names are untouched');

-- the same players through a double elimination and groups -> knockout
-- named after payloads
CREATE TEMP TABLE cups AS
SELECT tourney.create_tournament((SELECT s FROM payloads WHERE i = 3), 'double_elimination', grand_final => 'simple') AS de,
       tourney.create_tournament((SELECT s FROM payloads WHERE i = 8), 'groups_knockout', group_count => 4,
                                 group_tiebreak => 'head_to_head') AS gk;
SELECT is(tourney.enroll(de, ARRAY(SELECT player_id FROM hostile ORDER BY i)) +
          tourney.enroll(gk, ARRAY(SELECT player_id FROM hostile ORDER BY i)), 32,
          'they are enrolled in a double elimination and a groups_knockout')
FROM cups;
SELECT is((SELECT count(*)::int FROM cups, LATERAL (SELECT tourney.generate_sessions(de, async => false),
                                                           tourney.generate_sessions(gk, async => false)) x), 1,
          'both are generated');
SELECT is((SELECT tourney.simulate_results(de, 5) >= 30 AND tourney.simulate_results(gk, 5) = 24 + 8 FROM cups), true,
          'and simulated to the end');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p JOIN hostile h USING (i), cups
           LEFT JOIN tourney.group_tables(cups.gk) g ON true
           WHERE g.player_id = h.player_id AND g.name IS DISTINCT FROM p.s),
          NULL, 'player names come back verbatim from group_tables');
SELECT is((SELECT count(*)::int FROM cups, tourney.group_tables(cups.gk)), 16, 'group_tables has the 16 players');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p JOIN hostile h USING (i), cups
           LEFT JOIN tourney.standings(cups.de) s ON true
           WHERE s.player_id = h.player_id AND s.name IS DISTINCT FROM p.s),
          NULL, 'and from the double elimination''s standings');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p JOIN hostile h USING (i), cups
           LEFT JOIN tourney.standings(cups.de, 16) s ON true
           WHERE s.player_id = h.player_id AND s.name IS DISTINCT FROM p.s),
          NULL, 'and from its first 16 rows by standings with top');
SELECT is((SELECT array_agg(t.name ORDER BY t.tournament_id) FROM tourney.tournaments t, cups WHERE t.tournament_id IN (cups.de, cups.gk)),
          ARRAY[(SELECT s FROM payloads WHERE i = 3), (SELECT s FROM payloads WHERE i = 8)],
          'their names are stored verbatim');

-- enum text arguments: 22023, the text quoted in the message
SELECT ok(r[1] = '22023' AND position('"' || p.s || '"' IN r[2]) > 0,
          format('%s %s: 22023 and the text quoted in the message (got %s: %s)',
                 w.which, p.i, r[1], regexp_replace(left(r[2], 120), '[[:space:][:cntrl:]]', ' ', 'g')))
FROM payloads p
CROSS JOIN (VALUES (1, 'format'), (2, 'scoring_type'), (3, 'ranking_direction'),
                   (4, 'run_scenario format'), (5, 'grand_final'), (6, 'group_tiebreak'),
                   (7, 'run_scenario grand_final'), (8, 'run_scenario group_tiebreak'),
                   (9, 'update_ratings method'), (10, 'create_tournament_with_id format'),
                   (11, 'create_tournament_with_id scoring_type'), (12, 'create_tournament_with_id ranking_direction'),
                   (13, 'create_tournament_with_id grand_final'), (14, 'create_tournament_with_id group_tiebreak')) w(o, which)
CROSS JOIN LATERAL pg_temp.try_enum(w.which, p.s) r
ORDER BY w.o, p.i;

-- campuses named after the payloads, with closures whose reasons are the
-- payloads, and a tournament of the hostile players on them, scheduled and
-- changed live (SPEC §3b): names and reasons are data, stored and read
-- back verbatim, and the schedule holds
CREATE TEMP TABLE hostile_campuses AS
    WITH ins AS (
        INSERT INTO tourney.campuses (name, courts)
        SELECT s, 1 + i % 3 FROM payloads ORDER BY i
        RETURNING campus_id, name)
    SELECT p.i, ins.campus_id FROM ins JOIN payloads p ON p.s = ins.name;
INSERT INTO tourney.campus_closures (campus_id, during, reason)
SELECT h.campus_id, tstzrange('2031-01-01', '2031-01-02'), p.s FROM hostile_campuses h JOIN payloads p USING (i);
INSERT INTO tourney.campus_hours (campus_id, open)
SELECT campus_id, tstzrange('2030-01-01 08:00+00', '2030-01-03 20:00+00') FROM hostile_campuses;
CREATE TEMP TABLE field AS
    SELECT tourney.create_tournament((SELECT s FROM payloads WHERE i = 13), 'knockout',
                                     campus_ids => ARRAY(SELECT campus_id FROM hostile_campuses ORDER BY i)) AS tournament_id;
SELECT is(tourney.enroll((SELECT tournament_id FROM field), ARRAY(SELECT player_id FROM hostile ORDER BY i)), 16,
          'the hostile players are enrolled in a knockout on the 16 hostile campuses');
SELECT isnt(tourney.generate_sessions((SELECT tournament_id FROM field), async => false), NULL, 'generated');
SELECT is((tourney.schedule_sessions((SELECT tournament_id FROM field), '2030-01-01 09:00+00', 30, 10) ->> 'sessions')::int, 16,
          'and scheduled: 16 sessions');
SELECT is(test_support.schedule_problems((SELECT tournament_id FROM field)), '', 'the schedule on the hostile campuses is sound');
-- the live changes, each as it would be called by an application
CREATE FUNCTION pg_temp.field_session(r int, m int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT test_support.session_id((SELECT tournament_id FROM field), r, m) $$;
SELECT lives_ok(format('SELECT tourney.move_session(%s, %L)', pg_temp.field_session(4, 1), '2030-01-02 10:00+00'),
                'move_session on a hostile campus');
SELECT lives_ok(format('SELECT tourney.swap_sessions(%s, %s)', pg_temp.field_session(1, 1), pg_temp.field_session(1, 2)),
                'swap_sessions between hostile campuses');
SELECT lives_ok(format('SELECT tourney.swap_players(%s, 1, %s, 2)', pg_temp.field_session(1, 3), pg_temp.field_session(1, 4)),
                'swap_players between hostile players');
SELECT lives_ok(format('SELECT tourney.delay_sessions(%s, %L, 15)', (SELECT tournament_id FROM field), '2030-01-01 09:30+00'),
                'delay_sessions');
SELECT cmp_ok((SELECT count(*)::int FROM tourney.close_campus((SELECT tournament_id FROM field),
                                                             (SELECT campus_id FROM hostile_campuses WHERE i = 2),
                                                             '2030-01-01 09:00+00', '2030-01-03 20:00+00')), '>', 0,
              'close_campus of the campus named after payload 2 moves its sessions');
SELECT is(test_support.schedule_problems((SELECT tournament_id FROM field)), '', 'the schedule is still sound');
SELECT is(c.name, p.s, format('campus name %s is stored verbatim', p.i))
FROM payloads p JOIN hostile_campuses h USING (i) JOIN tourney.campuses c USING (campus_id)
ORDER BY p.i;
SELECT is((SELECT array_agg(k.reason ORDER BY k.during) FROM tourney.campus_closures k WHERE k.campus_id = h.campus_id),
          CASE WHEN p.i = 2 THEN ARRAY['close_campus for tournament ' || (SELECT tournament_id FROM field), p.s]
               ELSE ARRAY[p.s] END,
          format('closure reason %s is stored verbatim%s', p.i, CASE WHEN p.i = 2 THEN ', next to close_campus''s own' ELSE '' END))
FROM payloads p JOIN hostile_campuses h USING (i)
ORDER BY p.i;
-- a guard's refusal names the campus by id, and quotes none of its text
SELECT is(test_support.sqlstate_of(format(
              'INSERT INTO tourney.campus_closures VALUES (%s, tstzrange(%L, %L), %L); '
              'SET CONSTRAINTS tourney.campus_closures_guard IMMEDIATE',
              (SELECT campus_id FROM hostile_campuses WHERE i = 4), '2030-01-01 08:00+00', '2030-01-03 20:00+00',
              (SELECT s FROM payloads WHERE i = 4))), '22023',
          'a closure with a hostile reason over scheduled sessions is refused by the guard (22023), as data');

-- a data node behind a PL/Proxy proxy (SPEC §8): tournaments named after
-- the payloads made with the ids a proxy gives, players whose names and
-- emails are the payloads written by put_players, campuses by
-- put_campuses; all stored verbatim under the ids given
CREATE TEMP TABLE named_with_id AS
    SELECT i, tourney.create_tournament_with_id(140737488355328 + i, s, 'knockout') AS tournament_id FROM payloads;
SELECT is(t.name, p.s, format('tournament name %s is stored verbatim by create_tournament_with_id', p.i))
FROM payloads p JOIN named_with_id n USING (i) JOIN tourney.tournaments t USING (tournament_id)
WHERE t.tournament_id = 140737488355328 + p.i
ORDER BY p.i;
SELECT is(ARRAY(SELECT tourney.put_players(ARRAY(SELECT 140737488355428 + i FROM payloads ORDER BY i),
                                           ARRAY(SELECT s FROM payloads ORDER BY i), NULL,
                                           ARRAY(SELECT s FROM payloads ORDER BY i), '\x0badc0de')),
          ARRAY(SELECT 140737488355428 + i FROM payloads ORDER BY i),
          'put_players writes the 16 players named after the payloads, the payloads as emails too');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p
           LEFT JOIN tourney.players x ON x.player_id = 140737488355428 + p.i
           WHERE x.name IS DISTINCT FROM p.s OR x.email IS DISTINCT FROM p.s),
          NULL, 'their names and emails are stored verbatim, under the ids given');
SELECT is(ARRAY(SELECT tourney.put_players(ARRAY(SELECT 140737488355428 + i FROM payloads ORDER BY i),
                                           ARRAY(SELECT s FROM payloads ORDER BY i), NULL,
                                           ARRAY(SELECT s FROM payloads ORDER BY i), '\x0badc0de')),
          ARRAY(SELECT 140737488355428 + i FROM payloads ORDER BY i),
          'the same batch again is harmless: the hostile values compare equal to themselves');
SELECT is(ARRAY(SELECT tourney.put_campuses(ARRAY(SELECT 140737488355528 + i FROM payloads ORDER BY i),
                                            ARRAY(SELECT s || ' (node)' FROM payloads ORDER BY i))),
          ARRAY(SELECT 140737488355528 + i FROM payloads ORDER BY i),
          'put_campuses writes the 16 campuses named after the payloads');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p
           LEFT JOIN tourney.campuses c ON c.campus_id = 140737488355528 + p.i
           WHERE c.name IS DISTINCT FROM p.s || ' (node)'),
          NULL, 'their names are stored verbatim, under the ids given');
-- an event day of the put_players players in the tournament named after
-- payload 14 (an UPDATE of every status): check-in, the draw, a
-- withdrawal, a walkover, then the cancellation
CREATE TEMP TABLE day AS SELECT 140737488355342::bigint AS tournament_id;
SELECT is(tourney.enroll((SELECT tournament_id FROM day), ARRAY(SELECT 140737488355428 + i FROM payloads ORDER BY i)), 16,
          'the 16 players put on the node are enrolled in the tournament named after payload 14');
SELECT is(tourney.check_in((SELECT tournament_id FROM day), ARRAY(SELECT 140737488355428 + i FROM payloads WHERE i <> 5 ORDER BY i)), 15,
          'all but the one named after payload 5 check in');
SELECT is(tourney.drop_unchecked((SELECT tournament_id FROM day)), 1, 'and that one is dropped');
SELECT isnt(tourney.generate_sessions((SELECT tournament_id FROM day), async => false), NULL, 'the 15 are drawn');
SELECT lives_ok(format('SELECT * FROM tourney.withdraw_player(%s, %s)', (SELECT tournament_id FROM day), 140737488355428 + 2),
                'the player named after payload 2 withdraws');
SELECT is((SELECT array_agg(player_id) FROM tourney.enrollments
           WHERE tournament_id = (SELECT tournament_id FROM day) AND withdrawn_at IS NOT NULL),
          ARRAY[140737488355428 + 2]::bigint[], 'and is recorded as withdrawn, nobody else');
SELECT lives_ok(format('SELECT tourney.submit_walkover(%s, 1)',
                       (SELECT min(s.session_id) FROM tourney.sessions s WHERE s.tournament_id = (SELECT tournament_id FROM day)
                          AND NOT s.result_submitted
                          AND (SELECT count(*) FROM tourney.session_participants x
                               WHERE x.tournament_id = s.tournament_id AND x.session_id = s.session_id) = 2)),
                'a walkover between two of them');
SELECT is((SELECT array_agg(p.i ORDER BY p.i) FROM payloads p
           LEFT JOIN tourney.standings((SELECT tournament_id FROM day)) s ON s.player_id = 140737488355428 + p.i
           WHERE p.i <> 5 AND s.name IS DISTINCT FROM p.s),
          NULL, 'standings give their names back verbatim');
SELECT lives_ok(format('SELECT tourney.cancel_tournament(%s)', (SELECT tournament_id FROM day)), 'the tournament is cancelled');
SELECT is((SELECT format('%s/%s', status, name = (SELECT s FROM payloads WHERE i = 14)) FROM tourney.tournaments
           WHERE tournament_id = (SELECT tournament_id FROM day)),
          'cancelled/t', 'it is cancelled, its name as given');

-- the functions without text arguments: a payload given as their uuid or
-- interval is refused by the type's own input (22P02, 22007), never run
CREATE FUNCTION pg_temp.typed_states(q text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    p record;
    states text[] := '{}';
BEGIN
    FOR p IN SELECT s FROM payloads ORDER BY i LOOP
        BEGIN
            EXECUTE q USING p.s;
            states := states || 'ok'::text;
        EXCEPTION WHEN OTHERS THEN
            states := states || SQLSTATE::text;
        END;
    END LOOP;
    RETURN ARRAY(SELECT DISTINCT x FROM unnest(states) x ORDER BY x);
END $$;
SELECT is(pg_temp.typed_states(q), want, format('%s with each payload -> %s', f, want))
FROM (VALUES
    ('generation_status', 'SELECT tourney.generation_status($1::uuid)', '{22P02}'::text[]),
    ('wait_for_task', 'SELECT tourney.wait_for_task($1::uuid, ''10 ms'')', '{22P02}'),
    ('wait_for_task timeout', 'SELECT tourney.wait_for_task(''00000000-0000-0000-0000-000000000000'', $1::interval)', '{22007}'),
    ('cancel_task', 'SELECT tourney.cancel_task($1::uuid)', '{22P02}'),
    ('task_percent', 'SELECT tourney.task_percent($1::uuid)', '{22P02}'),
    ('tournament_checked', 'SELECT tourney.tournament_checked($1::bigint)', '{22P02}'),
    ('tallies_rebuild', 'SELECT tourney.tallies_rebuild($1::bigint)', '{22P02}'),
    ('submit_result', 'SELECT tourney.submit_result(1, $1::numeric[])', '{22P02}'),
    ('correct_result', 'SELECT * FROM tourney.correct_result(1, ARRAY[$1::numeric])', '{22P02}'),
    ('put_ratings', 'SELECT * FROM tourney.put_ratings(ARRAY[1], $1::float8[], ARRAY[350], ARRAY[0.06])', '{22P02}')) v(f, q, want);

-- nothing was executed
SELECT has_table('tourney', t, format('table tourney.%s still exists', t))
FROM unnest(ARRAY['campuses', 'players', 'tournaments', 'enrollments', 'sessions',
                  'session_participants', 'byes', 'rankings', 'tasks', 'campus_hours', 'campus_closures',
                  'schedule_requests', 'rating_history', 'tallies', 'progress', 'bookings', 'global_batches']) t;
SELECT is(to_regclass('public.injected'), NULL, 'no table public.injected was created');
SELECT is((SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'tourney'), (SELECT relations FROM before),
          'schema tourney has the same relations as before');
SELECT is((SELECT count(*) FROM tourney.players), (SELECT players + 32 FROM before),
          'players: only the 16 inserted and the 16 put ones were added');
SELECT is((SELECT count(*) FROM tourney.tournaments), (SELECT tournaments + 36 FROM before),
          'tournaments: only the 20 created and the 16 created with an id were added');
SELECT is((SELECT count(*) FROM tourney.tournaments t JOIN named_with_id n USING (tournament_id)
           WHERE t.status <> 'draft' AND t.tournament_id <> (SELECT tournament_id FROM day)), 0::bigint,
          'the tournaments created with an id are drafts, but for the one cancelled');
SELECT is((SELECT count(*) FROM tourney.tournaments t JOIN named n USING (tournament_id)
           WHERE t.status <> 'draft'), 0::bigint,
          'the payload-named tournaments are all still drafts');
SELECT is((SELECT array_agg(b.tournament_id ORDER BY b.tournament_id) FROM named_before b
           WHERE test_support.fingerprint(b.tournament_id) IS DISTINCT FROM b.fingerprint),
          NULL, 'no row of a payload-named tournament changed since it was created');

SELECT * FROM finish();
ROLLBACK;
