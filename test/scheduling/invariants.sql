-- The invariants of a schedule (SPEC §3b, issue 14;
-- ../shared/research/scheduling.md §2 for the bounds and §5 for the
-- properties), checked over the rows by test_support.schedule_violations,
-- which is written in SQL here without the C code's checks:
--
-- 1. The checker itself: a sound schedule has no violation, and each kind
--    of violation planted in a rolled-back subtransaction is found.
-- 2. Knockouts of 5, 64 and 1024 players on an implicit venue and on
--    campuses of 1, 2 and 3 courts: sound; makespan >= the bound always,
--    = the bound with 2 courts or more (no hours in the way), the bound
--    recomputed in SQL (SPEC's max over rounds, over all courts and over
--    each campus's own sessions); with one court, rest and a third place
--    only >= (the final and the third place both wait for the rest after
--    the last semi-final).
-- 3. Opening hours over several days and a closure; two tournaments
--    sharing campuses at the same time (their bookings never overlap).
-- 4. Double elimination (= its bound by heights) and its grand-final
--    reset, scheduled when written; groups -> knockout, the knockout
--    scheduled when the group stage is played; round robins of 10 and 17
--    (<= 1.34 x LB_RR, <= 1.2 x from 16 players, over a sweep of courts
--    and rests); Swiss rounds scheduled as they are paired, by
--    submit_result and simulate_results; individual ranking.
-- 5. Identical inputs, identical schedules; schedule_sessions' refusals,
--    which change nothing; a second call with other parameters.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SET LOCAL jit = off;  -- compiling the checker's queries costs more than running them

SELECT plan(132);

-- schedule_sessions' result of every tournament scheduled here, by label
CREATE TEMP TABLE runs (label text PRIMARY KEY, t bigint NOT NULL, r jsonb NOT NULL);

-- schedule_sessions, its result kept under the label; the tournament.
CREATE FUNCTION pg_temp.run(label text, t bigint, starts timestamptz, d int, rest int, courts int DEFAULT NULL)
RETURNS bigint
LANGUAGE sql AS $$
    INSERT INTO runs VALUES (label, t, tourney.schedule_sessions(t, starts, d, rest, courts)) RETURNING t
$$;

CREATE FUNCTION pg_temp.r(label text) RETURNS jsonb
LANGUAGE sql STABLE AS $$ SELECT r FROM runs WHERE runs.label = $1 $$;
CREATE FUNCTION pg_temp.t(label text) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT t FROM runs WHERE runs.label = $1 $$;
CREATE FUNCTION pg_temp.num(label text, field text) RETURNS numeric
LANGUAGE sql STABLE AS $$ SELECT (r ->> field)::numeric FROM runs WHERE runs.label = $1 $$;

-- Two assertions about a schedule just made: no invariant broken, and the
-- result agrees with the rows (sessions placed = sessions scheduled,
-- makespan_minutes and ends_at = the last end, lower bound <= makespan).
CREATE FUNCTION pg_temp.sound(label text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := pg_temp.t(label);
    r jsonb := pg_temp.r(label);
    rows text;
BEGIN
    RETURN NEXT is(test_support.schedule_problems(t), '', label || ': no invariant broken');
    SELECT format('%s sessions, makespan %s, ends %s, bound <= makespan %s',
                  count(*), test_support.makespan(t), max(s.ends_at),
                  (r ->> 'lower_bound_minutes')::numeric <= test_support.makespan(t))
    INTO rows FROM tourney.sessions s WHERE s.tournament_id = t AND s.starts_at IS NOT NULL;
    RETURN NEXT is(format('%s sessions, makespan %s, ends %s, bound <= makespan %s',
                          r ->> 'sessions', (r ->> 'makespan_minutes')::numeric,
                          (r ->> 'ends_at')::timestamptz, true),
                   rows, label || ': the result is the rows'' sessions, makespan and end; bound <= makespan');
END $$;

----------------------------------------------------------------------------
-- Campuses: mixed courts, equal courts, hours over several days
----------------------------------------------------------------------------
-- mixed: 1, 2 and 3 courts; equal: four campuses of 4 courts; hours: 1, 2
-- and 3 courts, open 09:00-18:00 on 3-6 March 2030, the second closed on
-- 4 March 12:00-14:00
INSERT INTO test_support.fixtures (key, ids) VALUES
    ('mixed', test_support.campuses(3, 'inv mixed', '{1,2,3}')),
    ('equal', test_support.campuses(4, 'inv equal', '{4}')),
    ('hours', test_support.campuses(3, 'inv hours', '{1,2,3}')),
    ('twin a', test_support.campuses(3, 'inv twin a', '{1,2,3}')),
    ('twin b', test_support.campuses(3, 'inv twin b', '{1,2,3}'));
INSERT INTO tourney.campus_hours (campus_id, open)
SELECT c, tstzrange(d + time '09:00', d + time '18:00')
FROM unnest(test_support.ids('hours') || test_support.ids('twin a') || test_support.ids('twin b')) c,
     generate_series(timestamptz '2030-03-03 00:00+00', '2030-03-06 00:00+00', '1 day') d;
INSERT INTO tourney.campus_closures (campus_id, during, reason)
SELECT (test_support.ids(k))[2], tstzrange('2030-03-04 12:00+00', '2030-03-04 14:00+00'), 'inv roof repair'
FROM unnest(ARRAY['hours', 'twin a', 'twin b']) k;

----------------------------------------------------------------------------
-- 1. The checker finds what is planted
----------------------------------------------------------------------------
-- a knockout of 8 (rest 10) on two campuses, a Swiss of 4, a groups ->
-- knockout of 6 and a double elimination of 4 with its reset, all sound
SELECT pg_temp.run('check ko', test_support.tournament('knockout', n => 8, name => 'inv check ko', seeded => true,
                                                       generate => true, campus_ids => (test_support.ids('equal'))[1:2]),
                   '2030-01-07 09:00+00', 30, 10) \g /dev/null
SELECT pg_temp.run('check swiss', test_support.tournament('swiss', n => 4, name => 'inv check swiss', generate => true,
                                                          number_of_rounds => 2),
                   '2030-01-07 09:00+00', 30, 10, 2) \g /dev/null
SELECT test_support.play_in_order(pg_temp.t('check swiss'), most => 2) \g /dev/null
SELECT pg_temp.run('check groups', test_support.tournament('groups_knockout', n => 6, name => 'inv check groups',
                                                           generate => true, group_count => 2, advance_per_group => 1),
                   '2030-01-07 09:00+00', 30, 10, 2) \g /dev/null
SELECT test_support.play_in_order(pg_temp.t('check groups'), stages => '{group}') \g /dev/null
SELECT pg_temp.run('check de', test_support.tournament('double_elimination', n => 4, name => 'inv check de',
                                                       seeded => true, generate => true),
                   '2030-01-07 09:00+00', 30, 10, 2) \g /dev/null
SELECT test_support.play_in_order(pg_temp.t('check de'), '{grand_final}', stages => '{winners,losers,grand_final}') \g /dev/null

SELECT is(test_support.schedule_problems(pg_temp.t(k)), '', k || ': the checker finds nothing in a sound schedule')
FROM unnest(ARRAY['check ko', 'check swiss', 'check groups', 'check de']) k;
SELECT is((SELECT count(*)::int FROM tourney.sessions
           WHERE tournament_id IN (pg_temp.t('check swiss'), pg_temp.t('check groups'), pg_temp.t('check de'))
             AND ((round = 2 AND stage = 'main' AND tournament_id = pg_temp.t('check swiss'))
                  OR (stage = 'main' AND tournament_id = pg_temp.t('check groups'))
                  OR stage = 'grand_final_reset') AND starts_at IS NOT NULL),
          2 + 1 + 1, 'the sessions written later exist and are scheduled (Swiss round 2, the knockout, the reset)');

-- Plant one fault (an UPDATE or INSERT, as text with @key@ fixtures) in a
-- subtransaction that is rolled back, and return the kinds the checker
-- then finds in that tournament (sorted, distinct).
CREATE FUNCTION pg_temp.planted(label text, fault text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    kinds text;
BEGIN
    BEGIN
        EXECUTE replace(fault, '@t@', pg_temp.t(label)::text);
        SELECT string_agg(DISTINCT kind, ',' ORDER BY kind) INTO kinds
        FROM test_support.schedule_violations(pg_temp.t(label));
        RAISE SQLSTATE 'TZ0RB';
    EXCEPTION WHEN SQLSTATE 'TZ0RB' THEN
        NULL;
    END;
    RETURN coalesce(kinds, '');
END $$;
-- the guard triggers are deferred: a planted hours row or closure is only
-- checked at the end of this transaction, which rolls back
SELECT is(pg_temp.planted(label, fault), want, format('the checker finds %s: %s', want, what))
FROM (VALUES
    ('check ko', 'court overlap', 'a first-round session moved onto the court of another at the same time',
     $$UPDATE tourney.sessions s SET court = o.court
       FROM tourney.sessions o
       WHERE s.tournament_id = @t@ AND s.round = 1 AND s.match_number = 1
         AND o.tournament_id = @t@ AND o.round = 1 AND o.session_id <> s.session_id
         AND o.campus_id = s.campus_id AND o.starts_at = s.starts_at$$),
    ('check ko', 'court overlap', 'a session of another tournament put on a court at the time of one of its sessions',
     $$UPDATE tourney.sessions s SET campus_id = o.campus_id, court = o.court, starts_at = o.starts_at + interval '29 min',
                                     ends_at = o.ends_at + interval '29 min'
       FROM tourney.sessions o
       WHERE s.session_id = (SELECT max(session_id) FROM tourney.sessions WHERE tournament_id = pg_temp.t('check groups'))
         AND o.tournament_id = @t@ AND o.round = 1 AND o.match_number = 1$$),
    ('check ko', 'precedence', 'a semi-final 10 minutes earlier, when its quarter-finals end (rest 10)',
     $$UPDATE tourney.sessions s SET starts_at = s.starts_at - interval '10 min', ends_at = s.ends_at - interval '10 min'
       WHERE s.tournament_id = @t@ AND s.round = 2 AND s.match_number = 1$$),
    ('check ko', 'court number', 'a court beyond the campus''s courts',
     $$UPDATE tourney.sessions SET court = 5 WHERE tournament_id = @t@ AND round = 1 AND match_number = 1$$),
    ('check ko', 'campus', 'a campus that is not the tournament''s',
     format($$UPDATE tourney.sessions SET campus_id = %s WHERE tournament_id = @t@ AND stage = 'third_place'$$,
            (test_support.ids('equal'))[4])),
    ('check ko', 'length', 'a session 5 minutes longer',
     $$UPDATE tourney.sessions SET ends_at = ends_at + interval '5 min' WHERE tournament_id = @t@ AND stage = 'third_place'$$),
    ('check ko', 'before start', 'a session before the tournament starts',
     $$UPDATE tourney.sessions SET starts_at = starts_at - interval '1 day', ends_at = ends_at - interval '1 day'
       WHERE tournament_id = @t@ AND round = 1 AND match_number = 4$$),
    ('check ko', 'precedence', 'the final 5 minutes after a semi-final ends (rest 10)',
     $$UPDATE tourney.sessions f SET starts_at = x.e + interval '5 min', ends_at = x.e + interval '35 min'
       FROM (SELECT max(ends_at) AS e FROM tourney.sessions WHERE tournament_id = @t@ AND round = 2) x
       WHERE f.tournament_id = @t@ AND f.round = 3 AND f.stage = 'main'$$),
    ('check ko', 'half scheduled', 'a court without a time',
     $$ALTER TABLE tourney.sessions DROP CONSTRAINT sessions_schedule_check;
       UPDATE tourney.sessions SET ends_at = NULL WHERE tournament_id = @t@ AND stage = 'third_place'$$),
    ('check ko', 'unscheduled', 'a pending session without a time',
     $$UPDATE tourney.sessions SET starts_at = NULL, ends_at = NULL, court = NULL
       WHERE tournament_id = @t@ AND stage = 'third_place'$$),
    ('check ko', 'hours', 'opening hours that end before the final',
     $$INSERT INTO tourney.campus_hours SELECT DISTINCT campus_id, tstzrange('2030-01-07 08:00+00', '2030-01-07 10:00+00')
       FROM tourney.sessions WHERE tournament_id = @t@$$),
    ('check ko', 'closure', 'a closure over the first round',
     $$INSERT INTO tourney.campus_closures SELECT DISTINCT campus_id, tstzrange('2030-01-07 09:10+00', '2030-01-07 09:20+00')
       FROM tourney.sessions WHERE tournament_id = @t@$$),
    ('check swiss', 'court overlap,player overlap,swiss round', 'a Swiss round 2 session on court 2 at the time of round 1',
     $$UPDATE tourney.sessions s SET starts_at = o.starts_at, ends_at = o.ends_at, court = 2
       FROM tourney.sessions o WHERE s.tournament_id = @t@ AND s.round = 2 AND s.match_number = 1
         AND o.tournament_id = @t@ AND o.round = 1 AND o.match_number = 1$$),
    ('check swiss', 'rest,swiss round', 'a Swiss round 2 session 5 minutes after round 1 (rest 10)',
     $$UPDATE tourney.sessions s SET starts_at = x.e + interval '5 min', ends_at = x.e + interval '35 min'
       FROM (SELECT max(ends_at) AS e FROM tourney.sessions WHERE tournament_id = @t@ AND round = 1) x
       WHERE s.tournament_id = @t@ AND s.round = 2$$),
    ('check groups', 'after groups,court overlap,player overlap', 'the knockout''s first session an hour earlier, into the groups',
     $$UPDATE tourney.sessions SET starts_at = starts_at - interval '60 min', ends_at = ends_at - interval '60 min'
       WHERE tournament_id = @t@ AND stage = 'main' AND round = 1 AND match_number = 1$$),
    ('check de', 'after final,rest', 'the reset (the grand final''s two players) 5 minutes after the grand final (rest 10)',
     $$UPDATE tourney.sessions s SET starts_at = g.ends_at + interval '5 min', ends_at = g.ends_at + interval '35 min'
       FROM tourney.sessions g WHERE s.tournament_id = @t@ AND s.stage = 'grand_final_reset'
         AND g.tournament_id = @t@ AND g.stage = 'grand_final'$$)
) v(label, want, what, fault);

----------------------------------------------------------------------------
-- 2. Knockouts
----------------------------------------------------------------------------
SELECT pg_temp.run('ko 5 / 2 courts', test_support.tournament('knockout', n => 5, name => 'inv ko5', generate => true),
                   '2030-01-01 09:00+00', 30, 10, 2) \g /dev/null
SELECT pg_temp.run('ko 5 / 1 court', test_support.tournament('knockout', n => 5, name => 'inv ko5 one', generate => true),
                   '2030-01-01 09:00+00', 30, 10, 1) \g /dev/null
SELECT pg_temp.run('ko 5 / 1 court, no rest', test_support.tournament('knockout', n => 5, name => 'inv ko5 one', generate => true),
                   '2030-01-01 09:00+00', 30, 0, 1) \g /dev/null
SELECT pg_temp.run('ko 64 / mixed', test_support.tournament('knockout', n => 64, name => 'inv ko64 mixed', generate => true,
                                                            campus_ids => test_support.ids('mixed')),
                   '2030-01-01 09:00+00', 30, 10) \g /dev/null
SELECT pg_temp.run('ko 64 / 5 courts', test_support.tournament('knockout', n => 64, name => 'inv ko64', generate => true),
                   '2030-01-01 09:00+00', 25, 15, 5) \g /dev/null
SELECT pg_temp.run('ko 1024 / 16 campus courts', test_support.tournament('knockout', n => 1024, name => 'inv ko1024',
                                                                         generate => true, campus_ids => test_support.ids('equal')),
                   '2030-02-01 09:00+00', 30, 15) \g /dev/null
SELECT pg_temp.run('ko 1000 / 7 courts, no third place', test_support.tournament('knockout', n => 1000, name => 'inv ko1000',
                                                                         generate => true, third_place_playoff => false),
                   '2030-01-01 09:00+00', 20, 5, 7) \g /dev/null

SELECT pg_temp.sound(label) FROM unnest(ARRAY['ko 5 / 2 courts', 'ko 5 / 1 court', 'ko 5 / 1 court, no rest',
                                             'ko 64 / mixed', 'ko 64 / 5 courts', 'ko 1024 / 16 campus courts',
                                             'ko 1000 / 7 courts, no third place']) WITH ORDINALITY x(label, i)
ORDER BY i;

-- the bound: SPEC's formula recomputed in SQL (all courts, and each
-- campus's own sessions on its own courts), the reported one, the makespan
SELECT is(format('makespan %s, reported bound %s, SQL bound %s', pg_temp.num(label, 'makespan_minutes'),
                 pg_temp.num(label, 'lower_bound_minutes'), test_support.lb_knockout(pg_temp.t(label))),
          format('makespan %s, reported bound %s, SQL bound %s', want, want, want),
          label || ': makespan = reported lower bound = SPEC''s bound recomputed in SQL (' || want || ' min)')
FROM (VALUES ('ko 5 / 2 courts', 110), ('ko 5 / 1 court, no rest', 150), ('ko 64 / mixed', 710),
             ('ko 64 / 5 courts', 420), ('ko 1024 / 16 campus courts', 2085),
             ('ko 1000 / 7 courts, no third place', 2920)) v(label, want);
-- by hand: 5 players on 2 courts, rest 10: round 1 has 1 session, 2 and
-- 3 have 2 each; r = 1 gives ceil(1/2) 30 + 2 (30 + 10) = 110
SELECT is(test_support.lb_rounds(pg_temp.t('ko 5 / 2 courts')), 110::numeric,
          'the SQL bound of 5 players on 2 courts, rest 10, is 110 as worked out by hand');
-- 1024 players on 16 courts, rest 15 (d + rest = 45): rounds of 512, 256,
-- ..., 1 and the third place with the final: M<=r = 512, 768, 896, 960,
-- 992, ...; r = 4: ceil(960/16) 30 + 6 45 = 2070; r = 5: ceil(992/16) 30
-- + 5 45 = 2085; r = 6: ceil(1008/16) 30 + 4 45 = 2070: the research's
-- 2,085 min
SELECT is(test_support.lb_rounds(pg_temp.t('ko 1024 / 16 campus courts')), 2085::numeric,
          'the SQL bound of 1024 players on 16 courts, rest 15, is 2085 (the research''s figure)');
-- 1000 players (488 first-round sessions, 24 byes) on 7 courts, d 20,
-- rest 5, no third place: r = 6: ceil(984/7) 20 + 4 25 = 2920; r = 5:
-- ceil(968/7) 20 + 5 25 = 2905; r = 7: ceil(992/7) 20 + 3 25 = 2915
SELECT is(test_support.lb_rounds(pg_temp.t('ko 1000 / 7 courts, no third place')), 2920::numeric,
          'the SQL bound of 1000 players on 7 courts, d 20, rest 5, is 2920 as worked out by hand');
-- 64 players on 5 courts, d 25, rest 15: r = 3: ceil(56/5) 25 + 3 40 = 420
SELECT is(test_support.lb_rounds(pg_temp.t('ko 64 / 5 courts')), 420::numeric,
          'the SQL bound of 64 players on 5 courts, d 25, rest 15, is 420 as worked out by hand');
SELECT is(test_support.makespan(pg_temp.t('ko 5 / 1 court')) >= test_support.lb_knockout(pg_temp.t('ko 5 / 1 court')), true,
          'ko 5 / 1 court, rest 10: makespan >= the bound (final and third place both wait for the rest after the last semi-final)');
-- a session keeps its campus: with 1, 2 and 3 courts and loads differing
-- by one per round, the campus of one court sets the bound, well above
-- SPEC's over all six courts
SELECT is(format('%s > %s', test_support.lb_knockout(pg_temp.t('ko 64 / mixed')), test_support.lb_rounds(pg_temp.t('ko 64 / mixed'))),
          '710 > 420', 'ko 64 / mixed: the bound of the one-court campus (710) is above SPEC''s over all six courts (420)');
SELECT is((SELECT array_agg(n ORDER BY c) FROM (SELECT campus_id AS c, count(*)::int AS n FROM tourney.sessions
                                               WHERE tournament_id = pg_temp.t('ko 64 / mixed') GROUP BY campus_id) x),
          '{22,21,21}'::int[], 'ko 64 / mixed: sessions keep their campuses from generation (22, 21, 21)');
SELECT is(test_support.lb_levels(pg_temp.t(label)), test_support.lb_rounds(pg_temp.t(label)),
          label || ': the bound by heights is the bound by rounds')
FROM unnest(ARRAY['ko 5 / 2 courts', 'ko 64 / 5 courts', 'ko 1024 / 16 campus courts']) label;
-- lowest round first: no session of round r starts after one of round r + 2
-- starts on the same venue... the simpler form: round 1 all before the final
SELECT is((SELECT count(*)::int FROM tourney.sessions a JOIN tourney.sessions b USING (tournament_id)
           WHERE a.tournament_id = pg_temp.t('ko 1024 / 16 campus courts') AND a.round = 1 AND b.round = 10
             AND a.starts_at >= b.starts_at), 0, 'ko 1024: every first-round session starts before the final');

----------------------------------------------------------------------------
-- 3. Opening hours, a closure, two tournaments on the same campuses
----------------------------------------------------------------------------
-- 64 players from 08:00 on 3 March: nothing before 09:00, nothing in
-- the night, nothing on campus 2 on 4 March 12:00-14:00
SELECT pg_temp.run('ko 64 / hours', test_support.tournament('knockout', n => 64, name => 'inv ko64 hours', generate => true,
                                                            campus_ids => test_support.ids('hours')),
                   '2030-03-03 08:00+00', 45, 15) \g /dev/null
-- at the same time, on the same campuses: a round robin of 10 and a double
-- elimination of 12, placed around the knockout's bookings
SELECT pg_temp.run('rr 10 / hours, shared', test_support.tournament('round_robin', n => 10, name => 'inv rr10 shared',
                                                                    generate => true, campus_ids => test_support.ids('hours')),
                   '2030-03-03 08:00+00', 30, 10) \g /dev/null
SELECT pg_temp.run('de 12 / hours, shared', test_support.tournament('double_elimination', n => 12, name => 'inv de12 shared',
                                                                    generate => true, campus_ids => test_support.ids('hours')),
                   '2030-03-03 08:00+00', 40, 20) \g /dev/null
SELECT pg_temp.sound(label) FROM unnest(ARRAY['ko 64 / hours', 'rr 10 / hours, shared', 'de 12 / hours, shared']) label;
SELECT is(test_support.schedule_problems(NULL), '', 'no invariant is broken across every tournament of the database');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           WHERE s.campus_id = ANY (test_support.ids('hours'))
             AND ((s.starts_at AT TIME ZONE 'UTC')::time < '09:00' OR (s.ends_at AT TIME ZONE 'UTC')::time > '18:00'
                  OR (s.starts_at AT TIME ZONE 'UTC')::date <> (s.ends_at AT TIME ZONE 'UTC')::date)),
          0, 'hours: no session before 09:00, after 18:00 or over night (UTC)');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           WHERE s.campus_id = (test_support.ids('hours'))[2]
             AND tstzrange(s.starts_at, s.ends_at) && tstzrange('2030-03-04 12:00+00', '2030-03-04 14:00+00')),
          0, 'hours: nothing on the second campus during its closure');
-- the campus of one court takes 22 sessions of 45 minutes: 12 fill a day
-- of 9 hours, 10 the next, to 17:45 on 4 March
SELECT is((SELECT count(DISTINCT (s.starts_at AT TIME ZONE 'UTC')::date)::int || ' days, ends ' || max(s.ends_at)
           FROM tourney.sessions s WHERE s.tournament_id = pg_temp.t('ko 64 / hours')),
          '2 days, ends ' || '2030-03-04 17:45+00'::timestamptz, 'hours: the knockout runs over two days, to 17:45 on the second');
SELECT ok(test_support.makespan(pg_temp.t(label)) >= pg_temp.num(label, 'lower_bound_minutes'),
          label || ': makespan >= bound with hours in the way')
FROM unnest(ARRAY['ko 64 / hours', 'rr 10 / hours, shared', 'de 12 / hours, shared']) label;
-- the three share courts: there are sessions of two tournaments on one
-- court on one day, and none overlaps (the checker above, across tournaments)
SELECT ok((SELECT count(*) FROM (SELECT s.campus_id, s.court, (s.starts_at AT TIME ZONE 'UTC')::date FROM tourney.sessions s
                                 WHERE s.tournament_id IN (pg_temp.t('ko 64 / hours'), pg_temp.t('rr 10 / hours, shared'),
                                                           pg_temp.t('de 12 / hours, shared'))
                                 GROUP BY 1, 2, 3 HAVING count(DISTINCT s.tournament_id) > 1) x) > 0,
          'shared: courts hold sessions of more than one tournament on one day');
-- placed around the bookings: the knockout takes all six courts at the
-- opening, and the round robin starts later
SELECT is((SELECT count(*)::int FROM tourney.sessions s WHERE s.tournament_id = pg_temp.t('ko 64 / hours')
           AND s.starts_at = '2030-03-03 09:00+00'), 6, 'shared: the knockout takes the six courts at the opening');
SELECT ok((SELECT min(starts_at) FROM tourney.sessions WHERE tournament_id = pg_temp.t('rr 10 / hours, shared'))
          > '2030-03-03 09:00+00', 'shared: the round robin, scheduled after it, starts later');

----------------------------------------------------------------------------
-- 4. Double elimination, groups -> knockout, round robin, Swiss, individual
----------------------------------------------------------------------------
SELECT pg_temp.run('de 16 / 4 courts', test_support.tournament('double_elimination', n => 16, name => 'inv de16', seeded => true,
                                                               generate => true),
                   '2030-01-01 09:00+00', 30, 15, 4) \g /dev/null
SELECT pg_temp.run('de 13 / 2 campuses', test_support.tournament('double_elimination', n => 13, name => 'inv de13',
                                                                 generate => true, grand_final => 'simple',
                                                                 campus_ids => (test_support.ids('equal'))[3:4]),
                   '2030-04-01 09:00+00', 30, 10) \g /dev/null
SELECT pg_temp.sound(label) FROM unnest(ARRAY['de 16 / 4 courts', 'de 13 / 2 campuses']) label;
-- 16 players, 4 courts, rest 15: place.c's comment gives 390 as the bound
SELECT is(format('makespan %s, reported %s, SQL %s', pg_temp.num(label, 'makespan_minutes'),
                 pg_temp.num(label, 'lower_bound_minutes'), test_support.lb_chains(pg_temp.t(label))),
          format('makespan %s, reported %s, SQL %s', want, want, want),
          label || ': makespan = reported bound = the bound by heights in SQL (' || want || ' min)')
FROM (VALUES ('de 16 / 4 courts', 390), ('de 13 / 2 campuses', 310)) v(label, want);

-- the losers' champion wins the grand final: the reset is written and
-- scheduled rest after it
SELECT is(test_support.play_in_order(pg_temp.t('de 16 / 4 courts'), '{grand_final}',
                                     stages => '{winners,losers,grand_final}'), 30,
          'de 16: the 30 sessions played in schedule order, the losers'' champion winning the grand final');
SELECT is((SELECT format('%s %s', count(*), min(r.starts_at - g.ends_at)) FROM tourney.sessions r, tourney.sessions g
           WHERE r.tournament_id = pg_temp.t('de 16 / 4 courts') AND r.stage = 'grand_final_reset'
             AND g.tournament_id = r.tournament_id AND g.stage = 'grand_final'),
          '1 00:15:00', 'de 16: the reset exists and starts 15 minutes (the rest) after the grand final ends');
SELECT is(test_support.schedule_problems(pg_temp.t('de 16 / 4 courts')), '', 'de 16: no invariant broken with the reset');

-- groups -> knockout: 16 players in 4 groups on the mixed campuses; the
-- knockout is scheduled when the last group result writes it
SELECT pg_temp.run('groups 16 / mixed', test_support.tournament('groups_knockout', n => 16, name => 'inv gk16',
                                                                generate => true, group_count => 4,
                                                                campus_ids => test_support.ids('mixed')),
                   '2030-01-01 09:00+00', 30, 10) \g /dev/null
SELECT pg_temp.sound('groups 16 / mixed');
SELECT is(test_support.play_in_order(pg_temp.t('groups 16 / mixed'), stages => '{group}'), 24,
          'groups 16: the 24 group sessions played by submit_result');
SELECT is((SELECT format('%s sessions, %s unscheduled, first %s after the groups', count(*), count(*) FILTER (WHERE k.starts_at IS NULL),
                         min(k.starts_at) - (SELECT max(g.ends_at) FROM tourney.sessions g
                                             WHERE g.tournament_id = pg_temp.t('groups 16 / mixed') AND g.stage = 'group'))
           FROM tourney.sessions k WHERE k.tournament_id = pg_temp.t('groups 16 / mixed') AND k.stage <> 'group'),
          '8 sessions, 0 unscheduled, first 00:10:00 after the groups',
          'groups 16: the knockout (8 sessions) is scheduled when written, the rest (10 min) after the group stage');
SELECT is(test_support.schedule_problems(pg_temp.t('groups 16 / mixed')), '', 'groups 16: no invariant broken with the knockout');
SELECT is(tourney.simulate_results(pg_temp.t('groups 16 / mixed'), 5), 8, 'groups 16: the knockout simulated');
SELECT is(test_support.schedule_problems(pg_temp.t('groups 16 / mixed')), '', 'groups 16: nothing moved by the results');

-- round robins on an implicit venue: the sweep of courts and rests
CREATE TEMP TABLE sweep AS
SELECT n, m, rest, t, tourney.schedule_sessions(t, '2030-01-01 09:00+00', 30, rest, m) AS r
FROM (SELECT n, m, rest, test_support.tournament('round_robin', n => n, generate => true,
                                                 name => format('inv rr %s %s %s', n, m, rest)) AS t
      FROM unnest('{10,17}'::int[]) n, unnest('{1,2,3,5,8}'::int[]) m, unnest('{0,10,30}'::int[]) rest) x;
SELECT is((SELECT count(*)::int FROM sweep WHERE (r ->> 'sessions')::int = CASE n WHEN 10 THEN 45 ELSE 136 END), 30,
          'round robin sweep: 30 schedules, every session placed (45 of 10 players, 136 of 17)');
SELECT is((SELECT string_agg(format('%s/%s/%s', n, m, rest), ' ' ORDER BY n, m, rest) FROM sweep
           WHERE test_support.schedule_problems(t) <> ''), NULL,
          'round robin sweep (10 and 17 players, 1-8 courts, rest 0-30): no invariant broken');
SELECT is((SELECT string_agg(format('%s/%s/%s: %s > %s', n, m, rest, r ->> 'makespan_minutes', test_support.lb_round_robin(t)), ' '
                             ORDER BY n, m, rest)
           FROM sweep WHERE (r ->> 'makespan_minutes')::numeric > CASE WHEN n >= 16 THEN 1.2 ELSE 1.34 END * test_support.lb_round_robin(t)),
          NULL, 'round robin sweep: makespan <= 1.34 x LB_RR (10 players) and <= 1.2 x LB_RR (17 players)');
SELECT is((SELECT string_agg(format('%s/%s/%s', n, m, rest), ' ' ORDER BY n, m, rest) FROM sweep
           WHERE NOT ((r ->> 'lower_bound_minutes')::numeric >= test_support.lb_round_robin(t)
                      AND (r ->> 'makespan_minutes')::numeric >= (r ->> 'lower_bound_minutes')::numeric
                      AND (r ->> 'makespan_minutes')::numeric = test_support.makespan(t))),
          NULL, 'round robin sweep: LB_RR <= reported bound <= makespan, as the rows give it');
-- by hand: 10 players, 3 courts, rest 30: 45 sessions, 3 at once:
-- ceil(45/3) 30 = 450; a player's 9 sessions: 9 30 + 8 30 = 510
SELECT is((SELECT test_support.lb_round_robin(t) FROM sweep WHERE n = 10 AND m = 3 AND rest = 30), 510::numeric,
          'LB_RR of 10 players on 3 courts, rest 30, is 510 as worked out by hand');
SELECT is((SELECT test_support.lb_round_robin(t) FROM sweep WHERE n = 17 AND m = 8 AND rest = 0), 510::numeric,
          'LB_RR of 17 players on 8 courts, rest 0, is ceil(136/8) 30 = 510');
SELECT pg_temp.run('rr 17 / mixed', test_support.tournament('round_robin', n => 17, name => 'inv rr17 mixed',
                                                            generate => true, campus_ids => test_support.ids('mixed')),
                   '2030-05-01 09:00+00', 30, 10) \g /dev/null
SELECT pg_temp.sound('rr 17 / mixed');

-- Swiss of 10 over 5 rounds: round 1 scheduled at once, the others when
-- paired: round 2 by submit_result (in schedule order), the rest by
-- simulate_results
SELECT pg_temp.run('swiss 10', test_support.tournament('swiss', n => 10, name => 'inv swiss10', generate => true,
                                                       number_of_rounds => 5, campus_ids => test_support.ids('mixed')),
                   '2030-06-01 09:00+00', 30, 15) \g /dev/null
SELECT pg_temp.sound('swiss 10');
SELECT is(test_support.play_in_order(pg_temp.t('swiss 10'), most => 10), 5 + 5, 'swiss 10: rounds 1 and 2 played by submit_result');
SELECT is((SELECT array_agg(n ORDER BY round) FROM (SELECT round, count(starts_at)::int AS n FROM tourney.sessions
                                                   WHERE tournament_id = pg_temp.t('swiss 10') GROUP BY round) x),
          '{5,5,5}'::int[], 'swiss 10: round 3 is paired and scheduled');
SELECT is(test_support.schedule_problems(pg_temp.t('swiss 10')), '', 'swiss 10: no invariant broken after three rounds');
SELECT is(tourney.simulate_results(pg_temp.t('swiss 10'), 11), 15, 'swiss 10: rounds 3 to 5 simulated');
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = pg_temp.t('swiss 10') AND starts_at IS NOT NULL),
          25, 'swiss 10: all 25 sessions of the five rounds scheduled');
SELECT is(test_support.schedule_problems(pg_temp.t('swiss 10')), '', 'swiss 10: no invariant broken after five rounds');
SELECT is((SELECT string_agg(format('%s', g), ',' ORDER BY r) FROM (
               SELECT s.round AS r, min(s.starts_at) - (SELECT max(p.ends_at) FROM tourney.sessions p
                                                        WHERE p.tournament_id = s.tournament_id AND p.round = s.round - 1) AS g
               FROM tourney.sessions s WHERE s.tournament_id = pg_temp.t('swiss 10') AND s.round > 1 GROUP BY s.tournament_id, s.round) x),
          '00:15:00,00:15:00,00:15:00,00:15:00', 'swiss 10: each round starts the rest (15 min) after the round before ends');

-- individual ranking: 7 players, 3 rounds, 3 courts, rest 15
SELECT pg_temp.run('individual 7', test_support.tournament('individual_ranking', n => 7, name => 'inv ir7', generate => true,
                                                           number_of_rounds => 3),
                   '2030-01-01 09:00+00', 20, 15, 3) \g /dev/null
SELECT pg_temp.sound('individual 7');
-- 21 sessions on 3 courts: ceil(21/3) 20 = 140; a player's 3: 3 20 + 2 15 = 90
SELECT is(format('%s/%s', pg_temp.num('individual 7', 'makespan_minutes'), pg_temp.num('individual 7', 'lower_bound_minutes')),
          '140/140', 'individual 7: makespan = bound = ceil(21/3) 20 = 140');

----------------------------------------------------------------------------
-- 5. Determinism; refusals; a second call
----------------------------------------------------------------------------
-- two identical tournaments on identical campuses (courts, hours, a
-- closure), with the same ratings: the same schedule
SELECT pg_temp.run('twin a ' || f, test_support.tournament(f, n => n, name => 'inv twin a ' || f, generate => true,
                                                           rating => '1500 + (g * 37) % 400', number_of_rounds => r,
                                                           campus_ids => test_support.ids('twin a')),
                   '2030-03-03 10:00+00', 30, 10),
       pg_temp.run('twin b ' || f, test_support.tournament(f, n => n, name => 'inv twin b ' || f, generate => true,
                                                           rating => '1500 + (g * 37) % 400', number_of_rounds => r,
                                                           campus_ids => test_support.ids('twin b')),
                   '2030-03-03 10:00+00', 30, 10)
FROM (VALUES ('knockout', 64, NULL::int), ('double_elimination', 24, NULL), ('round_robin', 11, NULL),
             ('individual_ranking', 9, 2)) v(f, n, r) \g /dev/null
SELECT ok(test_support.schedule_shape(pg_temp.t('twin b ' || f)) = test_support.schedule_shape(pg_temp.t('twin a ' || f)),
          f || ': identical inputs on identical campuses give the identical schedule')
FROM unnest(ARRAY['knockout', 'double_elimination', 'round_robin', 'individual_ranking']) f;
SELECT is((SELECT count(*)::int FROM (SELECT DISTINCT r FROM runs WHERE label IN ('twin a knockout', 'twin b knockout')) x), 1,
          'knockout twins: the same result');
-- and the same tournament scheduled again from scratch
CREATE FUNCTION pg_temp.rescheduled(label text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    t bigint := pg_temp.t(label);
    first text := test_support.schedule_shape(t);
    again text;
    start timestamptz;
    d int;
    rest int;
    courts int;
BEGIN
    SELECT schedule_starts_at, match_minutes, rest_minutes, schedule_courts INTO start, d, rest, courts
    FROM tourney.tournaments WHERE tournament_id = t;
    BEGIN
        UPDATE tourney.sessions SET starts_at = NULL, ends_at = NULL, court = NULL WHERE tournament_id = t;
        DELETE FROM tourney.bookings WHERE tournament_id = t;
        PERFORM tourney.schedule_sessions(t, start, d, rest, courts);
        again := test_support.schedule_shape(t);
        RAISE SQLSTATE 'TZ0RB';
    EXCEPTION WHEN SQLSTATE 'TZ0RB' THEN
        NULL;
    END;
    RETURN again = first;
END $$;
SELECT ok(pg_temp.rescheduled(label), label || ': scheduled again from scratch, the same schedule')
FROM unnest(ARRAY['ko 64 / mixed', 'de 13 / 2 campuses', 'rr 17 / mixed']) label;

-- refusals change nothing
CREATE FUNCTION pg_temp.refused(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    before text := test_support.fingerprint();
    got text := test_support.sqlstate_of(q);
BEGIN
    RETURN got || CASE WHEN got = 'ok' THEN '' WHEN test_support.fingerprint() = before THEN '' ELSE ' (and the tables changed)' END;
END $$;
INSERT INTO test_support.fixtures (key, id) VALUES
    ('draft', test_support.tournament('knockout', n => 4, name => 'inv draft')),
    ('fresh', test_support.tournament('knockout', n => 8, name => 'inv fresh', generate => true)),
    ('fresh campus', test_support.tournament('knockout', n => 8, name => 'inv fresh campus', generate => true,
                                             campus_ids => (test_support.ids('equal'))[1:1])),
    ('too long', test_support.tournament('knockout', n => 64, name => 'inv too long', generate => true,
                                         campus_ids => test_support.ids('hours')));
SELECT is(pg_temp.refused(test_support.subst(q)), want, format('%s -> %s, nothing changed', what, want))
FROM (VALUES
    ('schedule_sessions of a draft', $$SELECT tourney.schedule_sessions(@draft@, '2030-01-01', 30, 0, 2)$$, '55000'),
    ('of an unknown tournament', $$SELECT tourney.schedule_sessions(9223372036854775807, '2030-01-01', 30, 0, 2)$$, 'P0002'),
    ('NULL tournament', $$SELECT tourney.schedule_sessions(NULL, '2030-01-01', 30, 0, 2)$$, '22004'),
    ('NULL starts_at', $$SELECT tourney.schedule_sessions(@fresh@, NULL, 30, 0, 2)$$, '22004'),
    ('NULL match_minutes', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', NULL, 0, 2)$$, '22004'),
    ('NULL rest_minutes', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 30, NULL, 2)$$, '22004'),
    ('match_minutes 0', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 0, 0, 2)$$, '22023'),
    ('match_minutes -5', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', -5, 0, 2)$$, '22023'),
    ('match_minutes 527041 (a year and a minute)', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 527041, 0, 2)$$, '22023'),
    ('rest_minutes -1', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 30, -1, 2)$$, '22023'),
    ('courts 0', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 30, 0, 0)$$, '22023'),
    ('courts -1', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 30, 0, -1)$$, '22023'),
    ('starts_at infinity', $$SELECT tourney.schedule_sessions(@fresh@, 'infinity', 30, 0, 2)$$, '22023'),
    ('starts_at -infinity', $$SELECT tourney.schedule_sessions(@fresh@, '-infinity', 30, 0, 2)$$, '22023'),
    ('courts NULL without campuses', $$SELECT tourney.schedule_sessions(@fresh@, '2030-01-01', 30, 0)$$, '22004'),
    ('courts given with campuses', $$SELECT tourney.schedule_sessions(@fresh campus@, '2030-01-01', 30, 0, 2)$$, '22023'),
    ('hours run out (22 sessions of 2 hours on one court, four days of 9 hours)',
     $$SELECT tourney.schedule_sessions(@too long@, '2030-03-03', 120, 30)$$, '55000')
) v(what, q, want);
SELECT is((SELECT count(*)::int FROM tourney.sessions WHERE tournament_id = test_support.id('too long') AND starts_at IS NOT NULL)
          + (SELECT count(*)::int FROM tourney.tournaments WHERE tournament_id = test_support.id('too long')
             AND schedule_starts_at IS NOT NULL), 0,
          'hours run out: no session was scheduled, no parameter kept');

-- a second schedule_sessions with other parameters: the sessions already
-- placed keep their times, so the invariants must still hold with the
-- parameters the tournament now keeps (or the call be refused)
SELECT pg_temp.run('again', test_support.tournament('knockout', n => 8, name => 'inv again', generate => true),
                   '2030-01-01 09:00+00', 30, 10, 2) \g /dev/null
SELECT is(test_support.schedule_problems(pg_temp.t('again')), '', 'again: sound after the first call');
CREATE TEMP TABLE again AS
SELECT pg_temp.refused(format('SELECT tourney.schedule_sessions(%s, %L, 30, 30, 1)', pg_temp.t('again'),
                              '2030-01-01 09:00+00')) AS outcome;
SELECT ok(outcome ~ '^(22023|55000)$' OR (outcome = 'ok' AND problems = ''),
          format('schedule_sessions again with rest 30 and one court: refused, changing nothing, or the schedule still holds (%s%s)',
                 outcome, ': ' || nullif(problems, '')))
FROM (SELECT outcome, test_support.schedule_problems(pg_temp.t('again')) AS problems FROM again) x;

SELECT * FROM finish();
ROLLBACK;
