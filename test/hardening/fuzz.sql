-- Table-driven fuzz test of every public function (SPEC §4, issues 6, 13,
-- 14, 15, 16, 17 and 18; the options of double_elimination and
-- groups_knockout, group_tables; schedule_sessions, the live changes of a
-- schedule and the tables of opening hours, closures and courts;
-- update_ratings; the event day's check_in, drop_unchecked,
-- submit_walkover, withdraw_player, cancel_tournament and cancel_task; the
-- readers task_percent, tournament_checked and overview, and
-- tallies_rebuild; a data node's create_tournament_with_id, put_players,
-- put_campuses, put_ratings and the helpers global_rows_check and global_rows_written;
-- the trigger functions called directly):
-- NULL, 0, -1, 2^31-1, -2^31, 2^63-1, -2^63, empty, huge, NULL-holding and
-- multi-dimensional arrays, unknown ids, ids of other tournaments, bad and
-- case-variant enum text, NaN / Infinity / huge numerics, and every wrong
-- state.  Each case runs in its own subtransaction (a call that succeeds is
-- rolled back too, so every case sees the same fixtures) and is one
-- assertion: the SQLSTATE is the expected one (never class XX), the message
-- is in PostgreSQL style (and matches a pattern where one is given), the
-- tables are unchanged after a refused call, and the call returns within a
-- time budget (tourney_test.case_budget_ms, default 10000, e.g. via
-- PGOPTIONS='-c tourney_test.case_budget_ms=60000' under valgrind).
-- A call that crashes the backend fails the whole file.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(1232);

CREATE TEMP TABLE cases (
    n serial PRIMARY KEY,
    call text NOT NULL,
    expect text[] NOT NULL,      -- SQLSTATEs accepted, or 'ok'
    msg text                     -- regular expression the error message must match
);

-- Run one case; returns its pgTAP line (plus diagnostics on failure).
CREATE FUNCTION pg_temp.run_case(case_no int) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    c cases;
    q text;
    o test_support.outcome;
    got text;
    message text;
    before text;
    after text;
    started timestamptz;
    elapsed_ms float8;
    budget_ms float8 := coalesce(nullif(current_setting('tourney_test.case_budget_ms', true), '')::float8, 10000);
    problems text[] := '{}';
BEGIN
    SELECT * INTO c FROM cases WHERE n = case_no;
    q := test_support.subst(c.call);
    before := test_support.fingerprint();
    started := clock_timestamp();
    o := test_support.capture(q, rollback => true);    -- a call that succeeds is rolled back too
    elapsed_ms := 1000 * extract(epoch FROM clock_timestamp() - started);
    got := o.sqlstate;
    message := o.message;
    after := test_support.fingerprint();

    IF NOT got = ANY (c.expect) THEN
        problems := problems || format('SQLSTATE %s, expected %s', got, array_to_string(c.expect, ' or '));
    END IF;
    IF got LIKE 'XX%' THEN
        problems := problems || 'internal error (class XX)'::text;
    END IF;
    IF got <> 'ok' AND before IS DISTINCT FROM after THEN
        problems := problems || 'tables changed by a refused call'::text;
    END IF;
    IF got <> 'ok' AND (message ~ '\.$' OR message ~ '^[A-Z][a-z]') THEN
        problems := problems || 'message not in PostgreSQL style (lower case, no full stop)'::text;
    END IF;
    IF c.msg IS NOT NULL AND got <> 'ok' AND message !~ c.msg THEN
        problems := problems || format('message does not match /%s/', c.msg);
    END IF;
    IF elapsed_ms > budget_ms THEN
        problems := problems || format('took %s ms (budget %s ms)', round(elapsed_ms::numeric), budget_ms);
    END IF;

    RETURN NEXT ok(cardinality(problems) = 0,
                   format('fuzz %s: %s -> %s', c.n, left(c.call, 160), array_to_string(c.expect, '|')));
    IF cardinality(problems) > 0 THEN
        RETURN NEXT diag(format(E'    call: %s\n    got: %s %s\n    problems: %s',
                                left(q, 400), got, coalesce(left(message, 300), ''),
                                array_to_string(problems, '; ')));
    END IF;
END $$;

----------------------------------------------------------------------------
-- Fixtures: tournaments in every state (test_support.state_fixtures makes
-- p1..p12, c1, D, P with taskP, sP11, sP12, sPF, sPT, Q with sQ11, and K)
----------------------------------------------------------------------------
DO $fixtures$
DECLARE
    p bigint[];
    id bigint;
    task uuid;
BEGIN
    PERFORM test_support.state_fixtures('fuzz');
    p := ARRAY(SELECT test_support.id('p' || i) FROM generate_series(1, 12) i);
    INSERT INTO tourney.campuses (name) VALUES ('fuzz campus 2') RETURNING campus_id INTO id;
    INSERT INTO test_support.fixtures (key, id) VALUES ('c2', id);
    INSERT INTO tourney.campuses (name, capacity) VALUES ('fuzz campus small', 1) RETURNING campus_id INTO id;
    INSERT INTO test_support.fixtures (key, id) VALUES ('csmall', id);

    -- drafts
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('D0', tourney.create_tournament('fuzz D0', 'knockout')),
        ('D1', test_support.tournament('knockout', p[1:1], 'fuzz D1')),
        ('DI0', tourney.create_tournament('fuzz DI0', 'individual_ranking')),
        ('DC', test_support.tournament('knockout', p[1:8], 'fuzz DC', campus_ids => ARRAY[test_support.id('csmall')])),
        ('DS', test_support.tournament('swiss', p[1:4], 'fuzz DS', number_of_rounds => 10)),
        ('DRR', test_support.tournament('round_robin', p[1:4], 'fuzz DRR'));
    -- a draft whose generation is queued (in this transaction)
    id := test_support.tournament('knockout', p[1:2], 'fuzz A');
    task := tourney.generate_sessions(id, async => true);
    INSERT INTO test_support.fixtures (key, id, value) VALUES ('A', id, NULL), ('taskA', NULL, quote_literal(task) || '::uuid');
    -- a cancelled draft
    id := test_support.tournament('knockout', p[1:2], 'fuzz X');
    UPDATE tourney.tournaments SET status = 'cancelled' WHERE tournament_id = id;
    INSERT INTO test_support.fixtures (key, id) VALUES ('X', id);

    -- completed: C
    id := test_support.tournament('knockout', p[11:12], 'fuzz C');
    task := tourney.generate_sessions(id, async => false);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    INSERT INTO test_support.fixtures (key, id, value) VALUES
        ('C', id, NULL), ('taskC', NULL, quote_literal(task) || '::uuid'), ('sC', test_support.session_id(id, 1, 1), NULL);
    -- individual ranking, round robin and Swiss in progress, no results
    id := test_support.tournament('individual_ranking', p[1:2], 'fuzz I', generate => true);
    INSERT INTO test_support.fixtures (key, id) VALUES ('I', id), ('sI', test_support.session_id(id, 1, 1));
    id := test_support.tournament('round_robin', p[1:4], 'fuzz RR', generate => true);
    INSERT INTO test_support.fixtures (key, id) VALUES ('RR', id), ('sRR', test_support.session_id(id, 1, 1));
    id := test_support.tournament('swiss', p[1:4], 'fuzz SW', generate => true, number_of_rounds => 2);
    INSERT INTO test_support.fixtures (key, id) VALUES ('SW', id), ('sSW', test_support.session_id(id, 1, 1));
    -- double elimination and groups -> knockout in progress, no results:
    -- a winners' round 1 session, a losers' session still without
    -- players, a group session
    id := test_support.tournament('double_elimination', p[1:4], 'fuzz DE', generate => true);
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('DE', id), ('sDE', test_support.session_id(id, 'winners', 1, 1)), ('sDEL', test_support.session_id(id, 'losers', 1, 1));
    id := test_support.tournament('groups_knockout', p[1:6], 'fuzz GK', generate => true, group_count => 2);
    INSERT INTO test_support.fixtures (key, id)
    SELECT 'GK', id UNION ALL
    SELECT 'sGK', min(session_id) FROM tourney.sessions WHERE tournament_id = id AND stage = 'group';
    -- generated, then cancelled: XP
    id := test_support.tournament('knockout', p[1:2], 'fuzz XP', generate => true);
    UPDATE tourney.tournaments SET status = 'cancelled' WHERE tournament_id = id;
    INSERT INTO test_support.fixtures (key, id) VALUES ('XP', id), ('sXP', test_support.session_id(id, 1, 1));

    -- values that fit bigint / int
    INSERT INTO test_support.fixtures (key, value) VALUES
        ('MAX8', '9223372036854775807'),
        ('MIN8', '''-9223372036854775808''::bigint'),
        ('MAX4', '2147483647'),
        ('MIN4', '''-2147483648''::int'),
        ('NOUUID', '''00000000-0000-0000-0000-000000000000''::uuid'),
        ('FFUUID', '''ffffffff-ffff-ffff-ffff-ffffffffffff''::uuid'),
        -- stored scores of Q's first match, in slot order and reversed
        ('Q11SAME', '(SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants'
                    ' WHERE session_id = ' || test_support.id('sQ11') || ')'),
        ('Q11FLIP', '(SELECT array_agg(score ORDER BY slot DESC) FROM tourney.session_participants'
                    ' WHERE session_id = ' || test_support.id('sQ11') || ')');
END $fixtures$;

-- scheduled tournaments (SPEC §3b): SK a knockout of p1..p8 on c1 and c2
-- (one court each) from 1 January 2030 09:00, 30 min, rest 10; SV a
-- knockout of p1..p4 on an implicit venue of 2 courts; RR and SW (above)
-- scheduled on implicit venues of 2 courts
DO $fixtures$
DECLARE
    id bigint;
BEGIN
    id := test_support.tournament('knockout', ARRAY(SELECT test_support.id('p' || i) FROM generate_series(1, 8) i), 'fuzz SK',
                                  seeded => true, generate => true, campus_ids => ARRAY[test_support.id('c1'), test_support.id('c2')]);
    PERFORM tourney.schedule_sessions(id, '2030-01-01 09:00+00', 30, 10);
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('SK', id), ('sSK1', test_support.session_id(id, 1, 1)), ('sSK2', test_support.session_id(id, 1, 2)),
        ('sSK21', test_support.session_id(id, 2, 1)), ('sSKF', test_support.session_id(id, 3, 1)),
        ('sSKT', test_support.session_id(id, 'third_place', 3, 1));
    id := test_support.tournament('knockout', ARRAY(SELECT test_support.id('p' || i) FROM generate_series(1, 4) i), 'fuzz SV',
                                  seeded => true, generate => true);
    PERFORM tourney.schedule_sessions(id, '2030-01-01 09:00+00', 30, 10, 2);
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('SV', id), ('sSV1', test_support.session_id(id, 1, 1)), ('sSV2', test_support.session_id(id, 1, 2));
    PERFORM tourney.schedule_sessions(test_support.id('RR'), '2030-01-01 09:00+00', 30, 10, 2);
    PERFORM tourney.schedule_sessions(test_support.id('SW'), '2030-01-01 09:00+00', 30, 10, 2);
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('sRR2', test_support.session_id(test_support.id('RR'), 1, 2)), ('sSW2', test_support.session_id(test_support.id('SW'), 1, 2));
    INSERT INTO test_support.fixtures (key, value) VALUES
        ('T0', '''2030-01-02 09:00+00''::timestamptz'),
        ('TMAX', '''294276-12-31 23:00+00''::timestamptz'),
        ('TMIN', '''4713-11-24 00:00+00 BC''::timestamptz'),
        ('GUARDS', 'SET CONSTRAINTS tourney.campus_hours_guard, tourney.campus_closures_guard, tourney.campuses_courts_guard IMMEDIATE');
END $fixtures$;

----------------------------------------------------------------------------
-- The cases
----------------------------------------------------------------------------
INSERT INTO cases (call, expect, msg) VALUES
-- create_tournament: name
($$SELECT tourney.create_tournament(NULL, 'knockout')$$, '{22004}', 'name'),
($$SELECT tourney.create_tournament('', 'knockout')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament(repeat('x', 1000000), 'knockout')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament(E'tab\there\nnewline', 'knockout')$$, '{ok}', NULL),
-- format
($$SELECT tourney.create_tournament('x', NULL)$$, '{22004}', 'format'),
($$SELECT tourney.create_tournament('x', '')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament('x', 'KnockOut')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'KNOCKOUT')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', ' knockout')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout ')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout;')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'Individual_Ranking')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'ROUND_ROBIN')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'Swiss')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', repeat('k', 100000))$$, '{22023}', NULL),
-- scoring_type
($$SELECT tourney.create_tournament('x', 'knockout', NULL)$$, '{22004}', 'scoring_type'),
($$SELECT tourney.create_tournament('x', 'knockout', '')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament('x', 'knockout', 'Score_Based')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', 'TIME_BASED')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', 'distance_BASED')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', 'Placement')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', 'Win_Loss')$$, '{ok}', NULL),
-- ranking_direction
($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => '')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => 'ascending')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => 'ASC')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', ranking_direction => 'Desc')$$, '{ok}', NULL),
-- number_of_rounds per format
($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => 1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', number_of_rounds => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => 1)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => 1024)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => 1025)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'individual_ranking', number_of_rounds => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => 1)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => 2)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => 3)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', number_of_rounds => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', number_of_rounds => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', number_of_rounds => 1024)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', number_of_rounds => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', number_of_rounds => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', number_of_rounds => 1025)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', number_of_rounds => @MAX4@)$$, '{22023}', NULL),
-- third_place_playoff
($$SELECT tourney.create_tournament('x', 'knockout', third_place_playoff => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', third_place_playoff => false)$$, '{ok}', NULL),
-- campus_ids
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => NULL)$$, '{22004}', 'campus_ids'),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => '{}')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[NULL]::bigint[])$$, '{22004}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[@c1@, NULL])$$, '{22004}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[0]::bigint[])$$, '{P0002}', 'campus 0'),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[-1]::bigint[])$$, '{P0002}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[@MAX8@])$$, '{P0002}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[@MIN8@])$$, '{P0002}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[@c1@, @MAX8@])$$, '{P0002}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[@c1@, @c1@])$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[[@c1@], [@c2@]])$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => '{{{1}}}')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY[@c1@, @c2@])$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => '[5:6]={@c2@,@c1@}')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => ARRAY(SELECT g FROM generate_series(1000000001::bigint, 1000200000) g))$$, '{P0002}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => array_fill(@c1@::bigint, ARRAY[200000]))$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', campus_ids => array_fill(NULL::bigint, ARRAY[200000]))$$, '{22004}', NULL),

-- grand_final (double elimination only)
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => 'none')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => 'SIMPLE')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => 'Double')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => '')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => 'double ')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => repeat('d', 100000))$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', grand_final => E'double\n')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', grand_final => 'double')$$, '{22023}', 'grand_final'),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, grand_final => 'none')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'swiss', grand_final => '')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament(repeat('x', 1000000), 'double_elimination')$$, '{ok}', NULL),
-- third_place_playoff and number_of_rounds of double elimination
($$SELECT tourney.create_tournament('x', 'double_elimination', third_place_playoff => true)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', third_place_playoff => false)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', third_place_playoff => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', number_of_rounds => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', number_of_rounds => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'double_elimination', number_of_rounds => @MAX4@)$$, '{22023}', NULL),
-- group_count (groups_knockout only)
($$SELECT tourney.create_tournament('x', 'groups_knockout')$$, '{22004}', 'group_count'),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => NULL)$$, '{22004}', 'group_count'),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 1024)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', group_count => 2)$$, '{22023}', 'group_count'),
($$SELECT tourney.create_tournament('x', 'double_elimination', group_count => 0)$$, '{22023}', NULL),
-- advance_per_group
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => 1)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => 100)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => -1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, advance_per_group => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'round_robin', advance_per_group => 2)$$, '{22023}', 'advance_per_group'),
-- group_tiebreak
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, group_tiebreak => NULL)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, group_tiebreak => 'Overall')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, group_tiebreak => 'HEAD_TO_HEAD')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, group_tiebreak => '')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, group_tiebreak => 'head to head')$$, '{22023}', '"head to head"'),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, group_tiebreak => repeat('o', 100000))$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'knockout', group_tiebreak => 'overall')$$, '{22023}', 'group_tiebreak'),
-- number_of_rounds: cycles of the groups
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, number_of_rounds => 2)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, number_of_rounds => 3)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, number_of_rounds => 0)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament('x', 'groups_knockout', group_count => 2, number_of_rounds => @MAX4@)$$, '{22023}', NULL),

-- enroll: tournament_id
($$SELECT tourney.enroll(NULL, ARRAY[@p5@])$$, '{22004}', 'tournament_id'),
($$SELECT tourney.enroll(0, ARRAY[@p5@])$$, '{P0002}', 'tournament 0 does not exist'),
($$SELECT tourney.enroll(-1, ARRAY[@p5@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@MAX4@, ARRAY[@p5@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@MAX8@, ARRAY[@p5@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@MIN8@, ARRAY[@p5@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@MAX8@, '{}')$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@MAX8@, NULL)$$, '{22004}', NULL),
($$SELECT tourney.enroll(@MAX8@, ARRAY[@MAX8@])$$, '{P0002}', NULL),
-- player_ids
($$SELECT tourney.enroll(@D@, NULL)$$, '{22004}', 'player_ids'),
($$SELECT tourney.enroll(@D@, '{}')$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@])$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, '[7:7]={@p5@}')$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[NULL]::bigint[])$$, '{22004}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@, NULL])$$, '{22004}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[[@p5@], [@p6@]])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[0]::bigint[])$$, '{P0002}', 'player 0'),
($$SELECT tourney.enroll(@D@, ARRAY[-1]::bigint[])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@MAX8@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@MIN8@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@, @MAX8@])$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@, @p5@])$$, '{23505}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p1@])$$, '{23505}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@, @p1@])$$, '{23505}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY(SELECT g FROM generate_series(1000000001::bigint, 1000100000) g))$$, '{P0002}', NULL),
($$SELECT tourney.enroll(@D@, array_fill(@p5@::bigint, ARRAY[100000]))$$, '{23505}', NULL),
($$SELECT tourney.enroll(@D@, array_append(array_fill(@p5@::bigint, ARRAY[100000]), NULL))$$, '{22004}', NULL),
-- seeds
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], NULL)$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[NULL]::int[])$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[@MAX4@])$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@, @p6@], ARRAY[NULL, 3])$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, '{}', '{}')$$, '{ok}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], '{}')$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, '{}', ARRAY[1])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[3, 4])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[NULL, NULL]::int[])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[0])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[-1])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[@MIN4@])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[[3]])$$, '{22023}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@, @p6@], ARRAY[3, 3])$$, '{23505}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], ARRAY[1])$$, '{23505}', NULL),
($$SELECT tourney.enroll(@D@, ARRAY[@p5@], array_fill(1, ARRAY[100000]))$$, '{22023}', NULL),
-- enroll: wrong state (checked before the players)
($$SELECT tourney.enroll(@P@, ARRAY[@p5@])$$, '{55000}', 'in_progress'),
($$SELECT tourney.enroll(@P@, ARRAY[@p1@])$$, '{55000}', NULL),
($$SELECT tourney.enroll(@P@, ARRAY[@MAX8@])$$, '{55000}', NULL),
($$SELECT tourney.enroll(@P@, '{}')$$, '{55000}', NULL),
($$SELECT tourney.enroll(@C@, ARRAY[@p5@])$$, '{55000}', 'completed'),
($$SELECT tourney.enroll(@K@, ARRAY[@p5@])$$, '{55000}', NULL),
($$SELECT tourney.enroll(@X@, ARRAY[@p5@])$$, '{55000}', 'cancelled'),
($$SELECT tourney.enroll(@XP@, ARRAY[@p5@])$$, '{55000}', NULL),
($$SELECT tourney.enroll(@A@, ARRAY[@p5@])$$, '{55000}', 'queued'),

-- generate_sessions
($$SELECT tourney.generate_sessions(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.generate_sessions(NULL, false)$$, '{22004}', NULL),
($$SELECT tourney.generate_sessions(0)$$, '{P0002}', NULL),
($$SELECT tourney.generate_sessions(-1, false)$$, '{P0002}', NULL),
($$SELECT tourney.generate_sessions(@MAX4@)$$, '{P0002}', NULL),
($$SELECT tourney.generate_sessions(@MAX8@, true)$$, '{P0002}', NULL),
($$SELECT tourney.generate_sessions(@MIN8@, NULL)$$, '{P0002}', NULL),
($$SELECT tourney.generate_sessions(@D@)$$, '{ok}', NULL),
($$SELECT tourney.generate_sessions(@D@, false)$$, '{ok}', NULL),
($$SELECT tourney.generate_sessions(@D@, true)$$, '{ok}', NULL),
($$SELECT tourney.generate_sessions(@DRR@, false)$$, '{ok}', NULL),
($$SELECT tourney.generate_sessions(@D0@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@D0@, true)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@D1@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@DI0@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@DC@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@DC@, true)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@DS@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@P@, false)$$, '{55000}', 'sessions already generated at'),
($$SELECT tourney.generate_sessions(@P@, true)$$, '{55000}', 'sessions already generated at'),
($$SELECT tourney.generate_sessions(@K@)$$, '{55000}', 'sessions already generated at'),
($$SELECT tourney.generate_sessions(@C@)$$, '{55000}', 'sessions already generated at'),
($$SELECT tourney.generate_sessions(@X@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@XP@, false)$$, '{55000}', NULL),
($$SELECT tourney.generate_sessions(@A@, false)$$, '{55000}', 'queued'),
($$SELECT tourney.generate_sessions(@A@, true)$$, '{55000}', 'queued'),

-- generation_status
($$SELECT tourney.generation_status(NULL)$$, '{22004}', 'task_id'),
($$SELECT tourney.generation_status(@NOUUID@)$$, '{P0002}', '00000000-0000-0000-0000-000000000000'),
($$SELECT tourney.generation_status(@FFUUID@)$$, '{P0002}', NULL),
($$SELECT tourney.generation_status(gen_random_uuid())$$, '{P0002}', NULL),
($$SELECT tourney.generation_status('nope')$$, '{22P02}', NULL),
($$SELECT tourney.generation_status(@taskP@)$$, '{ok}', NULL),
($$SELECT tourney.generation_status(@taskA@)$$, '{ok}', NULL),
($$SELECT tourney.generation_status(@taskC@)$$, '{ok}', NULL),

-- wait_for_task
($$SELECT tourney.wait_for_task(NULL)$$, '{22004}', 'task_id'),
($$SELECT tourney.wait_for_task(NULL, '1 second')$$, '{22004}', NULL),
($$SELECT tourney.wait_for_task(@taskP@, NULL)$$, '{22004}', 'timeout'),
($$SELECT tourney.wait_for_task(@NOUUID@, '10 ms')$$, '{P0002}', NULL),
($$SELECT tourney.wait_for_task(gen_random_uuid(), '0')$$, '{P0002}', NULL),
($$SELECT tourney.wait_for_task(@FFUUID@, '-1 hour')$$, '{P0002}', NULL),
($$SELECT tourney.wait_for_task(@taskP@)$$, '{ok}', NULL),
($$SELECT tourney.wait_for_task(@taskP@, '0')$$, '{ok}', NULL),
($$SELECT tourney.wait_for_task(@taskP@, '10 ms')$$, '{ok}', NULL),
($$SELECT tourney.wait_for_task(@taskP@, '-1 hour')$$, '{ok}', NULL),
($$SELECT tourney.wait_for_task(@taskC@, '1 month')$$, '{ok}', NULL),
($$SELECT tourney.wait_for_task(@taskA@, '10 ms')$$, '{55000}', 'transaction that queued it'),
($$SELECT tourney.wait_for_task(@taskP@, '300000 years')$$, '{ok,22023}', NULL),
($$SELECT tourney.wait_for_task(@taskP@, '-300000 years')$$, '{ok,22023}', NULL),
($$SELECT tourney.wait_for_task(@NOUUID@, '300000 years')$$, '{P0002,22023}', NULL),

-- submit_result: session_id and scores
($$SELECT tourney.submit_result(NULL, ARRAY[1, 0])$$, '{22004}', 'session_id'),
($$SELECT tourney.submit_result(@sP12@, NULL)$$, '{22004}', 'scores'),
($$SELECT tourney.submit_result(NULL, NULL)$$, '{22004}', NULL),
($$SELECT tourney.submit_result(0, ARRAY[1, 0])$$, '{P0002}', 'session 0 does not exist'),
($$SELECT tourney.submit_result(-1, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT tourney.submit_result(@MAX4@, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT tourney.submit_result(@MAX8@, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT tourney.submit_result(@MIN8@, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT tourney.submit_result(@MAX8@, '{}')$$, '{P0002}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[3, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[3.0, 1.00])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[-1, -2])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, '[3:4]={3,1}')$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1e1000, 0])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[-1e1000, 1e-1000])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1e1000, 1e1000 + 1e-1000])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP12@, '{}')$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1])$$, '{22023}', '2 participants but 1 scores'),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1, 2, 3])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1, 1])$$, '{22023}', 'draw'),
($$SELECT tourney.submit_result(@sP12@, ARRAY[0.1, 0.10])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[NULL, 1])$$, '{22004}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1, NULL])$$, '{22004}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY['NaN', 1]::numeric[])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY['Infinity', 1]::numeric[])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[1, '-Infinity']::numeric[])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[[3, 1]])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, ARRAY[[3], [1]])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, array_fill(1::numeric, ARRAY[100000]))$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sP12@, array_fill(NULL::numeric, ARRAY[100000]))$$, '{22004}', NULL),
-- submit_result: a submitted session, sessions waiting for players, states
($$SELECT tourney.submit_result(@sP11@, ARRAY[3, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP11@, ARRAY[3.000, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sP11@, ARRAY[4, 1])$$, '{55000}', 'different result'),
($$SELECT tourney.submit_result(@sP11@, ARRAY[1, 3])$$, '{55000}', NULL),
($$SELECT tourney.submit_result(@sP11@, ARRAY[1, 1])$$, '{55000,22023}', NULL),
($$SELECT tourney.submit_result(@sQ11@, @Q11SAME@)$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sQ11@, @Q11FLIP@)$$, '{55000}', NULL),
($$SELECT tourney.submit_result(@sPF@, ARRAY[1, 0])$$, '{55000}', 'not known yet'),
($$SELECT tourney.submit_result(@sPT@, ARRAY[1, 0])$$, '{55000}', NULL),
($$SELECT tourney.submit_result(@sPF@, ARRAY[1])$$, '{55000,22023}', NULL),
($$SELECT tourney.submit_result(@sC@, ARRAY[1, 0])$$, '{55000}', 'completed'),
($$SELECT tourney.submit_result(@sXP@, ARRAY[1, 0])$$, '{55000}', 'cancelled'),
($$SELECT tourney.submit_result(@sI@, ARRAY[5])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sI@, ARRAY[-1e1000])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sI@, ARRAY[5, 5])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sI@, '{}')$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sI@, ARRAY['NaN']::numeric[])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sRR@, ARRAY[1, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sRR@, ARRAY[2, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sRR@, ARRAY[2])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sSW@, ARRAY[1, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sSW@, ARRAY[1, 0])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sSW@, ARRAY[1, 0, 0])$$, '{22023}', NULL),

-- submit_result: double elimination and groups
($$SELECT tourney.submit_result(@sDE@, ARRAY[2, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sDE@, ARRAY[1, 1])$$, '{22023}', 'draw'),
($$SELECT tourney.submit_result(@sDE@, ARRAY[1e1000, 0])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sDE@, ARRAY['NaN', 0]::numeric[])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sDEL@, ARRAY[2, 1])$$, '{55000}', NULL),
($$SELECT tourney.submit_result(@sGK@, ARRAY[1, 1])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sGK@, ARRAY[0, 3])$$, '{ok}', NULL),
($$SELECT tourney.submit_result(@sGK@, ARRAY[1])$$, '{22023}', NULL),
($$SELECT tourney.submit_result(@sGK@, ARRAY[-1e1000, 1e1000])$$, '{ok}', NULL),

-- correct_result
($$SELECT * FROM tourney.correct_result(NULL, ARRAY[1, 0])$$, '{22004}', 'session_id'),
($$SELECT * FROM tourney.correct_result(@sQ11@, NULL)$$, '{22004}', 'scores'),
($$SELECT * FROM tourney.correct_result(@sQ11@, @Q11SAME@, NULL)$$, '{22004}', 'cascade'),
($$SELECT * FROM tourney.correct_result(0, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT * FROM tourney.correct_result(-1, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT * FROM tourney.correct_result(@MAX8@, ARRAY[1, 0], true)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.correct_result(@MIN8@, ARRAY[1, 0])$$, '{P0002}', NULL),
($$SELECT * FROM tourney.correct_result(@sP12@, ARRAY[3, 1])$$, '{55000}', 'no result'),
($$SELECT * FROM tourney.correct_result(@sI@, ARRAY[5])$$, '{55000}', NULL),
($$SELECT * FROM tourney.correct_result(@sPF@, ARRAY[1, 0])$$, '{55000}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[3, 1])$$, '{ok}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[5, 1])$$, '{ok}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[1, 3])$$, '{ok}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[1, 1])$$, '{22023}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[1])$$, '{22023}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[1, 2, 3])$$, '{22023}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY['NaN', 1]::numeric[])$$, '{22023}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[NULL, 1])$$, '{22004}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, ARRAY[[3, 1]])$$, '{22023}', NULL),
($$SELECT * FROM tourney.correct_result(@sP11@, array_fill(1::numeric, ARRAY[100000]))$$, '{22023}', NULL),
($$SELECT * FROM tourney.correct_result(@sQ11@, @Q11SAME@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.correct_result(@sQ11@, @Q11FLIP@)$$, '{55000}', 'later results'),
($$SELECT * FROM tourney.correct_result(@sQ11@, @Q11FLIP@, false)$$, '{55000}', NULL),
($$SELECT * FROM tourney.correct_result(@sQ11@, @Q11FLIP@, true)$$, '{ok}', NULL),
($$SELECT * FROM tourney.correct_result(@sC@, ARRAY[1, 0])$$, '{55000}', 'completed'),
($$SELECT * FROM tourney.correct_result(@sXP@, ARRAY[1, 0])$$, '{55000}', NULL),

-- simulate_results
($$SELECT tourney.simulate_results(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.simulate_results(@P@, NULL)$$, '{22004}', 'seed'),
($$SELECT tourney.simulate_results(0)$$, '{P0002}', NULL),
($$SELECT tourney.simulate_results(-1, 0)$$, '{P0002}', NULL),
($$SELECT tourney.simulate_results(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.simulate_results(@MIN8@, @MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.simulate_results(@P@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@P@, 0)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@P@, -1)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@P@, @MAX8@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@P@, @MIN8@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@Q@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@K@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@I@, @MAX4@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@RR@, 42)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@SW@, 42)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@D@)$$, '{55000}', 'draft'),
($$SELECT tourney.simulate_results(@D0@)$$, '{55000}', NULL),
($$SELECT tourney.simulate_results(@A@)$$, '{55000}', NULL),
($$SELECT tourney.simulate_results(@C@)$$, '{55000}', 'completed'),
($$SELECT tourney.simulate_results(@X@)$$, '{55000}', NULL),
($$SELECT tourney.simulate_results(@XP@)$$, '{55000}', NULL),

-- calculate_rankings
($$SELECT tourney.calculate_rankings(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.calculate_rankings(0)$$, '{P0002}', NULL),
($$SELECT tourney.calculate_rankings(-1)$$, '{P0002}', NULL),
($$SELECT tourney.calculate_rankings(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.calculate_rankings(@MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.calculate_rankings(@Q@)$$, '{ok}', NULL),
($$SELECT tourney.calculate_rankings(@K@)$$, '{ok}', NULL),
($$SELECT tourney.calculate_rankings(@D@)$$, '{55000}', NULL),
($$SELECT tourney.calculate_rankings(@D0@)$$, '{55000}', NULL),
($$SELECT tourney.calculate_rankings(@A@)$$, '{55000}', NULL),
($$SELECT tourney.calculate_rankings(@P@)$$, '{55000}', 'without a result'),
($$SELECT tourney.calculate_rankings(@I@)$$, '{55000}', NULL),
($$SELECT tourney.calculate_rankings(@C@)$$, '{55000}', NULL),
($$SELECT tourney.calculate_rankings(@X@)$$, '{55000}', NULL),
($$SELECT tourney.calculate_rankings(@XP@)$$, '{55000}', NULL),

-- standings
($$SELECT * FROM tourney.standings(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT * FROM tourney.standings(0)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(-1)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(@MAX8@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(@MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.standings(@MAX4@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(@D@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@D0@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@A@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@P@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@Q@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@C@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@X@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@XP@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@I@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@RR@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@SW@)$$, '{ok}', NULL),
-- standings with top
($$SELECT * FROM tourney.standings(NULL, 5)$$, '{22004}', 'tournament_id'),
($$SELECT * FROM tourney.standings(@P@, NULL)$$, '{22004}', 'top'),
($$SELECT * FROM tourney.standings(NULL::bigint, NULL::int)$$, '{22004}', NULL),
($$SELECT * FROM tourney.standings(@P@, -1)$$, '{22023}', 'negative'),
($$SELECT * FROM tourney.standings(@P@, @MIN4@)$$, '{22023}', 'negative'),
($$SELECT * FROM tourney.standings(@P@, @MAX4@ + 1)$$, '{22003}', NULL),
($$SELECT * FROM tourney.standings(0, 5)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(-1, 5)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(@MAX8@, 20)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(@MIN8@, 0)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.standings(@P@, 0)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@P@, @MAX4@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@D@, 20)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@GK@, 3)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@SW@, 1)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@C@, 2)$$, '{ok}', NULL),

-- group_tables
($$SELECT * FROM tourney.group_tables(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT * FROM tourney.group_tables(0)$$, '{P0002}', 'tournament 0 does not exist'),
($$SELECT * FROM tourney.group_tables(-1)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.group_tables(@MAX8@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.group_tables(@MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.group_tables(@MAX4@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.group_tables(@GK@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.group_tables(@DE@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.group_tables(@D@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.group_tables(@C@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.group_tables(@XP@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@GK@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.standings(@DE@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@DE@, @MIN8@)$$, '{ok}', NULL),
($$SELECT tourney.simulate_results(@GK@, @MAX8@)$$, '{ok}', NULL),
($$SELECT tourney.calculate_rankings(@GK@)$$, '{55000}', NULL),

-- complete_tournament
($$SELECT tourney.complete_tournament(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.complete_tournament(0)$$, '{P0002}', NULL),
($$SELECT tourney.complete_tournament(-1)$$, '{P0002}', NULL),
($$SELECT tourney.complete_tournament(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.complete_tournament(@MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.complete_tournament(@K@)$$, '{ok}', NULL),
($$SELECT tourney.complete_tournament(@D@)$$, '{55000}', NULL),
($$SELECT tourney.complete_tournament(@A@)$$, '{55000}', NULL),
($$SELECT tourney.complete_tournament(@P@)$$, '{55000}', NULL),
($$SELECT tourney.complete_tournament(@Q@)$$, '{55000}', 'rankings are not calculated'),
($$SELECT tourney.complete_tournament(@C@)$$, '{55000}', 'completed'),
($$SELECT tourney.complete_tournament(@X@)$$, '{55000}', NULL),
($$SELECT tourney.complete_tournament(@XP@)$$, '{55000}', NULL),

-- run_scenario: player_count
($$SELECT tourney.run_scenario(NULL)$$, '{22004}', 'player_count'),
($$SELECT tourney.run_scenario(0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(-1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(@MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(@MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(16777217)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(2)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(9)$$, '{ok}', NULL),
-- format
($$SELECT tourney.run_scenario(4, NULL)$$, '{22004}', 'format'),
($$SELECT tourney.run_scenario(4, '')$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.run_scenario(4, 'KnockOut')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'INDIVIDUAL_RANKING')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'Round_Robin')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'swiss')$$, '{ok}', NULL),
-- number_of_rounds
($$SELECT tourney.run_scenario(4, 'knockout', 0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'knockout', 1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'knockout', -1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'knockout', @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'individual_ranking', 3)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'individual_ranking', 0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'individual_ranking', -1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'individual_ranking', 1025)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'individual_ranking', @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'individual_ranking', @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'round_robin', 2)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'round_robin', 3)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'round_robin', 0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'round_robin', @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'swiss', 2)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'swiss', 0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'swiss', 10)$$, '{55000}', NULL),
-- campus_count
($$SELECT tourney.run_scenario(4, campus_count => NULL)$$, '{22004}', 'campus_count'),
($$SELECT tourney.run_scenario(4, campus_count => -1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, campus_count => 1025)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, campus_count => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, campus_count => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, campus_count => 3)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, campus_count => 8)$$, '{ok}', NULL),
-- async
($$SELECT tourney.run_scenario(4, async => NULL)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, async => false)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, async => true)$$, '{ok}', NULL),
-- seed
($$SELECT tourney.run_scenario(4, seed => NULL)$$, '{22004}', 'seed'),
($$SELECT tourney.run_scenario(4, seed => 0)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, seed => -1)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, seed => @MAX8@)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, seed => @MIN8@)$$, '{ok}', NULL),
-- double elimination: grand_final
($$SELECT tourney.run_scenario(4, 'double_elimination')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(3, 'Double_Elimination', grand_final => 'none')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(5, 'double_elimination', grand_final => 'SIMPLE')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(9, 'double_elimination', grand_final => 'double', campus_count => 3)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, 'double_elimination', async => true)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(2, 'double_elimination')$$, '{55000}', NULL),
($$SELECT tourney.run_scenario(4, 'double_elimination', grand_final => 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.run_scenario(4, 'double_elimination', grand_final => repeat('x', 100000))$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'double_elimination', third_place_playoff => true)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'double_elimination', 2)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'double_elimination', group_count => 2)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(4, 'knockout', grand_final => 'double')$$, '{22023}', NULL),
-- groups_knockout: group_count, advance_per_group, group_tiebreak
($$SELECT tourney.run_scenario(8, 'groups_knockout')$$, '{22004}', 'group_count'),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(9, 'GROUPS_KNOCKOUT', 2, group_count => 3, advance_per_group => 1, group_tiebreak => 'Head_To_Head')$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, advance_per_group => 3, campus_count => 2)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, async => true)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, advance_per_group => 4)$$, '{55000}', NULL),
($$SELECT tourney.run_scenario(5, 'groups_knockout', group_count => 2)$$, '{55000}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 9)$$, '{55000}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => -1)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, advance_per_group => 0)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, advance_per_group => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, group_tiebreak => 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, group_tiebreak => repeat('h', 100000))$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', 3, group_count => 2)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'groups_knockout', group_count => 2, grand_final => 'none')$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'swiss', group_count => 2)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'knockout', advance_per_group => 2)$$, '{22023}', NULL),
($$SELECT tourney.run_scenario(8, 'round_robin', group_tiebreak => 'overall')$$, '{22023}', NULL),
-- third_place_playoff
($$SELECT tourney.run_scenario(4, third_place_playoff => NULL)$$, '{ok}', NULL),
($$SELECT tourney.run_scenario(4, third_place_playoff => false)$$, '{ok}', NULL);

-- scheduling (SPEC §3b): schedule_sessions, the live changes, the tables
-- of hours and closures and campuses.courts (their guards made immediate:
-- they fire at COMMIT otherwise); 22008 is PostgreSQL's own "timestamp out
-- of range", for a schedule that would run past the timestamps' end
INSERT INTO cases (call, expect, msg) VALUES
-- schedule_sessions
($$SELECT tourney.schedule_sessions(NULL, @T0@, 30)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.schedule_sessions(@P@, NULL, 30, 0, 2)$$, '{22004}', 'starts_at'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, NULL, 0, 2)$$, '{22004}', 'match_minutes'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, NULL, 2)$$, '{22004}', 'rest_minutes'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30)$$, '{22004}', 'courts'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, 0, 2)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 1, 0, 1)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 527040, 527040, 100000)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@P@, 'infinity', 30, 0, 2)$$, '{22023}', 'finite'),
($$SELECT tourney.schedule_sessions(@P@, '-infinity', 30, 0, 2)$$, '{22023}', 'finite'),
($$SELECT tourney.schedule_sessions(@P@, @TMAX@, 30, 0, 2)$$, '{22008}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @TMIN@, 30, 0, 2)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 0, 0, 2)$$, '{22023}', 'match_minutes'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, -1, 0, 2)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 527041, 0, 2)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, @MAX4@, 0, 2)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, @MIN4@, 0, 2)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, -1, 2)$$, '{22023}', 'rest_minutes'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, @MAX4@, 2)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, @MIN4@, 2)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, 0, 0)$$, '{22023}', 'courts'),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, 0, -1)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, 0, @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(@P@, @T0@, 30, 0, @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.schedule_sessions(0, @T0@, 30, 0, 2)$$, '{P0002}', 'tournament 0 does not exist'),
($$SELECT tourney.schedule_sessions(@MAX8@, @T0@, 30, 0, 2)$$, '{P0002}', NULL),
($$SELECT tourney.schedule_sessions(@MIN8@, @T0@, 30, 0, 2)$$, '{P0002}', NULL),
($$SELECT tourney.schedule_sessions(@D@, @T0@, 30, 0, 2)$$, '{55000}', NULL),
($$SELECT tourney.schedule_sessions(@D0@, @T0@, 30, 0, 2)$$, '{55000}', NULL),
($$SELECT tourney.schedule_sessions(@DC@, @T0@, 30, 0)$$, '{55000}', NULL),
($$SELECT tourney.schedule_sessions(@A@, @T0@, 30, 0, 2)$$, '{55000}', NULL),
($$SELECT tourney.schedule_sessions(@X@, @T0@, 30, 0, 2)$$, '{55000}', NULL),
($$SELECT tourney.schedule_sessions(@XP@, @T0@, 30, 0, 2)$$, '{55000}', NULL),
($$SELECT tourney.schedule_sessions(@SK@, @T0@, 30, 0, 2)$$, '{22023}', 'courts'),
($$SELECT tourney.schedule_sessions(@SK@, @T0@, 30, 0)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@I@, @T0@, 30, 10, 1)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@DE@, @T0@, 30, 10, 3)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@GK@, @T0@, 30, 10, 3)$$, '{ok}', NULL),
($$SELECT tourney.schedule_sessions(@Q@, @T0@, 30, 10, 3)$$, '{ok,55000}', NULL),
($$SELECT tourney.schedule_sessions(@C@, @T0@, 30, 10, 3)$$, '{ok,55000}', NULL),
-- move_session
($$SELECT tourney.move_session(NULL, @T0@)$$, '{22004}', 'session_id'),
($$SELECT tourney.move_session(@sSKF@, NULL)$$, '{22004}', 'starts_at'),
($$SELECT tourney.move_session(0, @T0@)$$, '{P0002}', 'session 0 does not exist'),
($$SELECT tourney.move_session(@MAX8@, @T0@)$$, '{P0002}', NULL),
($$SELECT tourney.move_session(@MIN8@, @T0@)$$, '{P0002}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@)$$, '{ok}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, NULL, NULL, NULL)$$, '{ok}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, request_id => @NOUUID@)$$, '{ok}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, request_id => @FFUUID@)$$, '{ok}', NULL),
($$SELECT tourney.move_session(@sSKF@, 'infinity')$$, '{22023}', 'finite'),
($$SELECT tourney.move_session(@sSKF@, '-infinity')$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSKF@, @TMAX@)$$, '{ok}', NULL),
($$SELECT tourney.move_session(@sSKF@, @TMAX@ + interval '45 min')$$, '{22008,22023}', NULL),
($$SELECT tourney.move_session(@sSKF@, @TMIN@)$$, '{23514}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, 0)$$, '{P0002}', 'campus 0'),
($$SELECT tourney.move_session(@sSKF@, @T0@, -1)$$, '{P0002}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, @MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, @MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, @csmall@)$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, @c2@, 1)$$, '{ok}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, @c2@, 2)$$, '{22023}', 'court 2'),
($$SELECT tourney.move_session(@sSKF@, @T0@, court => 0)$$, '{22023}', 'court'),
($$SELECT tourney.move_session(@sSKF@, @T0@, court => -1)$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, court => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSKF@, @T0@, court => @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSV1@, @T0@, @c1@, 1)$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSV1@, @T0@, court => 3)$$, '{22023}', NULL),
($$SELECT tourney.move_session(@sSK1@, @T0@)$$, '{23514}', NULL),
($$SELECT tourney.move_session(@sP11@, @T0@)$$, '{55000}', NULL),
($$SELECT tourney.move_session(@sPF@, @T0@)$$, '{55000}', 'schedule'),
($$SELECT tourney.move_session(@sQ11@, @T0@)$$, '{55000}', NULL),
($$SELECT tourney.move_session(@sC@, @T0@)$$, '{55000}', NULL),
($$SELECT tourney.move_session(@sXP@, @T0@)$$, '{55000}', NULL),
($$SELECT tourney.move_session(@sDEL@, @T0@)$$, '{55000}', NULL),
-- swap_sessions
($$SELECT tourney.swap_sessions(NULL, @sSK1@)$$, '{22004}', 'session_a'),
($$SELECT tourney.swap_sessions(@sSK1@, NULL)$$, '{22004}', 'session_b'),
($$SELECT tourney.swap_sessions(@sSK1@, @sSK1@)$$, '{22023}', 'itself'),
($$SELECT tourney.swap_sessions(0, @sSK1@)$$, '{P0002}', NULL),
($$SELECT tourney.swap_sessions(@sSK1@, 0)$$, '{P0002}', NULL),
($$SELECT tourney.swap_sessions(@MAX8@, @MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.swap_sessions(@sSK1@, @sSK2@)$$, '{ok}', NULL),
($$SELECT tourney.swap_sessions(@sSKF@, @sSKT@, @NOUUID@)$$, '{ok}', NULL),
($$SELECT tourney.swap_sessions(@sSK1@, @sSKF@)$$, '{23514}', NULL),
($$SELECT tourney.swap_sessions(@sSV1@, @sSV2@)$$, '{ok}', NULL),
($$SELECT tourney.swap_sessions(@sSK1@, @sSV1@)$$, '{22023}', NULL),
($$SELECT tourney.swap_sessions(@sSK1@, @sRR@)$$, '{22023,23P01,23514}', NULL),
($$SELECT tourney.swap_sessions(@sP11@, @sP12@)$$, '{55000}', NULL),
($$SELECT tourney.swap_sessions(@sSKF@, @sC@)$$, '{55000}', NULL),
-- swap_players
($$SELECT tourney.swap_players(NULL, 1, @sSK2@, 1)$$, '{22004}', 'session_a'),
($$SELECT tourney.swap_players(@sSK1@, NULL, @sSK2@, 1)$$, '{22004}', 'slot_a'),
($$SELECT tourney.swap_players(@sSK1@, 1, NULL, 1)$$, '{22004}', 'session_b'),
($$SELECT tourney.swap_players(@sSK1@, 1, @sSK2@, NULL)$$, '{22004}', 'slot_b'),
($$SELECT tourney.swap_players(@sSK1@, 0, @sSK2@, 1)$$, '{22023}', 'slot_a'),
($$SELECT tourney.swap_players(@sSK1@, 1, @sSK2@, 3)$$, '{22023}', 'slot_b'),
($$SELECT tourney.swap_players(@sSK1@, @MAX4@, @sSK2@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sSK1@, @MIN4@, @sSK2@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(0, 1, @sSK2@, 1)$$, '{P0002}', NULL),
($$SELECT tourney.swap_players(@sSK1@, 1, @MAX8@, 1)$$, '{P0002}', NULL),
($$SELECT tourney.swap_players(@sSK1@, 1, @sSK2@, 2)$$, '{ok}', NULL),
($$SELECT tourney.swap_players(@sSK1@, 1, @sSK2@, 2, @FFUUID@)$$, '{ok}', NULL),
($$SELECT tourney.swap_players(@sSK1@, 1, @sSK1@, 2)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sSK1@, 1, @sSK21@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sSK21@, 1, @sSKF@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sRR@, 1, @sRR2@, 1)$$, '{22023}', 'round_robin'),
($$SELECT tourney.swap_players(@sSW@, 1, @sSW2@, 1)$$, '{ok}', NULL),
($$SELECT tourney.swap_players(@sI@, 2, @sI@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sDEL@, 1, @sDE@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sGK@, 1, @sGK@, 2)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sP11@, 1, @sP12@, 1)$$, '{55000}', NULL),
($$SELECT tourney.swap_players(@sP12@, 1, @sSK1@, 1)$$, '{22023}', NULL),
($$SELECT tourney.swap_players(@sC@, 1, @sC@, 2)$$, '{22023,55000}', NULL),
-- delay_sessions
($$SELECT tourney.delay_sessions(NULL, @T0@, 10)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.delay_sessions(@SK@, NULL, 10)$$, '{22004}', 'from_time'),
($$SELECT tourney.delay_sessions(@SK@, @T0@, NULL)$$, '{22004}', 'minutes'),
($$SELECT tourney.delay_sessions(@SK@, @T0@, 0)$$, '{22023}', 'minutes'),
($$SELECT tourney.delay_sessions(@SK@, @T0@, -1)$$, '{22023}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @T0@, 527041)$$, '{22023}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @T0@, @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @T0@, @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.delay_sessions(@SK@, 'infinity', 10)$$, '{22023}', NULL),
($$SELECT tourney.delay_sessions(@SK@, '-infinity', 10)$$, '{22023}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @TMIN@, 10)$$, '{ok}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @TMIN@, 527040)$$, '{ok}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @TMAX@, 10)$$, '{ok}', NULL),
($$SELECT tourney.delay_sessions(@SK@, @T0@, 10, @NOUUID@)$$, '{ok}', NULL),
($$SELECT tourney.delay_sessions(@SV@, '2030-01-01 09:30+00', 5)$$, '{ok}', NULL),
($$SELECT tourney.delay_sessions(0, @T0@, 10)$$, '{P0002}', NULL),
($$SELECT tourney.delay_sessions(@MAX8@, @T0@, 10)$$, '{P0002}', NULL),
($$SELECT tourney.delay_sessions(@MIN8@, @T0@, 10)$$, '{P0002}', NULL),
($$SELECT tourney.delay_sessions(@D@, @T0@, 10)$$, '{55000}', NULL),
($$SELECT tourney.delay_sessions(@P@, @T0@, 10)$$, '{55000}', 'schedule'),
($$SELECT tourney.delay_sessions(@C@, @T0@, 10)$$, '{55000}', NULL),
($$SELECT tourney.delay_sessions(@XP@, @T0@, 10)$$, '{55000}', NULL),
-- close_campus
($$SELECT * FROM tourney.close_campus(NULL, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{22004}', 'tournament_id'),
($$SELECT * FROM tourney.close_campus(@SK@, NULL, @T0@, @T0@ + interval '1 hour')$$, '{22004}', 'campus_id'),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, NULL, @T0@)$$, '{22004}', 'from_time'),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, @T0@, NULL)$$, '{22004}', 'to_time'),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, @T0@, @T0@)$$, '{22023}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, @T0@ + interval '1 hour', @T0@)$$, '{22023}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, '-infinity', @T0@)$$, '{22023}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, @T0@, 'infinity')$$, '{22023}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, @TMIN@, @TMAX@)$$, '{ok,55000}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, '2030-01-01 00:00+00', '2030-01-02 00:00+00')$$, '{ok}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @c1@, '2030-01-01 00:00+00', '2030-01-02 00:00+00', @FFUUID@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, 0, @T0@, @T0@ + interval '1 hour')$$, '{P0002}', 'campus 0'),
($$SELECT * FROM tourney.close_campus(@SK@, @MAX8@, @T0@, @T0@ + interval '1 hour')$$, '{P0002}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @MIN8@, @T0@, @T0@ + interval '1 hour')$$, '{P0002}', NULL),
($$SELECT * FROM tourney.close_campus(@SK@, @csmall@, @T0@, @T0@ + interval '1 hour')$$, '{22023}', NULL),
($$SELECT * FROM tourney.close_campus(0, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{P0002}', NULL),
($$SELECT * FROM tourney.close_campus(@MAX8@, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{P0002}', NULL),
($$SELECT * FROM tourney.close_campus(@P@, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{22023,55000}', NULL),
($$SELECT * FROM tourney.close_campus(@SV@, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{22023}', NULL),
($$SELECT * FROM tourney.close_campus(@C@, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{22023,55000}', NULL),
($$SELECT * FROM tourney.close_campus(@D@, @c1@, @T0@, @T0@ + interval '1 hour')$$, '{22023,55000}', NULL),
-- the tables that shape a schedule
($$INSERT INTO tourney.campus_hours VALUES (@c1@, tstzrange('2030-01-01 08:00+00', '2030-01-02 00:00+00')); @GUARDS@$$, '{ok}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (@c1@, tstzrange('2030-01-01 10:00+00', '2030-01-02 00:00+00')); @GUARDS@$$, '{22023}', 'opening hours'),
($$INSERT INTO tourney.campus_hours VALUES (@c1@, '(,)'); @GUARDS@$$, '{ok}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (@c1@, 'empty'); @GUARDS@$$, '{23514}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (@c1@, NULL); @GUARDS@$$, '{23502}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (NULL, '(,)'); @GUARDS@$$, '{23502}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (-1, '(,)'); @GUARDS@$$, '{23503}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (@MAX8@, '(,)'); @GUARDS@$$, '{23503}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (@MIN8@, '(,)'); @GUARDS@$$, '{23503}', NULL),
($$INSERT INTO tourney.campus_hours VALUES (@c1@, '(,)'), (@c1@, '[2030-01-01,2030-01-02)'); @GUARDS@$$, '{23P01}', NULL),
($$INSERT INTO tourney.campus_closures VALUES (@c1@, '[2030-01-01 09:00+00,2030-01-01 09:01+00)', NULL); @GUARDS@$$, '{22023}', 'closure'),
($$INSERT INTO tourney.campus_closures VALUES (@c1@, '(,)', 'all of time'); @GUARDS@$$, '{22023}', NULL),
($$INSERT INTO tourney.campus_closures VALUES (@c1@, '[2031-01-01,2031-01-02)', repeat('r', 100000)); @GUARDS@$$, '{ok}', NULL),
($$INSERT INTO tourney.campus_closures VALUES (@c1@, 'empty', 'x'); @GUARDS@$$, '{23514}', NULL),
($$INSERT INTO tourney.campus_closures VALUES (@c1@, NULL, 'x'); @GUARDS@$$, '{23502}', NULL),
($$INSERT INTO tourney.campus_closures VALUES (-1, '(,)', 'x'); @GUARDS@$$, '{23503}', NULL),
($$UPDATE tourney.campuses SET courts = 0 WHERE campus_id = @c1@; @GUARDS@$$, '{23514}', NULL),
($$UPDATE tourney.campuses SET courts = -1 WHERE campus_id = @c1@; @GUARDS@$$, '{23514}', NULL),
($$UPDATE tourney.campuses SET courts = NULL WHERE campus_id = @c1@; @GUARDS@$$, '{23502}', NULL),
($$UPDATE tourney.campuses SET courts = @MAX4@ WHERE campus_id = @c1@; @GUARDS@$$, '{ok}', NULL),
($$UPDATE tourney.campuses SET courts = courts WHERE campus_id = @c1@; @GUARDS@$$, '{ok}', NULL);

-- update_ratings (SPEC §3d): CR completed and rated already, CI a
-- completed individual ranking, CE a completed knockout of two players
-- with absurd values (ratings of 1e300, deviations of 1e300: Glicko-2
-- cannot give finite ones, 22003; Elo can)
DO $fixtures$
DECLARE
    id bigint;
BEGIN
    id := test_support.tournament('knockout', test_support.players(4, 'fuzz rated'), 'fuzz CR', generate => true);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    PERFORM tourney.update_ratings(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('CR', id);
    id := test_support.tournament('individual_ranking', test_support.players(2, 'fuzz individual'), 'fuzz CI', generate => true);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('CI', id);
    id := test_support.tournament('knockout', test_support.players(2, 'fuzz extreme', '1e300 * (3 - 2 * g)'), 'fuzz CE', generate => true);
    UPDATE tourney.players SET rating_deviation = 1e300, rating_volatility = 1e300
    WHERE player_id IN (SELECT player_id FROM tourney.enrollments WHERE tournament_id = id);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    PERFORM tourney.complete_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('CE', id);
END $fixtures$;

INSERT INTO cases (call, expect, msg) VALUES
-- tournament_id
($$SELECT tourney.update_ratings(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.update_ratings(NULL, NULL, NULL, NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.update_ratings(0)$$, '{P0002}', 'tournament 0 does not exist'),
($$SELECT tourney.update_ratings(-1)$$, '{P0002}', NULL),
($$SELECT tourney.update_ratings(@MAX4@)$$, '{P0002}', NULL),
($$SELECT tourney.update_ratings(@MAX8@, 'elo')$$, '{P0002}', NULL),
($$SELECT tourney.update_ratings(@MIN8@, 'glicko2', 0.5, 32)$$, '{P0002}', NULL),
($$SELECT tourney.update_ratings(@C@)$$, '{ok}', NULL),
-- method
($$SELECT tourney.update_ratings(@C@, NULL)$$, '{22004}', 'method'),
($$SELECT tourney.update_ratings(@C@, 'glicko2')$$, '{ok}', NULL),
($$SELECT tourney.update_ratings(@C@, 'GLICKO2')$$, '{ok}', NULL),
($$SELECT tourney.update_ratings(@C@, 'Elo')$$, '{ok}', NULL),
($$SELECT tourney.update_ratings(@C@, 'ELO')$$, '{ok}', NULL),
($$SELECT tourney.update_ratings(@C@, '')$$, '{22023}', 'rating method'),
($$SELECT tourney.update_ratings(@C@, 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.update_ratings(@C@, 'glicko')$$, '{22023}', NULL),
($$SELECT tourney.update_ratings(@C@, 'glicko-2')$$, '{22023}', NULL),
($$SELECT tourney.update_ratings(@C@, ' elo')$$, '{22023}', NULL),
($$SELECT tourney.update_ratings(@C@, 'elo;')$$, '{22023}', NULL),
($$SELECT tourney.update_ratings(@C@, E'elo\n')$$, '{22023}', NULL),
($$SELECT tourney.update_ratings(@C@, repeat('g', 100000))$$, '{22023}', NULL),
($$SELECT tourney.update_ratings(0, 'nope')$$, '{22023}', NULL),
-- tau
($$SELECT tourney.update_ratings(@C@, 'glicko2', NULL)$$, '{22004}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', 0)$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', '-0')$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', -1)$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', 'NaN')$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', 'Infinity')$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', '-Infinity')$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'elo', 0)$$, '{22023}', 'tau'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', 1e-300)$$, '{ok}', NULL),
-- a tau this large drives the volatility to 0: refused, naming the values
($$SELECT tourney.update_ratings(@C@, 'glicko2', 1e300)$$, '{22003}', 'out of range'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', 5e-324)$$, '{ok}', NULL),
-- k_factor
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, NULL)$$, '{22004}', 'k_factor'),
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, 0)$$, '{22023}', 'k_factor'),
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, -32)$$, '{22023}', 'k_factor'),
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, 'NaN')$$, '{22023}', 'k_factor'),
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, 'Infinity')$$, '{22023}', 'k_factor'),
($$SELECT tourney.update_ratings(@C@, 'glicko2', 0.5, '-Infinity')$$, '{22023}', 'k_factor'),
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, 1e-300)$$, '{ok}', NULL),
($$SELECT tourney.update_ratings(@C@, 'elo', 0.5, 1e300)$$, '{ok}', NULL),
-- wrong states
($$SELECT tourney.update_ratings(@D@)$$, '{55000}', 'draft'),
($$SELECT tourney.update_ratings(@D0@, 'elo')$$, '{55000}', NULL),
($$SELECT tourney.update_ratings(@A@)$$, '{55000}', NULL),
($$SELECT tourney.update_ratings(@P@)$$, '{55000}', 'in_progress'),
($$SELECT tourney.update_ratings(@Q@)$$, '{55000}', NULL),
($$SELECT tourney.update_ratings(@K@, 'elo')$$, '{55000}', NULL),
($$SELECT tourney.update_ratings(@I@)$$, '{55000}', NULL),
($$SELECT tourney.update_ratings(@RR@)$$, '{55000}', NULL),
($$SELECT tourney.update_ratings(@X@)$$, '{55000}', 'cancelled'),
($$SELECT tourney.update_ratings(@XP@)$$, '{55000}', 'cancelled'),
($$SELECT tourney.update_ratings(@CI@)$$, '{55000}', 'individual_ranking'),
($$SELECT tourney.update_ratings(@CI@, 'elo')$$, '{55000}', 'individual_ranking'),
($$SELECT tourney.update_ratings(@CR@)$$, '{55000}', 'rated already'),
($$SELECT tourney.update_ratings(@CR@, 'elo', 1, 1)$$, '{55000}', 'rated already'),
-- absurd values before the period
($$SELECT tourney.update_ratings(@CE@)$$, '{22003}', 'out of range'),
($$SELECT tourney.update_ratings(@CE@, 'elo')$$, '{ok}', NULL),
($$SELECT tourney.update_ratings(@CE@, 'elo', 0.5, 1e300)$$, '{ok}', NULL);

-- random calls of the six (setseed): ids of scheduled, unscheduled,
-- played and unknown sessions and tournaments, NULLs, times in and out of
-- range, minutes, courts and slots of every sign; only the SQLSTATEs
-- above, never a crash
SELECT setseed(0.1414);
INSERT INTO cases (call, expect, msg)
SELECT CASE f
         WHEN 1 THEN format('SELECT tourney.move_session((%s)::bigint, (%s)::timestamptz, (%s)::bigint, (%s)::int)', sid, tm, campus, num)
         WHEN 2 THEN format('SELECT tourney.swap_sessions((%s)::bigint, (%s)::bigint)', sid, sid2)
         WHEN 3 THEN format('SELECT tourney.swap_players((%s)::bigint, (%s)::int, (%s)::bigint, (%s)::int)', sid, num, sid2, num2)
         WHEN 4 THEN format('SELECT tourney.delay_sessions((%s)::bigint, (%s)::timestamptz, (%s)::int)', tid, tm, num)
         WHEN 5 THEN format('SELECT count(*) FROM tourney.close_campus((%s)::bigint, (%s)::bigint, (%s)::timestamptz, (%s)::timestamptz)',
                            tid, campus, tm, tm2)
         ELSE format('SELECT tourney.schedule_sessions((%s)::bigint, (%s)::timestamptz, (%s)::int, (%s)::int, (%s)::int)',
                     tid, tm, num, num2, courts) END,
       '{ok,22004,22023,P0002,55000,23P01,23514,22008}', NULL
FROM (SELECT g, 1 + floor(random() * 6)::int AS f,
             (ARRAY['@sSK1@', '@sSKF@', '@sSKT@', '@sSK21@', '@sSV1@', '@sSV2@', '@sP11@', '@sPF@', '@sC@', '@sRR@', '@sSW@',
                    '@sDEL@', '0', '-1', '@MAX8@', 'NULL'])[1 + floor(random() * 16)::int] AS sid,
             (ARRAY['@sSK2@', '@sSKF@', '@sSV2@', '@sRR2@', '@sSW2@', '@sP12@', '0', '@MIN8@', 'NULL'])[1 + floor(random() * 9)::int] AS sid2,
             (ARRAY['@SK@', '@SV@', '@RR@', '@SW@', '@P@', '@D@', '@C@', '@XP@', '0', '@MAX8@', 'NULL'])[1 + floor(random() * 11)::int] AS tid,
             (ARRAY['@T0@', '@TMIN@', '@TMAX@', '''infinity''', 'NULL', '''2030-01-01 09:40+00''', '''2030-01-01 08:00+00'''])
                 [1 + floor(random() * 7)::int] AS tm,
             (ARRAY['@T0@ + interval ''3 hours''', '@TMIN@', '@TMAX@', '''infinity''', 'NULL', '''2030-01-01 12:00+00'''])
                 [1 + floor(random() * 6)::int] AS tm2,
             (ARRAY['NULL', '@c1@', '@c2@', '@csmall@', '-1', '@MAX8@'])[1 + floor(random() * 6)::int] AS campus,
             (ARRAY['NULL', '1', '2', '3', '0', '-1', '30', '527040', '@MAX4@', '@MIN4@'])[1 + floor(random() * 10)::int] AS num,
             (ARRAY['NULL', '1', '2', '0', '10', '-5', '@MAX4@'])[1 + floor(random() * 7)::int] AS num2,
             (ARRAY['NULL', '1', '2', '100000', '0', '-3'])[1 + floor(random() * 6)::int] AS courts
      FROM generate_series(1, 60) g) r
ORDER BY g;

-- the event day (SPEC §3e, issue 18): check_in, drop_unchecked,
-- submit_walkover, withdraw_player, cancel_tournament, cancel_task
INSERT INTO cases (call, expect, msg) VALUES
-- check_in
($$SELECT tourney.check_in(NULL, ARRAY[@p1@])$$, '{22004}', 'tournament_id'),
($$SELECT tourney.check_in(@D@, NULL)$$, '{22004}', 'player_ids'),
($$SELECT tourney.check_in(@D@, '{}')$$, '{ok}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[@p1@])$$, '{ok}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[@p1@, @p1@, @p2@])$$, '{ok}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY(SELECT @p3@ FROM generate_series(1, 100000)))$$, '{ok}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[NULL]::bigint[])$$, '{22004}', 'player_ids'),
($$SELECT tourney.check_in(@D@, ARRAY[@p1@, NULL])$$, '{22004}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[[@p1@, @p2@]])$$, '{22023}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[@MAX8@])$$, '{P0002}', 'player'),
($$SELECT tourney.check_in(@D@, ARRAY[@MIN8@])$$, '{P0002}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[0])$$, '{P0002}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY(SELECT g FROM generate_series(-50000, 50000) g))$$, '{P0002,55000}', NULL),
($$SELECT tourney.check_in(@D@, ARRAY[@p12@])$$, '{55000}', 'not enrolled'),
($$SELECT tourney.check_in(@D@, ARRAY[@p1@, @p12@])$$, '{55000}', NULL),
($$SELECT tourney.check_in(@DS@, ARRAY[@p1@, @p4@])$$, '{ok}', NULL),
($$SELECT tourney.check_in(@P@, ARRAY[@p1@])$$, '{55000}', 'in_progress'),
($$SELECT tourney.check_in(@A@, ARRAY[@p1@])$$, '{55000}', 'queued'),
($$SELECT tourney.check_in(@C@, ARRAY[@p11@])$$, '{55000}', NULL),
($$SELECT tourney.check_in(@X@, ARRAY[@p1@])$$, '{55000}', NULL),
($$SELECT tourney.check_in(@XP@, ARRAY[@p1@])$$, '{55000}', NULL),
($$SELECT tourney.check_in(0, ARRAY[@p1@])$$, '{P0002}', 'tournament 0'),
($$SELECT tourney.check_in(@MAX8@, ARRAY[@p1@])$$, '{P0002}', NULL),
($$SELECT tourney.check_in(@MIN8@, ARRAY[@p1@])$$, '{P0002}', NULL),
-- drop_unchecked
($$SELECT tourney.drop_unchecked(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.drop_unchecked(@D@)$$, '{ok}', NULL),
($$SELECT tourney.drop_unchecked(@D0@)$$, '{ok}', NULL),
($$SELECT tourney.drop_unchecked(@DS@)$$, '{ok}', NULL),
($$SELECT tourney.check_in(@DRR@, ARRAY[@p2@]); SELECT tourney.drop_unchecked(@DRR@)$$, '{ok}', NULL),
($$SELECT tourney.drop_unchecked(@P@)$$, '{55000}', 'in_progress'),
($$SELECT tourney.drop_unchecked(@A@)$$, '{55000}', 'queued'),
($$SELECT tourney.drop_unchecked(@C@)$$, '{55000}', NULL),
($$SELECT tourney.drop_unchecked(@X@)$$, '{55000}', NULL),
($$SELECT tourney.drop_unchecked(0)$$, '{P0002}', NULL),
($$SELECT tourney.drop_unchecked(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.drop_unchecked(@MIN8@)$$, '{P0002}', NULL),
-- submit_walkover
($$SELECT tourney.submit_walkover(NULL, 1)$$, '{22004}', 'session_id'),
($$SELECT tourney.submit_walkover(@sP12@, NULL)$$, '{22004}', 'winner_slot'),
($$SELECT tourney.submit_walkover(@sP12@, 0)$$, '{22023}', 'winner_slot'),
($$SELECT tourney.submit_walkover(@sP12@, 3)$$, '{22023}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, -1)$$, '{22023}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, @MIN4@)$$, '{22023}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, 1)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, 2)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, 1); SELECT tourney.submit_walkover(@sP12@, 1)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sP12@, 1); SELECT tourney.submit_walkover(@sP12@, 2)$$, '{55000}', 'walkover'),
($$SELECT tourney.submit_walkover(@sP12@, 1); SELECT tourney.submit_result(@sP12@, ARRAY[1, 0])$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sP11@, 1)$$, '{55000}', 'already has a result'),
($$SELECT tourney.submit_walkover(@sP11@, 2)$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sPF@, 1)$$, '{55000}', 'both participants'),
($$SELECT tourney.submit_walkover(@sPT@, 2)$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sQ11@, 1)$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sC@, 1)$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sXP@, 1)$$, '{55000}', 'cancelled'),
($$SELECT tourney.submit_walkover(@sI@, 1)$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sDEL@, 1)$$, '{55000}', NULL),
($$SELECT tourney.submit_walkover(@sDE@, 2)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sGK@, 2)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sRR@, 1)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sSW@, 2)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(@sSK1@, 1)$$, '{ok}', NULL),
($$SELECT tourney.submit_walkover(0, 1)$$, '{P0002}', 'session 0'),
($$SELECT tourney.submit_walkover(@MAX8@, 1)$$, '{P0002}', NULL),
($$SELECT tourney.submit_walkover(@MIN8@, 2)$$, '{P0002}', NULL),
($$SELECT tourney.submit_walkover(-1, 1)$$, '{P0002}', NULL),
-- withdraw_player
($$SELECT * FROM tourney.withdraw_player(NULL, @p1@)$$, '{22004}', 'tournament_id'),
($$SELECT * FROM tourney.withdraw_player(@P@, NULL)$$, '{22004}', 'player_id'),
($$SELECT * FROM tourney.withdraw_player(@P@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@P@, @p2@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@P@, @p2@); SELECT * FROM tourney.withdraw_player(@P@, @p3@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@P@, @p2@); SELECT * FROM tourney.withdraw_player(@P@, @p2@)$$, '{55000}', 'already'),
-- p4 lost sP11 and waits in the third-place match (sPT) for its opponent
($$SELECT * FROM tourney.withdraw_player(@P@, @p4@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@P@, @p4@); SELECT * FROM tourney.withdraw_player(@P@, @p4@)$$, '{55000}', 'already'),
($$SELECT * FROM tourney.withdraw_player(@P@, @p12@)$$, '{55000}', 'not enrolled'),
($$SELECT * FROM tourney.withdraw_player(@P@, @p5@)$$, '{55000}', NULL),
($$SELECT * FROM tourney.withdraw_player(@P@, 0)$$, '{P0002}', 'player 0'),
($$SELECT * FROM tourney.withdraw_player(@P@, @MAX8@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.withdraw_player(@P@, @MIN8@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.withdraw_player(@D@, @p1@)$$, '{55000}', 'draft'),
($$SELECT * FROM tourney.withdraw_player(@A@, @p1@)$$, '{55000}', NULL),
($$SELECT * FROM tourney.withdraw_player(@C@, @p11@)$$, '{55000}', NULL),
($$SELECT * FROM tourney.withdraw_player(@X@, @p1@)$$, '{55000}', NULL),
($$SELECT * FROM tourney.withdraw_player(@XP@, @p1@)$$, '{55000}', NULL),
-- Q and K have every result: nobody has a session left, winners included
($$SELECT * FROM tourney.withdraw_player(@Q@, @p5@)$$, '{55000}', 'no session left'),
($$SELECT * FROM tourney.withdraw_player(@K@, @p9@)$$, '{55000}', 'no session left'),
($$SELECT * FROM tourney.withdraw_player(@K@, @p10@)$$, '{55000}', 'no session left'),
($$SELECT * FROM tourney.withdraw_player(@RR@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@SW@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@I@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@DE@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@GK@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(@SK@, @p1@)$$, '{ok}', NULL),
($$SELECT * FROM tourney.withdraw_player(0, @p1@)$$, '{P0002}', 'tournament 0'),
($$SELECT * FROM tourney.withdraw_player(@MAX8@, @p1@)$$, '{P0002}', NULL),
($$SELECT * FROM tourney.withdraw_player(@MIN8@, @MIN8@)$$, '{P0002}', NULL),
-- cancel_tournament
($$SELECT tourney.cancel_tournament(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.cancel_tournament(@D@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@D0@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@P@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@A@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@K@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@SK@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@GK@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_tournament(@P@); SELECT tourney.cancel_tournament(@P@)$$, '{55000}', 'cancelled'),
($$SELECT tourney.cancel_tournament(@C@)$$, '{55000}', 'completed'),
($$SELECT tourney.cancel_tournament(@X@)$$, '{55000}', NULL),
($$SELECT tourney.cancel_tournament(@XP@)$$, '{55000}', NULL),
($$SELECT tourney.cancel_tournament(0)$$, '{P0002}', 'tournament 0'),
($$SELECT tourney.cancel_tournament(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.cancel_tournament(@MIN8@)$$, '{P0002}', NULL),
-- cancel_task
($$SELECT tourney.cancel_task(NULL)$$, '{22004}', 'task_id'),
($$SELECT tourney.cancel_task(@taskA@)$$, '{ok}', NULL),
($$SELECT tourney.cancel_task(@taskA@); SELECT tourney.cancel_task(@taskA@)$$, '{55000}', 'ended'),
($$SELECT tourney.cancel_task(@taskP@)$$, '{55000}', 'ended'),
($$SELECT tourney.cancel_task(@taskC@)$$, '{55000}', NULL),
($$SELECT tourney.cancel_task(@NOUUID@)$$, '{P0002}', '00000000-0000-0000-0000-000000000000'),
($$SELECT tourney.cancel_task(@FFUUID@)$$, '{P0002}', NULL),
($$SELECT tourney.cancel_task(gen_random_uuid())$$, '{P0002}', NULL);

-- random calls of the six (setseed): ids of every state, unknown and
-- extreme ids, NULLs, slots of every sign; only the SQLSTATEs above,
-- never a crash, nothing written by a refusal
SELECT setseed(0.3e0);
INSERT INTO cases (call, expect, msg)
SELECT CASE f
         WHEN 1 THEN format('SELECT tourney.check_in((%s)::bigint, ARRAY[(%s)::bigint, (%s)::bigint])', tid, pid, pid2)
         WHEN 2 THEN format('SELECT tourney.drop_unchecked((%s)::bigint)', tid)
         WHEN 3 THEN format('SELECT tourney.submit_walkover((%s)::bigint, (%s)::int)', sid, num)
         WHEN 4 THEN format('SELECT count(*) FROM tourney.withdraw_player((%s)::bigint, (%s)::bigint)', tid, pid)
         WHEN 5 THEN format('SELECT tourney.cancel_tournament((%s)::bigint)', tid)
         ELSE format('SELECT tourney.cancel_task((%s)::uuid)', task) END,
       '{ok,22004,22023,P0002,55000}', NULL
FROM (SELECT g, 1 + floor(random() * 6)::int AS f,
             (ARRAY['@D@', '@D0@', '@DS@', '@DRR@', '@P@', '@Q@', '@K@', '@C@', '@X@', '@XP@', '@A@', '@RR@', '@SW@', '@I@', '@DE@',
                    '@GK@', '@SK@', '0', '-1', '@MAX8@', '@MIN8@', 'NULL'])[1 + floor(random() * 22)::int] AS tid,
             (ARRAY['@p1@', '@p2@', '@p4@', '@p5@', '@p9@', '@p11@', '@p12@', '0', '@MAX8@', '@MIN8@', 'NULL'])[1 + floor(random() * 11)::int] AS pid,
             (ARRAY['@p3@', '@p6@', '@p12@', '-7', 'NULL'])[1 + floor(random() * 5)::int] AS pid2,
             (ARRAY['@sP11@', '@sP12@', '@sPF@', '@sPT@', '@sQ11@', '@sC@', '@sXP@', '@sI@', '@sDE@', '@sDEL@', '@sGK@', '@sRR@',
                    '@sSW@', '@sSK1@', '@sSKF@', '0', '@MAX8@', 'NULL'])[1 + floor(random() * 18)::int] AS sid,
             (ARRAY['NULL', '1', '2', '0', '3', '-1', '@MAX4@', '@MIN4@'])[1 + floor(random() * 8)::int] AS num,
             (ARRAY['@taskA@', '@taskP@', '@taskC@', '@NOUUID@', '@FFUUID@', 'NULL'])[1 + floor(random() * 6)::int] AS task
      FROM generate_series(1, 80) g) r
ORDER BY g;

-- the readers of 0.2 (SPEC §3c): task_percent, tournament_checked (what
-- standings and group_tables check), the view overview and the owner's
-- tallies_rebuild; and the node side of a PL/Proxy deployment (SPEC §8,
-- README "Beyond one machine"): create_tournament_with_id, put_players,
-- put_campuses and the two helpers they share.  PX1, PX2: ids as a proxy
-- mints them for node 0 (local part from 2^47 on, never met by the node's
-- own sequence); NODE1: the first id stamped for node 1; LOCALMAX: the
-- last id of node 0
DO $fixtures$
BEGIN
    INSERT INTO test_support.fixtures (key, value) VALUES
        ('PX1', '140737488355329'),
        ('PX2', '140737488355330'),
        ('NODE1', '281474976710656'),
        ('LOCALMAX', '281474976710655'),
        -- the node's own next tournament id
        ('NEXTT', '(SELECT last_value + 1 FROM tourney.tournament_id_seq)');
END $fixtures$;

INSERT INTO cases (call, expect, msg) VALUES
-- task_percent: NULL when no worker runs the task
($$SELECT tourney.task_percent(NULL)$$, '{22004}', 'task_id'),
($$SELECT tourney.task_percent(@NOUUID@)$$, '{ok}', NULL),
($$SELECT tourney.task_percent(@FFUUID@)$$, '{ok}', NULL),
($$SELECT tourney.task_percent(gen_random_uuid())$$, '{ok}', NULL),
($$SELECT tourney.task_percent(@taskA@)$$, '{ok}', NULL),
($$SELECT tourney.task_percent(@taskP@)$$, '{ok}', NULL),
($$SELECT tourney.task_percent(@taskC@)$$, '{ok}', NULL),
($$SELECT tourney.task_percent('nope')$$, '{22P02}', NULL),
($$SELECT 1 / (tourney.task_percent(@taskP@) IS NULL)::int$$, '{ok}', NULL),
($$SELECT 1 / (tourney.task_percent(@NOUUID@) IS NULL)::int$$, '{ok}', NULL),
-- tournament_checked
($$SELECT tourney.tournament_checked(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.tournament_checked(0)$$, '{P0002}', 'tournament 0 does not exist'),
($$SELECT tourney.tournament_checked(-1)$$, '{P0002}', NULL),
($$SELECT tourney.tournament_checked(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.tournament_checked(@MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.tournament_checked(@NODE1@)$$, '{P0002}', NULL),
($$SELECT 1 / (tourney.tournament_checked(@D@) = @D@)::int$$, '{ok}', NULL),
($$SELECT 1 / (tourney.tournament_checked(@C@) = @C@)::int$$, '{ok}', NULL),
($$SELECT 1 / (tourney.tournament_checked(@X@) = @X@)::int$$, '{ok}', NULL),
($$SELECT 1 / (tourney.tournament_checked(@A@) = @A@)::int$$, '{ok}', NULL),
-- the view overview
($$SELECT * FROM tourney.overview$$, '{ok}', NULL),
($$SELECT * FROM tourney.overview WHERE tournament_id = @MAX8@$$, '{ok}', NULL),
($$SELECT * FROM tourney.overview WHERE tournament_id = NULL$$, '{ok}', NULL),
($$SELECT count(*) FROM tourney.overview WHERE percent > 100 OR task_percent > 100$$, '{ok}', NULL),
($$SELECT 1 / (count(*) = 0)::int FROM tourney.overview WHERE tournament_id IN (@C@, @X@, @XP@)$$, '{ok}', NULL),
-- tallies_rebuild: every state, unknown ids
($$SELECT tourney.tallies_rebuild(NULL)$$, '{22004}', 'tournament_id'),
($$SELECT tourney.tallies_rebuild(0)$$, '{P0002}', 'tournament 0 does not exist'),
($$SELECT tourney.tallies_rebuild(-1)$$, '{P0002}', NULL),
($$SELECT tourney.tallies_rebuild(@MAX8@)$$, '{P0002}', NULL),
($$SELECT tourney.tallies_rebuild(@MIN8@)$$, '{P0002}', NULL),
($$SELECT tourney.tallies_rebuild(@D@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@D0@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@A@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@P@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@Q@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@K@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@C@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@X@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@XP@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@I@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@RR@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@SW@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@DE@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@GK@)$$, '{ok}', NULL),
($$SELECT tourney.tallies_rebuild(@SK@)$$, '{ok}', NULL),
-- create_tournament_with_id: the id
($$SELECT tourney.create_tournament_with_id(NULL, 'x', 'knockout')$$, '{22004}', 'tournament_id'),
($$SELECT tourney.create_tournament_with_id(0, 'x', 'knockout')$$, '{22023}', 'tournament_id must be positive'),
($$SELECT tourney.create_tournament_with_id(-1, 'x', 'knockout')$$, '{22023}', 'positive'),
($$SELECT tourney.create_tournament_with_id(@MIN8@, 'x', 'knockout')$$, '{22023}', 'positive'),
($$SELECT tourney.create_tournament_with_id(@MAX8@, 'x', 'knockout')$$, '{22023}', 'stamped for node 32767'),
($$SELECT tourney.create_tournament_with_id(@NODE1@, 'x', 'knockout')$$, '{22023}', 'stamped for node 1'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@LOCALMAX@, 'x', 'knockout')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout'); SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout')$$, '{23505}', 'exists already'),
($$SELECT tourney.create_tournament_with_id(@D@, 'x', 'knockout')$$, '{22023}', 'below the proxy''s range'),
($$SELECT tourney.create_tournament_with_id(@C@, 'x', 'knockout')$$, '{22023}', 'below the proxy''s range'),
($$SELECT tourney.create_tournament_with_id(@XP@, 'x', 'swiss')$$, '{22023}', 'below the proxy''s range'),
-- an id the node's own sequence hands out next: refused, or skipped by
-- that sequence; never a collision at the next create_tournament (SPEC §8)
($$SELECT tourney.create_tournament_with_id(@NEXTT@, 'x', 'knockout'); SELECT tourney.create_tournament('y', 'knockout')$$, '{ok,22023}', NULL),
-- the other arguments, as create_tournament's
($$SELECT tourney.create_tournament_with_id(@PX1@, NULL, 'knockout')$$, '{22004}', 'name'),
($$SELECT tourney.create_tournament_with_id(@PX1@, '', 'knockout')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, repeat('x', 1000000), 'knockout')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', NULL)$$, '{22004}', 'format'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament_with_id(0, 'x', 'nope')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'KNOCKOUT')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'Double_Elimination', grand_final => 'SIMPLE')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'groups_knockout', group_count => 4, advance_per_group => 1, group_tiebreak => 'Head_To_Head')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', NULL)$$, '{22004}', 'scoring_type'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', 'Time_Based', 'ASC')$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', ranking_direction => 'sideways')$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', number_of_rounds => 1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'swiss', number_of_rounds => @MAX4@)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'round_robin', number_of_rounds => 2)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'double_elimination', third_place_playoff => true)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', grand_final => 'double')$$, '{22023}', 'grand_final'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'groups_knockout')$$, '{22004}', 'group_count'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'groups_knockout', group_count => 1)$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'groups_knockout', group_count => 2, group_tiebreak => 'nope')$$, '{22023}', '"nope"'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => NULL)$$, '{22004}', 'campus_ids'),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => ARRAY[@c1@, NULL])$$, '{22004}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => ARRAY[@MAX8@])$$, '{P0002}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => ARRAY[@c1@, @c1@])$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => ARRAY[[@c1@], [@c2@]])$$, '{22023}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout', campus_ids => ARRAY[@c1@, @c2@])$$, '{ok}', NULL),
-- what a tournament made with an id then goes through
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout'); SELECT tourney.enroll(@PX1@, ARRAY[@p1@, @p2@]); SELECT tourney.generate_sessions(@PX1@, false)$$, '{ok}', NULL),
($$SELECT tourney.create_tournament_with_id(@PX1@, 'x', 'knockout'); SELECT tourney.cancel_tournament(@PX1@); SELECT tourney.enroll(@PX1@, ARRAY[@p1@])$$, '{55000}', 'cancelled'),

-- put_players: ids and names
($$SELECT * FROM tourney.put_players(NULL, ARRAY['x'])$$, '{22004}', 'player_ids'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], NULL)$$, '{22004}', 'names'),
($$SELECT * FROM tourney.put_players(NULL, NULL, NULL, NULL, NULL)$$, '{22004}', NULL),
($$SELECT * FROM tourney.put_players('{}', '{}')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players('{}', '{}', '{}', '{}', '\x00')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], ARRAY[1400, NULL], ARRAY['x@example.org', NULL], '\xdeadbeef')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players('[5:5]={@PX1@}', '[0:0]={x}')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@MAX8@], ARRAY['x'])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY[repeat('x', 1000000)])$$, '{ok}', NULL),
($$SELECT count(*) FROM tourney.put_players(ARRAY(SELECT @PX1@ + g FROM generate_series(0, 99999) g), ARRAY(SELECT 'x' || g FROM generate_series(0, 99999) g))$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[0], ARRAY['x'])$$, '{22023}', 'positive'),
($$SELECT * FROM tourney.put_players(ARRAY[-1], ARRAY['x'])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@MIN8@], ARRAY['x'])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, 0], ARRAY['x', 'y'])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, NULL], ARRAY['x', 'y'])$$, '{22004}', 'player_ids'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX1@], ARRAY['x', 'y'])$$, '{22023}', 'repeat'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x'])$$, '{22023}', 'one length'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x', 'y'])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_players('{}', ARRAY['x'])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[[@PX1@], [@PX2@]], ARRAY['x', 'y'])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY[['x'], ['y']])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY[''])$$, '{22023}', 'names'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', NULL])$$, '{22004}', 'names'),
-- ratings and emails
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], '{}')$$, '{22023}', 'ratings'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY[1500, 1600])$$, '{22023}', 'ratings'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], ARRAY[[1500], [1600]])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], emails => ARRAY['a@x', 'b@x'])$$, '{22023}', 'emails'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], emails => ARRAY[['a@x'], ['b@x']])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY['NaN'::float8])$$, '{22023}', 'finite'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY['Infinity'::float8])$$, '{22023}', 'finite'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY['-Infinity'::float8])$$, '{22023}', 'finite'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], ARRAY[NULL::float8])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], ARRAY[-1e308, 1e308])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @PX2@], ARRAY['x', 'y'], emails => ARRAY['same@x', 'same@x'])$$, '{23505}', NULL),
-- rows already here: the same values are kept, other values refused
($$SELECT * FROM tourney.put_players(ARRAY[@p1@], ARRAY['fuzz player 1'], ARRAY[1990])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@p1@, @PX1@], ARRAY['fuzz player 1', 'x'], ARRAY[1990, NULL])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@p1@], ARRAY['fuzz player 1'])$$, '{23505}', 'other values'),
($$SELECT * FROM tourney.put_players(ARRAY[@p1@], ARRAY['fuzz player one'], ARRAY[1990])$$, '{23505}', 'other values'),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@, @p2@], ARRAY['x', 'fuzz player 2'], ARRAY[1500, 1990])$$, '{23505}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], batch => '\x01'); SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x'], batch => '\x01')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['x']); SELECT * FROM tourney.put_players(ARRAY[@PX1@], ARRAY['y'])$$, '{23505}', 'other values'),

-- put_campuses
($$SELECT * FROM tourney.put_campuses(NULL, ARRAY['x'])$$, '{22004}', 'campus_ids'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], NULL)$$, '{22004}', 'names'),
($$SELECT * FROM tourney.put_campuses('{}', '{}')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@, @PX2@], ARRAY['fuzz new 1', 'fuzz new 2'], ARRAY[NULL, 4], ARRAY[2, @MAX4@], '\x02')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@MAX8@], ARRAY['fuzz new campus'])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[0], ARRAY['fuzz new campus'])$$, '{22023}', 'positive'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@MIN8@], ARRAY['fuzz new campus'])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[NULL]::bigint[], ARRAY['fuzz new campus'])$$, '{22004}', 'campus_ids'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@, @PX1@], ARRAY['fuzz new 1', 'fuzz new 2'])$$, '{22023}', 'repeat'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new 1', 'fuzz new 2'])$$, '{22023}', 'one length'),
($$SELECT * FROM tourney.put_campuses(ARRAY[[@PX1@]], ARRAY[['fuzz new 1']])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY[''])$$, '{22023}', 'names'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY[NULL]::text[])$$, '{22004}', 'names'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], ARRAY[0])$$, '{22023}', 'capacities'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], ARRAY[@MIN4@])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], ARRAY[NULL]::int[])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], ARRAY[1, 2])$$, '{22023}', 'capacities'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@, @PX2@], ARRAY['fuzz new 1', 'fuzz new 2'], ARRAY[[1], [2]])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], NULL, ARRAY[0])$$, '{22023}', 'courts'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], NULL, ARRAY[-1])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], NULL, ARRAY[NULL]::int[])$$, '{22004,22023}', 'courts'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz new campus'], NULL, '{}')$$, '{22023}', 'courts'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@PX1@], ARRAY['fuzz campus 1'])$$, '{23505}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@c1@], ARRAY['fuzz campus 1'])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@csmall@], ARRAY['fuzz campus small'], ARRAY[1], ARRAY[1])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_campuses(ARRAY[@csmall@], ARRAY['fuzz campus small'])$$, '{23505}', 'other values'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@c1@], ARRAY['fuzz campus 1'], NULL, ARRAY[2])$$, '{23505}', 'other values'),
($$SELECT * FROM tourney.put_campuses(ARRAY[@c1@], ARRAY['fuzz campus one'])$$, '{23505}', 'other values'),

-- put_ratings: a proxy's update_ratings copying a node's new ratings
($$SELECT * FROM tourney.put_ratings(NULL, '{}', '{}', '{}')$$, '{22004}', 'player_ids'),
($$SELECT * FROM tourney.put_ratings('{}', NULL, '{}', '{}')$$, '{22004}', 'ratings'),
($$SELECT * FROM tourney.put_ratings('{}', '{}', NULL, '{}')$$, '{22004}', 'deviations'),
($$SELECT * FROM tourney.put_ratings('{}', '{}', '{}', NULL)$$, '{22004}', 'volatilities'),
($$SELECT * FROM tourney.put_ratings('{}', '{}', '{}', '{}')$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1990], ARRAY[350], ARRAY[0.06])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@, @p2@], ARRAY[1700, 1200], ARRAY[200, 1e-300], ARRAY[0.05, 1e300])$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[-1e308], ARRAY[1e308], ARRAY[5e-324])$$, '{ok}', NULL),
($$SELECT count(*) FROM tourney.put_ratings(ARRAY(SELECT player_id FROM tourney.players), ARRAY(SELECT rating FROM tourney.players ORDER BY player_id), ARRAY(SELECT 100 FROM tourney.players), ARRAY(SELECT 0.1 FROM tourney.players))$$, '{ok}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@, @p1@], ARRAY[1, 1], ARRAY[1, 1], ARRAY[1, 1])$$, '{22023}', 'repeat'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@, NULL], ARRAY[1, 1], ARRAY[1, 1], ARRAY[1, 1])$$, '{22004}', 'player_ids'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[NULL]::float8[], ARRAY[1], ARRAY[1])$$, '{22004}', 'ratings'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[NULL]::float8[], ARRAY[1])$$, '{22004}', 'deviations'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1, 2], ARRAY[1], ARRAY[1])$$, '{22023}', 'one length'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[1], '{}')$$, '{22023}', 'volatilities 0'),
($$SELECT * FROM tourney.put_ratings(ARRAY[[@p1@]], ARRAY[[1]], ARRAY[[1]], ARRAY[[1]])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[[1]], ARRAY[1])$$, '{22023}', 'one-dimensional'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY['NaN'::float8], ARRAY[1], ARRAY[1])$$, '{22023}', 'finite'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY['-Infinity'::float8], ARRAY[1], ARRAY[1])$$, '{22023}', 'finite'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[0], ARRAY[1])$$, '{22023}', 'positive'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[-1], ARRAY[1])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY['Infinity'::float8], ARRAY[1])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[1], ARRAY['NaN'::float8])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@], ARRAY[1], ARRAY[1], ARRAY[0])$$, '{22023}', NULL),
($$SELECT * FROM tourney.put_ratings(ARRAY[0], ARRAY[1], ARRAY[1], ARRAY[1])$$, '{P0002}', 'player 0 does not exist'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@p1@, @MAX8@], ARRAY[1, 1], ARRAY[1, 1], ARRAY[1, 1])$$, '{P0002}', 'player 9223372036854775807'),
($$SELECT * FROM tourney.put_ratings(ARRAY[@MIN8@], ARRAY[1], ARRAY[1], ARRAY[1])$$, '{P0002}', NULL),

-- trigger functions called as functions: PostgreSQL's own refusal
($$SELECT tourney.players_restrict()$$, '{0A000}', 'only be called as triggers'),
($$SELECT tourney.campuses_restrict()$$, '{0A000}', 'only be called as triggers'),
($$SELECT tourney.tournaments_delete_cascade()$$, '{0A000}', 'only be called as triggers'),
($$SELECT tourney.campus_schedule_guard()$$, '{39P01}', 'campus_schedule_guard'),

-- the helpers (the owner's; nobody else may call them)
($$SELECT tourney.global_rows_check('player_ids', NULL, '{}', NULL, NULL, NULL)$$, '{22004}', 'player_ids'),
($$SELECT tourney.global_rows_check('player_ids', '{1}', '{x}', NULL, NULL, NULL)$$, '{ok}', NULL),
($$SELECT tourney.global_rows_check('player_ids', '{1}', '{x}', '{ratings}', '{1}', '{1}')$$, '{ok}', NULL),
($$SELECT tourney.global_rows_check('player_ids', '{1}', '{x}', '{ratings}', '{2}', '{1}')$$, '{22023}', 'ratings 2'),
($$SELECT tourney.global_rows_check('player_ids', '{1}', '{x}', '{ratings}', '{1}', '{2}')$$, '{22023}', 'one-dimensional'),
($$SELECT tourney.global_rows_check('player_ids', '{1}', '{x}', '{a,b}', '{1,2}', '{1,1}')$$, '{22023}', 'b 2'),
($$SELECT tourney.global_rows_check(NULL, NULL, NULL, NULL, NULL, NULL)$$, '{22004}', NULL),
($$SELECT * FROM tourney.global_rows_written('players', '{}', '\x00')$$, '{ok}', NULL),
($$SELECT * FROM tourney.global_rows_written('players', ARRAY[@PX1@], NULL)$$, '{ok}', NULL),
($$SELECT * FROM tourney.global_rows_written(NULL, NULL, NULL)$$, '{ok}', NULL),
($$SELECT * FROM tourney.global_rows_written('tournaments', ARRAY[@PX1@], '\x00')$$, '{23514}', NULL);

-- random calls of the node side (setseed): ids of every sign and node,
-- arrays of mismatched lengths, NULLs; only the SQLSTATEs above
SELECT setseed(0.5e0);
INSERT INTO cases (call, expect, msg)
SELECT CASE f
         WHEN 1 THEN format('SELECT tourney.create_tournament_with_id((%s)::bigint, %s, %s)', tid, nm, fmt)
         WHEN 2 THEN format('SELECT count(*) FROM tourney.put_players((%s)::bigint[], (%s)::text[], (%s)::float8[])', ids, names, nums)
         WHEN 3 THEN format('SELECT count(*) FROM tourney.put_campuses((%s)::bigint[], (%s)::text[], (%s)::int[], (%s)::int[])',
                            ids, names, nums, nums2)
         ELSE format('SELECT tourney.tallies_rebuild((%s)::bigint) + coalesce(tourney.task_percent(%s), 0)', tid, task) END,
       '{ok,22004,22023,P0002,23505}', NULL
FROM (SELECT g, 1 + floor(random() * 4)::int AS f,
             (ARRAY['@PX1@', '@PX2@', '@NODE1@', '@LOCALMAX@', '@D@', '@C@', '0', '-1', '@MAX8@', '@MIN8@', 'NULL'])
                 [1 + floor(random() * 11)::int] AS tid,
             (ARRAY['''x''', '''''', 'NULL', 'repeat(''x'', 10000)'])[1 + floor(random() * 4)::int] AS nm,
             (ARRAY['''knockout''', '''SWISS''', '''nope''', 'NULL'])[1 + floor(random() * 4)::int] AS fmt,
             (ARRAY['''{}''', 'NULL', 'ARRAY[@PX1@]', 'ARRAY[@PX1@, @PX2@]', 'ARRAY[@PX1@, @PX1@]', 'ARRAY[@p1@]', 'ARRAY[0, -1]',
                    'ARRAY[[@PX1@]]', 'ARRAY[@MAX8@, NULL]'])[1 + floor(random() * 9)::int] AS ids,
             (ARRAY['''{}''', 'NULL', 'ARRAY[''fuzz r1'']', 'ARRAY[''fuzz r1'', ''fuzz r2'']', 'ARRAY[''fuzz player 1'']',
                    'ARRAY['''', NULL]'])[1 + floor(random() * 6)::int] AS names,
             (ARRAY['NULL', '''{}''', 'ARRAY[1]', 'ARRAY[1990, 0]', 'ARRAY[NULL, -5]', 'ARRAY[2147483647]'])[1 + floor(random() * 6)::int] AS nums,
             (ARRAY['NULL', 'ARRAY[1]', 'ARRAY[0, 3]', 'ARRAY[NULL, 2]'])[1 + floor(random() * 4)::int] AS nums2,
             (ARRAY['@taskA@', '@taskP@', '@NOUUID@', 'NULL::uuid'])[1 + floor(random() * 4)::int] AS task
      FROM generate_series(1, 40) g) r
ORDER BY g;

SELECT cmp_ok((SELECT count(*)::int FROM cases), '>=', 200, 'at least 200 fuzz cases');
SELECT pg_temp.run_case(n) FROM cases ORDER BY n;

-- the fixtures survived every case unchanged, and so did the backend
SELECT is((SELECT format('%s/%s/%s/%s/%s', 
                  (SELECT status FROM tourney.tournaments WHERE tournament_id = test_support.id('D')),
                  (SELECT status FROM tourney.tournaments WHERE tournament_id = test_support.id('P')),
                  (SELECT status FROM tourney.tournaments WHERE tournament_id = test_support.id('K')),
                  (SELECT status FROM tourney.tournaments WHERE tournament_id = test_support.id('C')),
                  (SELECT status FROM tourney.tasks WHERE tournament_id = test_support.id('A')))),
          'draft/in_progress/in_progress/completed/queued', 'fixtures are in their states after the fuzzing');

SELECT * FROM finish();
ROLLBACK;
