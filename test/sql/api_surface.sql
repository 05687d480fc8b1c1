--
-- api_surface: the SQL surface of tourney and a small knockout, end to end.
-- SQLSTATEs are checked by the pgTAP tests (test/); this test shows what a
-- user sees: objects, the bracket as it fills, messages, the final ranking.
--

-- the extension and its objects
SELECT extname, extversion, extrelocatable, extnamespace::regnamespace AS schema
FROM pg_extension WHERE extname = 'tourney';

SELECT p.proname AS function,
       pg_get_function_identity_arguments(p.oid) AS arguments,
       pg_get_function_result(p.oid) AS returns
FROM pg_proc p
WHERE p.pronamespace = 'tourney'::regnamespace AND p.prorettype <> 'trigger'::regtype
ORDER BY 1, 2;

SELECT c.relname AS table_name
FROM pg_class c
WHERE c.relnamespace = 'tourney'::regnamespace AND c.relkind = 'r'
ORDER BY 1;

-- the indexes, and the triggers (the deferred guards of the tables that
-- shape a schedule among them)
SELECT c.relname AS table_name, i.relname AS index_name,
       regexp_replace(pg_get_indexdef(i.oid), '^.* USING ', '') AS definition
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
WHERE c.relnamespace = 'tourney'::regnamespace
ORDER BY 1, 2;

SELECT tgrelid::regclass AS table_name, tgname AS trigger_name, tgfoid::regproc AS function,
       tgconstraint <> 0 AS constraint_trigger, tgdeferrable AS deferrable, tginitdeferred AS initially_deferred
FROM pg_trigger
WHERE NOT tgisinternal AND tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'tourney'::regnamespace)
ORDER BY tgrelid::regclass::text, tgname;

-- the columns of the scheduling tables, and those scheduling added to
-- campuses, tournaments and sessions
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS "default"
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = 'tourney'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  AND (c.relname IN ('campus_hours', 'campus_closures', 'schedule_requests')
       OR (c.relname, a.attname) IN (('campuses', 'courts'), ('tournaments', 'schedule_starts_at'),
                                     ('tournaments', 'match_minutes'), ('tournaments', 'rest_minutes'),
                                     ('tournaments', 'schedule_courts'), ('sessions', 'starts_at'),
                                     ('sessions', 'ends_at'), ('sessions', 'court')))
ORDER BY c.relname, a.attnum;

SELECT t.typname AS enum_type, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
WHERE t.typnamespace = 'tourney'::regnamespace
GROUP BY t.typname
ORDER BY 1;

-- five players; by rating the seeds are Ada 1, Ben 2, Cleo 3, Dan 4, Eve 5
INSERT INTO tourney.players (name, rating) VALUES
    ('Ada', 2100), ('Ben', 1950), ('Cleo', 1800), ('Dan', 1650), ('Eve', 1500);

-- bad arguments are refused before anything is written
SELECT tourney.create_tournament('Spring Cup', 'bracket');
SELECT tourney.create_tournament('Spring Cup', 'knockout', number_of_rounds => 3);
SELECT tourney.create_tournament(NULL, 'knockout');

SELECT tourney.create_tournament('Spring Cup', 'Knockout') AS tid \gset
SELECT name, format, scoring_type, ranking_direction, number_of_rounds,
       third_place_playoff, campus_ids, status
FROM tourney.tournaments WHERE tournament_id = :tid;

SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players ORDER BY player_id)) AS enrolled;
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players WHERE name = 'Ada'));

SELECT tourney.generate_sessions(:tid, async => false) AS task \gset
SELECT kind, status, session_count,
       requested_by = current_user::regrole AS requested_by_me,
       generation_ms IS NOT NULL AS timed
FROM tourney.generation_status(:'task');
SELECT status, sessions_generated_at IS NOT NULL AS generated
FROM tourney.tournaments WHERE tournament_id = :tid;

-- the bracket: 3 byes (Ada, Ben, Cleo wait in round 2), Dan-Eve in round 1
CREATE TEMP VIEW bracket AS
SELECT s.stage, s.round, s.match_number AS match,
       p1.name AS slot1, sp1.score AS score1, p2.name AS slot2, sp2.score AS score2,
       w.name AS winner,
       n.stage || ' ' || n.round || '/' || n.match_number || ' slot ' || s.next_slot AS winner_to,
       l.stage || ' ' || l.round || '/' || l.match_number || ' slot ' || s.loser_next_slot AS loser_to
FROM tourney.sessions s
LEFT JOIN tourney.session_participants sp1
       ON sp1.tournament_id = s.tournament_id AND sp1.session_id = s.session_id AND sp1.slot = 1
LEFT JOIN tourney.players p1 ON p1.player_id = sp1.player_id
LEFT JOIN tourney.session_participants sp2
       ON sp2.tournament_id = s.tournament_id AND sp2.session_id = s.session_id AND sp2.slot = 2
LEFT JOIN tourney.players p2 ON p2.player_id = sp2.player_id
LEFT JOIN tourney.players w ON w.player_id = s.winner_id
LEFT JOIN tourney.sessions n ON n.tournament_id = s.tournament_id AND n.session_id = s.next_session_id
LEFT JOIN tourney.sessions l ON l.tournament_id = s.tournament_id AND l.session_id = s.loser_next_session_id
WHERE s.tournament_id = :tid
ORDER BY s.round, s.stage, s.match_number;

SELECT * FROM bracket;

-- no more enrolments once started
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players WHERE name = 'Ada'));

-- a session by its place in the bracket
CREATE TEMP VIEW places AS
SELECT stage, round, match_number, session_id FROM tourney.sessions WHERE tournament_id = :tid;
SELECT session_id AS r1 FROM places WHERE stage = 'main' AND round = 1 AND match_number = 1 \gset
SELECT session_id AS r2m1 FROM places WHERE stage = 'main' AND round = 2 AND match_number = 1 \gset
SELECT session_id AS r2m2 FROM places WHERE stage = 'main' AND round = 2 AND match_number = 2 \gset
SELECT session_id AS final FROM places WHERE stage = 'main' AND round = 3 AND match_number = 1 \gset
SELECT session_id AS third FROM places WHERE stage = 'third_place' AND round = 3 AND match_number = 1 \gset

-- a time and a court for every session: one venue of two courts, 30
-- minutes a session, 10 minutes' rest; lowest round first
SELECT tourney.schedule_sessions(:tid, '2030-05-01 09:00+00', 30, 10);
SELECT tourney.schedule_sessions(:tid, '2030-05-01 09:00+00', 30, 10, 2);
CREATE TEMP VIEW timetable AS
SELECT s.stage, s.round, s.match_number AS match, s.court,
       to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS starts,
       to_char(s.ends_at AT TIME ZONE 'UTC', 'HH24:MI') AS ends
FROM tourney.sessions s
WHERE s.tournament_id = :tid
ORDER BY s.starts_at, s.court;
SELECT * FROM timetable;

-- live changes: refused with a message, or made
SELECT tourney.move_session(:r1, '2030-05-01 09:00+00', court => 2);
SELECT tourney.move_session(:final, '2030-05-01 09:30+00');
SELECT tourney.move_session(:final, '2030-05-01 11:00+00', campus_id => 1);
SELECT tourney.swap_sessions(:final, :final);
SELECT tourney.swap_players(:r1, 1, :r2m2, 1);
SELECT tourney.delay_sessions(:tid, '2030-05-01 09:00+00', 0);
SELECT * FROM tourney.close_campus(:tid, 1, '2030-05-01 09:00+00', '2030-05-01 12:00+00');
SELECT tourney.move_session(:third, '2030-05-01 12:00+00', court => 1,
                            request_id => '00000000-0000-4000-8000-000000000001');
SELECT tourney.move_session(:third, '2030-05-01 12:00+00', court => 1,
                            request_id => '00000000-0000-4000-8000-000000000001');
SELECT tourney.move_session(:third, '2030-05-01 12:30+00', court => 1,
                            request_id => '00000000-0000-4000-8000-000000000001');
SELECT tourney.delay_sessions(:tid, '2030-05-01 10:00+00', 15) AS delayed;
SELECT * FROM timetable;

-- Ada's opponent is not known yet
SELECT tourney.submit_result(:r2m1, ARRAY[2, 0]);
-- a knockout has no draws, and a session of two takes two scores
SELECT tourney.submit_result(:r1, ARRAY[2, 2]);
SELECT tourney.submit_result(:r1, ARRAY[2]);
-- Eve (seed 5) beats Dan 3:1 and meets Ada
SELECT tourney.submit_result(:r1, ARRAY[1, 3]);
-- sending the same result again is harmless; a different one is refused
SELECT tourney.submit_result(:r1, ARRAY[1, 3]);
SELECT tourney.submit_result(:r1, ARRAY[3, 1]);
-- Ben and Cleo (both byes) were paired at generation
SELECT tourney.submit_result(:r2m2, ARRAY[1, 2]);
SELECT * FROM bracket;

SELECT count(*) AS standings_rows FROM tourney.standings(:tid);
SELECT tourney.calculate_rankings(:tid);
SELECT tourney.complete_tournament(:tid);

SELECT tourney.submit_result(:r2m1, ARRAY[2, 0]);
SELECT tourney.submit_result(:third, ARRAY[0, 1]);
SELECT tourney.submit_result(:final, ARRAY[3, 2]);
SELECT * FROM bracket;

SELECT tourney.complete_tournament(:tid);
SELECT tourney.calculate_rankings(:tid) AS ranked;
SELECT r.rank, p.name, r.points, r.wins, r.losses, r.score_for, r.score_against
FROM tourney.rankings r JOIN tourney.players p USING (player_id)
WHERE r.tournament_id = :tid
ORDER BY r.rank, p.name;
SELECT rank, name, points, wins, losses, score_for, score_against
FROM tourney.standings(:tid)
ORDER BY rank, name;
-- the first rows only, by a plan the backend keeps (a live board's read)
SELECT rank, name, points FROM tourney.standings(:tid, 3);

SELECT tourney.complete_tournament(:tid);
SELECT status, completed_at IS NOT NULL AS completed, rankings_calculated_at IS NOT NULL AS ranked
FROM tourney.tournaments WHERE tournament_id = :tid;

-- deleting a tournament removes all of its rows
DELETE FROM tourney.tournaments WHERE tournament_id = :tid;
SELECT (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid) AS sessions,
       (SELECT count(*) FROM tourney.session_participants WHERE tournament_id = :tid) AS participants,
       (SELECT count(*) FROM tourney.enrollments WHERE tournament_id = :tid) AS enrollments,
       (SELECT count(*) FROM tourney.rankings WHERE tournament_id = :tid) AS rankings,
       (SELECT count(*) FROM tourney.tasks WHERE tournament_id = :tid) AS tasks,
       (SELECT count(*) FROM tourney.schedule_requests WHERE tournament_id = :tid) AS requests;

-- the event day (0.2): its columns, constraints and functions
SELECT c.relname AS table_name, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type,
       a.attnotnull AS not_null, pg_get_expr(d.adbin, d.adrelid) AS "default",
       col_description(a.attrelid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE c.relnamespace = 'tourney'::regnamespace
  AND (c.relname, a.attname) IN (('enrollments', 'checked_in_at'), ('enrollments', 'withdrawn_at'),
                                 ('sessions', 'walkover'), ('tournaments', 'withdrawn_players'))
ORDER BY c.relname, a.attnum;
SELECT conrelid::regclass AS table_name, conname AS constraint_name, pg_get_constraintdef(oid) AS definition
FROM pg_constraint
WHERE connamespace = 'tourney'::regnamespace
  AND (pg_get_constraintdef(oid) LIKE '%walkover%' OR pg_get_constraintdef(oid) LIKE '%withdrawn_players%')
ORDER BY 1, 2;
SELECT p.proname AS function, p.prosecdef AS security_definer, p.provolatile AS volatility, p.proconfig AS settings,
       p.prorows AS rows, obj_description(p.oid, 'pg_proc') AS comment
FROM pg_proc p
WHERE p.pronamespace = 'tourney'::regnamespace
  AND p.proname IN ('check_in', 'drop_unchecked', 'submit_walkover', 'withdraw_player', 'cancel_tournament', 'cancel_task')
ORDER BY 1;

-- check-in before the draw: Fay does not come, and drops out
INSERT INTO tourney.players (name, rating) VALUES ('Fay', 1400);
SELECT tourney.create_tournament('Summer Cup', 'knockout') AS sid \gset
SELECT tourney.enroll(:sid, ARRAY(SELECT player_id FROM tourney.players ORDER BY player_id),
                      ARRAY[NULL, 3, NULL, 7, 5, 1]) AS enrolled;
SELECT tourney.check_in(:sid, ARRAY(SELECT player_id FROM tourney.players WHERE name <> 'Fay' ORDER BY player_id)) AS checked_in;
SELECT tourney.check_in(:sid, ARRAY(SELECT player_id FROM tourney.players WHERE name IN ('Ada', 'Ben'))) AS checked_in_again;
SELECT tourney.check_in(:sid, ARRAY[NULL]::bigint[]);
SELECT tourney.check_in(:sid, ARRAY[9999]);
SELECT tourney.drop_unchecked(:sid) AS dropped;
SELECT p.name, e.seed, e.checked_in_at IS NOT NULL AS checked_in
FROM tourney.enrollments e JOIN tourney.players p USING (player_id)
WHERE e.tournament_id = :sid ORDER BY p.name;
SELECT tourney.generate_sessions(:sid, async => false) IS NOT NULL AS generated;
SELECT tourney.check_in(:sid, ARRAY(SELECT player_id FROM tourney.players WHERE name = 'Ada'));
SELECT tourney.drop_unchecked(:sid);

-- walkovers and a withdrawal
CREATE TEMP VIEW cup AS
SELECT s.stage, s.round, s.match_number AS match, p1.name AS slot1, sp1.score AS score1, sp1.placement AS place1,
       p2.name AS slot2, sp2.score AS score2, sp2.placement AS place2, s.walkover, w.name AS winner
FROM tourney.sessions s
LEFT JOIN tourney.session_participants sp1
       ON sp1.tournament_id = s.tournament_id AND sp1.session_id = s.session_id AND sp1.slot = 1
LEFT JOIN tourney.players p1 ON p1.player_id = sp1.player_id
LEFT JOIN tourney.session_participants sp2
       ON sp2.tournament_id = s.tournament_id AND sp2.session_id = s.session_id AND sp2.slot = 2
LEFT JOIN tourney.players p2 ON p2.player_id = sp2.player_id
LEFT JOIN tourney.players w ON w.player_id = s.winner_id
WHERE s.tournament_id = :sid
ORDER BY s.round, s.stage, s.match_number;
SELECT * FROM cup;
SELECT session_id AS c1 FROM tourney.sessions WHERE tournament_id = :sid AND stage = 'main' AND round = 1 AND match_number = 1 \gset
SELECT session_id AS c2 FROM tourney.sessions WHERE tournament_id = :sid AND stage = 'main' AND round = 2 AND match_number = 1 \gset
SELECT tourney.submit_walkover(:c1, 3);
SELECT tourney.submit_walkover(:c2, 1);
SELECT tourney.submit_walkover(:c1, 2);
SELECT tourney.submit_walkover(:c1, 2);
SELECT tourney.submit_walkover(:c1, 1);
SELECT tourney.submit_result(:c1, ARRAY[1, 0]);
SELECT count(*) AS decided FROM tourney.withdraw_player(:sid, (SELECT player_id FROM tourney.players WHERE name = 'Cleo'));
SELECT * FROM tourney.withdraw_player(:sid, (SELECT player_id FROM tourney.players WHERE name = 'Cleo'));
SELECT * FROM tourney.withdraw_player(:sid, (SELECT player_id FROM tourney.players WHERE name = 'Fay'));
SELECT p.name, e.withdrawn_at IS NOT NULL AS withdrawn
FROM tourney.enrollments e JOIN tourney.players p USING (player_id)
WHERE e.tournament_id = :sid ORDER BY p.name;
SELECT withdrawn_players FROM tourney.tournaments WHERE tournament_id = :sid;
SELECT * FROM cup;
SELECT rank, name, points, wins, losses, score_for, score_against
FROM tourney.standings(:sid)
ORDER BY rank, name;

-- calling it off
SELECT tourney.cancel_tournament(:sid);
SELECT status FROM tourney.tournaments WHERE tournament_id = :sid;
SELECT tourney.submit_result(:c2, ARRAY[1, 0]);
SELECT tourney.cancel_tournament(:sid);
SELECT count(*) AS standings_rows FROM tourney.standings(:sid);

-- a generation queued, then cancelled (in a transaction: no worker sees it)
SELECT tourney.create_tournament('Autumn Cup', 'round_robin') AS aid \gset
SELECT tourney.enroll(:aid, ARRAY(SELECT player_id FROM tourney.players ORDER BY player_id)) AS enrolled;
-- (task ids are random: the messages show them as <task>)
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '[0-9a-f]{8}-[0-9a-f-]{27}', '<task>');
END $$;
BEGIN;
SELECT tourney.generate_sessions(:aid, async => true) AS atask \gset
SELECT status, error = 'cancelled by ' || current_user AS cancelled_by_me, finished_at IS NOT NULL AS finished
FROM tourney.cancel_task(:'atask');
SELECT status FROM tourney.tournaments WHERE tournament_id = :aid;
SELECT pg_temp.try(format('SELECT tourney.cancel_task(%L)', :'atask')) AS cancel_again;
SELECT tourney.generate_sessions(:aid, async => false) IS NOT NULL AS generated_again;
SELECT status, (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :aid) AS sessions
FROM tourney.tournaments WHERE tournament_id = :aid;
SELECT pg_temp.try(format('SELECT tourney.cancel_task(%L)',
                          (SELECT task_id FROM tourney.tasks WHERE tournament_id = :aid AND status = 'done'))) AS cancel_done;
ROLLBACK;
SELECT tourney.cancel_task('00000000-0000-0000-0000-000000000000');

DROP VIEW cup;
DROP VIEW timetable;
DROP VIEW places;
DROP VIEW bracket;
