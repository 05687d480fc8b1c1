-- Event days in random orders (SPEC §3e, issue 18: "what must hold"), for
-- every format: knockout with and without a third-place match, double
-- elimination with every grand final, groups -> knockout, round robin,
-- Swiss, individual ranking; several sizes and seeds, four mixes of
-- results, walkovers, withdrawals and corrections
-- (test_support.event_day).  After every step nothing may wait for a
-- player who will not come, and every call must do what the SPEC says
-- (test_support.stuck_sessions, the step log); afterwards
-- simulate_results, calculate_rankings and complete_tournament must
-- succeed, and test_support.event_problems (the ranks of a bracket
-- taken as its fixed places) checks over the rows: nothing
-- left without a result, the records (points, wins, losses, score sums
-- without walkovers) recounted, standings = rankings, the format's rules
-- (one champion, two losses to go out of a double elimination, no
-- withdrawn player in a later Swiss round and no rematch, every pair once
-- a cycle), and the ranks the rules give from what was played.
-- Section 1 plants every kind of violation the checks know in a sound
-- tournament, in a rolled-back subtransaction, to show they find it.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SET LOCAL jit = off;
SELECT plan(707);


----------------------------------------------------------------------------
-- 1. The checks find what they look for
----------------------------------------------------------------------------
-- What the checks report for a tournament after `planted` (SQL, @t@ its
-- id), in a subtransaction that is rolled back.
CREATE FUNCTION pg_temp.planted(t bigint, planted text, check_fn text DEFAULT 'problems') RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    found text;
BEGIN
    BEGIN
        EXECUTE replace(planted, '@t@', t::text);
        found := CASE check_fn
                     WHEN 'problems' THEN test_support.event_problems(t)
                     ELSE (SELECT string_agg(k.why, '; ' ORDER BY k.why) FROM test_support.stuck_sessions(t) k) END;
        RAISE SQLSTATE 'TZ0RB';
    EXCEPTION WHEN SQLSTATE 'TZ0RB' THEN
        NULL;
    WHEN OTHERS THEN
        found := 'the planted SQL failed: ' || SQLERRM;
    END;
    RETURN coalesce(found, '');
END $$;

-- sound tournaments of every format, played to the end, with walkovers
-- and withdrawals
CREATE TEMP TABLE sound AS
SELECT f, test_support.tournament(f, n => n, name => 'random sound ' || f, seeded => true, generate => true,
                                  number_of_rounds => CASE f WHEN 'individual_ranking' THEN 2 WHEN 'swiss' THEN 4 END,
                                  grand_final => CASE WHEN f = 'double_elimination' THEN 'double' END,
                                  group_count => CASE WHEN f = 'groups_knockout' THEN 2 END) AS t
FROM (VALUES ('knockout', 8), ('double_elimination', 8), ('round_robin', 6), ('swiss', 9), ('individual_ranking', 5),
             ('groups_knockout', 8)) v(f, n);
SELECT count(test_support.event_day(t, 0.5, 10000, 0.2, 0.05)) FROM sound \g /dev/null
SELECT is(test_support.event_problems(t), 'status in_progress', f || ': an event day (seed 0.5, walkovers and withdrawals) without a problem')
FROM sound ORDER BY f;
SELECT count(*) FROM sound, LATERAL (SELECT tourney.simulate_results(t, 1), tourney.calculate_rankings(t), tourney.complete_tournament(t)) x \g /dev/null
SELECT is(test_support.event_problems(t), '', f || ': simulated, ranked, completed: no problem') FROM sound ORDER BY f;
CREATE FUNCTION pg_temp.sound(f text) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT t FROM sound WHERE sound.f = $1 $$;

SELECT matches(pg_temp.planted(pg_temp.sound(f), q), want, format('%s, planted %s: found (%s)', f, what, want))
FROM (VALUES
    ('knockout', 'not completed', $$UPDATE tourney.tournaments SET status = 'in_progress', completed_at = NULL WHERE tournament_id = @t@$$, '^status in_progress$'),
    ('knockout', 'a session without a result',
     $$UPDATE tourney.sessions SET result_submitted = false, result_submitted_at = NULL, walkover = false, winner_id = NULL WHERE session_id =
       (SELECT max(session_id) FROM tourney.sessions WHERE tournament_id = @t@ AND stage = 'main')$$, 'no result: session'),
    ('knockout', 'a step that went wrong',
     $$INSERT INTO test_support.event_log VALUES (@t@, 99999, 'result', 1, NULL, 1, 'ok', 'planted')$$, 'step 99999: result 1: planted'),
    ('knockout', 'a win too many in rankings', $$UPDATE tourney.rankings SET wins = wins + 1 WHERE tournament_id = @t@ AND rank = 1$$,
     'rankings: player [0-9]+ has .*, the rows say'),
    ('knockout', 'a score sum off', $$UPDATE tourney.rankings SET score_for = score_for + 1 WHERE tournament_id = @t@ AND rank = 2$$,
     'rankings: player'),
    ('knockout', 'a ranking row missing', $$DELETE FROM tourney.rankings WHERE tournament_id = @t@ AND rank = 2$$, 'has no row'),
    ('knockout', 'a rank other than the ladder''s', $$UPDATE tourney.rankings SET rank = 3 WHERE tournament_id = @t@ AND rank = 4$$,
     'rank: player [0-9]+.* is 3, the rules give 4'),
    ('knockout', 'every rank one lower', $$UPDATE tourney.rankings SET rank = rank + 1 WHERE tournament_id = @t@$$,
     'rank: player [0-9]+.* is 2, the rules give 1'),
    ('knockout', 'the ladder closed up (the first-round losers 4, not 5)',
     $$UPDATE tourney.rankings SET rank = 4 WHERE tournament_id = @t@ AND rank = 5$$, 'rank: player [0-9]+.* is 4, the rules give 5'),
    ('round_robin', 'ranks that are no competition ranking',
     $$UPDATE tourney.rankings SET rank = rank + 1 WHERE tournament_id = @t@$$, 'competition ranks: \{2,'),
    ('knockout', 'two players without a loss',
     $$DELETE FROM tourney.session_participants p USING tourney.sessions s WHERE s.tournament_id = @t@ AND s.stage = 'main'
       AND s.next_session_id IS NULL AND p.tournament_id = s.tournament_id AND p.session_id = s.session_id
       AND p.player_id <> s.winner_id$$, 'champions: 2 players'),
    ('double_elimination', 'a player out with one loss',
     $$DELETE FROM tourney.session_participants p USING tourney.sessions s WHERE s.tournament_id = @t@ AND s.stage = 'losers'
       AND s.round = 1 AND p.tournament_id = s.tournament_id AND p.session_id = s.session_id
       AND p.player_id IS DISTINCT FROM s.winner_id$$, 'losses: player [0-9]+ has 1'),
    ('double_elimination', 'a rank other than the losers'' round gives',
     $$UPDATE tourney.rankings SET rank = 3 WHERE tournament_id = @t@ AND rank = 4$$, 'rank: player [0-9]+.* is 3'),
    ('double_elimination', 'a grand final for nobody with a champion',
     $$UPDATE tourney.sessions SET winner_id = NULL, walkover = true WHERE tournament_id = @t@
         AND stage = (SELECT max(stage) FROM tourney.sessions WHERE tournament_id = @t@ AND stage LIKE 'grand_final%');
       UPDATE tourney.session_participants p SET placement = NULL, score = NULL FROM tourney.sessions s
       WHERE s.tournament_id = @t@ AND s.stage = (SELECT max(stage) FROM tourney.sessions WHERE tournament_id = @t@ AND stage LIKE 'grand_final%')
         AND p.tournament_id = s.tournament_id AND p.session_id = s.session_id$$, 'rank: player [0-9]+.* is 1, the rules give 2'),
    ('round_robin', 'a pair that never met',
     $$DELETE FROM tourney.sessions WHERE session_id = (SELECT min(session_id) FROM tourney.sessions WHERE tournament_id = @t@)$$,
     'pairs: [0-9]+ and [0-9]+ met 0 times'),
    ('round_robin', 'a walkover not counted as 3 points',
     $$UPDATE tourney.rankings SET points = points - 3 WHERE tournament_id = @t@ AND rank = 1$$, 'rankings: player'),
    ('round_robin', 'a rank out of the points order',
     $$UPDATE tourney.rankings r SET rank = (SELECT max(rank) + 1 FROM tourney.rankings WHERE tournament_id = @t@)
       WHERE tournament_id = @t@ AND rank = 1$$, 'rank: player'),
    ('swiss', 'a withdrawn player paired in a later round',
     $$INSERT INTO test_support.event_log
       SELECT @t@, 99999, 'withdraw', NULL, p.player_id, 1, 'ok', NULL FROM tourney.session_participants p
       JOIN tourney.sessions s USING (tournament_id, session_id) WHERE s.tournament_id = @t@ AND s.round = 2 LIMIT 1$$,
     'paired: player [0-9]+, withdrawn after round 1, in round 2'),
    ('swiss', 'a rematch',
     $$UPDATE tourney.session_participants q SET player_id = x.opponent
       FROM (SELECT b.session_id, b.slot, o.player_id AS opponent
             FROM tourney.sessions s2 JOIN tourney.session_participants a ON a.tournament_id = s2.tournament_id AND a.session_id = s2.session_id AND a.slot = 1
             JOIN tourney.session_participants b ON b.tournament_id = s2.tournament_id AND b.session_id = s2.session_id AND b.slot = 2
             JOIN tourney.session_participants m ON m.tournament_id = s2.tournament_id AND m.player_id = a.player_id
             JOIN tourney.sessions s1 ON s1.tournament_id = s2.tournament_id AND s1.session_id = m.session_id AND s1.round = 1
             JOIN tourney.session_participants o ON o.tournament_id = s1.tournament_id AND o.session_id = s1.session_id AND o.slot <> m.slot
             WHERE s2.tournament_id = @t@ AND s2.round = 2 LIMIT 1) x
       WHERE q.tournament_id = @t@ AND q.session_id = x.session_id AND q.slot = x.slot$$, 'rematches: [0-9]+ pairs'),
    ('swiss', 'a bye not counted',
     $$UPDATE tourney.rankings r SET points = points - 1 WHERE tournament_id = @t@
       AND player_id IN (SELECT player_id FROM tourney.byes WHERE tournament_id = @t@)$$, 'rankings: player'),
    ('individual_ranking', 'a player without a session of a round',
     $$DELETE FROM tourney.session_participants WHERE session_id = (SELECT min(session_id) FROM tourney.sessions WHERE tournament_id = @t@)$$,
     'sessions: player [0-9]+ has 1, not 2'),
    ('individual_ranking', 'a player who missed more sessions ranked higher',
     $$UPDATE tourney.rankings r SET rank = 1 WHERE tournament_id = @t@
       AND rank = (SELECT max(rank) FROM tourney.rankings WHERE tournament_id = @t@)$$, 'rank: player [0-9]+.* is 1, the rules give'),
    ('groups_knockout', 'a knockout player ranked below the group stage',
     $$UPDATE tourney.rankings r SET rank = 8 WHERE tournament_id = @t@ AND rank = 1$$, 'rank: player [0-9]+.* is 8, the rules give 1'),
    ('groups_knockout', 'a group pair that never met',
     $$DELETE FROM tourney.sessions WHERE session_id = (SELECT min(session_id) FROM tourney.sessions WHERE tournament_id = @t@ AND stage = 'group')$$,
     'pairs: .* met 0 times')) v(f, what, q, want);

-- stuck_sessions, on tournaments in progress
CREATE TEMP TABLE live AS
SELECT f, test_support.tournament(f, n => n, name => 'random live ' || f, seeded => true, generate => true,
                                  number_of_rounds => CASE WHEN f = 'swiss' THEN 3 END,
                                  grand_final => CASE WHEN f = 'double_elimination' THEN 'double' END,
                                  group_count => CASE WHEN f = 'groups_knockout' THEN 2 END,
                                  advance_per_group => CASE WHEN f = 'groups_knockout' THEN 1 END) AS t
FROM (VALUES ('knockout', 8), ('swiss', 8), ('groups_knockout', 8), ('double_elimination', 4)) v(f, n);
CREATE FUNCTION pg_temp.live(f text) RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT t FROM live WHERE live.f = $1 $$;
SELECT is((SELECT count(*)::int FROM test_support.stuck_sessions(t)), 0, f || ' in progress: nothing stuck') FROM live ORDER BY f;
-- KO: quarter-finals 1 and 2 played; Swiss: round 1 played; groups: every
-- group game played; double elimination: to the grand final, won by the
-- losers' winner
SELECT test_support.play_in_order(pg_temp.live('knockout'), most => 2) \g /dev/null
SELECT test_support.play_in_order(pg_temp.live('swiss'), most => 4) \g /dev/null
SELECT test_support.play_in_order(pg_temp.live('groups_knockout'), stages => '{group}') \g /dev/null
SELECT test_support.play_in_order(pg_temp.live('double_elimination'), '{grand_final}', most => 6) \g /dev/null
SELECT matches(pg_temp.planted(pg_temp.live(f), q, 'stuck'), want, format('%s, planted %s: stuck_sessions finds it', f, what))
FROM (VALUES
    ('knockout', 'a withdrawn player in a session both of whose players are known',
     $$UPDATE tourney.enrollments SET withdrawn_at = now() WHERE tournament_id = @t@ AND player_id =
       (SELECT p.player_id FROM tourney.session_participants p JOIN tourney.sessions s USING (tournament_id, session_id)
        WHERE s.tournament_id = @t@ AND s.round = 1 AND NOT s.result_submitted LIMIT 1)$$, '^waiting: a withdrawn player$'),
    ('knockout', 'a slot its played feeder did not fill',
     $$DELETE FROM tourney.session_participants p USING tourney.sessions s WHERE s.tournament_id = @t@ AND s.round = 2
       AND s.match_number = 1 AND p.tournament_id = s.tournament_id AND p.session_id = s.session_id AND p.slot = 2$$,
     '^waiting: a slot nobody will fill$'),
    ('swiss', 'round 2 not paired',
     $$DELETE FROM tourney.sessions WHERE tournament_id = @t@ AND round = 2$$, '^not written: round 1 of 3 complete'),
    ('groups_knockout', 'the knockout not written',
     $$DELETE FROM tourney.sessions WHERE tournament_id = @t@ AND stage <> 'group'$$, '^not written: the group stage'),
    ('double_elimination', 'the reset not written',
     $$DELETE FROM tourney.sessions WHERE tournament_id = @t@ AND stage = 'grand_final_reset'$$, 'no reset$')) v(f, what, q, want);

----------------------------------------------------------------------------
-- 2. Event days in random orders
----------------------------------------------------------------------------
CREATE TEMP TABLE runs AS
SELECT row_number() OVER (ORDER BY c.i, m.j, sd)::int AS run, c.format, c.label, c.n, sd, m.walkovers, m.withdrawals, m.corrections,
       test_support.tournament(c.format, n => c.n, name => format('random %s %s %s %s', c.label, c.n, sd, m.j),
                               seeded => sd % 2 = 0, generate => true,
                               third_place_playoff => c.third, number_of_rounds => c.rounds, grand_final => c.gf,
                               group_count => c.g, advance_per_group => c.k,
                               group_tiebreak => CASE WHEN c.g IS NOT NULL AND sd = 2 THEN 'head_to_head' END,
                               rating => '1500 + (g * 37) % 300') AS t
FROM (VALUES
    (1, 'knockout', 'knockout', 8, true, NULL::int, NULL, NULL::int, NULL::int),
    (2, 'knockout', 'knockout', 13, true, NULL, NULL, NULL, NULL),
    (3, 'knockout', 'knockout without third place', 6, false, NULL, NULL, NULL, NULL),
    (4, 'knockout', 'knockout without third place', 11, false, NULL, NULL, NULL, NULL),
    (5, 'double_elimination', 'double elimination, no grand final', 5, NULL, NULL, 'none', NULL, NULL),
    (6, 'double_elimination', 'double elimination, no grand final', 12, NULL, NULL, 'none', NULL, NULL),
    (7, 'double_elimination', 'double elimination, simple grand final', 6, NULL, NULL, 'simple', NULL, NULL),
    (8, 'double_elimination', 'double elimination, simple grand final', 16, NULL, NULL, 'simple', NULL, NULL),
    (9, 'double_elimination', 'double elimination, grand final with reset', 3, NULL, NULL, 'double', NULL, NULL),
    (10, 'double_elimination', 'double elimination, grand final with reset', 9, NULL, NULL, 'double', NULL, NULL),
    (11, 'groups_knockout', 'groups -> knockout, 3 groups of 3, 2 through', 9, NULL, 1, NULL, 3, 2),
    (12, 'groups_knockout', 'groups -> knockout, 4 groups, 1 through, 2 cycles', 14, NULL, 2, NULL, 4, 1),
    (13, 'round_robin', 'round robin', 6, NULL, 1, NULL, NULL, NULL),
    (14, 'round_robin', 'double round robin', 5, NULL, 2, NULL, NULL, NULL),
    (15, 'swiss', 'swiss', 8, NULL, NULL, NULL, NULL, NULL),
    (16, 'swiss', 'swiss', 11, NULL, 5, NULL, NULL, NULL),
    (17, 'individual_ranking', 'individual ranking', 6, NULL, 3, NULL, NULL, NULL),
    (18, 'individual_ranking', 'individual ranking', 9, NULL, 2, NULL, NULL, NULL)
) c(i, format, label, n, third, rounds, gf, g, k)
CROSS JOIN generate_series(1, 3) sd
CROSS JOIN (VALUES (1, 0.15, 0.1, 0.0), (2, 0.1, 0.3, 0.0), (3, 0.1, 0.2, 0.1), (4, 0.05, 0.45, 0.0)) m(j, walkovers, withdrawals, corrections);
SELECT is(count(*)::int, 216, '216 tournaments: 18 formats and sizes, 3 seeds, 4 mixes') FROM runs;

-- the event day, then the rest by simulation, rankings and completion
ALTER TABLE runs ADD COLUMN steps int, ADD COLUMN finished text;
UPDATE runs SET steps = test_support.event_day(t, run / 1000.0, 10000, walkovers, withdrawals, corrections);
CREATE FUNCTION pg_temp.finish(t bigint, seed bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    outcome text[] := '{}';
BEGIN
    outcome := outcome || test_support.sqlstate_of(format('SELECT tourney.simulate_results(%s, %s)', t, seed));
    outcome := outcome || test_support.sqlstate_of(format('SELECT tourney.calculate_rankings(%s)', t));
    outcome := outcome || test_support.sqlstate_of(format('SELECT tourney.complete_tournament(%s)', t));
    RETURN array_to_string(outcome, '/');
END $$;
UPDATE runs SET finished = pg_temp.finish(t, run);

SELECT is(r.finished, 'ok/ok/ok', format('run %s (%s, %s players, seed %s, mix %s/%s/%s, %s steps): simulate_results, calculate_rankings, complete_tournament succeed',
                                        r.run, r.label, r.n, r.sd, r.walkovers, r.withdrawals, r.corrections, r.steps))
FROM runs r ORDER BY r.run;

-- what test_support.event_problems finds, split: the ranks (rank: and competition
-- ranks: lines), and everything else
CREATE TEMP TABLE found AS
SELECT r.run, coalesce(string_agg(l, E'\n') FILTER (WHERE l !~ '^(rank|competition ranks):'), '') AS rules,
       coalesce(string_agg(l, E'\n') FILTER (WHERE l ~ '^(rank|competition ranks):'), '') AS ranks
FROM runs r LEFT JOIN LATERAL regexp_split_to_table(nullif(test_support.event_problems(r.t), ''), E'\n') l ON true
GROUP BY r.run;
SELECT is(f.rules, '', format('run %s (%s, %s players, seed %s, mix %s/%s/%s): completed, nothing stuck after any step, '
                              'records and the format''s rules hold', r.run, r.label, r.n, r.sd, r.walkovers, r.withdrawals, r.corrections))
FROM runs r JOIN found f USING (run) ORDER BY r.run;
SELECT is(f.ranks, '', format('run %s (%s, %s players, seed %s, mix %s/%s/%s): the ranks are the ones the rules give from what was played',
                              r.run, r.label, r.n, r.sd, r.walkovers, r.withdrawals, r.corrections))
FROM runs r JOIN found f USING (run) ORDER BY r.run;

-- the runs did exercise what they are meant to
CREATE FUNCTION pg_temp.logged(fmt text, cond text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    n int;
BEGIN
    EXECUTE format('SELECT count(*)::int FROM runs r JOIN test_support.event_log l ON l.tournament_id = r.t WHERE r.format = $1 AND %s', cond)
        INTO n USING fmt;
    RETURN n;
END $$;
SELECT cmp_ok(pg_temp.logged(fmt, cond), '>=', want, format('%s: at least %s %s', fmt, want, what))
FROM (VALUES
    ('knockout', 'withdrawals', 10, $$l.action = 'withdraw' AND l.outcome = 'ok'$$),
    ('knockout', 'withdrawals refused (nothing left to play)', 1, $$l.action = 'withdraw' AND l.outcome LIKE '55000%'$$),
    ('double_elimination', 'withdrawals refused (out after two losses)', 1, $$l.action = 'withdraw' AND l.outcome LIKE '55000%'$$),
    ('knockout', 'walkovers', 10, $$l.action = 'walkover'$$),
    ('double_elimination', 'withdrawals', 20, $$l.action = 'withdraw' AND l.outcome = 'ok'$$),
    ('double_elimination', 'corrections', 5, $$l.action = 'correct'$$),
    ('groups_knockout', 'withdrawals', 10, $$l.action = 'withdraw' AND l.outcome = 'ok'$$),
    ('round_robin', 'withdrawals', 10, $$l.action = 'withdraw' AND l.outcome = 'ok'$$),
    ('swiss', 'withdrawals', 10, $$l.action = 'withdraw' AND l.outcome = 'ok'$$),
    ('individual_ranking', 'withdrawals', 10, $$l.action = 'withdraw' AND l.outcome = 'ok'$$)) v(fmt, what, want, cond);
SELECT cmp_ok(count(s.session_id)::int, '>=', want, format('%s: at least %s sessions decided for nobody', fmt, want))
FROM (VALUES ('double_elimination', 5), ('knockout', 1), ('groups_knockout', 1)) v(fmt, want)
JOIN runs r ON r.format = v.fmt
LEFT JOIN tourney.sessions s ON s.tournament_id = r.t AND s.walkover AND s.winner_id IS NULL
GROUP BY fmt, want ORDER BY fmt;

SELECT * FROM finish();
ROLLBACK;
