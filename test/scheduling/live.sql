-- The live changes of a schedule (SPEC §3b, §4; issue 14): move_session,
-- swap_sessions, swap_players, delay_sessions, close_campus, request_id,
-- and the guards of campus_hours, campus_closures and campuses.courts.
--
-- Every accepted change is followed by the SQL checker over every
-- tournament of the database (test_support.schedule_violations, written
-- without the C code's checks); every refused one must leave every table
-- as it was (test_support.fingerprint: sessions' campus, court and times,
-- participants, closures, requests included).  The concurrent side (who
-- waits, 55P03) is in test/specs/schedule_*.spec and scheduling/races.sh.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SET LOCAL jit = off;

SELECT plan(181);

----------------------------------------------------------------------------
-- Fixtures
----------------------------------------------------------------------------
-- campuses: L1 2 courts; L2 2 courts, open 08:00-20:00 on 1 and 2 January
-- 2030 and closed 15:00-16:00 on the 1st; L3 3 courts; L4 1 court; L5 2
-- courts, open 09:00-11:00 on 2 January
-- K  knockout of 16 on L1 and L2, from 1 Jan 09:00, 30 min, rest 10
-- O  knockout of 8 on L1 and L3 at the same time (around K's bookings)
-- H  knockout of 8 on L2 and L5 on 2 January
-- U  knockout of 4 on L4 alone
-- V  knockout of 8 on an implicit venue of 2 courts
-- R  round robin of 6 (implicit, 4 courts: the fourth stays free); S4 Swiss of 4 with round 1
--    played (round 2 paired); S6 Swiss of 6 (4 courts), round 1's third
--    session moved to 09:40 before it was played; I individual ranking
--    of 4, 2 rounds, 1 court, 20 min, rest 15; G groups -> knockout of 8
--    (group stage); D double elimination of 8; N a knockout not
--    scheduled; C completed; X cancelled; W Swiss of 4 on L5 whose
--    round 2 found no room (unscheduled)
DO $fixtures$
DECLARE
    c bigint[] := test_support.campuses(5, 'live', '{2,2,3,1,2}');
    t bigint;
BEGIN
    INSERT INTO test_support.fixtures (key, id) SELECT 'L' || i, c[i] FROM generate_series(1, 5) i;
    INSERT INTO tourney.campus_hours VALUES
        (c[2], tstzrange('2030-01-01 08:00+00', '2030-01-01 20:00+00')),
        (c[2], tstzrange('2030-01-02 08:00+00', '2030-01-02 20:00+00')),
        (c[5], tstzrange('2030-01-02 09:00+00', '2030-01-02 11:00+00'));
    INSERT INTO tourney.campus_closures VALUES (c[2], tstzrange('2030-01-01 15:00+00', '2030-01-01 16:00+00'), 'live: lunch');

    INSERT INTO test_support.fixtures (key, id) VALUES
        ('K', test_support.tournament('knockout', n => 16, name => 'live K', seeded => true, generate => true,
                                      campus_ids => c[1:2])),
        ('O', test_support.tournament('knockout', n => 8, name => 'live O', seeded => true, generate => true,
                                      campus_ids => ARRAY[c[1], c[3]])),
        ('H', test_support.tournament('knockout', n => 8, name => 'live H', seeded => true, generate => true,
                                      campus_ids => ARRAY[c[2], c[5]])),
        ('U', test_support.tournament('knockout', n => 4, name => 'live U', seeded => true, generate => true,
                                      campus_ids => ARRAY[c[4]])),
        ('V', test_support.tournament('knockout', n => 8, name => 'live V', seeded => true, generate => true)),
        ('R', test_support.tournament('round_robin', n => 6, name => 'live R', seeded => true, generate => true)),
        ('S4', test_support.tournament('swiss', n => 4, name => 'live S4', seeded => true, generate => true,
                                       number_of_rounds => 3)),
        ('S6', test_support.tournament('swiss', n => 6, name => 'live S6', seeded => true, generate => true,
                                       number_of_rounds => 3)),
        ('I', test_support.tournament('individual_ranking', n => 4, name => 'live I', seeded => true, generate => true,
                                      number_of_rounds => 2)),
        ('G', test_support.tournament('groups_knockout', n => 8, name => 'live G', seeded => true, generate => true,
                                      group_count => 2)),
        ('D', test_support.tournament('double_elimination', n => 8, name => 'live D', seeded => true, generate => true)),
        ('N', test_support.tournament('knockout', n => 4, name => 'live N', seeded => true, generate => true)),
        ('C', test_support.tournament('knockout', n => 4, name => 'live C', seeded => true, generate => true)),
        ('X', test_support.tournament('knockout', n => 4, name => 'live X', seeded => true, generate => true)),
        ('W', test_support.tournament('swiss', n => 4, name => 'live W', seeded => true, generate => true,
                                      number_of_rounds => 2, campus_ids => ARRAY[c[5]]));
    PERFORM tourney.schedule_sessions(test_support.id('K'), '2030-01-01 09:00+00', 30, 10);
    PERFORM tourney.schedule_sessions(test_support.id('O'), '2030-01-01 09:00+00', 30, 10);
    PERFORM tourney.schedule_sessions(test_support.id('H'), '2030-01-02 09:00+00', 30, 10);
    PERFORM tourney.schedule_sessions(test_support.id('U'), '2030-01-01 09:00+00', 30, 10);
    PERFORM tourney.schedule_sessions(test_support.id('V'), '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM tourney.schedule_sessions(test_support.id('R'), '2030-01-01 09:00+00', 30, 10, 4);
    PERFORM tourney.schedule_sessions(test_support.id('S4'), '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM test_support.play_in_order(test_support.id('S4'), most => 2);
    PERFORM tourney.schedule_sessions(test_support.id('S6'), '2030-01-01 09:00+00', 30, 10, 4);
    PERFORM tourney.schedule_sessions(test_support.id('I'), '2030-01-01 09:00+00', 20, 15, 1);
    PERFORM tourney.schedule_sessions(test_support.id('G'), '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM tourney.schedule_sessions(test_support.id('D'), '2030-01-01 09:00+00', 30, 10, 2);
    t := test_support.id('C');
    PERFORM tourney.schedule_sessions(t, '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM tourney.simulate_results(t);
    PERFORM tourney.calculate_rankings(t);
    PERFORM tourney.complete_tournament(t);
    PERFORM tourney.schedule_sessions(test_support.id('X'), '2030-01-01 09:00+00', 30, 10, 2);
    UPDATE tourney.tournaments SET status = 'cancelled' WHERE tournament_id = test_support.id('X');
    PERFORM tourney.schedule_sessions(test_support.id('W'), '2030-01-02 09:00+00', 30, 40);

    -- sessions by place: kR_M for K's main round R match M, kF/kT its final
    -- and third place; the same with o, v, h, u, c, x, n
    INSERT INTO test_support.fixtures (key, id)
    SELECT lower(f.key) || s.round || '_' || s.match_number, s.session_id
    FROM test_support.fixtures f JOIN tourney.sessions s ON s.tournament_id = f.id
    WHERE f.key IN ('K', 'O', 'H', 'U', 'V', 'R', 'S4', 'S6', 'I', 'N', 'C', 'X', 'W') AND s.stage = 'main';
    INSERT INTO test_support.fixtures (key, id)
    SELECT lower(f.key) || CASE s.stage WHEN 'third_place' THEN 'T' ELSE 'F' END, s.session_id
    FROM test_support.fixtures f JOIN tourney.sessions s ON s.tournament_id = f.id
    WHERE f.key IN ('K', 'O', 'V', 'C') AND s.round = (SELECT max(round) FROM tourney.sessions x WHERE x.tournament_id = f.id)
      AND s.stage IN ('main', 'third_place');
    INSERT INTO test_support.fixtures (key, id)
    SELECT 'g' || row_number() OVER (ORDER BY s.session_id), s.session_id
    FROM tourney.sessions s WHERE s.tournament_id = test_support.id('G') AND s.stage = 'group' AND s.round = 1;
    INSERT INTO test_support.fixtures (key, id)
    SELECT 'd' || left(s.stage, 1) || s.round || '_' || s.match_number, s.session_id
    FROM tourney.sessions s WHERE s.tournament_id = test_support.id('D') AND s.stage IN ('winners', 'losers');
END $fixtures$;
-- S6: round 1's third session moved to 09:40, then round 1 played: round 2
-- is scheduled the rest after 10:10
SELECT tourney.move_session(test_support.id('s61_3'), '2030-01-01 09:40+00') \g /dev/null
SELECT test_support.play_in_order(test_support.id('S6'), most => 3) \g /dev/null
INSERT INTO test_support.fixtures (key, id)
SELECT 's6' || s.round || '_' || s.match_number, s.session_id FROM tourney.sessions s
WHERE s.tournament_id = test_support.id('S6') AND s.round = 2;
-- W: round 1 played at 09:00; round 2 (rest 40) would end after 11:00
SET LOCAL client_min_messages = error;  -- the warning that round 2 found no room
SELECT test_support.play_in_order(test_support.id('W'), most => 2) \g /dev/null
RESET client_min_messages;
INSERT INTO test_support.fixtures (key, id)
SELECT 'w' || s.round || '_' || s.match_number, s.session_id FROM tourney.sessions s
WHERE s.tournament_id = test_support.id('W') AND s.round = 2;

SELECT is((SELECT string_agg(v.kind || ' ' || v.session_id, ', ') FROM test_support.schedule_violations(NULL) v
           WHERE v.kind <> 'unscheduled' OR v.session_id NOT IN (test_support.id('w2_1'), test_support.id('w2_2'))),
          NULL, 'the fixtures'' schedules are sound, every tournament together (W''s round 2 is left unscheduled)');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('W') AND round = 2 AND starts_at IS NULL),
          2, 'W: round 2 is written but found no room in the hours: unscheduled');

----------------------------------------------------------------------------
-- The harness
----------------------------------------------------------------------------
-- Run a live change (its @key@ fixtures put in); kept when it succeeds.
-- want 'ok': it succeeds and no invariant is broken anywhere afterwards
-- (W's unscheduled round 2 aside); else: it fails with that SQLSTATE and
-- every table is as it was.
CREATE FUNCTION pg_temp.change(what text, q text, want text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    stmt text := test_support.subst(q);
    before text := test_support.fingerprint();
    before_schedule text := test_support.schedule_fingerprint();
    o test_support.outcome;
    problems text;
    changed boolean;
BEGIN
    o := test_support.capture(stmt);
    -- every table, and (the same, said explicitly) every session's campus,
    -- court, times and participants
    changed := test_support.fingerprint() <> before OR test_support.schedule_fingerprint() <> before_schedule;
    SELECT string_agg(v.kind || ' ' || v.session_id || coalesce('/' || v.other_id, ''), ', ') INTO problems
    FROM test_support.schedule_violations(NULL) v
    WHERE v.kind <> 'unscheduled' OR v.session_id NOT IN (test_support.id('w2_1'), test_support.id('w2_2'));
    IF want = 'ok' THEN
        RETURN NEXT ok(o.sqlstate = 'ok' AND problems IS NULL, what || ': accepted, every invariant holds');
    ELSE
        RETURN NEXT ok(o.sqlstate = want AND NOT changed, format('%s: %s, nothing changed', what, want));
    END IF;
    IF NOT (o.sqlstate = want AND (want = 'ok' AND problems IS NULL OR want <> 'ok' AND NOT changed)) THEN
        RETURN NEXT diag(format('    %s%s%s', o.sqlstate, ': ' || o.message,
                                CASE WHEN changed AND want <> 'ok' THEN ' (tables changed)' ELSE '' END)
                         || coalesce(E'\n    problems: ' || problems, ''));
    END IF;
END $$;

-- A session's place as text: campus (L1 .. L5 or -), court, start, end (UTC).
CREATE FUNCTION pg_temp.place(session_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('%s/%s %s-%s', coalesce((SELECT f.key FROM test_support.fixtures f
                                           WHERE f.key LIKE 'L_' AND f.id = s.campus_id), '-'),
                  s.court, to_char(s.starts_at AT TIME ZONE 'UTC', 'DD HH24:MI'), to_char(s.ends_at AT TIME ZONE 'UTC', 'HH24:MI'))
    FROM tourney.sessions s WHERE s.session_id = $1
$$;

-- Everything of a tournament's schedule, kept to compare after a change.
CREATE TEMP TABLE kept (label text, session_id bigint, campus_id bigint, court int, starts_at timestamptz,
                        ends_at timestamptz, pending boolean, players bigint[]);
CREATE FUNCTION pg_temp.keep(label text, tournament_id bigint) RETURNS void
LANGUAGE sql AS $$
    DELETE FROM kept WHERE kept.label = $1;
    INSERT INTO kept
    SELECT $1, s.session_id, s.campus_id, s.court, s.starts_at, s.ends_at, NOT s.result_submitted,
           ARRAY(SELECT p.player_id FROM tourney.session_participants p
                 WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id ORDER BY p.slot)
    FROM tourney.sessions s WHERE s.tournament_id = $2;
$$;

----------------------------------------------------------------------------
-- move_session
----------------------------------------------------------------------------
SELECT pg_temp.keep('K before moves', test_support.id('K'));
SELECT pg_temp.change(what, q, want) FROM (VALUES
    ('move K''s final an hour later (campus and court kept)',
     $$SELECT tourney.move_session(@kF@, (SELECT starts_at + interval '1 hour' FROM tourney.sessions WHERE session_id = @kF@))$$, 'ok'),
    ('move K''s third place to L2 court 2 at 14:00', $$SELECT tourney.move_session(@kT@, '2030-01-01 14:00+00', @L2@, 2)$$, 'ok'),
    ('move it to court 1 of its campus at 14:30', $$SELECT tourney.move_session(@kT@, '2030-01-01 14:30+00', court => 1)$$, 'ok'),
    ('move it to the same place again', $$SELECT tourney.move_session(@kT@, '2030-01-01 14:30+00', @L2@, 1)$$, 'ok'),
    ('move it in UTC+9 (14:00 UTC written 23:00+09)', $$SELECT tourney.move_session(@kT@, '2030-01-01 23:00+09')$$, 'ok')
) v(what, q, want);
SELECT is(pg_temp.place(test_support.id('kT')), 'L2/1 01 14:00-14:30',
          'K''s third place is at L2 court 1, 14:00-14:30: campus kept, court kept, 30 minutes long');
SELECT is((SELECT s.starts_at - k.starts_at || ' ' || (s.ends_at - s.starts_at) FROM tourney.sessions s JOIN kept k USING (session_id)
           WHERE k.label = 'K before moves' AND s.session_id = test_support.id('kF')),
          '01:00:00 00:30:00', 'K''s final moved an hour, still 30 minutes long');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN kept k USING (session_id)
           WHERE k.label = 'K before moves' AND (s.campus_id, s.court, s.starts_at) IS DISTINCT FROM (k.campus_id, k.court, k.starts_at)),
          2, 'no other session of K moved');

SELECT pg_temp.change(what, q, want) FROM (VALUES
    -- courts and players
    ('move K''s R1M1 onto the court and time of R1M2 (same campus)',
     $$SELECT tourney.move_session(@k1_1@, s.starts_at, s.campus_id, s.court) FROM tourney.sessions s
       WHERE s.session_id = (SELECT x.session_id FROM tourney.sessions x JOIN tourney.sessions y ON y.session_id = @k1_1@
                             WHERE x.tournament_id = @K@ AND x.round = 1 AND x.campus_id = y.campus_id
                               AND x.court <> y.court AND x.starts_at = y.starts_at)$$, '23P01'),
    ('move K''s R1M1 15 minutes later, into the next session on its court',
     $$SELECT tourney.move_session(@k1_1@, starts_at + interval '15 min') FROM tourney.sessions WHERE session_id = @k1_1@$$, '23P01'),
    ('move K''s final onto a court of L1 at the time O has a session there',
     $$SELECT tourney.move_session(@kF@, o.starts_at + interval '10 min', o.campus_id, o.court) FROM tourney.sessions o
       WHERE o.session_id = (SELECT min(session_id) FROM tourney.sessions WHERE tournament_id = @O@ AND campus_id = @L1@
                              AND starts_at > '2030-01-01 12:00+00')$$, '23P01'),
    ('move V''s final onto its other court at the time of V''s third place',
     $$SELECT tourney.move_session(@vF@, t.starts_at, court => t.court) FROM tourney.sessions t WHERE t.session_id = @vT@$$, '23P01'),
    ('move R''s R2M1 to the time of its first player''s round 1 session, on the free fourth court',
     $$SELECT tourney.move_session(@r2_1@, (SELECT o.starts_at FROM tourney.sessions o
         JOIN tourney.session_participants op USING (tournament_id, session_id)
         JOIN tourney.session_participants me ON me.tournament_id = op.tournament_id AND me.player_id = op.player_id
         WHERE me.session_id = @r2_1@ AND me.slot = 1 AND o.round = 1), court => 4)$$, '23P01'),
    -- rest, precedence, rounds
    ('move R''s R2M1 to 5 minutes after its first player''s round 1 session ends (rest 10), on a court free then',
     $$SELECT tourney.move_session(@r2_1@, x.e + interval '5 min', court => 4)
       FROM (SELECT o.ends_at AS e FROM tourney.sessions o JOIN tourney.session_participants op USING (tournament_id, session_id)
             JOIN tourney.session_participants me ON me.tournament_id = op.tournament_id AND me.player_id = op.player_id
             WHERE me.session_id = @r2_1@ AND me.slot = 1 AND o.round = 1) x$$, '23514'),
    ('move K''s final to 5 minutes after its later semi-final ends (rest 10), on the court that semi-final leaves',
     $$SELECT tourney.move_session(@kF@, f.ends_at + interval '5 min', f.campus_id, f.court) FROM tourney.sessions f
       WHERE f.next_session_id = @kF@ ORDER BY f.ends_at DESC LIMIT 1$$, '23514'),
    ('move S6''s R2M1 (players of R1M1 and R1M2, done 09:30) to 09:50 on court 4: players rested, round 1 ends 10:10',
     $$SELECT tourney.move_session(@s62_1@, '2030-01-01 09:50+00', court => 4)$$, '23514'),
    -- hours, closures, places
    ('move K''s final into L2''s closure (15:00-16:00)', $$SELECT tourney.move_session(@kF@, '2030-01-01 15:30+00', @L2@, 1)$$, '22023'),
    ('move it to end in L2''s closure', $$SELECT tourney.move_session(@kF@, '2030-01-01 14:40+00', @L2@, 1)$$, '22023'),
    ('move it to L2 after closing time', $$SELECT tourney.move_session(@kF@, '2030-01-01 19:45+00', @L2@, 1)$$, '22023'),
    ('move it to L2 at night', $$SELECT tourney.move_session(@kF@, '2030-01-01 23:00+00', @L2@, 1)$$, '22023'),
    ('move it to L3, not a campus of K', $$SELECT tourney.move_session(@kF@, '2030-01-01 14:00+00', @L3@, 1)$$, '22023'),
    ('move it to court 3 of L2 (2 courts)', $$SELECT tourney.move_session(@kF@, '2030-01-01 14:00+00', @L2@, 3)$$, '22023'),
    ('move V''s final to court 3 of its venue (2 courts)', $$SELECT tourney.move_session(@vF@, '2030-01-01 14:00+00', court => 3)$$, '22023'),
    ('move V''s final to a campus (it has none)', $$SELECT tourney.move_session(@vF@, '2030-01-01 14:00+00', @L1@, 1)$$, '22023'),
    ('move it to an unknown campus', $$SELECT tourney.move_session(@kF@, '2030-01-01 14:00+00', 9223372036854775807, 1)$$, 'P0002'),
    ('move an unknown session', $$SELECT tourney.move_session(9223372036854775807, '2030-01-01 14:00+00')$$, 'P0002'),
    ('move a session with a result (S4''s R1M1)', $$SELECT tourney.move_session(@s41_1@, '2030-01-01 14:00+00')$$, '55000'),
    ('move W''s R2M1, not scheduled', $$SELECT tourney.move_session(@w2_1@, '2030-01-02 10:00+00')$$, '55000'),
    ('move a session of N, not scheduled at all', $$SELECT tourney.move_session(@n1_1@, '2030-01-01 14:00+00')$$, '55000'),
    ('move a session of C, completed', $$SELECT tourney.move_session(@cF@, '2030-01-01 14:00+00')$$, '55000'),
    ('move a session of X, cancelled', $$SELECT tourney.move_session(@x1_1@, '2030-01-01 14:00+00')$$, '55000'),
    ('move to infinity', $$SELECT tourney.move_session(@kF@, 'infinity')$$, '22023'),
    ('move with court 0', $$SELECT tourney.move_session(@kF@, '2030-01-01 14:00+00', court => 0)$$, '22023'),
    ('move with a NULL start', $$SELECT tourney.move_session(@kF@, NULL)$$, '22004')
) v(what, q, want);
-- A session moved before the tournament's start (schedule_starts_at):
-- not one of SPEC §3b's invariants (1)-(5), though the research lists
-- "starts no earlier than the tournament start" among the properties
-- (§5.4).  Refused, or accepted with (1)-(5) intact; rolled back.
CREATE FUNCTION pg_temp.before_start() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    o test_support.outcome;
    problems text;
BEGIN
    BEGIN
        o := test_support.capture(test_support.subst($q$SELECT tourney.move_session(@v1_1@, '2030-01-01 08:00+00')$q$));
        SELECT string_agg(DISTINCT v.kind, ',') INTO problems FROM test_support.schedule_violations(test_support.id('V')) v;
        RAISE SQLSTATE 'TZ0RB';
    EXCEPTION WHEN SQLSTATE 'TZ0RB' THEN
        NULL;
    END;
    RETURN o.sqlstate || coalesce(': ' || problems, '');
END $$;
SELECT ok(x IN ('22023', 'ok: before start'),
          'move V''s R1M1 an hour before V starts: refused (22023) or accepted with SPEC''s invariants intact: ' || x)
FROM pg_temp.before_start() x;

----------------------------------------------------------------------------
-- swap_sessions
----------------------------------------------------------------------------
SELECT pg_temp.keep('K before swap', test_support.id('K'));
SELECT pg_temp.change('swap K''s R1M1 (L1) and R1M2 (L2), both at 09:00', $$SELECT tourney.swap_sessions(@k1_1@, @k1_2@)$$, 'ok');
SELECT is((SELECT string_agg(format('%s:%s', a.session_id = test_support.id('k1_1'),
                                    (s.campus_id, s.court, s.starts_at, s.ends_at) = (b.campus_id, b.court, b.starts_at, b.ends_at)), ' '
                             ORDER BY a.session_id)
           FROM kept a JOIN kept b ON b.label = a.label AND b.session_id <> a.session_id
                       AND b.session_id IN (test_support.id('k1_1'), test_support.id('k1_2'))
           JOIN tourney.sessions s ON s.session_id = a.session_id
           WHERE a.label = 'K before swap' AND a.session_id IN (test_support.id('k1_1'), test_support.id('k1_2'))),
          't:t f:t', 'the two exchanged campus, court, start and end exactly');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN kept k USING (session_id)
           WHERE k.label = 'K before swap' AND ((s.campus_id, s.court, s.starts_at, s.ends_at)
                 IS DISTINCT FROM (k.campus_id, k.court, k.starts_at, k.ends_at)
                 OR ARRAY(SELECT p.player_id FROM tourney.session_participants p
                          WHERE p.session_id = s.session_id ORDER BY p.slot) <> k.players)),
          2, 'nothing else changed, and the players stayed in their sessions');
SELECT pg_temp.change(what, q, want) FROM (VALUES
    ('swap them back', $$SELECT tourney.swap_sessions(@k1_2@, @k1_1@)$$, 'ok'),
    ('swap K''s R1M1 (09:00) and R1M8 (09:30): R1M1 would end when its round 2 session starts (rest 10)',
     $$SELECT tourney.swap_sessions(@k1_1@, @k1_8@)$$, '23514'),
    ('swap K''s final and third place', $$SELECT tourney.swap_sessions(@kF@, @kT@)$$, 'ok'),
    ('swap V''s R1M1 and R1M2', $$SELECT tourney.swap_sessions(@v1_1@, @v1_2@)$$, 'ok'),
    ('swap a session with itself', $$SELECT tourney.swap_sessions(@kF@, @kF@)$$, '22023'),
    ('swap K''s R1M1 with its round 2 session', $$SELECT tourney.swap_sessions(@k1_1@, @k2_1@)$$, '23514'),
    ('swap K''s R1M2 (L2) with O''s R1M1 (L1): O''s session would go to L2', $$SELECT tourney.swap_sessions(@k1_2@, @o1_1@)$$, '22023'),
    ('swap with a session with a result', $$SELECT tourney.swap_sessions(@s41_1@, @s41_2@)$$, '55000'),
    ('swap with a session of a completed tournament', $$SELECT tourney.swap_sessions(@cF@, @kF@)$$, '55000'),
    ('swap with an unknown session', $$SELECT tourney.swap_sessions(@kF@, 9223372036854775807)$$, 'P0002'),
    ('swap in N, not scheduled', $$SELECT tourney.swap_sessions(@n1_1@, @n1_2@)$$, '55000'),
    ('swap with W''s unscheduled R2M1', $$SELECT tourney.swap_sessions(@w2_1@, @w2_2@)$$, '55000'),
    ('swap NULL', $$SELECT tourney.swap_sessions(NULL, @kF@)$$, '22004')
) v(what, q, want);

----------------------------------------------------------------------------
-- swap_players
----------------------------------------------------------------------------
SELECT pg_temp.keep('K before players', test_support.id('K'));
SELECT pg_temp.change('swap K''s R1M1 slot 1 with R1M2 slot 2', $$SELECT tourney.swap_players(@k1_1@, 1, @k1_2@, 2)$$, 'ok');
SELECT is((SELECT array_agg(p.player_id ORDER BY p.session_id, p.slot) FROM tourney.session_participants p
           WHERE p.session_id IN (test_support.id('k1_1'), test_support.id('k1_2'))),
          (SELECT ARRAY[b.players[2], a.players[2], b.players[1], a.players[1]]
           FROM kept a, kept b WHERE a.label = 'K before players' AND b.label = a.label
             AND a.session_id = test_support.id('k1_1') AND b.session_id = test_support.id('k1_2')),
          'the two players changed places, the others stayed');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN kept k USING (session_id)
           WHERE k.label = 'K before players' AND (s.campus_id, s.court, s.starts_at, s.ends_at)
                 IS DISTINCT FROM (k.campus_id, k.court, k.starts_at, k.ends_at)), 0, 'no session moved');
SELECT is(test_support.bracket_errors(test_support.id('K')), 0::bigint, 'K''s bracket is sound after the swap');
SELECT pg_temp.change(what, q, want) FROM (VALUES
    ('swap them back', $$SELECT tourney.swap_players(@k1_2@, 2, @k1_1@, 1)$$, 'ok'),
    ('swap players of N (no schedule)', $$SELECT tourney.swap_players(@n1_1@, 1, @n1_2@, 1)$$, 'ok'),
    ('swap players of D''s winners round 1', $$SELECT tourney.swap_players(@dw1_1@, 2, @dw1_2@, 2)$$, 'ok'),
    ('swap S4''s round 2 players into new pairs (1-4, 3-2)', $$SELECT tourney.swap_players(@s42_1@, 2, @s42_2@, 2)$$, 'ok'),
    ('swap I''s round 1 players (individual ranking)', $$SELECT tourney.swap_players(@i1_1@, 1, @i1_2@, 1)$$, 'ok'),
    ('swap the player of I''s R1M2 (09:20, round 2 at 10:20) into R1M4 (10:00-10:20): no rest before round 2 (15)',
     $$SELECT tourney.swap_players(@i1_2@, 1, @i1_4@, 1)$$, '23514'),
    ('swap S4''s round 2 back into a rematch of round 1', $$SELECT tourney.swap_players(@s42_1@, 2, @s42_2@, 1)$$, '22023'),
    ('swap players of R (round robin)', $$SELECT tourney.swap_players(@r1_1@, 1, @r1_2@, 1)$$, '22023'),
    ('swap players of G''s group stage', $$SELECT tourney.swap_players(@g1@, 1, @g2@, 1)$$, '22023'),
    ('swap a slot K''s round 2 gets from round 1', $$SELECT tourney.swap_players(@k2_1@, 1, @k2_2@, 1)$$, '22023'),
    ('swap a slot D''s losers'' round 1 gets from the winners''', $$SELECT tourney.swap_players(@dl1_1@, 1, @dw1_1@, 1)$$, '22023'),
    ('swap between rounds (K''s R1M1 and R2M1)', $$SELECT tourney.swap_players(@k1_1@, 1, @k2_1@, 1)$$, '22023'),
    ('swap between tournaments (K and O)', $$SELECT tourney.swap_players(@k1_1@, 1, @o1_1@, 1)$$, '22023'),
    ('swap within one session', $$SELECT tourney.swap_players(@k1_1@, 1, @k1_1@, 2)$$, '22023'),
    ('swap slot 3', $$SELECT tourney.swap_players(@k1_1@, 3, @k1_2@, 1)$$, '22023'),
    ('swap slot 0', $$SELECT tourney.swap_players(@k1_1@, 1, @k1_2@, 0)$$, '22023'),
    ('swap slot 2 of an individual ranking session (one participant)', $$SELECT tourney.swap_players(@i1_1@, 2, @i1_2@, 1)$$, '22023'),
    ('swap players of a session with a result', $$SELECT tourney.swap_players(@s41_1@, 1, @s41_2@, 1)$$, '55000'),
    ('swap players in C, completed', $$SELECT tourney.swap_players(@c1_1@, 1, @c1_2@, 1)$$, '55000'),
    ('swap with an unknown session', $$SELECT tourney.swap_players(@k1_1@, 1, 9223372036854775807, 1)$$, 'P0002'),
    ('swap with a NULL slot', $$SELECT tourney.swap_players(@k1_1@, NULL, @k1_2@, 1)$$, '22004')
) v(what, q, want);

----------------------------------------------------------------------------
-- delay_sessions
----------------------------------------------------------------------------
SELECT pg_temp.keep('V before delay', test_support.id('V'));
CREATE TEMP TABLE delayed AS
SELECT test_support.capture(format('SELECT tourney.delay_sessions(%s, %L, 25)', test_support.id('V'), '2030-01-01 09:40+00')) AS o,
       (SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('V') AND starts_at >= '2030-01-01 09:40+00'
           AND NOT result_submitted) AS due;
SELECT is((o).sqlstate, 'ok', 'delay V''s sessions from 09:40 by 25 minutes') FROM delayed;
SELECT is(tourney.delay_sessions(test_support.id('V'), '2030-01-01 09:40+00', 5, '7f000000-0000-0000-0000-00000000de1a'),
          (SELECT due FROM delayed), 'delay_sessions returns how many it shifted (those starting at or after from_time)');
SELECT is((SELECT string_agg(DISTINCT (s.starts_at - k.starts_at)::text || '/' || (k.starts_at >= '2030-01-01 09:40+00'), ' ')
           FROM tourney.sessions s JOIN kept k USING (session_id) WHERE k.label = 'V before delay'),
          '00:00:00/false 00:30:00/true', 'every session from 09:40 on moved 25 + 5 minutes, none before');
SELECT is(test_support.schedule_problems(NULL) = '' OR test_support.schedule_problems(NULL) ~ '^unscheduled [0-9]+, unscheduled [0-9]+$', true,
          'every invariant holds after the delays');
SELECT pg_temp.change(what, q, want) FROM (VALUES
    ('delay K by 6 hours: L2''s sessions into its closure', $$SELECT tourney.delay_sessions(@K@, '2030-01-01 09:00+00', 360)$$, '22023'),
    ('delay K by 10 hours: past L2''s closing time', $$SELECT tourney.delay_sessions(@K@, '2030-01-01 09:00+00', 600)$$, '22023'),
    ('delay K by 5 minutes: its L1 sessions into O''s', $$SELECT tourney.delay_sessions(@K@, '2030-01-01 09:00+00', 5)$$, '23P01'),
    ('delay by 0 minutes', $$SELECT tourney.delay_sessions(@V@, '2030-01-01 09:00+00', 0)$$, '22023'),
    ('delay by -10 minutes', $$SELECT tourney.delay_sessions(@V@, '2030-01-01 09:00+00', -10)$$, '22023'),
    ('delay by 2^31 - 1 minutes', $$SELECT tourney.delay_sessions(@V@, '2030-01-01 09:00+00', 2147483647)$$, '22023'),
    ('delay from -infinity', $$SELECT tourney.delay_sessions(@V@, '-infinity', 10)$$, '22023'),
    ('delay N (no schedule)', $$SELECT tourney.delay_sessions(@N@, '2030-01-01 09:00+00', 10)$$, '55000'),
    ('delay C (completed)', $$SELECT tourney.delay_sessions(@C@, '2030-01-01 09:00+00', 10)$$, '55000'),
    ('delay an unknown tournament', $$SELECT tourney.delay_sessions(9223372036854775807, '2030-01-01 09:00+00', 10)$$, 'P0002')
) v(what, q, want);
SELECT is(tourney.delay_sessions(test_support.id('V'), '2030-01-05 09:00+00', 10), 0,
          'delay from after the last session: nothing to shift, 0');
-- a session with a result never moves: S4's round 1 (played) stays when
-- the delay starts before it
SELECT pg_temp.keep('S4 before delay', test_support.id('S4'));
SELECT pg_temp.change('delay S4 from 08:00 by 60 minutes (round 1 has results)',
                      $$SELECT tourney.delay_sessions(@S4@, '2030-01-01 08:00+00', 60)$$, 'ok');
SELECT is((SELECT string_agg(format('%s:%s', NOT k.pending, s.starts_at - k.starts_at), ' ' ORDER BY s.round, s.match_number)
           FROM tourney.sessions s JOIN kept k USING (session_id) WHERE k.label = 'S4 before delay'),
          't:00:00:00 t:00:00:00 f:01:00:00 f:01:00:00',
          'S4: round 1 (results) did not move, round 2 moved an hour');

----------------------------------------------------------------------------
-- request_id
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.rid(n int) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$ SELECT ('7e000000-0000-0000-0000-' || lpad(n::text, 12, '0'))::uuid $$;
SELECT pg_temp.change('move K''s third place with request 1', format($$SELECT tourney.move_session(@kT@, '2030-01-01 16:00+00', request_id => %L)$$, pg_temp.rid(1)), 'ok');
SELECT is(pg_temp.place(test_support.id('kT')), 'L2/2 01 16:00-16:30', 'request 1 moved it to 16:00');
SELECT pg_temp.change('move it elsewhere without a request', $$SELECT tourney.move_session(@kT@, '2030-01-01 17:00+00')$$, 'ok');
CREATE FUNCTION pg_temp.replay(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    before text := test_support.fingerprint();
    got text := test_support.sqlstate_of(test_support.subst(q));
BEGIN
    RETURN got || CASE WHEN test_support.fingerprint() = before THEN ', nothing changed' ELSE ', tables changed' END;
END $$;
SELECT is(pg_temp.replay(format($$SELECT tourney.move_session(@kT@, '2030-01-01 16:00+00', request_id => %L)$$, pg_temp.rid(1))),
          'ok, nothing changed', 'request 1 again, same arguments: ok, and it changes nothing (not even back to 16:00)');
SELECT is(pg_temp.place(test_support.id('kT')), 'L2/2 01 17:00-17:30', 'the later move stands');
SELECT is(pg_temp.replay(format($$SELECT tourney.move_session(@kT@, '2030-01-01 16:00+00', request_id => %L)$$, pg_temp.rid(1))),
          'ok, nothing changed', 'and again');
SELECT is(pg_temp.replay(format($$SET LOCAL TimeZone = 'America/New_York';
                                  SELECT tourney.move_session(@kT@, '2030-01-01 11:00-05', request_id => %L)$$, pg_temp.rid(1))),
          'ok, nothing changed', 'request 1 with the same instant written in another time zone: the same arguments');
RESET TimeZone;
SELECT is(pg_temp.replay(q), '22023, nothing changed', 'request 1 with ' || what || ': 22023')
FROM (VALUES
    ('another time', format($$SELECT tourney.move_session(@kT@, '2030-01-01 16:05+00', request_id => %L)$$, pg_temp.rid(1))),
    ('a court given', format($$SELECT tourney.move_session(@kT@, '2030-01-01 16:00+00', court => 2, request_id => %L)$$, pg_temp.rid(1))),
    ('another session', format($$SELECT tourney.move_session(@kF@, '2030-01-01 16:00+00', request_id => %L)$$, pg_temp.rid(1))),
    ('another function', format($$SELECT tourney.swap_sessions(@kT@, @kF@, %L)$$, pg_temp.rid(1))),
    ('delay_sessions', format($$SELECT tourney.delay_sessions(@K@, '2030-01-01 16:00+00', 5, %L)$$, pg_temp.rid(1)))
) v(what, q);
-- keyed per tournament: the same id in V is a new request
SELECT pg_temp.change('request 1 in another tournament (V): a request of its own',
                      format($$SELECT tourney.move_session(@vF@, (SELECT starts_at + interval '1 day' FROM tourney.sessions
                                                                  WHERE session_id = @vF@), request_id => %L)$$, pg_temp.rid(1)), 'ok');
SELECT is((SELECT string_agg(operation || ':' || result, ' ' ORDER BY tournament_id) FROM tourney.schedule_requests
           WHERE request_id = pg_temp.rid(1)), 'move_session:null move_session:null', 'request 1 is kept once per tournament');
-- a refused call keeps no request: the id can be used again
SELECT pg_temp.change('request 2, refused (into O''s booking)',
                      format($$SELECT tourney.move_session(@kF@, o.starts_at, o.campus_id, o.court, %L) FROM tourney.sessions o
                               WHERE o.session_id = (SELECT max(session_id) FROM tourney.sessions WHERE tournament_id = @O@
                                                     AND campus_id = @L1@)$$, pg_temp.rid(2)), '23P01');
SELECT pg_temp.change('request 2 again with a place that is free', format($$SELECT tourney.move_session(@kF@, '2030-01-01 18:00+00', @L2@, 1, %L)$$, pg_temp.rid(2)), 'ok');
-- swap_sessions, swap_players
SELECT pg_temp.change('swap V''s R1M1 and R1M2 with request 3', format($$SELECT tourney.swap_sessions(@v1_1@, @v1_2@, %L)$$, pg_temp.rid(3)), 'ok');
SELECT is(pg_temp.replay(format($$SELECT tourney.swap_sessions(@v1_1@, @v1_2@, %L)$$, pg_temp.rid(3))), 'ok, nothing changed',
          'request 3 again: not swapped back');
SELECT is(pg_temp.replay(format($$SELECT tourney.swap_sessions(@v1_2@, @v1_1@, %L)$$, pg_temp.rid(3))), '22023, nothing changed',
          'request 3 with the sessions the other way round: other arguments, 22023');
SELECT pg_temp.change('swap K''s players with request 4', format($$SELECT tourney.swap_players(@k1_3@, 1, @k1_4@, 1, %L)$$, pg_temp.rid(4)), 'ok');
SELECT is(pg_temp.replay(format($$SELECT tourney.swap_players(@k1_3@, 1, @k1_4@, 1, %L)$$, pg_temp.rid(4))), 'ok, nothing changed',
          'request 4 again: the players are not swapped back');
SELECT is(pg_temp.replay(format($$SELECT tourney.swap_players(@k1_3@, 2, @k1_4@, 1, %L)$$, pg_temp.rid(4))), '22023, nothing changed',
          'request 4 with another slot: 22023');
-- delay_sessions: the first count again
SELECT is(tourney.delay_sessions(test_support.id('V'), '2030-01-01 09:40+00', 5, '7f000000-0000-0000-0000-00000000de1a'),
          (SELECT due FROM delayed), 'the delay''s request again: its first count');
SELECT is(pg_temp.replay(format($$SELECT tourney.delay_sessions(@V@, '2030-01-01 09:40+00', 5, %L)$$, '7f000000-0000-0000-0000-00000000de1a')),
          'ok, nothing changed', 'and nothing shifted');
SELECT is(pg_temp.replay(format($$SELECT tourney.delay_sessions(@V@, '2030-01-01 09:40+00', 6, %L)$$, '7f000000-0000-0000-0000-00000000de1a')),
          '22023, nothing changed', 'the delay''s request with other minutes: 22023');

----------------------------------------------------------------------------
-- close_campus
----------------------------------------------------------------------------
-- K and O share L1.  Closing L1 10:00-12:00 for K moves K's pending
-- sessions there to L2; O's sessions at L1 in that window would then lie
-- in the closure: the deferred guard refuses the transaction at COMMIT
-- (SET CONSTRAINTS ... IMMEDIATE fires it here) unless close_campus is
-- called for O too
SELECT pg_temp.keep('K before close', test_support.id('K'));
SELECT pg_temp.keep('O before close', test_support.id('O'));
CREATE TEMP TABLE closed_k AS SELECT x AS session_id FROM tourney.close_campus(test_support.id('K'), test_support.id('L1'),
                                                                             '2030-01-01 10:00+00', '2030-01-01 12:00+00') x;
SELECT is((SELECT array_agg(session_id ORDER BY session_id) FROM closed_k),
          (SELECT array_agg(session_id ORDER BY session_id) FROM kept
           WHERE label = 'K before close' AND pending AND campus_id = test_support.id('L1')
             AND tstzrange(starts_at, ends_at) && tstzrange('2030-01-01 10:00+00', '2030-01-01 12:00+00')),
          'close_campus returns exactly K''s pending sessions at L1 that overlapped 10:00-12:00');
SELECT cmp_ok((SELECT count(*)::int FROM closed_k), '>=', 3, 'it moved at least three sessions');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('K') AND NOT result_submitted
           AND campus_id = test_support.id('L1')
           AND tstzrange(starts_at, ends_at) && tstzrange('2030-01-01 10:00+00', '2030-01-01 12:00+00')), 0,
          'none of K''s pending sessions is left at L1 in the window');
SELECT is((SELECT string_agg(DISTINCT format('%s %s', s.campus_id = test_support.id('L2'),
                                             s.starts_at >= greatest(k.starts_at, '2030-01-01 10:00+00')), ' ')
           FROM closed_k c JOIN tourney.sessions s USING (session_id) JOIN kept k ON k.label = 'K before close' AND k.session_id = c.session_id),
          't t', 'the moved sessions went to L2, no earlier than planned and no earlier than the closure');
SELECT is((SELECT count(*)::int FROM tourney.sessions s JOIN kept k ON k.label = 'K before close' AND k.session_id = s.session_id
           WHERE s.session_id NOT IN (SELECT session_id FROM closed_k)
             AND (s.campus_id, s.court, s.starts_at) IS DISTINCT FROM (k.campus_id, k.court, k.starts_at)
             AND (s.starts_at < k.starts_at OR s.campus_id <> k.campus_id)), 0,
          'the other sessions of K that moved only moved later, on their own campus');
-- a session that was not lifted moved only if it had to: in the new
-- schedule, something it follows (a session feeding it, its player''s
-- previous session) ends less than rest before where it was
SELECT is((SELECT string_agg(s.session_id::text, ' ') FROM tourney.sessions s
           JOIN kept k ON k.label = 'K before close' AND k.session_id = s.session_id
           WHERE s.session_id NOT IN (SELECT session_id FROM closed_k) AND s.starts_at <> k.starts_at
             AND NOT EXISTS (SELECT FROM tourney.sessions f WHERE f.tournament_id = s.tournament_id
                             AND s.session_id IN (f.next_session_id, f.loser_next_session_id)
                             AND f.ends_at + interval '10 min' > k.starts_at)
             AND NOT EXISTS (SELECT FROM tourney.sessions f
                             JOIN tourney.session_participants fp USING (tournament_id, session_id)
                             JOIN tourney.session_participants sp ON sp.tournament_id = fp.tournament_id
                               AND sp.player_id = fp.player_id AND sp.session_id = s.session_id
                             WHERE f.session_id <> s.session_id AND f.starts_at < s.starts_at
                               AND f.ends_at + interval '10 min' > k.starts_at)),
          NULL, 'every other session that moved had to (what it follows now ends too late for where it was)');
SELECT is((SELECT string_agg(format('R%sM%s', k.round, k.match_number), ' ' ORDER BY k.stage, k.round, k.match_number)
           FROM tourney.sessions s JOIN kept b ON b.label = 'K before close' AND b.session_id = s.session_id
           JOIN tourney.sessions k ON k.session_id = s.session_id
           WHERE s.session_id NOT IN (SELECT session_id FROM closed_k) AND s.starts_at <> b.starts_at),
          'R3M2', 'the one session pushed on: semi-final 2, fed by R2M4 (lifted); semi-final 1 was lifted itself, the final and third place are late already');
SELECT is((SELECT count(*)::int FROM tourney.campus_closures WHERE campus_id = test_support.id('L1')
           AND during = tstzrange('2030-01-01 10:00+00', '2030-01-01 12:00+00')), 1, 'the closure is recorded');
SELECT is(test_support.schedule_problems(test_support.id('K')), '', 'K''s schedule is sound');
SELECT ok((SELECT count(*) FROM kept WHERE label = 'O before close' AND campus_id = test_support.id('L1')
           AND tstzrange(starts_at, ends_at) && tstzrange('2030-01-01 10:00+00', '2030-01-01 12:00+00')) > 0,
          'O has sessions at L1 in the window');
SELECT is(test_support.sqlstate_of('SET CONSTRAINTS tourney.campus_closures_guard IMMEDIATE'), '22023',
          'the closure''s guard refuses (at COMMIT, here at SET CONSTRAINTS IMMEDIATE): O''s sessions lie in it');
CREATE TEMP TABLE closed_o AS SELECT x AS session_id FROM tourney.close_campus(test_support.id('O'), test_support.id('L1'),
                                                                             '2030-01-01 10:00+00', '2030-01-01 12:00+00') x;
SELECT is((SELECT array_agg(session_id ORDER BY session_id) FROM closed_o),
          (SELECT array_agg(session_id ORDER BY session_id) FROM kept
           WHERE label = 'O before close' AND pending AND campus_id = test_support.id('L1')
             AND tstzrange(starts_at, ends_at) && tstzrange('2030-01-01 10:00+00', '2030-01-01 12:00+00')),
          'close_campus for O in the same transaction moves O''s sessions there');
SELECT is(test_support.sqlstate_of('SET CONSTRAINTS tourney.campus_closures_guard IMMEDIATE'), 'ok',
          'now the guard accepts the closures');
SET CONSTRAINTS tourney.campus_closures_guard DEFERRED;
SELECT is(test_support.schedule_problems(NULL) ~ '^(unscheduled [0-9]+(, )?)*$', true, 'every invariant holds, every tournament');

-- replayed: the same ids, nothing changed (no second closure row)
SELECT pg_temp.change('close L1 again for K with request 5 (its sessions are gone from there: nothing to move)',
                      format($$SELECT tourney.close_campus(@K@, @L1@, '2030-01-01 10:00+00', '2030-01-01 12:00+00', %L)$$, pg_temp.rid(5)), 'ok');
SELECT pg_temp.keep('K before close 2', test_support.id('K'));
CREATE TEMP TABLE closed_k2 AS SELECT x AS session_id FROM tourney.close_campus(test_support.id('K'), test_support.id('L2'),
                                                                              '2030-01-01 17:45+00', '2030-01-01 18:45+00',
                                                                              pg_temp.rid(6)) x;
SELECT is((SELECT array_agg(session_id ORDER BY session_id) FROM closed_k2), ARRAY[test_support.id('kF')],
          'close L2 17:45-18:45 for K (request 6): its final (18:00 there) moves, the third place (17:00-17:30) does not');
SELECT is(pg_temp.place(test_support.id('kF')) LIKE 'L1/%', true, 'the final went to L1');
SELECT is(test_support.schedule_problems(test_support.id('K')), '', 'K''s schedule is sound');
CREATE FUNCTION pg_temp.replay_close(rid uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    before text := test_support.fingerprint();
    ids bigint[];
BEGIN
    SELECT array_agg(x ORDER BY x) INTO ids
    FROM tourney.close_campus(test_support.id('K'), test_support.id('L2'), '2030-01-01 17:45+00', '2030-01-01 18:45+00', rid) x;
    RETURN format('%s %s', ids = (SELECT array_agg(session_id ORDER BY session_id) FROM closed_k2),
                  test_support.fingerprint() = before);
END $$;
SELECT is(pg_temp.replay_close(pg_temp.rid(6)), 't t', 'request 6 again: the same ids, and nothing changed (no second closure)');
SELECT is((SELECT count(*)::int FROM tourney.campus_closures WHERE campus_id = test_support.id('L2')
           AND during = tstzrange('2030-01-01 17:45+00', '2030-01-01 18:45+00')), 1, 'one closure recorded');
SELECT is(pg_temp.replay(format($$SELECT tourney.close_campus(@K@, @L2@, '2030-01-01 17:45+00', '2030-01-01 18:50+00', %L)$$, pg_temp.rid(6))),
          '22023, nothing changed', 'request 6 with another to_time: 22023');

-- a transaction that made its constraints immediate (SET CONSTRAINTS ALL
-- IMMEDIATE) can still close a campus: the closure's guard must see the
-- sessions already moved (rolled back afterwards)
SELECT is((test_support.capture(test_support.subst(
              $$SET CONSTRAINTS ALL IMMEDIATE;
                SELECT count(*) FROM tourney.close_campus(@K@, @L2@, '2030-01-01 16:45+00', '2030-01-01 17:45+00')$$),
              rollback => true)).sqlstate, 'ok',
          'close_campus after SET CONSTRAINTS ALL IMMEDIATE: the third place (17:00 at L2) moves, the closure is accepted');

-- refused: nothing changes, no closure row
SELECT pg_temp.change(what, q, want) FROM (VALUES
    ('close L4 for U, which has no other campus', $$SELECT tourney.close_campus(@U@, @L4@, '2030-01-01 09:00+00', '2030-01-01 10:00+00')$$, '55000'),
    ('close L2 for H all day: L5 closes at 11:00', $$SELECT tourney.close_campus(@H@, @L2@, '2030-01-02 08:00+00', '2030-01-02 20:00+00')$$, '55000'),
    ('close with from = to', $$SELECT tourney.close_campus(@K@, @L2@, '2030-01-01 10:00+00', '2030-01-01 10:00+00')$$, '22023'),
    ('close with from after to', $$SELECT tourney.close_campus(@K@, @L2@, '2030-01-01 11:00+00', '2030-01-01 10:00+00')$$, '22023'),
    ('close L3, not a campus of K', $$SELECT tourney.close_campus(@K@, @L3@, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, '22023'),
    ('close an unknown campus', $$SELECT tourney.close_campus(@K@, 9223372036854775807, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, 'P0002'),
    ('close for an unknown tournament', $$SELECT tourney.close_campus(9223372036854775807, @L1@, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, 'P0002'),
    ('close for V, which has no campuses', $$SELECT tourney.close_campus(@V@, @L1@, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, '22023'),
    ('close for N (no schedule)', $$SELECT tourney.close_campus(@N@, @L1@, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, '55000'),
    ('close for C (completed)', $$SELECT tourney.close_campus(@C@, @L1@, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, '55000'),
    ('close until infinity', $$SELECT tourney.close_campus(@K@, @L2@, '2030-01-01 10:00+00', 'infinity')$$, '22023'),
    ('close with a NULL campus', $$SELECT tourney.close_campus(@K@, NULL, '2030-01-01 10:00+00', '2030-01-01 11:00+00')$$, '22004')
) v(what, q, want);

----------------------------------------------------------------------------
-- The guards of campus_hours, campus_closures and campuses.courts
----------------------------------------------------------------------------
-- Each edit runs with the guards made immediate (at COMMIT otherwise), in
-- a subtransaction rolled back afterwards.
CREATE FUNCTION pg_temp.guarded(q text) RETURNS text
LANGUAGE sql AS $$
    SELECT (test_support.capture('SET CONSTRAINTS tourney.campus_hours_guard, tourney.campus_closures_guard,'
                                 ' tourney.campuses_courts_guard IMMEDIATE; ' || test_support.subst(q), rollback => true)).sqlstate
$$;
SELECT is(pg_temp.guarded(q), want, format('%s -> %s', what, want))
FROM (VALUES
    -- hours
    ('delete L2''s hours (always open then)', $$DELETE FROM tourney.campus_hours WHERE campus_id = @L2@$$, 'ok'),
    ('delete L2''s window of 1 January, where K plays', $$DELETE FROM tourney.campus_hours WHERE campus_id = @L2@
                                                          AND lower(open) = '2030-01-01 08:00+00'$$, '22023'),
    ('delete L2''s window of 2 January, where H plays', $$DELETE FROM tourney.campus_hours WHERE campus_id = @L2@
                                                          AND lower(open) = '2030-01-02 08:00+00'$$, '22023'),
    ('open L2 at 10:00 on 1 January', $$UPDATE tourney.campus_hours SET open = tstzrange('2030-01-01 10:00+00', '2030-01-01 20:00+00')
                                        WHERE campus_id = @L2@ AND lower(open) = '2030-01-01 08:00+00'$$, '22023'),
    ('close L2 at 11:00 on 1 January', $$UPDATE tourney.campus_hours SET open = tstzrange('2030-01-01 08:00+00', '2030-01-01 11:00+00')
                                        WHERE campus_id = @L2@ AND lower(open) = '2030-01-01 08:00+00'$$, '22023'),
    ('open L2 longer on 1 January (07:00-22:00)', $$UPDATE tourney.campus_hours SET open = tstzrange('2030-01-01 07:00+00', '2030-01-01 22:00+00')
                                                   WHERE campus_id = @L2@ AND lower(open) = '2030-01-01 08:00+00'$$, 'ok'),
    ('move L2''s window of 1 January to L3', $$UPDATE tourney.campus_hours SET campus_id = @L3@
                                              WHERE campus_id = @L2@ AND lower(open) = '2030-01-01 08:00+00'$$, '22023'),
    ('replace L2''s hours by one window (delete and insert in one transaction)',
     $$DELETE FROM tourney.campus_hours WHERE campus_id = @L2@;
       INSERT INTO tourney.campus_hours VALUES (@L2@, tstzrange('2030-01-01 06:00+00', '2030-01-03 00:00+00'))$$, 'ok'),
    ('replace them by a window that ends on 1 January',
     $$DELETE FROM tourney.campus_hours WHERE campus_id = @L2@;
       INSERT INTO tourney.campus_hours VALUES (@L2@, tstzrange('2030-01-01 06:00+00', '2030-01-02 00:00+00'))$$, '22023'),
    ('give L3 (always open) hours that hold its sessions', $$INSERT INTO tourney.campus_hours VALUES (@L3@, tstzrange('2030-01-01 08:00+00', '2030-01-01 18:00+00'))$$, 'ok'),
    ('give L3 hours from 10:00 (O played there at 09:00)', $$INSERT INTO tourney.campus_hours VALUES (@L3@, tstzrange('2030-01-01 10:00+00', '2030-01-01 18:00+00'))$$, '22023'),
    ('give L1 hours on another day only', $$INSERT INTO tourney.campus_hours VALUES (@L1@, tstzrange('2030-02-01 08:00+00', '2030-02-01 18:00+00'))$$, '22023'),
    ('hours for a new campus, without sessions',
     $$INSERT INTO tourney.campuses (name) VALUES ('live guard spare');
       INSERT INTO tourney.campus_hours SELECT campus_id, tstzrange('2030-01-01 10:00+00', '2030-01-01 11:00+00')
       FROM tourney.campuses WHERE name = 'live guard spare'$$, 'ok'),
    -- closures
    ('close L3 over O''s sessions', $$INSERT INTO tourney.campus_closures VALUES (@L3@, tstzrange('2030-01-01 09:00+00', '2030-01-01 13:00+00'), 'x')$$, '22023'),
    ('close L3 on another day', $$INSERT INTO tourney.campus_closures VALUES (@L3@, tstzrange('2030-02-01 09:00+00', '2030-02-01 13:00+00'), 'x')$$, 'ok'),
    ('close L3 for one minute at 09:29', $$INSERT INTO tourney.campus_closures VALUES (@L3@, tstzrange('2030-01-01 09:29+00', '2030-01-01 09:30+00'), 'x')$$, '22023'),
    ('stretch L2''s closure over K''s third place (17:00-17:30)', $$UPDATE tourney.campus_closures SET during = tstzrange('2030-01-01 15:00+00', '2030-01-01 19:00+00')
                                                            WHERE campus_id = @L2@ AND reason = 'live: lunch'$$, '22023'),
    ('move L2''s closure to L1', $$UPDATE tourney.campus_closures SET campus_id = @L1@ WHERE campus_id = @L2@ AND reason = 'live: lunch'$$, 'ok'),
    ('move L2''s closure to H''s day', $$UPDATE tourney.campus_closures SET during = tstzrange('2030-01-02 09:00+00', '2030-01-02 10:00+00')
                                       WHERE campus_id = @L2@ AND reason = 'live: lunch'$$, '22023'),
    ('delete L2''s closure', $$DELETE FROM tourney.campus_closures WHERE campus_id = @L2@$$, 'ok'),
    -- courts
    ('L3 down to 1 court (O plays on courts 2 and 3)', $$UPDATE tourney.campuses SET courts = 1 WHERE campus_id = @L3@$$, '22023'),
    ('L2 up to 4 courts', $$UPDATE tourney.campuses SET courts = 4 WHERE campus_id = @L2@$$, 'ok'),
    ('L4 down to 1 court (it has 1)', $$UPDATE tourney.campuses SET courts = 1 WHERE campus_id = @L4@$$, 'ok'),
    ('L1 renamed', $$UPDATE tourney.campuses SET name = 'live L1 renamed' WHERE campus_id = @L1@$$, 'ok'),
    ('L2 to 0 courts', $$UPDATE tourney.campuses SET courts = 0 WHERE campus_id = @L2@$$, '23514')
) v(what, q, want);
SELECT is((test_support.capture(test_support.subst(
              $$INSERT INTO tourney.campus_closures VALUES (@L3@, tstzrange('2030-01-01 09:00+00', '2030-01-01 13:00+00'), 'x')$$),
              rollback => true)).sqlstate, 'ok',
          'without SET CONSTRAINTS the refused closure is only refused at COMMIT (deferred): the INSERT itself passes');
SELECT is(test_support.schedule_problems(NULL) ~ '^(unscheduled [0-9]+(, )?)*$', true, 'every invariant still holds');

SELECT * FROM finish();
ROLLBACK;
