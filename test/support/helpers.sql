-- test_support: the fixtures and checks that tourney's tests share.  Not
-- part of the extension: scripts/test.sh loads it into every database it
-- tests in (pgTAP, TAP scripts) and `make installcheck` into the isolation
-- database (the isolation-db rule of the Makefile).  Plain SQL, so a test
-- database can also be made by hand:
--   psql -d db -c 'CREATE EXTENSION tourney' -f test/support/helpers.sql
--
-- No function here sets search_path: test/hardening/permissions.sql runs
-- sqlstate_of as a hostile role with a hostile search_path, and the
-- statement it is given must see that path.
\set ON_ERROR_STOP 1

CREATE SCHEMA test_support;
COMMENT ON SCHEMA test_support IS 'fixtures and checks shared by tourney''s tests (test/support/helpers.sql)';
-- every role the tests make (restricted ones included) calls these
GRANT USAGE ON SCHEMA test_support TO PUBLIC;

----------------------------------------------------------------------------
-- Fixtures
----------------------------------------------------------------------------

-- What a test made, by a key of its own: an id, a set of ids, or an SQL
-- value that test_support.subst puts into statements as @key@.  The pgTAP
-- tests run in a transaction they roll back, so their rows go with it; an
-- isolation spec's teardown deletes them.
CREATE TABLE test_support.fixtures (
    key     text PRIMARY KEY,
    id      bigint,
    ids     bigint[],
    value   text
);
COMMENT ON TABLE test_support.fixtures IS
    'ids (or SQL values) a test made, by key; rolled back with the test''s transaction';
GRANT SELECT ON test_support.fixtures TO PUBLIC;

CREATE FUNCTION test_support.id(key text) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT f.id FROM test_support.fixtures f WHERE f.key = $1 $$;
COMMENT ON FUNCTION test_support.id(text) IS 'the id kept under the key';

CREATE FUNCTION test_support.ids(key text) RETURNS bigint[]
LANGUAGE sql STABLE AS $$ SELECT f.ids FROM test_support.fixtures f WHERE f.key = $1 $$;
COMMENT ON FUNCTION test_support.ids(text) IS 'the ids kept under the key';

-- A statement with every @key@ replaced by the fixture's value (or id);
-- an unknown key is an error, so that no case runs with a hole in it.
CREATE FUNCTION test_support.subst(statement text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT f.key, coalesce(f.value, f.id::text, f.ids::text) AS v
             FROM test_support.fixtures f ORDER BY length(f.key) DESC LOOP
        statement := replace(statement, '@' || r.key || '@', r.v);
    END LOOP;
    IF statement ~ '@[A-Za-z0-9_]+@' THEN
        RAISE EXCEPTION 'unknown fixture in %', statement;
    END IF;
    RETURN statement;
END $$;
COMMENT ON FUNCTION test_support.subst(text) IS
    'the statement with each @key@ replaced by that fixture''s value (or id); unknown keys are an error';

-- n new players named '<prefix> 1' .. '<prefix> n'; rating is an SQL
-- expression of g (1 .. n), so that a test keeps the ratings its checks
-- rely on (ties that player_id breaks, a spread for simulation).
CREATE FUNCTION test_support.players(n int, prefix text DEFAULT 'player', rating text DEFAULT '1500')
RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[];
BEGIN
    EXECUTE format('WITH ins AS (INSERT INTO tourney.players (name, rating)'
                   '             SELECT $1 || '' '' || g, %s FROM generate_series(1, $2) g'
                   '             RETURNING player_id)'
                   ' SELECT array_agg(player_id ORDER BY player_id) FROM ins', rating)
        INTO ids USING prefix, n;
    RETURN coalesce(ids, '{}');
END $$;
COMMENT ON FUNCTION test_support.players(int, text, text) IS
    'n new players ''<prefix> 1'' .. ''<prefix> n'' with the rating expression of g; their ids, ascending';

-- A tournament of the given format with these players enrolled, or with
-- n new players (test_support.players(n, name or format, rating)); seeded:
-- seeds 1 .. n in array order; generated synchronously when asked.  The
-- other arguments are create_tournament's, with its defaults.
CREATE FUNCTION test_support.tournament(
    format text,
    players bigint[] DEFAULT NULL,
    name text DEFAULT NULL,
    seeded bool DEFAULT false,
    generate bool DEFAULT false,
    scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL,
    number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT NULL,
    campus_ids bigint[] DEFAULT '{}',
    n int DEFAULT NULL,
    rating text DEFAULT '1500',
    grand_final text DEFAULT NULL,
    group_count int DEFAULT NULL,
    advance_per_group int DEFAULT NULL,
    group_tiebreak text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
BEGIN
    IF players IS NULL THEN
        players := test_support.players(n, coalesce(name, format), rating);
    END IF;
    t := tourney.create_tournament(coalesce(name, format), format, scoring_type, ranking_direction,
                                   number_of_rounds, third_place_playoff, campus_ids,
                                   grand_final, group_count, advance_per_group, group_tiebreak);
    PERFORM tourney.enroll(t, players,
                           CASE WHEN seeded THEN ARRAY(SELECT generate_series(1, cardinality(players))) END);
    IF generate THEN
        PERFORM tourney.generate_sessions(t, async => false);
    END IF;
    RETURN t;
END $$;
COMMENT ON FUNCTION test_support.tournament(text, bigint[], text, bool, bool, text, text, int, bool, bigint[], int, text,
                                            text, int, int, text) IS
    'a tournament of the format with the players (or n new ones) enrolled, seeds 1..n if seeded, generated if asked; its id';

-- Enrol the players in two calls, as the format tests exercise explicit
-- seeds: the last `seeded` of them with the non-contiguous seeds
-- spacing * seeded, ..., 2 * spacing, spacing (the very last one the
-- best), then the others without a seed.  The sum of what enroll returned.
CREATE FUNCTION test_support.enroll_last_seeded(tournament_id bigint, players bigint[], seeded int, spacing int)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    n int := cardinality(players);
    enrolled int := 0;
BEGIN
    IF seeded > 0 THEN
        enrolled := tourney.enroll(tournament_id, players[n - seeded + 1 : n],
                                   ARRAY(SELECT spacing * (seeded - i + 1) FROM generate_series(1, seeded) i));
    END IF;
    IF seeded < n THEN
        enrolled := enrolled + tourney.enroll(tournament_id, players[1 : n - seeded]);
    END IF;
    RETURN enrolled;
END $$;
COMMENT ON FUNCTION test_support.enroll_last_seeded(bigint, bigint[], int, int) IS
    'enrols the last `seeded` players with seeds spacing * seeded .. spacing, then the rest unseeded; the number enrolled';

-- A session by its place: stage, round and match number.
CREATE FUNCTION test_support.session_id(tournament_id bigint, stage text, round int, match_number int)
RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT s.session_id FROM tourney.sessions s
    WHERE s.tournament_id = $1 AND s.stage = $2 AND s.round = $3 AND s.match_number = $4
$$;
COMMENT ON FUNCTION test_support.session_id(bigint, text, int, int) IS
    'the session of the tournament at (stage, round, match_number); NULL if there is none';

CREATE FUNCTION test_support.session_id(tournament_id bigint, round int, match_number int)
RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT test_support.session_id($1, 'main', $2, $3) $$;
COMMENT ON FUNCTION test_support.session_id(bigint, int, int) IS
    'the session of the tournament at (round, match_number) of stage main';

-- Knockouts in the states a table-driven test calls every function in
-- (hardening/fuzz.sql, hardening/permissions.sql), kept as fixtures:
--   p1 .. p12   players '<prefix> player i', rating 2000 - 10 i
--   c1          a campus
--   D           a draft of p1 .. p4, p1 and p2 seeded 1 and 2
--   P           p1 .. p4 generated (taskP: its task, as a uuid literal),
--               one result: sP11 (round 1, match 1) 3:1; sP12 (match 2),
--               sPF (the final) and sPT (third place) open
--   Q           p5 .. p8 with every result (simulated, seed 7), not ranked;
--               sQ11 its round 1, match 1
--   K           p9 .. p10 with every result, ranked
CREATE FUNCTION test_support.state_fixtures(prefix text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    p bigint[] := test_support.players(12, prefix || ' player', '2000 - 10 * g');
    id bigint;
    task uuid;
BEGIN
    INSERT INTO test_support.fixtures (key, id) SELECT 'p' || i, p[i] FROM generate_series(1, 12) i;
    INSERT INTO tourney.campuses (name) VALUES (prefix || ' campus 1') RETURNING campus_id INTO id;
    INSERT INTO test_support.fixtures (key, id) VALUES ('c1', id);

    id := tourney.create_tournament(prefix || ' D', 'knockout');
    PERFORM tourney.enroll(id, p[1:4], ARRAY[1, 2, NULL, NULL]);
    INSERT INTO test_support.fixtures (key, id) VALUES ('D', id);

    id := tourney.create_tournament(prefix || ' P', 'knockout');
    PERFORM tourney.enroll(id, p[1:4]);
    task := tourney.generate_sessions(id, async => false);
    INSERT INTO test_support.fixtures (key, id, value) VALUES
        ('P', id, NULL), ('taskP', NULL, quote_literal(task) || '::uuid'),
        ('sP11', test_support.session_id(id, 1, 1), NULL), ('sP12', test_support.session_id(id, 1, 2), NULL),
        ('sPF', test_support.session_id(id, 2, 1), NULL),
        ('sPT', test_support.session_id(id, 'third_place', 2, 1), NULL);
    PERFORM tourney.submit_result(test_support.id('sP11'), ARRAY[3, 1]);

    id := test_support.tournament('knockout', p[5:8], prefix || ' Q', generate => true);
    PERFORM tourney.simulate_results(id, 7);
    INSERT INTO test_support.fixtures (key, id) VALUES ('Q', id), ('sQ11', test_support.session_id(id, 1, 1));

    id := test_support.tournament('knockout', p[9:10], prefix || ' K', generate => true);
    PERFORM tourney.simulate_results(id);
    PERFORM tourney.calculate_rankings(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('K', id);
END $$;
COMMENT ON FUNCTION test_support.state_fixtures(text) IS
    'players p1..p12, campus c1 and knockouts D (draft), P (one result), Q (all results), K (ranked) as fixtures';

----------------------------------------------------------------------------
-- Errors of a statement
----------------------------------------------------------------------------

CREATE TYPE test_support.outcome AS (sqlstate text, message text, detail text, hint text);
COMMENT ON TYPE test_support.outcome IS 'how a statement ended: SQLSTATE (''ok'' without an error), message, detail, hint';

-- Run a statement in a subtransaction and say how it ended.  What it did
-- stays, unless rollback: then a statement that succeeds is rolled back as
-- well (every case of a table-driven test sees the same fixtures).
CREATE FUNCTION test_support.capture(statement text, rollback bool DEFAULT false)
RETURNS test_support.outcome
LANGUAGE plpgsql AS $$
DECLARE
    o test_support.outcome;
BEGIN
    BEGIN
        EXECUTE statement;
        IF rollback THEN
            RAISE SQLSTATE 'TZ0OK';
        END IF;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS o.sqlstate = RETURNED_SQLSTATE, o.message = MESSAGE_TEXT,
                                o.detail = PG_EXCEPTION_DETAIL, o.hint = PG_EXCEPTION_HINT;
        IF o.sqlstate = 'TZ0OK' THEN
            o := NULL;
        END IF;
    END;
    o.sqlstate := coalesce(o.sqlstate, 'ok');
    RETURN o;
END $$;
COMMENT ON FUNCTION test_support.capture(text, bool) IS
    'runs the statement in a subtransaction (rolled back also on success if asked); its SQLSTATE or ''ok'', message, detail, hint';

CREATE FUNCTION test_support.sqlstate_of(statement text) RETURNS text
LANGUAGE sql AS $$ SELECT (test_support.capture(statement)).sqlstate $$;
COMMENT ON FUNCTION test_support.sqlstate_of(text) IS 'the SQLSTATE the statement ends with, ''ok'' without an error';

CREATE FUNCTION test_support.message_of(statement text) RETURNS text
LANGUAGE sql AS $$ SELECT (test_support.capture(statement)).message $$;
COMMENT ON FUNCTION test_support.message_of(text) IS 'the error message of the statement, NULL without an error';

CREATE FUNCTION test_support.hint_of(statement text) RETURNS text
LANGUAGE sql AS $$ SELECT (test_support.capture(statement)).hint $$;
COMMENT ON FUNCTION test_support.hint_of(text) IS 'the hint of the statement''s error, NULL without an error or a hint';

-- How a statement (its @key@ fixtures put in) ends, as one line that is
-- the same from run to run: 'ok', or 'SQLSTATE: message' with every number
-- of the message (ids, times: DateStyle ISO) shown as N.  A statement that
-- waits for a lock waits inside it, so that the isolation specs see the
-- wait.
CREATE FUNCTION test_support.attempt(statement text) RETURNS text
LANGUAGE sql SET datestyle = 'ISO, MDY' AS $$
    SELECT CASE WHEN o.sqlstate = 'ok' THEN 'ok'
                ELSE o.sqlstate || ': ' || regexp_replace(o.message, '[0-9]+', 'N', 'g') END
    FROM test_support.capture(test_support.subst(statement)) o
$$;
COMMENT ON FUNCTION test_support.attempt(text) IS
    'how the statement (with @key@ fixtures) ends: ok, or SQLSTATE: message with numbers as N';

-- Wait (60 s at most each) until no task is queued or running any more.
-- A procedure: the statement after its CALL sees what the tasks wrote.
CREATE PROCEDURE test_support.wait_for_tasks()
LANGUAGE plpgsql AS $$
DECLARE
    task uuid;
BEGIN
    FOR task IN SELECT k.task_id FROM tourney.tasks k WHERE k.status IN ('queued', 'running') LOOP
        PERFORM tourney.wait_for_task(task, '60 s');
    END LOOP;
END $$;
COMMENT ON PROCEDURE test_support.wait_for_tasks() IS 'waits until no task is queued or running';

-- Everything the tests made, gone: for an isolation spec's teardown (CALL
-- prints nothing).  Tasks still queued or running are waited for first.
CREATE PROCEDURE test_support.reset()
LANGUAGE plpgsql AS $$
BEGIN
    CALL test_support.wait_for_tasks();
    DELETE FROM tourney.tournaments;
    DELETE FROM tourney.players;
    DELETE FROM tourney.campuses;
    DELETE FROM test_support.fixtures;
END $$;
COMMENT ON PROCEDURE test_support.reset() IS
    'waits for running tasks, then deletes every tournament, player, campus and fixture';

----------------------------------------------------------------------------
-- Fingerprints: equal before and after means nothing was written
----------------------------------------------------------------------------

-- "table:rows:md5 of the rows" for every table of schema tourney; with a
-- tournament, only its rows, in the tables that have a tournament_id.
-- Times as text in UTC, whatever the caller's TimeZone.
CREATE FUNCTION test_support.fingerprint(tournament_id bigint DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY' AS $$
DECLARE
    r record;
    part text;
    result text := '';
BEGIN
    FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'tourney' AND c.relkind IN ('r', 'p')
               AND ($1 IS NULL OR EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid
                                          AND a.attname = 'tournament_id' AND NOT a.attisdropped))
             ORDER BY c.relname
    LOOP
        EXECUTE format('SELECT %L || '':'' || count(*) || '':'' ||'
                       ' coalesce(md5(string_agg(t::text, '','' ORDER BY t::text)), '''')'
                       ' FROM tourney.%I t%s', r.relname, r.relname,
                       CASE WHEN $1 IS NOT NULL THEN ' WHERE t.tournament_id = $1' ELSE '' END)
            INTO part USING $1;
        result := result || part || ' ';
    END LOOP;
    RETURN result;
END $$;
COMMENT ON FUNCTION test_support.fingerprint(bigint) IS
    'row count and md5 of every tourney table (or of one tournament''s rows): equal before and after means nothing was written';

----------------------------------------------------------------------------
-- Checks
----------------------------------------------------------------------------

-- Knockout sessions that contradict the results before them: a winner who
-- is not a participant, a fed slot whose player is not the winner (loser,
-- for the third place) of the session feeding it, or a fed slot filled
-- before its feeding session has a result.  0 for a sound bracket.
CREATE FUNCTION test_support.bracket_errors(tournament_id bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT count(*) FROM tourney.sessions f
    LEFT JOIN tourney.session_participants w
      ON w.tournament_id = f.tournament_id AND w.session_id = f.next_session_id AND w.slot = f.next_slot
    LEFT JOIN tourney.session_participants l
      ON l.tournament_id = f.tournament_id AND l.session_id = f.loser_next_session_id AND l.slot = f.loser_next_slot
    WHERE f.tournament_id = $1
      AND ((f.winner_id IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM tourney.session_participants p
               WHERE p.tournament_id = f.tournament_id AND p.session_id = f.session_id AND p.player_id = f.winner_id))
           OR (f.next_session_id IS NOT NULL AND w.player_id IS DISTINCT FROM f.winner_id)
           OR (f.loser_next_session_id IS NOT NULL
               AND l.player_id IS DISTINCT FROM (
                   SELECT p.player_id FROM tourney.session_participants p
                   WHERE p.tournament_id = f.tournament_id AND p.session_id = f.session_id
                     AND f.result_submitted AND p.player_id <> f.winner_id)))
$$;
COMMENT ON FUNCTION test_support.bracket_errors(bigint) IS
    'knockout sessions that contradict the results feeding them (0 for a sound bracket)';

-- Pairs of players who met more than once (slot 1 against slot 2).
CREATE FUNCTION test_support.rematches(tournament_id bigint) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM (
        SELECT least(a.player_id, b.player_id), greatest(a.player_id, b.player_id)
        FROM tourney.session_participants a
        JOIN tourney.session_participants b
          ON b.tournament_id = a.tournament_id AND b.session_id = a.session_id AND b.slot = 2
        WHERE a.tournament_id = $1 AND a.slot = 1
        GROUP BY 1, 2 HAVING count(*) > 1) x
$$;
COMMENT ON FUNCTION test_support.rematches(bigint) IS 'pairs of players of the tournament who met more than once';

-- Swiss points of every enrolled player from the rounds before `before`:
-- 1 a win (the higher score) or a bye, 1/2 a draw, 0 a loss.
CREATE FUNCTION test_support.points_before(tournament_id bigint, before int)
RETURNS TABLE (player_id bigint, points numeric)
LANGUAGE sql STABLE AS $$
    SELECT e.player_id, coalesce((
        SELECT sum(CASE WHEN me.score > op.score THEN 1 WHEN me.score = op.score THEN 0.5 ELSE 0 END)
        FROM tourney.sessions s
        JOIN tourney.session_participants me ON me.tournament_id = s.tournament_id AND me.session_id = s.session_id
        JOIN tourney.session_participants op
          ON op.tournament_id = s.tournament_id AND op.session_id = s.session_id AND op.slot <> me.slot
        WHERE s.tournament_id = $1 AND s.round < $2 AND s.result_submitted AND me.player_id = e.player_id), 0)
        + (SELECT count(*) FROM tourney.byes b
           WHERE b.tournament_id = $1 AND b.round < $2 AND b.player_id = e.player_id)
    FROM tourney.enrollments e WHERE e.tournament_id = $1
$$;
COMMENT ON FUNCTION test_support.points_before(bigint, int) IS
    'Swiss points (win or bye 1, draw 1/2) of every enrolled player from the rounds before the given one';

-- Sessions of a Swiss round whose two players were not level on points
-- before it (pairings across score groups).
CREATE FUNCTION test_support.cross_group_pairings(tournament_id bigint, round int) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM tourney.sessions s
    JOIN tourney.session_participants a ON a.tournament_id = s.tournament_id AND a.session_id = s.session_id AND a.slot = 1
    JOIN tourney.session_participants b ON b.tournament_id = s.tournament_id AND b.session_id = s.session_id AND b.slot = 2
    JOIN test_support.points_before($1, $2) pa ON pa.player_id = a.player_id
    JOIN test_support.points_before($1, $2) pb ON pb.player_id = b.player_id
    WHERE s.tournament_id = $1 AND s.round = $2 AND pa.points <> pb.points
$$;
COMMENT ON FUNCTION test_support.cross_group_pairings(bigint, int) IS
    'sessions of the round whose players were not level on points before it';

-- The seed every enrolled player plays with: explicit seeds first in seed
-- order, then the unseeded by rating (desc), then player_id.
CREATE FUNCTION test_support.seeding(tournament_id bigint)
RETURNS TABLE (player_id bigint, seed int)
LANGUAGE sql STABLE AS $$
    SELECT e.player_id,
           (row_number() OVER (ORDER BY e.seed NULLS LAST, p.rating DESC, p.player_id))::int
    FROM tourney.enrollments e JOIN tourney.players p ON p.player_id = e.player_id
    WHERE e.tournament_id = $1
$$;
COMMENT ON FUNCTION test_support.seeding(bigint) IS
    'the effective seed of every enrolled player: explicit seeds, then rating desc, then player_id';

----------------------------------------------------------------------------
-- Models, waves, campuses, random play (the format tests share them)
----------------------------------------------------------------------------

-- Model of the Berger table for `players` players and `cycles` cycles.
-- n = players rounded up to even.  Round 1 is 1-n, 2-(n-1), ..., and each
-- round adds n/2 (mod n-1, within 1..n-1) to every number but n; player n
-- is black in odd rounds and white in even ones.  Pairs with a number above
-- `players` are rests, the remaining boards are numbered consecutively.
-- The second cycle repeats the first with colours swapped.
CREATE FUNCTION test_support.berger(players int, cycles int)
RETURNS TABLE (round int, board int, white int, black int)
LANGUAGE sql IMMUTABLE AS $$
    WITH params AS (SELECT players + players % 2 AS n),
    base AS (
        SELECT r, k,
               CASE WHEN k = 1 AND r % 2 = 0 THEN n ELSE shifted_k END AS w,
               CASE WHEN k = 1 AND r % 2 = 0 THEN shifted_k ELSE shifted_m END AS b
        FROM params,
             generate_series(1, n - 1) AS r,
             generate_series(1, n / 2) AS k,
             LATERAL (SELECT ((k - 1 + (r - 1) * (n / 2)) % (n - 1)) + 1 AS shifted_k,
                             CASE WHEN k = 1 THEN n
                                  ELSE ((n - k + (r - 1) * (n / 2)) % (n - 1)) + 1 END AS shifted_m) s),
    kept AS (
        SELECT r, (row_number() OVER (PARTITION BY r ORDER BY k))::int AS board, w, b
        FROM base WHERE w <= players AND b <= players)
    SELECT (c - 1) * (p.n - 1) + r, board,
           CASE WHEN c = 1 THEN w ELSE b END, CASE WHEN c = 1 THEN b ELSE w END
    FROM kept, params p, generate_series(1, cycles) AS c
$$;
COMMENT ON FUNCTION test_support.berger(int, int) IS
    'the Berger round robin of `players` seed numbers, `cycles` cycles: round, board, white, black (rests left out)';

-- A table as text per round: "white-black, ..." by seed number, boards in
-- order (test/formats/round_robin.sql checks it against FIDE's tables).
CREATE FUNCTION test_support.berger_text(players int, cycles int) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(t ORDER BY round), '{}') FROM (
        SELECT round, string_agg(format('%s-%s', white, black), ', ' ORDER BY board) AS t
        FROM test_support.berger(players, cycles) GROUP BY round) x
$$;
COMMENT ON FUNCTION test_support.berger_text(int, int) IS
    'the Berger table as text, one element a round: "white-black, ..." by seed number';

-- The standard order of seeds in a bracket of b places (b a power of 2),
-- as the knockout of SPEC §3 pairs round 1: b = 8 gives {1,8,4,5,2,7,3,6}
-- (1-8, 4-5, 2-7, 3-6).  Each seed s of the order of b/2 is followed by
-- its partner b + 1 - s.
CREATE FUNCTION test_support.standard_order(b int) RETURNS int[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    o int[] := ARRAY[1];
    n int := 1;
    r int[];
    s int;
BEGIN
    WHILE n < b LOOP
        r := '{}';
        FOREACH s IN ARRAY o LOOP
            r := r || s || (2 * n + 1 - s);
        END LOOP;
        o := r;
        n := 2 * n;
    END LOOP;
    RETURN o;
END $$;
COMMENT ON FUNCTION test_support.standard_order(int) IS
    'the standard bracket order of seeds for b places: 8 gives {1,8,4,5,2,7,3,6}';

-- "slot:seed" of a session's participants, by slot (seeds as
-- test_support.seeding gives them); '' for an empty session.
CREATE FUNCTION test_support.lineup(session_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(p.slot || ':' || sd.seed, ' ' ORDER BY p.slot), '')
    FROM tourney.sessions s
    JOIN tourney.session_participants p ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
    JOIN test_support.seeding(s.tournament_id) sd ON sd.player_id = p.player_id
    WHERE s.session_id = $1
$$;
COMMENT ON FUNCTION test_support.lineup(bigint) IS 'the session''s participants as "slot:seed slot:seed"';

-- The wave of every session of a tournament (the sessions that can be
-- played at the same time): a knockout's round (its third-place match is
-- in the final's round); in a double elimination winners' round r is wave
-- r, losers' round m wave m + 1, the grand final 2k and its reset 2k + 1
-- (k winners' rounds); in groups_knockout group round r is wave r and the
-- knockout's rounds follow the last group round; otherwise the round.
CREATE FUNCTION test_support.waves(tournament_id bigint)
RETURNS TABLE (session_id bigint, wave int)
LANGUAGE sql STABLE AS $$
    WITH k AS (
        SELECT coalesce(max(s.round) FILTER (WHERE s.stage = 'winners'), 0) AS wb,
               coalesce(max(s.round) FILTER (WHERE s.stage = 'group'), 0) AS groups
        FROM tourney.sessions s WHERE s.tournament_id = $1)
    SELECT s.session_id,
           CASE s.stage WHEN 'winners' THEN s.round
                        WHEN 'losers' THEN s.round + 1
                        WHEN 'grand_final' THEN 2 * k.wb
                        WHEN 'grand_final_reset' THEN 2 * k.wb + 1
                        WHEN 'group' THEN s.round
                        ELSE k.groups + s.round END
    FROM tourney.sessions s, k
    WHERE s.tournament_id = $1
$$;
COMMENT ON FUNCTION test_support.waves(bigint) IS
    'the wave (sessions playable at once) of every session: rounds, double elimination waves, groups then knockout';

-- Players with more than one session in a wave (0: nobody is asked to be
-- in two places at once).
CREATE FUNCTION test_support.wave_clashes(tournament_id bigint) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM (
        SELECT w.wave, p.player_id
        FROM test_support.waves($1) w
        JOIN tourney.session_participants p ON p.tournament_id = $1 AND p.session_id = w.session_id
        GROUP BY w.wave, p.player_id HAVING count(*) > 1) x
$$;
COMMENT ON FUNCTION test_support.wave_clashes(bigint) IS 'players with two sessions in one wave (0 for a sound schedule)';

-- Per wave: its sessions, the spread of the campus loads (most minus
-- fewest sessions at one of the tournament's campuses, campuses without a
-- session included), the sessions beyond a campus's capacity, and the
-- sessions at no campus of the tournament.
CREATE FUNCTION test_support.campus_loads(tournament_id bigint)
RETURNS TABLE (wave int, sessions int, spread int, over_capacity int, elsewhere int)
LANGUAGE sql STABLE AS $$
    WITH w AS (
        SELECT w.wave, s.campus_id FROM test_support.waves($1) w
        JOIN tourney.sessions s ON s.tournament_id = $1 AND s.session_id = w.session_id),
    c AS (
        SELECT c.campus_id, c.capacity FROM tourney.tournaments t
        JOIN tourney.campuses c ON c.campus_id = ANY (t.campus_ids)
        WHERE t.tournament_id = $1),
    loads AS (
        SELECT x.wave, c.campus_id, c.capacity,
               (SELECT count(*) FROM w WHERE w.wave = x.wave AND w.campus_id = c.campus_id)::int AS load
        FROM (SELECT DISTINCT w.wave FROM w) x CROSS JOIN c)
    SELECT x.wave,
           (SELECT count(*) FROM w WHERE w.wave = x.wave)::int,
           coalesce((SELECT max(l.load) - min(l.load) FROM loads l WHERE l.wave = x.wave), 0),
           coalesce((SELECT sum(l.load - l.capacity) FROM loads l
                     WHERE l.wave = x.wave AND l.load > l.capacity), 0)::int,
           (SELECT count(*) FROM w WHERE w.wave = x.wave
              AND (w.campus_id IS NULL OR w.campus_id NOT IN (SELECT c.campus_id FROM c)))::int
    FROM (SELECT DISTINCT w.wave FROM w) x
    ORDER BY x.wave
$$;
COMMENT ON FUNCTION test_support.campus_loads(bigint) IS
    'per wave: sessions, spread of the campus loads, sessions over capacity, sessions at no campus of the tournament';

-- Rows in which standings and the calculated rankings disagree (rank,
-- points, wins, draws, losses, score for and against), either way: 0 when
-- the live standings are the final ranking.
CREATE FUNCTION test_support.standings_mismatch(tournament_id bigint) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT count(*)::int FROM (
        (SELECT s.player_id, s.rank, s.points, s.wins, s.draws, s.losses, s.score_for, s.score_against
         FROM tourney.standings($1) s
         EXCEPT
         SELECT r.player_id, r.rank, r.points, r.wins, r.draws, r.losses, r.score_for, r.score_against
         FROM tourney.rankings r WHERE r.tournament_id = $1)
        UNION ALL
        (SELECT r.player_id, r.rank, r.points, r.wins, r.draws, r.losses, r.score_for, r.score_against
         FROM tourney.rankings r WHERE r.tournament_id = $1
         EXCEPT
         SELECT s.player_id, s.rank, s.points, s.wins, s.draws, s.losses, s.score_for, s.score_against
         FROM tourney.standings($1) s)) d
$$;
COMMENT ON FUNCTION test_support.standings_mismatch(bigint) IS
    'rows where standings and rankings disagree (0: the standings are the calculated ranking)';

-- correct_result's returned ids, sorted ('{}' for none).
CREATE FUNCTION test_support.corrected(session_id bigint, scores numeric[], cascade bool DEFAULT false) RETURNS bigint[]
LANGUAGE sql AS $$
    SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM tourney.correct_result($1, $2, $3) x
$$;
COMMENT ON FUNCTION test_support.corrected(bigint, numeric[], bool) IS
    'correct_result with these arguments; the ids it returned, sorted';

-- Play by hand in a random order (setseed(seed)): again and again, one
-- session whose two players are known and that has no result, chosen at
-- random (of the given stages, all if NULL), gets random scores 0..9 by
-- submit_result; in stage group one result in five is a draw.  Stops when
-- no such session is left or `most` results are in; returns how many it
-- submitted.
CREATE FUNCTION test_support.play_random(tournament_id bigint, seed float8, most int DEFAULT NULL,
                                         stages text[] DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    a int;
    b int;
    played int := 0;
BEGIN
    PERFORM setseed(seed);
    WHILE most IS NULL OR played < most LOOP
        SELECT x.session_id, x.stage INTO s FROM tourney.sessions x
        WHERE x.tournament_id = $1 AND NOT x.result_submitted
          AND (stages IS NULL OR x.stage = ANY (stages))
          AND (SELECT count(*) FROM tourney.session_participants p
               WHERE p.tournament_id = $1 AND p.session_id = x.session_id) = 2
        ORDER BY random() LIMIT 1;
        EXIT WHEN NOT FOUND;
        a := floor(random() * 10);
        IF s.stage = 'group' AND random() < 0.2 THEN
            b := a;
        ELSE
            b := (a + 1 + floor(random() * 9)::int) % 10;
        END IF;
        PERFORM tourney.submit_result(s.session_id, ARRAY[a, b]);
        played := played + 1;
    END LOOP;
    RETURN played;
END $$;
COMMENT ON FUNCTION test_support.play_random(bigint, float8, int, text[]) IS
    'submits random results (draws only in group sessions) to playable sessions in a random order; how many';

----------------------------------------------------------------------------
-- Schedules (SPEC §3b): checks over the rows, written here without the C
-- code's queries, and the figures the scheduling tests compare
----------------------------------------------------------------------------

-- Every broken invariant of the scheduled sessions, one row each (none
-- for a sound schedule), of one tournament (pairs across tournaments
-- where one of the two is its) or, with NULL, of every tournament:
--   court overlap    two sessions on one campus court whose times overlap,
--                    across tournaments; on an implicit venue (no campus)
--                    within the tournament
--   player overlap   a player in two sessions whose times overlap
--   rest             a player's two sessions less than rest_minutes apart
--   precedence       a session starting less than rest_minutes after the
--                    end of a session whose next_session_id or
--                    loser_next_session_id it is
--   swiss round      a Swiss session of round r > 1 starting less than
--                    rest after the last end of round r - 1
--   after groups     a knockout session (groups_knockout) starting less
--                    than rest after the last end of the group stage
--   after final      a grand_final_reset starting less than rest after
--                    the grand final ends
--   hours            a session at a campus with hours, inside no one
--                    opening window
--   closure          a session overlapping a closure of its campus
--   court number     court < 1 or beyond the campus's courts (or the
--                    implicit venue's schedule_courts)
--   campus           at a campus not of the tournament, or at a campus
--                    when the tournament has none
--   length           ends_at - starts_at other than match_minutes
--   before start     starts_at before the tournament's schedule_starts_at
--   half scheduled   starts_at, ends_at, court not all set or all NULL
--   unscheduled      a session without a result and without a time in a
--                    tournament with a schedule
CREATE FUNCTION test_support.schedule_violations(tournament_id bigint DEFAULT NULL)
RETURNS TABLE (kind text, session_id bigint, other_id bigint)
LANGUAGE sql STABLE AS $$
    WITH s AS (
        SELECT s.*, tstzrange(s.starts_at, s.ends_at) AS span, t.format, t.campus_ids, t.schedule_starts_at,
               t.match_minutes, t.rest_minutes, t.schedule_courts,
               make_interval(mins => coalesce(t.rest_minutes, 0)) AS rest
        FROM tourney.sessions s JOIN tourney.tournaments t ON t.tournament_id = s.tournament_id
        WHERE $1 IS NULL OR s.tournament_id = $1 OR s.campus_id IN (
            SELECT x.campus_id FROM tourney.sessions x WHERE x.tournament_id = $1)),
    timed AS (SELECT * FROM s WHERE s.starts_at IS NOT NULL AND s.ends_at IS NOT NULL),
    mine AS (SELECT * FROM s WHERE $1 IS NULL OR s.tournament_id = $1),
    mine_timed AS (SELECT * FROM timed WHERE $1 IS NULL OR timed.tournament_id = $1),
    seats AS (
        SELECT m.*, p.player_id FROM mine_timed m
        JOIN tourney.session_participants p ON p.tournament_id = m.tournament_id AND p.session_id = m.session_id)
    SELECT 'court overlap', a.session_id, b.session_id
    FROM timed a JOIN timed b
      ON b.court = a.court AND b.span && a.span
     AND (a.tournament_id, a.session_id) < (b.tournament_id, b.session_id)
     AND ((a.campus_id IS NOT NULL AND b.campus_id = a.campus_id)
          OR (a.campus_id IS NULL AND b.campus_id IS NULL AND b.tournament_id = a.tournament_id))
    WHERE $1 IS NULL OR $1 IN (a.tournament_id, b.tournament_id)
    UNION ALL
    SELECT CASE WHEN a.span && b.span THEN 'player overlap' ELSE 'rest' END, a.session_id, b.session_id
    FROM seats a JOIN seats b
      ON b.tournament_id = a.tournament_id AND b.player_id = a.player_id AND b.session_id > a.session_id
    WHERE a.span && b.span
       OR (b.starts_at >= a.ends_at AND b.starts_at < a.ends_at + a.rest)
       OR (a.starts_at >= b.ends_at AND a.starts_at < b.ends_at + a.rest)
    UNION ALL
    SELECT 'precedence', f.session_id, n.session_id
    FROM mine_timed f JOIN mine_timed n
      ON n.tournament_id = f.tournament_id AND n.session_id IN (f.next_session_id, f.loser_next_session_id)
    WHERE n.starts_at < f.ends_at + f.rest
    UNION ALL
    SELECT 'swiss round', n.session_id, NULL
    FROM mine_timed n
    WHERE n.format = 'swiss' AND n.round > 1
      AND n.starts_at < (SELECT max(p.ends_at) FROM timed p
                         WHERE p.tournament_id = n.tournament_id AND p.round = n.round - 1) + n.rest
    UNION ALL
    SELECT 'after groups', n.session_id, NULL
    FROM mine_timed n
    WHERE n.format = 'groups_knockout' AND n.stage <> 'group'
      AND n.starts_at < (SELECT max(p.ends_at) FROM timed p
                         WHERE p.tournament_id = n.tournament_id AND p.stage = 'group') + n.rest
    UNION ALL
    SELECT 'after final', n.session_id, NULL
    FROM mine_timed n
    WHERE n.stage = 'grand_final_reset'
      AND n.starts_at < (SELECT max(p.ends_at) FROM timed p
                         WHERE p.tournament_id = n.tournament_id AND p.stage = 'grand_final') + n.rest
    UNION ALL
    SELECT 'hours', m.session_id, NULL
    FROM mine_timed m
    WHERE m.campus_id IS NOT NULL
      AND EXISTS (SELECT FROM tourney.campus_hours h WHERE h.campus_id = m.campus_id)
      AND NOT EXISTS (SELECT FROM tourney.campus_hours h WHERE h.campus_id = m.campus_id AND h.open @> m.span)
    UNION ALL
    SELECT 'closure', m.session_id, NULL
    FROM mine_timed m
    WHERE EXISTS (SELECT FROM tourney.campus_closures k WHERE k.campus_id = m.campus_id AND k.during && m.span)
    UNION ALL
    SELECT 'court number', m.session_id, NULL
    FROM mine_timed m LEFT JOIN tourney.campuses c ON c.campus_id = m.campus_id
    WHERE m.court IS NULL OR m.court < 1
       OR m.court > CASE WHEN m.campus_id IS NULL THEN m.schedule_courts ELSE c.courts END
       OR (m.campus_id IS NULL AND m.schedule_courts IS NULL)
    UNION ALL
    SELECT 'campus', m.session_id, NULL
    FROM mine_timed m
    WHERE CASE WHEN cardinality(m.campus_ids) = 0 THEN m.campus_id IS NOT NULL
               ELSE m.campus_id IS NULL OR m.campus_id <> ALL (m.campus_ids) END
    UNION ALL
    SELECT 'length', m.session_id, NULL
    FROM mine_timed m
    WHERE m.match_minutes IS NULL OR m.ends_at - m.starts_at <> make_interval(mins => m.match_minutes)
    UNION ALL
    SELECT 'before start', m.session_id, NULL
    FROM mine_timed m
    WHERE m.schedule_starts_at IS NULL OR m.starts_at < m.schedule_starts_at
    UNION ALL
    SELECT 'half scheduled', m.session_id, NULL
    FROM mine m
    WHERE NOT ((m.starts_at IS NULL AND m.ends_at IS NULL AND m.court IS NULL)
               OR (m.starts_at IS NOT NULL AND m.ends_at IS NOT NULL AND m.court IS NOT NULL))
    UNION ALL
    SELECT 'unscheduled', m.session_id, NULL
    FROM mine m
    WHERE m.schedule_starts_at IS NOT NULL AND m.starts_at IS NULL AND NOT m.result_submitted
$$;
COMMENT ON FUNCTION test_support.schedule_violations(bigint) IS
    'every broken schedule invariant (court/player overlap, rest, precedence, rounds, hours, closures, courts, length, start) of the tournament (NULL: all)';

-- The violations as one sorted text ('' for none), to compare with is().
CREATE FUNCTION test_support.schedule_problems(tournament_id bigint DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(v.kind || ' ' || v.session_id || coalesce('/' || v.other_id, ''), ', '
                               ORDER BY v.kind, v.session_id, v.other_id), '')
    FROM test_support.schedule_violations($1) v
$$;
COMMENT ON FUNCTION test_support.schedule_problems(bigint) IS
    'the schedule violations of the tournament (NULL: all) as one text, '''' for a sound schedule';

-- What a live change may touch, as one md5: every session's place and
-- time (session_id, campus_id, court, starts_at, ends_at, result) and
-- every participant (session, slot, player), of one tournament or all.
CREATE FUNCTION test_support.schedule_fingerprint(tournament_id bigint DEFAULT NULL) RETURNS text
LANGUAGE sql STABLE SET TimeZone = 'UTC' SET DateStyle = 'ISO, MDY' AS $$
    SELECT md5(coalesce((SELECT string_agg(format('%s/%s/%s/%s/%s/%s/%s', s.tournament_id, s.session_id, s.campus_id,
                                                  s.court, s.starts_at, s.ends_at, s.result_submitted),
                                           ',' ORDER BY s.tournament_id, s.session_id)
                         FROM tourney.sessions s WHERE $1 IS NULL OR s.tournament_id = $1), '')
               || '|' ||
               coalesce((SELECT string_agg(format('%s/%s/%s/%s', p.tournament_id, p.session_id, p.slot, p.player_id),
                                           ',' ORDER BY p.tournament_id, p.session_id, p.slot)
                         FROM tourney.session_participants p WHERE $1 IS NULL OR p.tournament_id = $1), ''))
$$;
COMMENT ON FUNCTION test_support.schedule_fingerprint(bigint) IS
    'md5 of every session''s (id, campus, court, starts_at, ends_at, result) and participant (session, slot, player) of the tournament (NULL: all)';

-- Minutes from the tournament's schedule_starts_at to its last scheduled end.
CREATE FUNCTION test_support.makespan(tournament_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT trim_scale(extract(epoch FROM max(s.ends_at) - t.schedule_starts_at) / 60)
    FROM tourney.tournaments t JOIN tourney.sessions s ON s.tournament_id = t.tournament_id
    WHERE t.tournament_id = $1 AND s.starts_at IS NOT NULL
    GROUP BY t.schedule_starts_at
$$;
COMMENT ON FUNCTION test_support.makespan(bigint) IS
    'minutes from schedule_starts_at to the end of the tournament''s last scheduled session';

-- The courts a tournament schedules on: its campuses' courts summed, or
-- the implicit venue's schedule_courts.
CREATE FUNCTION test_support.schedule_courts(tournament_id bigint) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cardinality(t.campus_ids) = 0 THEN t.schedule_courts
                ELSE (SELECT sum(c.courts)::int FROM tourney.campuses c WHERE c.campus_id = ANY (t.campus_ids)) END
    FROM tourney.tournaments t WHERE t.tournament_id = $1
$$;
COMMENT ON FUNCTION test_support.schedule_courts(bigint) IS
    'the courts of the tournament: its campuses'' courts summed, or schedule_courts without campuses';

-- SPEC §3b's knockout bound, in minutes: max over rounds r of
-- ceil(sessions in rounds <= r / courts) * d + (R - r) * (d + rest),
-- R the tournament's last round, with its match_minutes and rest_minutes;
-- over every session and court of the tournament, or (campus_id given)
-- over the sessions at that campus and its courts only (a session keeps
-- its campus, and what follows it still follows it elsewhere).
CREATE FUNCTION test_support.lb_rounds(tournament_id bigint, campus_id bigint DEFAULT NULL) RETURNS numeric
LANGUAGE sql STABLE AS $$
    WITH t AS (SELECT t.match_minutes AS d, t.rest_minutes AS rest,
                      CASE WHEN $2 IS NULL THEN test_support.schedule_courts($1)
                           ELSE (SELECT c.courts FROM tourney.campuses c WHERE c.campus_id = $2) END AS m,
                      (SELECT max(s.round) FROM tourney.sessions s WHERE s.tournament_id = $1) AS last
               FROM tourney.tournaments t WHERE t.tournament_id = $1),
    r AS (SELECT s.round, count(*) AS n FROM tourney.sessions s
          WHERE s.tournament_id = $1 AND ($2 IS NULL OR s.campus_id = $2) GROUP BY s.round),
    cum AS (SELECT r.round, sum(r.n) OVER (ORDER BY r.round) AS upto FROM r)
    SELECT max(ceil(cum.upto::numeric / t.m) * t.d + (t.last - cum.round) * (t.d + t.rest)) FROM cum, t
$$;
COMMENT ON FUNCTION test_support.lb_rounds(bigint, bigint) IS
    'SPEC 3b''s knockout lower bound in minutes, max over rounds r of ceil(M<=r / m) d + (R - r)(d + rest): all courts, or one campus''s';

-- The greatest of lb_rounds over all courts and over each campus of the
-- tournament.
CREATE FUNCTION test_support.lb_knockout(tournament_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT greatest(test_support.lb_rounds($1),
                    (SELECT max(test_support.lb_rounds($1, c)) FROM tourney.tournaments t, unnest(t.campus_ids) c
                     WHERE t.tournament_id = $1))
$$;
COMMENT ON FUNCTION test_support.lb_knockout(bigint) IS
    'the knockout bound over all courts and over each campus''s own sessions and courts, the greatest';

-- The height of every session: the sessions on the longest chain of
-- next_session_id / loser_next_session_id links from it to the end,
-- itself included.
CREATE FUNCTION test_support.heights(tournament_id bigint)
RETURNS TABLE (session_id bigint, height int)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (session_id, height) AS (
        SELECT s.session_id, 1 FROM tourney.sessions s WHERE s.tournament_id = $1
        UNION
        SELECT f.session_id, u.height + 1
        FROM up u JOIN tourney.sessions f
          ON f.tournament_id = $1 AND u.session_id IN (f.next_session_id, f.loser_next_session_id))
    SELECT up.session_id, max(up.height)::int FROM up GROUP BY up.session_id
$$;
COMMENT ON FUNCTION test_support.heights(bigint) IS
    'the height of every session: sessions on the longest chain of winner/loser links from it to the end';

-- The same bound with levels by height (level = H - height + 1, H the
-- greatest height) instead of rounds, for a double elimination, whose
-- two brackets' rounds do not line up; all courts, or one campus's.
CREATE FUNCTION test_support.lb_levels(tournament_id bigint, campus_id bigint DEFAULT NULL) RETURNS numeric
LANGUAGE sql STABLE AS $$
    WITH h AS (SELECT h.height, s.campus_id FROM test_support.heights($1) h
               JOIN tourney.sessions s ON s.tournament_id = $1 AND s.session_id = h.session_id),
    t AS (SELECT t.match_minutes AS d, t.rest_minutes AS rest,
                 CASE WHEN $2 IS NULL THEN test_support.schedule_courts($1)
                      ELSE (SELECT c.courts FROM tourney.campuses c WHERE c.campus_id = $2) END AS m,
                 (SELECT max(h.height) FROM h) AS last
          FROM tourney.tournaments t WHERE t.tournament_id = $1),
    l AS (SELECT t.last - h.height + 1 AS level, count(*) AS n FROM h, t
          WHERE $2 IS NULL OR h.campus_id = $2 GROUP BY 1),
    cum AS (SELECT l.level, sum(l.n) OVER (ORDER BY l.level) AS upto FROM l)
    SELECT max(ceil(cum.upto::numeric / t.m) * t.d + (t.last - cum.level) * (t.d + t.rest)) FROM cum, t
$$;
COMMENT ON FUNCTION test_support.lb_levels(bigint, bigint) IS
    'the knockout bound with levels by height: max over levels l of ceil(M<=l / m) d + (L - l)(d + rest), all courts or one campus''s';

-- The greatest of lb_levels over all courts and over each campus.
CREATE FUNCTION test_support.lb_chains(tournament_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    SELECT greatest(test_support.lb_levels($1),
                    (SELECT max(test_support.lb_levels($1, c)) FROM tourney.tournaments t, unnest(t.campus_ids) c
                     WHERE t.tournament_id = $1))
$$;
COMMENT ON FUNCTION test_support.lb_chains(bigint) IS
    'the bound by levels (heights) over all courts and over each campus''s own sessions and courts, the greatest';

-- LB_RR of ../shared/research/scheduling.md §2, in minutes, for a round
-- robin of the tournament's sessions and players:
-- max(ceil(M / min(m, floor(N / 2))) d, (N - 1) d + (N - 2) rest), with
-- (N - 1) the sessions of a player (one cycle).
CREATE FUNCTION test_support.lb_round_robin(tournament_id bigint) RETURNS numeric
LANGUAGE sql STABLE AS $$
    WITH t AS (SELECT t.match_minutes AS d, t.rest_minutes AS rest, test_support.schedule_courts($1) AS m,
                      (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = $1) AS n,
                      (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = $1) AS sessions
               FROM tourney.tournaments t WHERE t.tournament_id = $1),
    k AS (SELECT max(c) AS most FROM (SELECT count(*) AS c FROM tourney.session_participants p
                                      WHERE p.tournament_id = $1 GROUP BY p.player_id) x)
    SELECT greatest(ceil(t.sessions::numeric / least(t.m, floor(t.n / 2))) * t.d,
                    k.most * t.d + (k.most - 1) * t.rest)
    FROM t, k
$$;
COMMENT ON FUNCTION test_support.lb_round_robin(bigint) IS
    'LB_RR in minutes: max(ceil(M / min(m, N/2)) d, k d + (k - 1) rest), k the most sessions of a player';

-- A tournament's schedule as comparable text: per session (stage, pool,
-- round, match_number, the campus by its place in campus_ids, court,
-- minutes from schedule_starts_at), in that order.
CREATE FUNCTION test_support.schedule_shape(tournament_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('%s/%s/%s/%s@%s:%s+%s', s.stage, s.pool, s.round, s.match_number,
                             array_position(t.campus_ids, s.campus_id), s.court,
                             extract(epoch FROM s.starts_at - t.schedule_starts_at) / 60),
                      ' ' ORDER BY s.stage, s.pool, s.round, s.match_number)
    FROM tourney.sessions s JOIN tourney.tournaments t ON t.tournament_id = s.tournament_id
    WHERE s.tournament_id = $1
$$;
COMMENT ON FUNCTION test_support.schedule_shape(bigint) IS
    'the schedule as text: stage/pool/round/match@campus place:court+minutes from the start, per session';

-- n campuses '<prefix> 1' .. '<prefix> n' with the given courts each (the
-- last element repeats); their ids, ascending.
CREATE FUNCTION test_support.campuses(n int, prefix text, courts int[] DEFAULT '{1}') RETURNS bigint[]
LANGUAGE sql AS $$
    WITH ins AS (INSERT INTO tourney.campuses (name, courts)
                 SELECT $2 || ' ' || g, coalesce($3[g], $3[cardinality($3)]) FROM generate_series(1, $1) g
                 RETURNING campus_id)
    SELECT coalesce(array_agg(campus_id ORDER BY campus_id), '{}') FROM ins
$$;
COMMENT ON FUNCTION test_support.campuses(int, text, int[]) IS
    'n new campuses ''<prefix> i'' with courts[i] courts (the last repeats); their ids';

-- Play in schedule order: again and again, the playable session (its
-- participants all known, no result) of the given stages (all if NULL)
-- that starts first (then the lowest session_id; unscheduled ones last)
-- gets a result by submit_result: slot 1 wins 1:0, or slot 2 wins 0:1
-- in the stages of slot2_wins; a session of one participant gets a score
-- 1.  Stops when none is left or `most` results are in; how many.
CREATE FUNCTION test_support.play_in_order(tournament_id bigint, slot2_wins text[] DEFAULT '{}',
                                           most int DEFAULT NULL, stages text[] DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    played int := 0;
BEGIN
    WHILE most IS NULL OR played < most LOOP
        SELECT x.session_id, x.stage,
               (SELECT count(*) FROM tourney.session_participants p
                WHERE p.tournament_id = $1 AND p.session_id = x.session_id) AS n
        INTO s FROM tourney.sessions x
        WHERE x.tournament_id = $1 AND NOT x.result_submitted
          AND (stages IS NULL OR x.stage = ANY (stages))
          AND (SELECT count(*) FROM tourney.session_participants p
               WHERE p.tournament_id = $1 AND p.session_id = x.session_id)
              = CASE WHEN (SELECT t.format FROM tourney.tournaments t WHERE t.tournament_id = $1)
                          = 'individual_ranking' THEN 1 ELSE 2 END
        ORDER BY x.starts_at NULLS LAST, x.session_id LIMIT 1;
        EXIT WHEN NOT FOUND;
        PERFORM tourney.submit_result(s.session_id,
                                      CASE WHEN s.n = 1 THEN ARRAY[1]::numeric[]
                                           WHEN s.stage = ANY (slot2_wins) THEN ARRAY[0, 1]::numeric[]
                                           ELSE ARRAY[1, 0]::numeric[] END);
        played := played + 1;
    END LOOP;
    RETURN played;
END $$;
COMMENT ON FUNCTION test_support.play_in_order(bigint, text[], int, text[]) IS
    'submits results in schedule order (slot 1 wins, slot 2 in the stages of slot2_wins) to playable sessions; how many';

-- The statement's SQLSTATE ('ok' without an error) and how long it took,
-- in milliseconds: "SQLSTATE ms" (for the race scripts: failing fast).
CREATE FUNCTION test_support.timed(statement text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz := clock_timestamp();
    o test_support.outcome;
BEGIN
    o := test_support.capture(test_support.subst(statement));
    RETURN o.sqlstate || ' ' || round(1000 * extract(epoch FROM clock_timestamp() - t0));
END $$;
COMMENT ON FUNCTION test_support.timed(text) IS
    'runs the statement (with @key@ fixtures) in a subtransaction: its SQLSTATE or ''ok'', and the milliseconds it took';

----------------------------------------------------------------------------
-- The event day (SPEC §3e): random play with walkovers and withdrawals,
-- and the checks of what must hold after it, over the rows
----------------------------------------------------------------------------

-- Sessions of a tournament that wait for a player who will not come: no
-- result, no session that could still fill one of its slots, and a slot
-- that nobody fills or a withdrawn player in it ('waiting'); and the
-- later stages that should exist and do not: a Swiss round complete with
-- rounds to come and no next round, a group stage complete without its
-- knockout, a grand final the losers' winner took without its reset
-- ('not written').  None in a sound tournament, after every call.
CREATE FUNCTION test_support.stuck_sessions(tournament_id bigint)
RETURNS TABLE (session_id bigint, why text)
LANGUAGE sql STABLE AS $$
    WITH t AS (SELECT t.format, t.number_of_rounds, t.grand_final, t.status,
                      CASE WHEN t.format = 'individual_ranking' THEN 1 ELSE 2 END AS seats
               FROM tourney.tournaments t WHERE t.tournament_id = $1),
    s AS (SELECT s.session_id, s.stage, s.round, s.result_submitted, s.winner_id, s.next_session_id, s.next_slot,
                 s.loser_next_session_id, s.loser_next_slot
          FROM tourney.sessions s WHERE s.tournament_id = $1),
    open AS (SELECT s.session_id FROM s WHERE NOT s.result_submitted),
    -- the slots that a session without a result may still fill
    coming AS (SELECT s.next_session_id AS session_id, s.next_slot AS slot FROM s
               WHERE NOT s.result_submitted AND s.next_session_id IS NOT NULL
               UNION
               SELECT s.loser_next_session_id, s.loser_next_slot FROM s
               WHERE NOT s.result_submitted AND s.loser_next_session_id IS NOT NULL),
    seats AS (SELECT p.session_id, p.slot, p.player_id, e.withdrawn_at IS NOT NULL AS withdrawn
              FROM tourney.session_participants p
              JOIN tourney.enrollments e ON e.tournament_id = p.tournament_id AND e.player_id = p.player_id
              WHERE p.tournament_id = $1),
    slots AS (SELECT o.session_id, k.slot, x.player_id, coalesce(x.withdrawn, false) AS withdrawn,
                     c.session_id IS NOT NULL AS fed_later
              FROM open o CROSS JOIN t CROSS JOIN LATERAL generate_series(1, t.seats) k(slot)
              LEFT JOIN seats x ON x.session_id = o.session_id AND x.slot = k.slot
              LEFT JOIN coming c ON c.session_id = o.session_id AND c.slot = k.slot)
    SELECT x.session_id,
           'waiting: ' || CASE WHEN bool_or(x.player_id IS NULL) THEN 'a slot nobody will fill'
                               ELSE 'a withdrawn player' END
    FROM slots x GROUP BY x.session_id
    HAVING NOT bool_or(x.fed_later) AND (bool_or(x.player_id IS NULL) OR bool_or(x.withdrawn))
    UNION ALL
    SELECT NULL, format('not written: round %s of %s complete, no round after it', r.last, t.number_of_rounds)
    FROM t, (SELECT max(s.round) AS last FROM s) r
    WHERE t.format = 'swiss' AND t.status = 'in_progress' AND r.last < t.number_of_rounds
      AND NOT EXISTS (SELECT FROM open)
    UNION ALL
    SELECT NULL, 'not written: the group stage is complete, the knockout is not'
    FROM t
    WHERE t.format = 'groups_knockout' AND t.status = 'in_progress'
      AND NOT EXISTS (SELECT FROM s WHERE s.stage = 'group' AND NOT s.result_submitted)
      AND NOT EXISTS (SELECT FROM s WHERE s.stage <> 'group')
    UNION ALL
    SELECT g.session_id, 'not written: the losers'' winner took the grand final, no reset'
    FROM t, s g
    JOIN seats w ON w.session_id = g.session_id AND w.slot = 2 AND w.player_id = g.winner_id
    WHERE g.stage = 'grand_final' AND t.grand_final = 'double'
      AND NOT EXISTS (SELECT FROM s r WHERE r.stage = 'grand_final_reset')
$$;
COMMENT ON FUNCTION test_support.stuck_sessions(bigint) IS
    'sessions waiting for a player who will not come, and later stages that are due and not written (none in a sound tournament)';

-- What test_support.event_day did, step by step, per tournament; and what
-- it found wrong after each step (problem NULL: nothing).
CREATE TABLE test_support.event_log (
    tournament_id bigint NOT NULL,
    step int NOT NULL,
    action text NOT NULL,       -- result, walkover, withdraw, correct
    session_id bigint,
    player_id bigint,
    last_round int,             -- the highest round written before the step
    outcome text NOT NULL,      -- 'ok' or 'SQLSTATE: message'
    problem text,
    PRIMARY KEY (tournament_id, step)
);
COMMENT ON TABLE test_support.event_log IS
    'the steps of test_support.event_day: action, session or player, outcome, and what was wrong after it';

-- Random scores of a session: two (a draw only where the format allows
-- one) or one, 0 .. 9.
CREATE FUNCTION test_support.random_scores(format text, stage text, participants int) RETURNS numeric[]
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    a int := floor(random() * 10);
    b int;
BEGIN
    IF participants = 1 THEN
        RETURN ARRAY[a];
    END IF;
    IF (format IN ('round_robin', 'swiss') OR stage = 'group') AND random() < 0.2 THEN
        b := a;
    ELSE
        b := (a + 1 + floor(random() * 9)::int) % 10;
    END IF;
    RETURN ARRAY[a, b];
END $$;
COMMENT ON FUNCTION test_support.random_scores(text, text, int) IS
    'random scores 0..9 for a session of 1 or 2 participants; draws only in round robin, Swiss and group stages';

-- One of the ids, at random (NULL for none).
CREATE FUNCTION test_support.pick(ids bigint[]) RETURNS bigint
LANGUAGE sql VOLATILE AS $$ SELECT $1[1 + floor(random() * cardinality($1))::int] $$;
COMMENT ON FUNCTION test_support.pick(bigint[]) IS 'one of the ids at random, NULL for an empty array';

-- An event day in a random order (setseed(seed)): at most `steps`
-- times, with these shares, a withdrawal of a random player still in
-- (four times in five one with a session to play),
-- a walkover (random slot) or, with corrections, a correct_result
-- (cascade, random scores) of a random session, and otherwise a random
-- result of a random session whose participants are all known.  Stops
-- early when no session is playable.  Each step goes to
-- test_support.event_log with its outcome and what was wrong after it:
--   refused          the call failed (a withdrawal of a player with
--                    nothing left to play must fail with 55000, any other
--                    call must succeed)
--   returned         withdraw_player did not return exactly the sessions
--                    it decided, in id order
--   stuck            test_support.stuck_sessions found something
-- Returns the steps taken.
CREATE FUNCTION test_support.event_day(tournament_id bigint, seed float8, steps int DEFAULT 10000,
                                       walkovers float8 DEFAULT 0.15, withdrawals float8 DEFAULT 0.1,
                                       corrections float8 DEFAULT 0)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    fmt text;
    rounds int;
    seats int;
    step int := coalesce((SELECT max(l.step) FROM test_support.event_log l WHERE l.tournament_id = $1), 0);
    taken int := 0;
    r float8;
    s record;
    found_session bool;
    playable bigint;
    action text;
    player bigint;
    session bigint;
    last int;
    expected text[];
    before bigint[];
    got bigint[];
    outcome text;
    problems text[];
    st text;
    msg text;
BEGIN
    PERFORM setseed(seed);
    SELECT t.format::text, t.number_of_rounds INTO fmt, rounds FROM tourney.tournaments t WHERE t.tournament_id = $1;
    seats := CASE WHEN fmt = 'individual_ranking' THEN 1 ELSE 2 END;
    WHILE taken < steps LOOP
        -- (each choice draws from candidates in id order: the same seed
        -- makes the same choices, whatever order the rows are stored in)
        session := test_support.pick(ARRAY(
            SELECT y.session_id FROM tourney.sessions y
            WHERE y.tournament_id = $1 AND NOT y.result_submitted
              AND (SELECT count(*) FROM tourney.session_participants q
                   WHERE q.tournament_id = $1 AND q.session_id = y.session_id) = seats
            ORDER BY y.session_id));
        SELECT x.session_id, x.stage INTO s FROM tourney.sessions x
        WHERE x.tournament_id = $1 AND x.session_id = session;
        found_session := FOUND;
        EXIT WHEN NOT found_session;
        playable := session;
        r := random();
        action := CASE WHEN r < withdrawals THEN 'withdraw'
                       WHEN r < withdrawals + walkovers THEN CASE WHEN seats = 2 THEN 'walkover' ELSE 'result' END
                       WHEN r < withdrawals + walkovers + corrections THEN 'correct'
                       ELSE 'result' END;
        player := NULL;
        session := s.session_id;
        SELECT max(x.round) INTO last FROM tourney.sessions x WHERE x.tournament_id = $1;
        problems := '{}';
        got := NULL;
        IF action = 'correct' THEN
            session := test_support.pick(ARRAY(
                SELECT y.session_id FROM tourney.sessions y
                WHERE y.tournament_id = $1 AND y.result_submitted
                  AND NOT (y.walkover AND y.winner_id IS NULL)
                  AND (SELECT count(*) FROM tourney.session_participants q
                       WHERE q.tournament_id = $1 AND q.session_id = y.session_id) = seats
                ORDER BY y.session_id));
            IF session IS NULL THEN
                action := 'result';
                session := playable;
            ELSE
                SELECT x.session_id, x.stage INTO s FROM tourney.sessions x
                WHERE x.tournament_id = $1 AND x.session_id = session;
            END IF;
        END IF;
        IF action = 'withdraw' THEN
            session := NULL;
            -- mostly a player with a session to play, sometimes anyone still in
            player := test_support.pick(ARRAY(
                SELECT e.player_id FROM tourney.enrollments e
                WHERE e.tournament_id = $1 AND e.withdrawn_at IS NULL
                  AND (random() >= 0.8 OR EXISTS (
                         SELECT FROM tourney.session_participants q
                         JOIN tourney.sessions x ON x.tournament_id = q.tournament_id AND x.session_id = q.session_id
                         WHERE q.tournament_id = $1 AND q.player_id = e.player_id AND NOT x.result_submitted))
                ORDER BY e.player_id));
            IF player IS NULL THEN
                action := 'result';
                session := s.session_id;
            END IF;
        END IF;
        BEGIN
            CASE action
                WHEN 'result' THEN
                    PERFORM tourney.submit_result(session, test_support.random_scores(fmt, s.stage, seats));
                WHEN 'walkover' THEN
                    PERFORM tourney.submit_walkover(session, 1 + floor(random() * 2)::int);
                WHEN 'correct' THEN
                    PERFORM tourney.correct_result(session, test_support.random_scores(fmt, s.stage, seats), true);
                WHEN 'withdraw' THEN
                    -- 55000 when nothing is left to play: no session without a
                    -- result, and (Swiss) no round to come; in a group stage a
                    -- player whose games are all played may still qualify
                    expected := CASE
                        WHEN EXISTS (SELECT FROM tourney.session_participants q
                                     JOIN tourney.sessions x ON x.tournament_id = q.tournament_id AND x.session_id = q.session_id
                                     WHERE q.tournament_id = $1 AND q.player_id = player AND NOT x.result_submitted)
                          OR (fmt = 'swiss' AND last < (SELECT t.number_of_rounds FROM tourney.tournaments t
                                                        WHERE t.tournament_id = $1)) THEN '{ok}'
                        WHEN fmt = 'groups_knockout'
                         AND NOT EXISTS (SELECT FROM tourney.sessions x WHERE x.tournament_id = $1 AND x.stage <> 'group')
                            THEN '{ok,55000}'
                        ELSE '{55000}' END;
                    before := ARRAY(SELECT x.session_id FROM tourney.sessions x
                                    WHERE x.tournament_id = $1 AND x.result_submitted);
                    got := ARRAY(SELECT w FROM tourney.withdraw_player($1, player) WITH ORDINALITY AS w(w, i) ORDER BY i);
                    IF got IS DISTINCT FROM ARRAY(SELECT x.session_id FROM tourney.sessions x
                                                  WHERE x.tournament_id = $1 AND x.result_submitted
                                                    AND x.session_id <> ALL (before) ORDER BY x.session_id) THEN
                        problems := problems || format('returned %s, decided %s', got,
                            ARRAY(SELECT x.session_id FROM tourney.sessions x
                                  WHERE x.tournament_id = $1 AND x.result_submitted
                                    AND x.session_id <> ALL (before) ORDER BY x.session_id));
                    END IF;
            END CASE;
            outcome := 'ok';
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            outcome := st || ': ' || msg;
        END;
        IF action = 'withdraw' THEN
            IF NOT split_part(outcome, ':', 1) = ANY (expected) THEN
                problems := problems || format('refused: %s, expected %s', outcome, array_to_string(expected, ' or '));
            END IF;
        ELSIF outcome <> 'ok' THEN
            problems := problems || ('refused: ' || outcome);
        END IF;
        problems := problems || ARRAY(SELECT format('stuck: %s %s', k.session_id, k.why)
                                      FROM test_support.stuck_sessions($1) k ORDER BY k.session_id);
        step := step + 1;
        taken := taken + 1;
        INSERT INTO test_support.event_log
        VALUES ($1, step, action, session, player, last, outcome,
                nullif(array_to_string(problems, '; '), ''));
    END LOOP;
    RETURN taken;
END $$;
COMMENT ON FUNCTION test_support.event_day(bigint, float8, int, float8, float8, float8) IS
    'random results, walkovers, withdrawals (and corrections) in a random order; each step and what was wrong after it in event_log';

-- Every enrolled player's record, counted from the rows: in a session
-- with a result and two participants a win (placement 1, the other 2)
-- or a draw (both 1); a loss in every session of two slots with a
-- result the player did not win (placement 2, or none: nobody won it,
-- the other slot filled or not); score sums
-- without the missing scores of walkovers; Swiss byes; sessions decided
-- without a score (missed), and sessions played with one.
CREATE FUNCTION test_support.recount(tournament_id bigint)
RETURNS TABLE (player_id bigint, wins int, draws int, losses int, score_for numeric, score_against numeric,
               byes int, missed int, walkovers int)
LANGUAGE sql STABLE AS $$
    WITH played AS (
        SELECT m.player_id, m.slot, m.score, m.placement, s.walkover, o.slot AS other_slot,
               o.score AS other_score, o.placement AS other_placement,
               (SELECT t.format <> 'individual_ranking' FROM tourney.tournaments t WHERE t.tournament_id = $1) AS two
        FROM tourney.sessions s
        JOIN tourney.session_participants m ON m.tournament_id = s.tournament_id AND m.session_id = s.session_id
        LEFT JOIN tourney.session_participants o
          ON o.tournament_id = s.tournament_id AND o.session_id = s.session_id AND o.slot <> m.slot
        WHERE s.tournament_id = $1 AND s.result_submitted)
    SELECT e.player_id,
           count(*) FILTER (WHERE p.other_slot IS NOT NULL AND p.placement = 1 AND p.other_placement = 2)::int,
           count(*) FILTER (WHERE p.other_slot IS NOT NULL AND p.placement = 1 AND p.other_placement = 1)::int,
           count(*) FILTER (WHERE p.two AND p.placement IS DISTINCT FROM 1)::int,
           coalesce(sum(p.score), 0),
           coalesce(sum(p.other_score), 0),
           (SELECT count(*)::int FROM tourney.byes b WHERE b.tournament_id = $1 AND b.player_id = e.player_id),
           count(*) FILTER (WHERE p.slot IS NOT NULL AND p.score IS NULL)::int,
           count(*) FILTER (WHERE p.walkover)::int
    FROM tourney.enrollments e
    LEFT JOIN played p ON p.player_id = e.player_id
    WHERE e.tournament_id = $1
    GROUP BY e.player_id
$$;
COMMENT ON FUNCTION test_support.recount(bigint) IS
    'each enrolled player''s wins, draws, losses (walkovers included), score sums (walkovers have none), byes, missed sessions, walkovers';

-- What each enrolled player's ranking row should hold, from the rows and
-- the SPEC's rules: points (knockout and double elimination: wins; round
-- robin and groups: 3 a win, 1 a draw; Swiss: 1 a win or a bye, 1/2 a
-- draw; individual ranking: the score sum), a key (smaller is better)
-- and the rank.  A bracket's ranks are fixed places, the rank
-- the format gives the session a player left in (SPEC §3 knockout and
-- double_elimination, §3e "in the rank the format gives the session they
-- left in"): in a knockout of R main rounds 1 the final's winner, 2 its
-- loser, 3 and 4 the third-place match's winner and loser, 2^(R - r) + 1
-- the losers of round r (quarter-final losers 5, ...); in a double
-- elimination 1 and 2 the winner and the other player of the deciding
-- session, then the losers of losers' round m 3 + the losers' sessions
-- of the rounds after m (16 players: 1, 2, 3, 4, 5, 5, 7, 7, 9, 13).
-- groups_knockout: its knockout's ladder for the players of the
-- knockout.  A place that a session decided for nobody leaves empty stays
-- empty: a final nobody won has no 1 (both its players are its losers,
-- 2), a third-place match nobody won no 3 (both 4), a losers' final one
-- player left alone no 2 in a double elimination without a grand final;
-- the places below do not move up.  Every other rank (round robin,
-- Swiss, individual ranking, the players eliminated in the groups) is the
-- competition rank of the key, 1 + the players with a better one.
-- The keys:
--   knockout            {0} the final's winner, {1} its loser, {2} and {3}
--                       the third-place match's winner and loser (both {3}
--                       when nobody won it), else {10 + R - r}, r the main
--                       round of the first loss, R the final's round
--   double_elimination  {0} and {1} the winner and the other player of the
--                       deciding session (the reset, else the grand final;
--                       with none the winners' and the losers' final
--                       winners), else {10 + L - m}, m the losers' round of
--                       the last loss, L the last losers' round
--   groups_knockout     {0, knockout key} the players of the knockout,
--                       {1, group place, -points, -difference, -score for}
--                       (of group_tables) the others
--   round_robin         {-points, -difference, -score for}
--   swiss               {-points, -Buchholz, -Sonneborn-Berger} (the
--                       stored tiebreaks)
--   individual_ranking  {sessions missed, score sum (negated for desc)}
CREATE FUNCTION test_support.rank_model(tournament_id bigint)
RETURNS TABLE (player_id bigint, points numeric, key numeric[], rank int)
LANGUAGE sql STABLE AS $$
    WITH t AS (SELECT t.format::text AS format, t.ranking_direction::text AS direction, t.grand_final
               FROM tourney.tournaments t WHERE t.tournament_id = $1),
    c AS (SELECT * FROM test_support.recount($1)),
    ses AS (SELECT s.*,
                   (SELECT array_agg(p.player_id ORDER BY p.slot) FROM tourney.session_participants p
                    WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id) AS players
            FROM tourney.sessions s WHERE s.tournament_id = $1),
    lost AS (SELECT s.stage, s.round, p AS player_id FROM ses s, unnest(s.players) p
             WHERE s.result_submitted AND (SELECT t.format FROM t) <> 'individual_ranking'
               AND p IS DISTINCT FROM s.winner_id),
    lim AS (SELECT max(s.round) FILTER (WHERE s.stage = 'main') AS ko_final,
                   max(s.round) FILTER (WHERE s.stage = 'losers') AS lb_last
            FROM ses s),
    ko AS (
        SELECT c.player_id,
               CASE WHEN EXISTS (SELECT FROM ses s, lim WHERE s.stage = 'main' AND s.round = lim.ko_final
                                 AND s.winner_id = c.player_id) THEN ARRAY[0]
                    WHEN EXISTS (SELECT FROM ses s, lim WHERE s.stage = 'main' AND s.round = lim.ko_final
                                 AND c.player_id = ANY (s.players)) THEN ARRAY[1]
                    WHEN EXISTS (SELECT FROM ses s WHERE s.stage = 'third_place' AND s.winner_id = c.player_id) THEN ARRAY[2]
                    WHEN EXISTS (SELECT FROM ses s WHERE s.stage = 'third_place' AND c.player_id = ANY (s.players)) THEN ARRAY[3]
                    ELSE ARRAY[10 + (SELECT lim.ko_final FROM lim)
                               - (SELECT min(l.round) FROM lost l WHERE l.stage = 'main' AND l.player_id = c.player_id)]
               END::numeric[] AS key
        FROM c
        WHERE EXISTS (SELECT FROM ses s WHERE s.stage IN ('main', 'third_place') AND c.player_id = ANY (s.players))),
    deciding AS (
        SELECT s.* FROM ses s
        WHERE s.stage = CASE WHEN EXISTS (SELECT FROM ses r WHERE r.stage = 'grand_final_reset') THEN 'grand_final_reset'
                             ELSE 'grand_final' END),
    de AS (
        SELECT c.player_id,
               CASE WHEN (SELECT t.grand_final FROM t) <> 'none' AND EXISTS (SELECT FROM deciding d WHERE d.winner_id = c.player_id)
                        THEN ARRAY[0]
                    WHEN (SELECT t.grand_final FROM t) <> 'none' AND EXISTS (SELECT FROM deciding d WHERE c.player_id = ANY (d.players))
                        THEN ARRAY[1]
                    WHEN (SELECT t.grand_final FROM t) = 'none' AND EXISTS (
                             SELECT FROM ses s WHERE s.stage = 'winners' AND s.next_session_id IS NULL AND s.winner_id = c.player_id)
                        THEN ARRAY[0]
                    WHEN (SELECT t.grand_final FROM t) = 'none' AND EXISTS (
                             SELECT FROM ses s WHERE s.stage = 'losers' AND s.next_session_id IS NULL AND s.winner_id = c.player_id)
                        THEN ARRAY[1]
                    ELSE ARRAY[10 + (SELECT lim.lb_last FROM lim)
                               - (SELECT max(l.round) FROM lost l WHERE l.stage = 'losers' AND l.player_id = c.player_id)]
               END::numeric[] AS key
        FROM c),
    gt AS (SELECT * FROM tourney.group_tables($1)),
    keyed AS (
        SELECT c.player_id,
               CASE t.format
                   WHEN 'knockout' THEN c.wins::numeric
                   WHEN 'double_elimination' THEN c.wins::numeric
                   WHEN 'swiss' THEN c.wins + c.draws / 2.0 + c.byes
                   WHEN 'individual_ranking' THEN c.score_for
                   ELSE 3 * c.wins + c.draws END AS points,
               CASE t.format
                   WHEN 'knockout' THEN (SELECT ko.key FROM ko WHERE ko.player_id = c.player_id)
                   WHEN 'double_elimination' THEN (SELECT de.key FROM de WHERE de.player_id = c.player_id)
                   WHEN 'groups_knockout' THEN coalesce(
                       (SELECT ARRAY[0::numeric] || ko.key FROM ko WHERE ko.player_id = c.player_id),
                       (SELECT ARRAY[1, g.pool_rank, -g.points, g.score_against - g.score_for, -g.score_for]::numeric[]
                        FROM gt g WHERE g.player_id = c.player_id))
                   WHEN 'round_robin' THEN ARRAY[-(3 * c.wins + c.draws), c.score_against - c.score_for, -c.score_for]::numeric[]
                   WHEN 'swiss' THEN (SELECT ARRAY[-r.points, -coalesce(r.tiebreaks[1], 0), -coalesce(r.tiebreaks[2], 0)]
                                      FROM tourney.rankings r WHERE r.tournament_id = $1 AND r.player_id = c.player_id)
                   ELSE ARRAY[c.missed, CASE WHEN t.direction = 'desc' THEN -c.score_for ELSE c.score_for END]::numeric[]
               END AS key
        FROM c, t)
    SELECT k.player_id, k.points, k.key,
           CASE WHEN t.format = 'knockout' OR (t.format = 'groups_knockout' AND k.key[1] = 0) THEN
                    (SELECT CASE WHEN x.kk < 10 THEN x.kk + 1 ELSE 2 ^ (x.kk - 10) + 1 END
                     FROM (SELECT k.key[CASE WHEN t.format = 'knockout' THEN 1 ELSE 2 END] AS kk) x)::int
                WHEN t.format = 'double_elimination' THEN
                    CASE WHEN k.key[1] < 10 THEN k.key[1] + 1
                         ELSE 3 + (SELECT count(*) FROM ses s
                                   WHERE s.stage = 'losers' AND s.round > lim.lb_last - (k.key[1] - 10))
                    END::int
                ELSE (1 + (SELECT count(*) FROM keyed o WHERE o.key < k.key))::int
           END
    FROM keyed k, t, lim
$$;
COMMENT ON FUNCTION test_support.rank_model(bigint) IS
    'per enrolled player: points, ranking key and rank as the SPEC''s rules give them from the rows (a bracket''s fixed places, else the competition rank of the key)';

-- Everything that contradicts SPEC §3e (and the format's rules) in a
-- tournament after an event day, as one sorted text ('' when sound):
--   status ..., no result ...         it did not complete
--   step N: ...                       what test_support.event_day found
--                                     after a step (event_log)
--   rankings: ...                     a ranking row missing, or a record
--                                     (points, wins, draws, losses, score
--                                     sums) other than the recount
--   standings: ...                    standings differ from rankings
--   rank: ...                         a rank other than the model's
--   competition ranks: ...            ranks of a round robin, Swiss or
--                                     individual ranking that are not 1 +
--                                     the players ranked better (a
--                                     bracket's places are fixed)
--   champions / losses / paired /
--   rematches / pairs / sessions      the format's own rules: one
--                                     knockout player without a loss
--                                     (none when nobody won the final);
--                                     two losses for every double
--                                     elimination player but the top two,
--                                     three for nobody; no withdrawn
--                                     player in a later Swiss round, no
--                                     rematch; every pair of a round robin
--                                     or group once a cycle; every
--                                     individual ranking player in every
--                                     round
CREATE FUNCTION test_support.event_problems(tournament_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    t tourney.tournaments;
    p text[] := '{}';
    cycles int;
BEGIN
    SELECT * INTO t FROM tourney.tournaments x WHERE x.tournament_id = $1;
    IF t.status <> 'completed' THEN
        p := p || ('status ' || t.status);
    END IF;
    p := p || ARRAY(SELECT 'no result: session ' || s.session_id FROM tourney.sessions s
                    WHERE s.tournament_id = $1 AND NOT s.result_submitted ORDER BY s.session_id);
    p := p || ARRAY(SELECT format('step %s: %s %s: %s', l.step, l.action, coalesce(l.session_id, l.player_id), l.problem)
                    FROM test_support.event_log l WHERE l.tournament_id = $1 AND l.problem IS NOT NULL ORDER BY l.step);
    IF t.rankings_calculated_at IS NOT NULL THEN
        p := p || ARRAY(
            SELECT format('rankings: player %s has %s, the rows say %s', c.player_id,
                          CASE WHEN r.player_id IS NULL THEN 'no row'
                               ELSE format('%s/%s/%s/%s/%s:%s', r.points, r.wins, r.draws, r.losses, r.score_for, r.score_against) END,
                          format('%s/%s/%s/%s/%s:%s', m.points, c.wins, c.draws, c.losses, c.score_for, c.score_against))
            FROM test_support.recount($1) c
            JOIN test_support.rank_model($1) m USING (player_id)
            LEFT JOIN tourney.rankings r ON r.tournament_id = $1 AND r.player_id = c.player_id
            WHERE (r.points, r.wins, r.draws, r.losses, coalesce(r.score_for, 0), coalesce(r.score_against, 0))
                  IS DISTINCT FROM (m.points, c.wins, c.draws, c.losses, c.score_for, c.score_against)
            ORDER BY c.player_id);
        p := p || ARRAY(SELECT 'rankings: a row of player ' || r.player_id || ', who is not enrolled'
                        FROM tourney.rankings r WHERE r.tournament_id = $1
                          AND NOT EXISTS (SELECT FROM tourney.enrollments e WHERE e.tournament_id = $1 AND e.player_id = r.player_id));
        IF test_support.standings_mismatch($1) <> 0 THEN
            p := p || format('standings: %s rows differ from rankings', test_support.standings_mismatch($1));
        END IF;
        p := p || ARRAY(SELECT format('rank: player %s%s is %s, the rules give %s (key %s)', r.player_id,
                                      CASE WHEN e.withdrawn_at IS NOT NULL THEN ' (withdrawn)' ELSE '' END, r.rank, m.rank, m.key)
                        FROM tourney.rankings r JOIN test_support.rank_model($1) m USING (player_id)
                        JOIN tourney.enrollments e ON e.tournament_id = $1 AND e.player_id = r.player_id
                        WHERE r.tournament_id = $1 AND r.rank IS DISTINCT FROM m.rank ORDER BY r.rank, r.player_id);
        p := p || ARRAY(SELECT format('competition ranks: %s', array_agg(r.rank ORDER BY r.rank))
                        FROM tourney.rankings r WHERE r.tournament_id = $1
                          AND t.format IN ('round_robin', 'swiss', 'individual_ranking')
                        HAVING bool_or(r.rank <> 1 + (SELECT count(*) FROM tourney.rankings o
                                                      WHERE o.tournament_id = $1 AND o.rank < r.rank)));
    END IF;
    CASE t.format
        WHEN 'knockout', 'groups_knockout' THEN
            p := p || ARRAY(SELECT format('champions: %s players of the knockout without a loss', count(*))
                            FROM (SELECT DISTINCT q.player_id FROM tourney.session_participants q
                                  JOIN tourney.sessions s USING (tournament_id, session_id)
                                  WHERE q.tournament_id = $1 AND s.stage <> 'group') k
                            WHERE NOT EXISTS (SELECT FROM tourney.session_participants q
                                              JOIN tourney.sessions s USING (tournament_id, session_id)
                                              WHERE q.tournament_id = $1 AND q.player_id = k.player_id AND s.stage <> 'group'
                                                AND s.result_submitted AND q.player_id IS DISTINCT FROM s.winner_id)
                            HAVING count(*) <> 1 AND t.status = 'completed'
                               -- a final nobody won (both its players withdrawn) leaves no champion
                               AND NOT (count(*) = 0 AND EXISTS (
                                   SELECT FROM tourney.sessions f WHERE f.tournament_id = $1 AND f.stage = 'main'
                                     AND f.next_session_id IS NULL AND f.result_submitted AND f.winner_id IS NULL)));
        WHEN 'double_elimination' THEN
            p := p || ARRAY(SELECT format('losses: player %s%s has %s', c.player_id,
                                          CASE WHEN m.key[1] <= 1 THEN ' (of the top two)' ELSE '' END, c.losses)
                            FROM test_support.recount($1) c JOIN test_support.rank_model($1) m USING (player_id)
                            WHERE c.losses > 2 OR (t.status = 'completed' AND coalesce(m.key[1], 99) > 1 AND c.losses <> 2)
                            ORDER BY c.player_id);
        WHEN 'swiss' THEN
            p := p || ARRAY(SELECT format('paired: player %s, withdrawn after round %s, in round %s', l.player_id, l.last_round, x.round)
                            FROM test_support.event_log l
                            JOIN (SELECT q.player_id, s.round FROM tourney.session_participants q
                                  JOIN tourney.sessions s USING (tournament_id, session_id) WHERE q.tournament_id = $1
                                  UNION ALL
                                  SELECT b.player_id, b.round FROM tourney.byes b WHERE b.tournament_id = $1) x
                              ON x.player_id = l.player_id AND x.round > l.last_round
                            WHERE l.tournament_id = $1 AND l.action = 'withdraw' AND l.outcome = 'ok'
                            ORDER BY l.player_id, x.round);
            IF test_support.rematches($1) <> 0 THEN
                p := p || format('rematches: %s pairs met twice', test_support.rematches($1));
            END IF;
        WHEN 'individual_ranking' THEN
            p := p || ARRAY(SELECT format('sessions: player %s has %s, not %s', e.player_id, count(q.session_id), t.number_of_rounds)
                            FROM tourney.enrollments e
                            LEFT JOIN tourney.session_participants q ON q.tournament_id = $1 AND q.player_id = e.player_id
                            WHERE e.tournament_id = $1 GROUP BY e.player_id HAVING count(q.session_id) <> t.number_of_rounds);
        ELSE
    END CASE;
    IF t.format IN ('round_robin', 'groups_knockout') THEN
        cycles := coalesce(t.number_of_rounds, 1);
        p := p || ARRAY(SELECT format('pairs: %s and %s met %s times', a.player_id, b.player_id, count(s.session_id))
                        FROM tourney.enrollments a
                        JOIN tourney.enrollments b ON b.tournament_id = a.tournament_id AND b.player_id > a.player_id
                         AND (t.format = 'round_robin' OR b.pool = a.pool)
                        LEFT JOIN tourney.sessions s ON s.tournament_id = $1
                         AND s.stage = CASE WHEN t.format = 'round_robin' THEN 'main' ELSE 'group' END
                         AND EXISTS (SELECT FROM tourney.session_participants x
                                     WHERE x.tournament_id = $1 AND x.session_id = s.session_id AND x.player_id = a.player_id)
                         AND EXISTS (SELECT FROM tourney.session_participants x
                                     WHERE x.tournament_id = $1 AND x.session_id = s.session_id AND x.player_id = b.player_id)
                        WHERE a.tournament_id = $1
                        GROUP BY a.player_id, b.player_id HAVING count(s.session_id) <> cycles
                        ORDER BY a.player_id, b.player_id);
    END IF;
    RETURN array_to_string(p, E'\n');
END $$;
COMMENT ON FUNCTION test_support.event_problems(bigint) IS
    'what contradicts SPEC 3e and the format''s rules after an event day (completion, steps, records, ranks, format rules); '''' when sound';

-- How a statement (its @key@ fixtures put in) ends, and whether a refusal
-- left every table as it was: 'ok', 'SQLSTATE', or 'SQLSTATE, tables
-- changed' (a refused call must change nothing, SPEC §4).  What a
-- statement that succeeds did stays.
CREATE FUNCTION test_support.refusal(statement text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    before text := test_support.fingerprint();
    o test_support.outcome := test_support.capture(test_support.subst(statement));
BEGIN
    RETURN o.sqlstate || CASE WHEN o.sqlstate <> 'ok' AND test_support.fingerprint() IS DISTINCT FROM before
                              THEN ', tables changed' ELSE '' END;
END $$;
COMMENT ON FUNCTION test_support.refusal(text) IS
    'the SQLSTATE the statement (with @key@ fixtures) ends with, ''ok'', or ''SQLSTATE, tables changed'' for a refusal that wrote';

-- A session as one line, players by the seed they play with
-- (test_support.seeding), "x" after a withdrawn one: 'open', 'played' or
-- 'walkover', then slot:seed:score:placement of each participant ('-'
-- for none), then '-> s<seed>' or '-> nobody' once decided; e.g.
-- 'walkover 1:s1x:-:2 2:s8:-:1 -> s8'.
CREATE FUNCTION test_support.session_text(session_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT concat_ws(' ',
               CASE WHEN NOT s.result_submitted THEN 'open' WHEN s.walkover THEN 'walkover' ELSE 'played' END,
               (SELECT string_agg(format('%s:s%s%s:%s:%s', p.slot, sd.seed, CASE WHEN e.withdrawn_at IS NOT NULL THEN 'x' ELSE '' END,
                                         coalesce(trim_scale(p.score)::text, '-'), coalesce(p.placement::text, '-')), ' ' ORDER BY p.slot)
                FROM tourney.session_participants p
                JOIN test_support.seeding(s.tournament_id) sd ON sd.player_id = p.player_id
                JOIN tourney.enrollments e ON e.tournament_id = p.tournament_id AND e.player_id = p.player_id
                WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id),
               CASE WHEN s.result_submitted THEN '-> ' || coalesce(
                   (SELECT 's' || sd.seed FROM test_support.seeding(s.tournament_id) sd WHERE sd.player_id = s.winner_id),
                   'nobody') END)
    FROM tourney.sessions s WHERE s.session_id = $1
$$;
COMMENT ON FUNCTION test_support.session_text(bigint) IS
    'the session as text: open/played/walkover, slot:seed(x withdrawn):score:placement of each participant, -> winner seed or nobody';

-- The player of a tournament who plays with this seed (test_support.seeding).
CREATE FUNCTION test_support.seed_player(tournament_id bigint, seed int) RETURNS bigint
LANGUAGE sql STABLE AS $$ SELECT s.player_id FROM test_support.seeding($1) s WHERE s.seed = $2 $$;
COMMENT ON FUNCTION test_support.seed_player(bigint, int) IS 'the player who plays with the seed in the tournament';
