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

-- A tournament of the given format with these players enrolled (seeded:
-- seeds 1 .. n in array order), generated synchronously when asked.  The
-- other arguments are create_tournament's, with its defaults.
CREATE FUNCTION test_support.tournament(
    format text,
    players bigint[],
    name text DEFAULT NULL,
    seeded bool DEFAULT false,
    generate bool DEFAULT false,
    scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL,
    number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT true,
    campus_ids bigint[] DEFAULT '{}')
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    t bigint;
BEGIN
    t := tourney.create_tournament(coalesce(name, format), format, scoring_type, ranking_direction,
                                   number_of_rounds, third_place_playoff, campus_ids);
    PERFORM tourney.enroll(t, players,
                           CASE WHEN seeded THEN ARRAY(SELECT generate_series(1, cardinality(players))) END);
    IF generate THEN
        PERFORM tourney.generate_sessions(t, async => false);
    END IF;
    RETURN t;
END $$;
COMMENT ON FUNCTION test_support.tournament(text, bigint[], text, bool, bool, text, text, int, bool, bigint[]) IS
    'a tournament of the format with the players enrolled (seeds 1..n if seeded), generated synchronously if asked; its id';

-- The same with n new players (test_support.players(n, name or format)).
CREATE FUNCTION test_support.tournament(
    format text,
    n int,
    name text DEFAULT NULL,
    seeded bool DEFAULT false,
    generate bool DEFAULT false,
    scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL,
    number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT true,
    campus_ids bigint[] DEFAULT '{}',
    rating text DEFAULT '1500')
RETURNS bigint
LANGUAGE sql AS $$
    SELECT test_support.tournament(format, test_support.players(n, coalesce(name, format), rating), name,
                                   seeded, generate, scoring_type, ranking_direction, number_of_rounds,
                                   third_place_playoff, campus_ids)
$$;
COMMENT ON FUNCTION test_support.tournament(text, int, text, bool, bool, text, text, int, bool, bigint[], text) IS
    'a tournament of the format with n new players enrolled (seeds 1..n if seeded), generated if asked; its id';

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

----------------------------------------------------------------------------
-- Fingerprints: equal before and after means nothing was written
----------------------------------------------------------------------------

-- Every table of schema tourney: "table:rows:md5 of the rows " each.
CREATE FUNCTION test_support.fingerprint() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    part text;
    result text := '';
BEGIN
    FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'tourney' AND c.relkind IN ('r', 'p') ORDER BY c.relname
    LOOP
        EXECUTE format('SELECT %L || '':'' || count(*) || '':'' ||'
                       ' coalesce(md5(string_agg(t::text, '','' ORDER BY t::text)), '''')'
                       ' FROM tourney.%I t', r.relname, r.relname)
            INTO part;
        result := result || part || ' ';
    END LOOP;
    RETURN result;
END $$;
COMMENT ON FUNCTION test_support.fingerprint() IS
    'row count and md5 of every table of schema tourney: equal before and after means nothing was written';

-- One tournament's rows in every tourney table with a tournament_id.
CREATE FUNCTION test_support.fingerprint(tournament_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r record;
    part text;
    result text := '';
BEGIN
    FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'tourney' AND c.relkind IN ('r', 'p')
               AND EXISTS (SELECT FROM pg_attribute a WHERE a.attrelid = c.oid
                           AND a.attname = 'tournament_id' AND NOT a.attisdropped)
             ORDER BY c.relname
    LOOP
        EXECUTE format('SELECT %L || '':'' || count(*) || '':'' ||'
                       ' coalesce(md5(string_agg(t::text, '','' ORDER BY t::text)), '''')'
                       ' FROM tourney.%I t WHERE t.tournament_id = $1', r.relname, r.relname)
            INTO part USING tournament_id;
        result := result || part || ' ';
    END LOOP;
    RETURN result;
END $$;
COMMENT ON FUNCTION test_support.fingerprint(bigint) IS
    'row count and md5 of one tournament''s rows in every tourney table: equal before and after means nothing of it changed';

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
