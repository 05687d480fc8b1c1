/* tourney--0.1--0.2.sql: what changes in the SQL objects from 0.1 to 0.2 */

\echo Use "ALTER EXTENSION tourney UPDATE TO '0.2'" to load this file. \quit

--------------------------------------------------------------------------
-- The rule.  tourney--0.1.sql is frozen as released (commit 586fc22): a
-- user's database may have been made by it, so it is never edited again.
-- Every change to a SQL object from now on (a new table, column, type,
-- enum label, index, function, argument, COMMENT, GRANT or REVOKE) is
-- written here, as statements that take a 0.1 database to 0.2.
--
-- There is no tourney--0.2.sql: CREATE EXTENSION tourney (default_version
-- 0.2) runs tourney--0.1.sql and then this file, so a fresh install and
-- an upgraded database run the very same statements.  test/upgrade/
-- upgrade.sh proves, in make test, that a 0.1 database holding a
-- tournament in progress and the README's grants has, after ALTER
-- EXTENSION tourney UPDATE, the catalog of a fresh install (grants and
-- pg_init_privs included), that its tournament goes on to completed, and
-- that its grants survive pg_dump / pg_restore.
--
-- A function whose arguments change is dropped and created again, which
-- loses the grants users gave on it.  Keep them as pg_partman's update
-- scripts do: before the DROP, save the users' grants on the old function
-- (its ACL entries other than the owner's); after the CREATE and the
-- REVOKE ... FROM PUBLIC, grant them again on the new one.  A GRANT run in
-- an extension script is also recorded in pg_init_privs as the
-- extension's own, and pg_dump leaves those out, so then set the new
-- function's pg_init_privs row back to what a fresh install records (the
-- ACL right after the REVOKE).  The README section "Releases and
-- upgrades" gives the statements.  A C function whose C signature changes
-- gets a new symbol: the library serves every installed version.
--------------------------------------------------------------------------

--------------------------------------------------------------------------
-- Double elimination and groups -> knockout.  The new labels are not used
-- below as enum values (a value added in a transaction cannot be used in
-- it): the checks compare format::text.
--------------------------------------------------------------------------

ALTER TYPE tourney.tournament_format ADD VALUE 'double_elimination';
ALTER TYPE tourney.tournament_format ADD VALUE 'groups_knockout';
COMMENT ON TYPE tourney.tournament_format IS 'how sessions are paired: knockout bracket, individual ranking, round robin (Berger tables), Swiss, double elimination, or groups then a knockout';

ALTER TABLE tourney.tournaments
    ADD COLUMN grand_final text CHECK (grand_final IN ('none', 'simple', 'double')),
    ADD COLUMN group_count int CHECK (group_count >= 2),
    ADD COLUMN advance_per_group int CHECK (advance_per_group >= 1),
    ADD COLUMN group_tiebreak text CHECK (group_tiebreak IN ('overall', 'head_to_head')),
    ADD CONSTRAINT tournaments_grand_final_format_check
        CHECK ((format::text = 'double_elimination') = (grand_final IS NOT NULL)),
    ADD CONSTRAINT tournaments_groups_format_check
        CHECK ((format::text = 'groups_knockout') =
               (group_count IS NOT NULL AND advance_per_group IS NOT NULL AND group_tiebreak IS NOT NULL)),
    ADD CONSTRAINT tournaments_double_elimination_check
        CHECK (format::text <> 'double_elimination'
               OR (number_of_rounds IS NULL AND NOT third_place_playoff)),
    ADD CONSTRAINT tournaments_groups_cycles_check
        CHECK (format::text <> 'groups_knockout' OR number_of_rounds IN (1, 2));
COMMENT ON COLUMN tourney.tournaments.number_of_rounds IS 'rounds of individual_ranking and swiss, cycles (1 or 2) of round_robin and of the groups of groups_knockout, NULL for knockout and double_elimination';
COMMENT ON COLUMN tourney.tournaments.third_place_playoff IS 'knockout and the knockout of groups_knockout: play a third-place match between the semi-final losers (needs 4 players); false for double_elimination';
COMMENT ON COLUMN tourney.tournaments.grand_final IS 'double_elimination: none (the brackets'' winners are first and second), simple (one final) or double (a reset when the losers'' champion wins the final); NULL for the other formats';
COMMENT ON COLUMN tourney.tournaments.group_count IS 'groups_knockout: the number of groups (players go into them by serpentine seeding)';
COMMENT ON COLUMN tourney.tournaments.advance_per_group IS 'groups_knockout: the players of each group that go on to the knockout';
COMMENT ON COLUMN tourney.tournaments.group_tiebreak IS 'groups_knockout: overall (points, difference, score for, then the same among the tied) or head_to_head (the tied players'' mutual results first, UEFA)';

ALTER TABLE tourney.enrollments
    ADD COLUMN pool smallint CHECK (pool >= 1);
COMMENT ON COLUMN tourney.enrollments.pool IS 'groups_knockout: the player''s group (1 = A), set at generation';

-- The session key includes the group: every group plays its own rounds.
ALTER TABLE tourney.sessions
    ADD COLUMN pool smallint NOT NULL DEFAULT 0 CHECK (pool >= 0),
    DROP CONSTRAINT sessions_stage_check,
    ADD CONSTRAINT sessions_stage_check CHECK (stage IN ('main', 'third_place', 'winners',
        'losers', 'grand_final', 'grand_final_reset', 'group')),
    ADD CONSTRAINT sessions_group_pool_check CHECK ((stage = 'group') = (pool > 0)),
    DROP CONSTRAINT sessions_tournament_id_stage_round_match_number_key,
    ADD CONSTRAINT sessions_tournament_id_stage_pool_round_match_number_key
        UNIQUE (tournament_id, stage, pool, round, match_number);
-- A grand final is reset at most once.
CREATE UNIQUE INDEX sessions_one_reset_idx ON tourney.sessions (tournament_id)
    WHERE stage = 'grand_final_reset';
COMMENT ON COLUMN tourney.sessions.stage IS 'main, or third_place for the knockout third-place match; winners, losers, grand_final and grand_final_reset in a double elimination; group for the group stage of groups_knockout';
COMMENT ON COLUMN tourney.sessions.round IS 'round within the session''s stage (and group)';
COMMENT ON COLUMN tourney.sessions.pool IS 'the group (1 = A) of a group-stage session; 0 for every other session';
COMMENT ON COLUMN tourney.sessions.next_session_id IS 'the session the winner advances to (knockout stages and both brackets of a double elimination)';
COMMENT ON COLUMN tourney.sessions.loser_next_session_id IS 'the session the loser goes to: the third-place match, or the losers'' bracket of a double elimination';

ALTER TABLE tourney.rankings
    ADD COLUMN pool_rank int CHECK (pool_rank >= 1);
COMMENT ON COLUMN tourney.rankings.pool_rank IS 'groups_knockout: the player''s place in their group';
COMMENT ON COLUMN tourney.rankings.points IS 'knockout and double_elimination: wins; individual_ranking: total score; round_robin and groups_knockout: 3 per win, 1 per draw; swiss: 1 per win or bye, 1/2 per draw';
COMMENT ON COLUMN tourney.rankings.tiebreaks IS 'round_robin: {score difference, score for}; swiss: {Buchholz, Sonneborn-Berger}; groups_knockout: {group place, group score difference, group score for}; else empty';

--------------------------------------------------------------------------
-- create_tournament and run_scenario gain the options of the new formats,
-- and third_place_playoff defaults to the format's own default.  They are
-- dropped and created again; the grants users gave on them are kept (see
-- the rule above), and pg_init_privs is set back to what a fresh install
-- records, so that pg_dump keeps those grants.
--------------------------------------------------------------------------

CREATE TEMP TABLE tourney_kept_grants AS
SELECT p.proname::text AS function_name, a.grantee, a.is_grantable
FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
WHERE p.oid IN ('tourney.create_tournament(text, text, text, text, int, bool, bigint[])'::pg_catalog.regprocedure,
                'tourney.run_scenario(int, text, int, int, bool, bigint, bool)'::pg_catalog.regprocedure)
  AND a.grantee <> p.proowner AND a.privilege_type = 'EXECUTE';

DROP FUNCTION tourney.create_tournament(text, text, text, text, int, bool, bigint[]);
DROP FUNCTION tourney.run_scenario(int, text, int, int, bool, bigint, bool);

CREATE FUNCTION tourney.create_tournament(
    name text,
    format text,
    scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL,
    number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT NULL,
    campus_ids bigint[] DEFAULT '{}',
    grand_final text DEFAULT NULL,
    group_count int DEFAULT NULL,
    advance_per_group int DEFAULT NULL,
    group_tiebreak text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tourney_create_tournament_0_2'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text) IS
    'validates and inserts a draft tournament; returns its id';

CREATE FUNCTION tourney.run_scenario(
    player_count int,
    format text DEFAULT 'knockout',
    number_of_rounds int DEFAULT NULL,
    campus_count int DEFAULT 0,
    async bool DEFAULT NULL,
    seed bigint DEFAULT 0,
    third_place_playoff bool DEFAULT NULL,
    grand_final text DEFAULT NULL,
    group_count int DEFAULT NULL,
    advance_per_group int DEFAULT NULL,
    group_tiebreak text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tourney_run_scenario_0_2'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.run_scenario(int, text, int, int, bool, bigint, bool, text, int, int, text) IS
    'operator''s one call: synthetic players and campuses, a tournament, enrolment, generation and (synchronously) the rest of the lifecycle; returns ids, counts and per-phase timings';

REVOKE EXECUTE ON FUNCTION
    tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text),
    tourney.run_scenario(int, text, int, int, bool, bigint, bool, text, int, int, text)
FROM PUBLIC;

DO $$
DECLARE
    f record;
    g record;
    fresh aclitem[];
BEGIN
    FOR f IN SELECT * FROM (VALUES
        ('create_tournament', 'tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text)'::pg_catalog.regprocedure),
        ('run_scenario', 'tourney.run_scenario(int, text, int, int, bool, bigint, bool, text, int, int, text)'::pg_catalog.regprocedure)
    ) v(function_name, oid)
    LOOP
        SELECT initprivs INTO fresh FROM pg_catalog.pg_init_privs
        WHERE classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND objoid = f.oid AND objsubid = 0;
        FOR g IN SELECT * FROM tourney_kept_grants k WHERE k.function_name = f.function_name LOOP
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s%s', f.oid,
                CASE WHEN g.grantee = 0 THEN 'PUBLIC'
                     ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(g.grantee)) END,
                CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
        END LOOP;
        IF fresh IS NULL THEN
            DELETE FROM pg_catalog.pg_init_privs
            WHERE classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND objoid = f.oid AND objsubid = 0;
        ELSE
            UPDATE pg_catalog.pg_init_privs SET initprivs = fresh
            WHERE classoid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND objoid = f.oid AND objsubid = 0;
        END IF;
    END LOOP;
END $$;

DROP TABLE tourney_kept_grants;

--------------------------------------------------------------------------
-- Scheduling: a time and a court for every session, and live changes.
-- The invariants (no court or player double-booked, rest, precedence,
-- opening hours and closures, sessions with a result never move) are
-- checked by the functions that write times, under locks that no other
-- writer of times can slip past (see README, "Scheduling"); an exclusion
-- constraint over every session would cost a minute at a million
-- sessions.  The tables that shape a schedule (courts, hours, closures)
-- refuse a change that would break one already written.
--------------------------------------------------------------------------

ALTER TABLE tourney.campuses
    ADD COLUMN courts int NOT NULL DEFAULT 1 CHECK (courts > 0);
COMMENT ON COLUMN tourney.campuses.courts IS 'courts (or pitches) at the campus: the sessions that can run there at the same time';
COMMENT ON COLUMN tourney.campuses.capacity IS 'most sessions of one round this campus can host at generation; NULL means unlimited';

-- A single-point range stands for the campus id, so that GiST needs no
-- btree_gist for the equality part (numrange: an int8range of the
-- largest bigint would overflow when it is made canonical).
CREATE TABLE tourney.campus_hours (
    campus_id   bigint NOT NULL REFERENCES tourney.campuses ON DELETE CASCADE,
    open        tstzrange NOT NULL CHECK (NOT isempty(open)),
    EXCLUDE USING gist (numrange(campus_id, campus_id, '[]') WITH &&, open WITH &&)
);
COMMENT ON TABLE tourney.campus_hours IS 'opening hours of campuses: a campus with rows here is open only inside them; none means always open; windows of one campus do not overlap';

CREATE TABLE tourney.campus_closures (
    campus_id   bigint NOT NULL REFERENCES tourney.campuses ON DELETE CASCADE,
    during      tstzrange NOT NULL CHECK (NOT isempty(during)),
    reason      text
);
CREATE INDEX campus_closures_campus_idx ON tourney.campus_closures (campus_id);
COMMENT ON TABLE tourney.campus_closures IS 'periods in which a campus is out of service (close_campus records them too); no session lies in one';

ALTER TABLE tourney.tournaments
    ADD COLUMN schedule_starts_at timestamptz,
    ADD COLUMN match_minutes int CHECK (match_minutes > 0),
    ADD COLUMN rest_minutes int CHECK (rest_minutes >= 0),
    ADD COLUMN schedule_courts int CHECK (schedule_courts > 0),
    ADD CONSTRAINT tournaments_schedule_check
        CHECK ((schedule_starts_at IS NULL) = (match_minutes IS NULL)
               AND (match_minutes IS NULL) = (rest_minutes IS NULL)
               AND (schedule_courts IS NULL OR match_minutes IS NOT NULL));
COMMENT ON COLUMN tourney.tournaments.schedule_starts_at IS 'schedule_sessions: when the tournament starts; with match_minutes and rest_minutes what sessions written later are scheduled with';
COMMENT ON COLUMN tourney.tournaments.match_minutes IS 'schedule_sessions: the length of a session';
COMMENT ON COLUMN tourney.tournaments.rest_minutes IS 'schedule_sessions: the least time between two sessions of a player, and between a session and those it feeds';
COMMENT ON COLUMN tourney.tournaments.schedule_courts IS 'schedule_sessions: the courts of the implicit venue of a tournament without campuses';

ALTER TABLE tourney.sessions
    ADD COLUMN starts_at timestamptz,
    ADD COLUMN ends_at timestamptz,
    ADD COLUMN court int CHECK (court >= 1),
    ADD CONSTRAINT sessions_schedule_check
        CHECK ((starts_at IS NULL) = (ends_at IS NULL) AND (starts_at IS NULL) = (court IS NULL)
               AND starts_at < ends_at);
-- Every scheduled session's place and time again, in a table of its own,
-- indexed by court and time for the checks and the placement: with that
-- index on sessions, writing a million sessions' times would be a
-- non-HOT update of every row (11.4 s measured, against 1.7 s for the
-- HOT update without it), and every result entered afterwards would pay
-- for the index too.  tourney's writers write both in one transaction,
-- and the checks of every write compare them.
CREATE TABLE tourney.bookings (
    tournament_id   bigint NOT NULL,
    session_id      bigint NOT NULL,
    venue           bigint NOT NULL,
    court           int NOT NULL CHECK (court >= 1),
    starts_at       timestamptz NOT NULL,
    ends_at         timestamptz NOT NULL,
    PRIMARY KEY (tournament_id, session_id),
    CHECK (starts_at < ends_at),
    CHECK (venue > 0 OR venue = -tournament_id)
);
CREATE INDEX bookings_court_idx ON tourney.bookings (venue, court, starts_at);
COMMENT ON TABLE tourney.bookings IS 'the court and time of every scheduled session, as in tourney.sessions, indexed by court and time; written only by tourney functions';
COMMENT ON COLUMN tourney.bookings.venue IS 'the campus_id, or minus the tournament_id for the implicit venue of a tournament without campuses';
COMMENT ON COLUMN tourney.sessions.starts_at IS 'when the session is scheduled to start (schedule_sessions, the live changes); NULL until scheduled';
COMMENT ON COLUMN tourney.sessions.ends_at IS 'when the session is scheduled to end';
COMMENT ON COLUMN tourney.sessions.court IS 'the court (1 .. courts of its campus, or of the implicit venue) it is scheduled on';

-- request_id of the live changes: a call repeated with the same id and
-- arguments returns the first result and changes nothing.
CREATE TABLE tourney.schedule_requests (
    tournament_id   bigint NOT NULL REFERENCES tourney.tournaments ON DELETE CASCADE,
    request_id      uuid NOT NULL,
    operation       text NOT NULL,
    arguments       text NOT NULL,
    result          jsonb NOT NULL,
    requested_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tournament_id, request_id)
);
COMMENT ON TABLE tourney.schedule_requests IS 'live changes made with a request_id, with their arguments and result, so that a retried call is harmless';

SELECT pg_catalog.pg_extension_config_dump('tourney.campus_hours', '');
SELECT pg_catalog.pg_extension_config_dump('tourney.campus_closures', '');
SELECT pg_catalog.pg_extension_config_dump('tourney.schedule_requests', '');
SELECT pg_catalog.pg_extension_config_dump('tourney.bookings', '');

-- Deleting a tournament removes its bookings, tallies, counts and rating
-- history too.
CREATE OR REPLACE FUNCTION tourney.tournaments_delete_cascade() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    DELETE FROM tourney.session_participants p USING old_rows o
        WHERE p.tournament_id = o.tournament_id;
    DELETE FROM tourney.bookings b USING old_rows o
        WHERE b.tournament_id = o.tournament_id;
    DELETE FROM tourney.sessions s USING old_rows o
        WHERE s.tournament_id = o.tournament_id;
    DELETE FROM tourney.rankings r USING old_rows o
        WHERE r.tournament_id = o.tournament_id;
    DELETE FROM tourney.byes b USING old_rows o
        WHERE b.tournament_id = o.tournament_id;
    DELETE FROM tourney.enrollments e USING old_rows o
        WHERE e.tournament_id = o.tournament_id;
    DELETE FROM tourney.tallies y USING old_rows o
        WHERE y.tournament_id = o.tournament_id;
    DELETE FROM tourney.progress c USING old_rows o
        WHERE c.tournament_id = o.tournament_id;
    DELETE FROM tourney.rating_history h USING old_rows o
        WHERE h.tournament_id = o.tournament_id;
    RETURN NULL;
END $$;

-- What the checks of the live changes look up: the sessions that feed a
-- session (its feeders), and a player's sessions in a tournament.
CREATE INDEX sessions_next_session_idx ON tourney.sessions (next_session_id)
    WHERE next_session_id IS NOT NULL;
CREATE INDEX sessions_loser_next_session_idx ON tourney.sessions (loser_next_session_id)
    WHERE loser_next_session_id IS NOT NULL;
CREATE INDEX session_participants_player_idx ON tourney.session_participants (tournament_id, player_id);

-- The tables that shape a schedule refuse, when the transaction commits,
-- a change that a scheduled session no longer fits: a campus's courts,
-- opening hours and closures.  Deferred, so that hours can be replaced
-- (deleted and inserted again) in one transaction, and close_campus can
-- be called for each tournament of a shared campus in one transaction.
CREATE FUNCTION tourney.campus_schedule_guard() RETURNS trigger
AS 'MODULE_PATHNAME', 'tourney_campus_schedule_guard'
LANGUAGE C SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.campus_schedule_guard() IS 'refuses a change of a campus''s courts, opening hours or closures that a scheduled session would no longer fit';
CREATE CONSTRAINT TRIGGER campus_hours_guard
    AFTER INSERT OR UPDATE OR DELETE ON tourney.campus_hours
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION tourney.campus_schedule_guard();
CREATE CONSTRAINT TRIGGER campus_closures_guard
    AFTER INSERT OR UPDATE ON tourney.campus_closures
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION tourney.campus_schedule_guard();
CREATE CONSTRAINT TRIGGER campuses_courts_guard
    AFTER UPDATE OF courts ON tourney.campuses
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION tourney.campus_schedule_guard();

CREATE FUNCTION tourney.schedule_sessions(
    tournament_id bigint,
    starts_at timestamptz,
    match_minutes int,
    rest_minutes int DEFAULT 0,
    courts int DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tourney_schedule_sessions'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.schedule_sessions(bigint, timestamptz, int, int, int) IS
    'gives every unscheduled session of a tournament a court and a time (lowest round first, around what other tournaments booked), and keeps the parameters for the sessions written later; returns sessions, makespan_minutes, lower_bound_minutes and ends_at';

CREATE FUNCTION tourney.move_session(
    session_id bigint,
    starts_at timestamptz,
    campus_id bigint DEFAULT NULL,
    court int DEFAULT NULL,
    request_id uuid DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'tourney_move_session'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.move_session(bigint, timestamptz, bigint, int, uuid) IS
    'moves one scheduled session without a result to another time (and campus or court); refused, changing nothing, when it would break the schedule';

CREATE FUNCTION tourney.swap_sessions(
    session_a bigint,
    session_b bigint,
    request_id uuid DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'tourney_swap_sessions'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.swap_sessions(bigint, bigint, uuid) IS
    'exchanges the campus, court and times of two scheduled sessions without a result';

CREATE FUNCTION tourney.swap_players(
    session_a bigint,
    slot_a int,
    session_b bigint,
    slot_b int,
    request_id uuid DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'tourney_swap_players'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.swap_players(bigint, int, bigint, int, uuid) IS
    'exchanges two players between two sessions of the same stage and round, neither with a result (fixing a draw), where the format''s rules still hold';

CREATE FUNCTION tourney.delay_sessions(
    tournament_id bigint,
    from_time timestamptz,
    minutes int,
    request_id uuid DEFAULT NULL)
RETURNS int
AS 'MODULE_PATHNAME', 'tourney_delay_sessions'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.delay_sessions(bigint, timestamptz, int, uuid) IS
    'shifts every scheduled session without a result of a tournament that starts at or after from_time by minutes; returns how many';

CREATE FUNCTION tourney.close_campus(
    tournament_id bigint,
    campus_id bigint,
    from_time timestamptz,
    to_time timestamptz,
    request_id uuid DEFAULT NULL)
RETURNS SETOF bigint
AS 'MODULE_PATHNAME', 'tourney_close_campus'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ROWS 100;
COMMENT ON FUNCTION tourney.close_campus(bigint, bigint, timestamptz, timestamptz, uuid) IS
    'an outage: records the closure and moves the tournament''s sessions without a result at the campus in [from_time, to_time) to the earliest free courts of its other campuses, shifting later sessions only where the schedule forces it; returns the moved sessions';

REVOKE EXECUTE ON FUNCTION
    tourney.campus_schedule_guard(),
    tourney.schedule_sessions(bigint, timestamptz, int, int, int),
    tourney.move_session(bigint, timestamptz, bigint, int, uuid),
    tourney.swap_sessions(bigint, bigint, uuid),
    tourney.swap_players(bigint, int, bigint, int, uuid),
    tourney.delay_sessions(bigint, timestamptz, int, uuid),
    tourney.close_campus(bigint, bigint, timestamptz, timestamptz, uuid)
FROM PUBLIC;
REVOKE ALL ON tourney.campus_hours, tourney.campus_closures, tourney.schedule_requests,
    tourney.bookings FROM PUBLIC;

--------------------------------------------------------------------------
-- Event-day realities: check-in, walkovers, withdrawals, cancellation.
--------------------------------------------------------------------------

ALTER TABLE tourney.enrollments
    ADD COLUMN checked_in_at timestamptz,
    ADD COLUMN withdrawn_at timestamptz;
COMMENT ON COLUMN tourney.enrollments.checked_in_at IS 'when check_in saw the player at the event; drop_unchecked removes the enrolments without one';
COMMENT ON COLUMN tourney.enrollments.withdrawn_at IS 'when withdraw_player took the player out: every session of theirs from then on is a walkover';

ALTER TABLE tourney.sessions
    ADD COLUMN walkover bool NOT NULL DEFAULT false,
    ADD CONSTRAINT sessions_walkover_check CHECK (NOT walkover OR result_submitted);
COMMENT ON COLUMN tourney.sessions.walkover IS 'decided without play (submit_walkover, or a withdrawal): no scores; winner_id NULL when both sides were withdrawn';

ALTER TABLE tourney.tournaments
    ADD COLUMN withdrawn_players int NOT NULL DEFAULT 0 CHECK (withdrawn_players >= 0);
COMMENT ON COLUMN tourney.tournaments.withdrawn_players IS 'players withdrawn (withdraw_player): while 0, no session can wait for a player who will not come';

CREATE FUNCTION tourney.check_in(tournament_id bigint, player_ids bigint[])
RETURNS int
AS 'MODULE_PATHNAME', 'tourney_check_in'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.check_in(bigint, bigint[]) IS
    'marks enrolled players of a draft tournament as present (checked_in_at; a second check-in keeps the first); returns how many of the listed players are checked in';

CREATE FUNCTION tourney.drop_unchecked(tournament_id bigint)
RETURNS int
AS 'MODULE_PATHNAME', 'tourney_drop_unchecked'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.drop_unchecked(bigint) IS
    'removes the enrolments of a draft tournament without a check-in, closing up the seeds; returns how many';

CREATE FUNCTION tourney.submit_walkover(session_id bigint, winner_slot int)
RETURNS void
AS 'MODULE_PATHNAME', 'tourney_submit_walkover'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.submit_walkover(bigint, int) IS
    'decides a session without play for the player of winner_slot, who advances as after a result';

CREATE FUNCTION tourney.withdraw_player(tournament_id bigint, player_id bigint)
RETURNS SETOF bigint
AS 'MODULE_PATHNAME', 'tourney_withdraw_player'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp ROWS 10;
COMMENT ON FUNCTION tourney.withdraw_player(bigint, bigint) IS
    'takes a player out of an in-progress tournament: every pending session of theirs, now and later, is a walkover; returns the sessions it decided';

CREATE FUNCTION tourney.cancel_tournament(tournament_id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'tourney_cancel_tournament'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.cancel_tournament(bigint) IS
    'calls a draft or in-progress tournament off (status cancelled), with its pending generation; its rows stay readable, nothing changes them any more';

CREATE FUNCTION tourney.cancel_task(task_id uuid)
RETURNS tourney.tasks
AS 'MODULE_PATHNAME', 'tourney_cancel_task'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.cancel_task(uuid) IS
    'cancels a queued generation at once, or stops a running one (its worker rolls back); the tournament stays draft';

REVOKE EXECUTE ON FUNCTION
    tourney.check_in(bigint, bigint[]),
    tourney.drop_unchecked(bigint),
    tourney.submit_walkover(bigint, int),
    tourney.withdraw_player(bigint, bigint),
    tourney.cancel_tournament(bigint),
    tourney.cancel_task(uuid)
FROM PUBLIC;

--------------------------------------------------------------------------
-- Live load: standings read like stored rows.  Each player's tally of
-- results is kept by result entry, in the same transaction, in a row of
-- its own (two results of different players never wait for each other),
-- with the key the format ranks by; standings and group_tables are SQL
-- functions the planner inlines, so that a LIMIT reads a few rows of the
-- rank index and nothing else.
--------------------------------------------------------------------------

CREATE TABLE tourney.tallies (
    tournament_id       bigint NOT NULL,
    player_id           bigint NOT NULL,
    wins                int NOT NULL,
    draws               int NOT NULL,
    losses              int NOT NULL,
    score_for           numeric,
    score_against       numeric,
    lost_round          int NOT NULL,
    mark                smallint NOT NULL,
    had_bye             bool NOT NULL,
    points              numeric NOT NULL,
    rank_key            numeric[] NOT NULL,
    fixed_rank          int CHECK (fixed_rank >= 1),
    pool                smallint CHECK (pool >= 1),
    pool_place          int,
    pool_played         int,
    pool_wins           int,
    pool_draws          int,
    pool_losses         int,
    pool_score_for      numeric,
    pool_score_against  numeric,
    pool_points         int,
    PRIMARY KEY (tournament_id, player_id)
) WITH (fillfactor = 50);
CREATE INDEX tallies_rank_idx ON tourney.tallies (tournament_id, rank_key, player_id);
CREATE INDEX tallies_pool_idx ON tourney.tallies (tournament_id, pool, pool_place, player_id)
    WHERE pool IS NOT NULL;
COMMENT ON TABLE tourney.tallies IS 'each enrolled player''s results so far, kept by result entry: what standings and group_tables read; written only by tourney functions';
COMMENT ON COLUMN tourney.tallies.rank_key IS 'the format''s order of the players: ascending is better; equal keys share a rank';
COMMENT ON COLUMN tourney.tallies.fixed_rank IS 'a bracket''s rank of the player (the ladder), where the format sets ranks instead of counting them';
SELECT pg_catalog.pg_extension_config_dump('tourney.tallies', '');
REVOKE ALL ON tourney.tallies FROM PUBLIC;

-- The one check the SQL functions below make, once per call: the id back
-- for a tournament that exists, P0002 for an unknown one, 22004 for NULL.
-- Not STRICT and not a constant, so that a NULL reaches it: "tournament_id
-- = NULL" alone would make the planner drop the scan, and the error with
-- it.  Caller's rights, as the functions that use it.
CREATE FUNCTION tourney.tournament_checked(tournament_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tourney_tournament_checked'
LANGUAGE C STABLE;
COMMENT ON FUNCTION tourney.tournament_checked(bigint) IS
    'the tournament_id of a tournament that exists; P0002 for an unknown one, 22004 for NULL (used by standings and group_tables)';

-- standings reads the tallies by the rank index, (rank_key, player_id),
-- so that a LIMIT reads no more rows than it returns.  Two details keep
-- PostgreSQL 15 to that: the ROWS frame (rank() needs no frame, but the
-- default RANGE one makes the window read every row tied with the
-- current one first: in a knockout, every player still in), and the
-- second window in_order, ordered as the output, which is what makes the
-- planner keep the index's full order instead of the window's alone and
-- sort again on top (its value is multiplied by 0: only its order is
-- wanted).
-- Read-only, with the caller's rights: EXECUTE stays with PUBLIC.  No SET
-- clause, or the planner could not inline them: every name and operator
-- is qualified instead.
CREATE OR REPLACE FUNCTION tourney.standings(tournament_id bigint)
RETURNS TABLE (rank int, player_id bigint, name text, points numeric, wins int,
               draws int, losses int, score_for numeric, score_against numeric)
LANGUAGE sql STABLE
AS $$
SELECT COALESCE(y.fixed_rank, (pg_catalog.rank() OVER by_key)::int
                               OPERATOR(pg_catalog.+) (0 OPERATOR(pg_catalog.*) (pg_catalog.row_number() OVER in_order)::int)),
       y.player_id, p.name, y.points, y.wins, y.draws, y.losses,
       COALESCE(y.score_for, 0::numeric), COALESCE(y.score_against, 0::numeric)
FROM tourney.tallies y
JOIN tourney.players p ON p.player_id OPERATOR(pg_catalog.=) y.player_id
WHERE y.tournament_id OPERATOR(pg_catalog.=) tourney.tournament_checked($1)
WINDOW by_key AS (ORDER BY y.rank_key ROWS UNBOUNDED PRECEDING),
       in_order AS (ORDER BY y.rank_key, y.player_id ROWS UNBOUNDED PRECEDING)
ORDER BY y.rank_key, y.player_id
$$;
COMMENT ON FUNCTION tourney.standings(bigint) IS
    'provisional standings from the results so far, by the rules of calculate_rankings, read from the tallies result entry keeps; read-only, with the caller''s rights';

CREATE FUNCTION tourney.group_tables(tournament_id bigint)
RETURNS TABLE (pool int, pool_rank int, player_id bigint, name text, played int, wins int,
               draws int, losses int, score_for numeric, score_against numeric, points numeric)
LANGUAGE sql STABLE
AS $$
SELECT y.pool::int, y.pool_place, y.player_id, p.name, y.pool_played, y.pool_wins, y.pool_draws,
       y.pool_losses, y.pool_score_for, y.pool_score_against, y.pool_points::numeric
FROM tourney.tallies y
JOIN tourney.players p ON p.player_id OPERATOR(pg_catalog.=) y.player_id
WHERE y.tournament_id OPERATOR(pg_catalog.=) tourney.tournament_checked($1)
  AND y.pool IS NOT NULL
ORDER BY y.pool, y.pool_place, y.player_id
$$;
COMMENT ON FUNCTION tourney.group_tables(bigint) IS
    'the live group tables of a groups_knockout tournament (3 points a win, 1 a draw, ordered by its group_tiebreak), by group and place; read-only, with the caller''s rights';

-- The first rows of standings read from the rank index without a query:
-- what a live board behind a transaction pool reads, where "standings(t)
-- LIMIT n" is parsed, inlined and planned again by every call.  Not
-- STRICT (NULL is 22004), caller's rights and EXECUTE with PUBLIC, as
-- standings.
CREATE FUNCTION tourney.standings(tournament_id bigint, top int)
RETURNS TABLE (rank int, player_id bigint, name text, points numeric, wins int,
               draws int, losses int, score_for numeric, score_against numeric)
AS 'MODULE_PATHNAME', 'tourney_standings_top'
LANGUAGE C STABLE;
COMMENT ON FUNCTION tourney.standings(bigint, int) IS
    'the first top rows of standings(tournament_id), read from the rank index without a query (for readers behind a transaction pool); 22023 for a negative top; read-only, with the caller''s rights';

-- The tallies of the tournaments made before 0.2.
CREATE FUNCTION tourney.tallies_rebuild(tournament_id bigint)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tourney_tallies_rebuild'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.tallies_rebuild(bigint) IS
    'computes a tournament''s tallies (and the counts of tourney.overview) again from its results (the update to 0.2 runs it for every tournament); returns the tallies written';
REVOKE EXECUTE ON FUNCTION tourney.tallies_rebuild(bigint) FROM PUBLIC;

--------------------------------------------------------------------------
-- The live monitor (SPEC section 3c)
--------------------------------------------------------------------------

-- The players, sessions and results of each tournament, as sums over a
-- few rows: each backend adds its own transactions' changes to a row of
-- its own (backend = its BackendId; no two running transactions share
-- one), so no two results wait for each other on a counter.  Writers that
-- hold a tournament alone count it again into backend 0.
CREATE TABLE tourney.progress (
    tournament_id   bigint NOT NULL,
    backend         int NOT NULL CHECK (backend >= 0),
    players         bigint NOT NULL DEFAULT 0,
    sessions        bigint NOT NULL DEFAULT 0,
    results         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (tournament_id, backend)
) WITH (fillfactor = 50);
COMMENT ON TABLE tourney.progress IS 'each tournament''s enrolled players, sessions and sessions with a result, as changes summed over rows (one per backend that wrote them): what tourney.overview adds up; written only by tourney functions';
SELECT pg_catalog.pg_extension_config_dump('tourney.progress', '');
REVOKE ALL ON tourney.progress FROM PUBLIC;

SELECT pg_catalog.count(tourney.tallies_rebuild(tournament_id)) FROM tourney.tournaments;

-- The overview reads the live tournaments only, and the next start of
-- each by one index probe.
CREATE INDEX tournaments_live_idx ON tourney.tournaments (tournament_id)
    WHERE status NOT IN ('completed', 'cancelled');
CREATE INDEX bookings_starts_idx ON tourney.bookings (tournament_id, starts_at);

-- The percent done of a running task, from what its worker reports in
-- pg_stat_activity (which the read-only role may not read).
CREATE FUNCTION tourney.task_percent(task_id uuid)
RETURNS numeric
AS 'MODULE_PATHNAME', 'tourney_task_percent'
LANGUAGE C STABLE;
COMMENT ON FUNCTION tourney.task_percent(uuid) IS
    'how far the worker running the task is, in percent of the sessions it writes; NULL when no worker runs it';

CREATE VIEW tourney.overview AS
SELECT t.tournament_id, t.name, t.format, t.status,
       c.players, c.sessions, c.results AS sessions_with_result,
       round(100 * c.results / NULLIF(c.sessions, 0)::numeric, 1) AS percent,
       k.status AS task_status,
       CASE k.status
           WHEN 'done' THEN 100::numeric
           WHEN 'queued' THEN 0::numeric
           WHEN 'running' THEN COALESCE(tourney.task_percent(k.task_id), 0::numeric)
       END AS task_percent,
       n.starts_at AS next_start
FROM tourney.tournaments t
CROSS JOIN LATERAL (
    SELECT COALESCE(sum(p.players), 0)::bigint AS players,
           COALESCE(sum(p.sessions), 0)::bigint AS sessions,
           COALESCE(sum(p.results), 0)::bigint AS results
    FROM tourney.progress p WHERE p.tournament_id = t.tournament_id) c
LEFT JOIN LATERAL (
    -- the generation that counts (at most one is queued, running or done:
    -- tasks_one_generation_idx), else the latest that failed or was cancelled
    SELECT g.task_id, g.status FROM tourney.tasks g
    WHERE g.tournament_id = t.tournament_id AND g.kind = 'generate'
    ORDER BY g.status IN ('queued', 'running', 'done') DESC, g.queued_at DESC, g.task_id LIMIT 1) k ON true
LEFT JOIN LATERAL (
    -- the bookings from now on in time order, each looked up in sessions
    -- until one has no result.  A join here would be estimated from the
    -- share of sessions with a result (most, in a live tournament) as a
    -- scan of every booking, which costs the view into JIT compilation
    -- (200 ms a read) or a hash join over all of them; and none at all
    -- once every session has its result
    SELECT b.starts_at FROM tourney.bookings b
    WHERE c.results < c.sessions
      AND b.tournament_id = t.tournament_id AND b.starts_at >= pg_catalog.now()
      AND NOT (SELECT s.result_submitted FROM tourney.sessions s
               WHERE s.tournament_id = b.tournament_id AND s.session_id = b.session_id)
    ORDER BY b.starts_at LIMIT 1) n ON true
WHERE t.status NOT IN ('completed', 'cancelled');
COMMENT ON VIEW tourney.overview IS 'the live monitor: one row per tournament not completed or cancelled, with its players, sessions, results so far, its generation task and its next scheduled start (\watch 1 in psql)';
COMMENT ON COLUMN tourney.overview.players IS 'players enrolled (withdrawn ones included, those dropped at check-in not)';
COMMENT ON COLUMN tourney.overview.sessions IS 'sessions written so far (a Swiss writes a round at a time, a group stage its knockout after the groups)';
COMMENT ON COLUMN tourney.overview.sessions_with_result IS 'of those, sessions with a result (walkovers included)';
COMMENT ON COLUMN tourney.overview.percent IS 'sessions_with_result in percent of sessions, to one decimal; NULL before generation';
COMMENT ON COLUMN tourney.overview.task_status IS 'the status of the tournament''s generation task (the queued, running or done one, else the latest), NULL for none';
COMMENT ON COLUMN tourney.overview.task_percent IS 'how far that task is: 0 queued, 100 done, the worker''s progress while running, NULL after an error or cancellation';
COMMENT ON COLUMN tourney.overview.next_start IS 'the earliest start, from now on, of a scheduled session without a result; NULL when none is left';
REVOKE ALL ON tourney.overview FROM PUBLIC;

--------------------------------------------------------------------------
-- Beyond one machine (SPEC section 8): what a data node behind the
-- tourney_proxy extension needs.  A proxy mints the ids of tournaments,
-- players and campuses, so that a tournament lives on the node its id
-- routes to and the global rows have one id on every node.
--------------------------------------------------------------------------

CREATE FUNCTION tourney.create_tournament_with_id(
    tournament_id bigint,
    name text,
    format text,
    scoring_type text DEFAULT 'score_based',
    ranking_direction text DEFAULT NULL,
    number_of_rounds int DEFAULT NULL,
    third_place_playoff bool DEFAULT NULL,
    campus_ids bigint[] DEFAULT '{}',
    grand_final text DEFAULT NULL,
    group_count int DEFAULT NULL,
    advance_per_group int DEFAULT NULL,
    group_tiebreak text DEFAULT NULL)
RETURNS bigint
AS 'MODULE_PATHNAME', 'tourney_create_tournament_with_id'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.create_tournament_with_id(bigint, text, text, text, text, int, bool, bigint[], text, int, int, text) IS
    'create_tournament with an id given by the caller (a proxy), stamped with this node''s tourney.node_id; returns it';
REVOKE EXECUTE ON FUNCTION
    tourney.create_tournament_with_id(bigint, text, text, text, text, int, bool, bigint[], text, int, int, text)
    FROM PUBLIC;

-- The batches of global rows written here, by the digest of their
-- content: a proxy that repeats a batch some node did not get finds its
-- ids here and writes the same rows again.
CREATE TABLE tourney.global_batches (
    kind        text NOT NULL CHECK (kind IN ('players', 'campuses')),
    first_id    bigint NOT NULL,
    digest      bytea NOT NULL,
    ids         bigint[] NOT NULL,
    written_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, first_id)
);
CREATE INDEX global_batches_digest_idx ON tourney.global_batches (kind, digest);
COMMENT ON TABLE tourney.global_batches IS 'batches of players and campuses a proxy wrote to every node (put_players, put_campuses), by the digest of their content';
SELECT pg_catalog.pg_extension_config_dump('tourney.global_batches', '');
REVOKE ALL ON tourney.global_batches FROM PUBLIC;

-- The checks put_players and put_campuses share: ids and names given,
-- one-dimensional, of one length (the optional arrays too), ids positive
-- and distinct, names not empty.
CREATE FUNCTION tourney.global_rows_check(ids_name text, ids bigint[], names text[],
                                          optional_names text[], optional_lengths int[],
                                          optional_dims int[])
RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := pg_catalog.cardinality(ids);
BEGIN
    IF ids IS NULL THEN
        RAISE EXCEPTION '% must not be null', ids_name USING ERRCODE = '22004';
    ELSIF names IS NULL THEN
        RAISE EXCEPTION 'names must not be null' USING ERRCODE = '22004';
    ELSIF pg_catalog.array_ndims(ids) > 1 OR pg_catalog.array_ndims(names) > 1
          OR EXISTS (SELECT FROM unnest(optional_dims) d WHERE d > 1) THEN
        RAISE EXCEPTION '%, names, % must be one-dimensional', ids_name,
            pg_catalog.array_to_string(optional_names, ' and ') USING ERRCODE = '22023';
    ELSIF pg_catalog.cardinality(names) <> n
          OR EXISTS (SELECT FROM unnest(optional_lengths) l WHERE l <> n) THEN
        RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE =
            pg_catalog.format('the arrays must have one length: %s has %s, names %s', ids_name, n,
                              pg_catalog.cardinality(names))
            OPERATOR(pg_catalog.||) COALESCE(
                (SELECT pg_catalog.string_agg(pg_catalog.format(', %s %s', o.name, o.length), '' ORDER BY o.i)
                 FROM unnest(optional_names, optional_lengths) WITH ORDINALITY o(name, length, i)
                 WHERE o.length IS NOT NULL), '');
    ELSIF EXISTS (SELECT FROM unnest(ids) i WHERE i IS NULL) THEN
        RAISE EXCEPTION '% must not hold a null', ids_name USING ERRCODE = '22004';
    ELSIF EXISTS (SELECT FROM unnest(ids) i WHERE i <= 0) THEN
        RAISE EXCEPTION '% must be positive', ids_name USING ERRCODE = '22023';
    ELSIF (SELECT pg_catalog.count(DISTINCT i) FROM unnest(ids) i) <> n THEN
        RAISE EXCEPTION '% must not repeat an id', ids_name USING ERRCODE = '22023';
    ELSIF EXISTS (SELECT FROM unnest(names) m WHERE m IS NULL) THEN
        RAISE EXCEPTION 'names must not hold a null' USING ERRCODE = '22004';
    ELSIF EXISTS (SELECT FROM unnest(names) m WHERE m = '') THEN
        RAISE EXCEPTION 'names must not be empty' USING ERRCODE = '22023';
    END IF;
END $$;
COMMENT ON FUNCTION tourney.global_rows_check(text, bigint[], text[], text[], int[], int[]) IS
    'the argument checks of put_players and put_campuses (22004, 22023): the ids and names, and the lengths and dimensions of the optional arrays';
REVOKE EXECUTE ON FUNCTION tourney.global_rows_check(text, bigint[], text[], text[], int[], int[]) FROM PUBLIC;

-- What put_players and put_campuses end with: the batch recorded by its
-- digest (when the proxy gave one), the ids in the order given.
CREATE FUNCTION tourney.global_rows_written(kind text, ids bigint[], batch bytea)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF batch IS NOT NULL AND cardinality(ids) > 0 THEN
        INSERT INTO tourney.global_batches (kind, first_id, digest, ids)
        VALUES (kind, ids[1], batch, ids) ON CONFLICT DO NOTHING;
    END IF;
    RETURN QUERY SELECT g.id FROM unnest(ids) WITH ORDINALITY g(id, i) ORDER BY g.i;
END $$;
COMMENT ON FUNCTION tourney.global_rows_written(text, bigint[], bytea) IS
    'records a batch of global rows by its digest; returns its ids in order';
REVOKE EXECUTE ON FUNCTION tourney.global_rows_written(text, bigint[], bytea) FROM PUBLIC;

CREATE FUNCTION tourney.put_players(player_ids bigint[], names text[], ratings float8[] DEFAULT NULL,
                                    emails text[] DEFAULT NULL, batch bytea DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    clash bigint;
BEGIN
    PERFORM tourney.global_rows_check('player_ids', player_ids, names, ARRAY['ratings', 'emails'],
        ARRAY[pg_catalog.cardinality(ratings), pg_catalog.cardinality(emails)],
        ARRAY[pg_catalog.array_ndims(ratings), pg_catalog.array_ndims(emails)]);
    IF EXISTS (SELECT FROM pg_catalog.unnest(ratings) r
               WHERE r OPERATOR(pg_catalog.=) ANY (ARRAY['Infinity', '-Infinity', 'NaN']::float8[])) THEN
        RAISE EXCEPTION 'ratings must be finite numbers' USING ERRCODE = '22023';
    END IF;
    SELECT p.player_id INTO clash
    FROM unnest(player_ids, names, ratings, emails) g(id, name, rating, email)
    JOIN tourney.players p ON p.player_id OPERATOR(pg_catalog.=) g.id
    WHERE (p.name, p.email, p.rating) IS DISTINCT FROM (g.name, g.email, COALESCE(g.rating, 1500))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'player % exists on this node with other values', clash USING ERRCODE = '23505';
    END IF;
    INSERT INTO tourney.players (player_id, name, email, rating)
    SELECT g.id, g.name, g.email, COALESCE(g.rating, 1500)
    FROM unnest(player_ids, names, ratings, emails) g(id, name, rating, email)
    ORDER BY g.id
    ON CONFLICT (player_id) DO NOTHING;
    RETURN QUERY SELECT tourney.global_rows_written('players', player_ids, batch);
END $$;
COMMENT ON FUNCTION tourney.put_players(bigint[], text[], float8[], text[], bytea) IS
    'writes players with the ids given (a proxy''s create_players); a player already here with the same values is kept: repeating a batch is harmless; returns the ids';
REVOKE EXECUTE ON FUNCTION tourney.put_players(bigint[], text[], float8[], text[], bytea) FROM PUBLIC;

CREATE FUNCTION tourney.put_campuses(campus_ids bigint[], names text[], capacities int[] DEFAULT NULL,
                                     courts int[] DEFAULT NULL, batch bytea DEFAULT NULL)
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    clash bigint;
BEGIN
    PERFORM tourney.global_rows_check('campus_ids', campus_ids, names, ARRAY['capacities', 'courts'],
        ARRAY[pg_catalog.cardinality(capacities), pg_catalog.cardinality(courts)],
        ARRAY[pg_catalog.array_ndims(capacities), pg_catalog.array_ndims(courts)]);
    IF EXISTS (SELECT FROM pg_catalog.unnest(capacities) c WHERE c OPERATOR(pg_catalog.<=) 0)
       OR EXISTS (SELECT FROM pg_catalog.unnest(courts) c WHERE c IS NULL OR c OPERATOR(pg_catalog.<=) 0) THEN
        RAISE EXCEPTION 'capacities and courts must be positive' USING ERRCODE = '22023';
    END IF;
    SELECT c.campus_id INTO clash
    FROM unnest(campus_ids, names, capacities, courts) g(id, name, capacity, courts)
    JOIN tourney.campuses c ON c.campus_id OPERATOR(pg_catalog.=) g.id
    WHERE (c.name, c.capacity, c.courts) IS DISTINCT FROM (g.name, g.capacity, COALESCE(g.courts, 1))
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'campus % exists on this node with other values', clash USING ERRCODE = '23505';
    END IF;
    INSERT INTO tourney.campuses (campus_id, name, capacity, courts)
    SELECT g.id, g.name, g.capacity, COALESCE(g.courts, 1)
    FROM unnest(campus_ids, names, capacities, courts) g(id, name, capacity, courts)
    ORDER BY g.id
    ON CONFLICT (campus_id) DO NOTHING;
    RETURN QUERY SELECT tourney.global_rows_written('campuses', campus_ids, batch);
END $$;
COMMENT ON FUNCTION tourney.put_campuses(bigint[], text[], int[], int[], bytea) IS
    'writes campuses with the ids given (a proxy''s create_campuses); a campus already here with the same values is kept: repeating a batch is harmless; returns the ids';
REVOKE EXECUTE ON FUNCTION tourney.put_campuses(bigint[], text[], int[], int[], bytea) FROM PUBLIC;

--------------------------------------------------------------------------
-- Ratings (SPEC section 3d).  A completed tournament is one rating
-- period: update_ratings moves every enrolled player's rating, deviation
-- and volatility by Glicko-2 (or the rating by Elo) from the tournament's
-- games, once, and keeps the change in rating_history, whose key is what
-- makes a second rating of the tournament impossible.  No foreign keys on
-- the history (a million rows in one write; see SPEC section 2): the
-- tournament's deletion removes its rows, and an enrolled player cannot
-- be deleted.
--------------------------------------------------------------------------

ALTER TABLE tourney.players
    ADD COLUMN rating_deviation float8 NOT NULL DEFAULT 350
        CHECK (rating_deviation > 0 AND rating_deviation < 'Infinity'::float8),
    ADD COLUMN rating_volatility float8 NOT NULL DEFAULT 0.06
        CHECK (rating_volatility > 0 AND rating_volatility < 'Infinity'::float8);
COMMENT ON COLUMN tourney.players.rating IS 'strength estimate (Elo or Glicko-2 scale, update_ratings moves it); orders unseeded players and weights simulated results';
COMMENT ON COLUMN tourney.players.rating_deviation IS 'Glicko-2 rating deviation (RD): how uncertain the rating is; it grows for a rated tournament without a game';
COMMENT ON COLUMN tourney.players.rating_volatility IS 'Glicko-2 volatility (sigma): how erratic the player''s results have been';
-- Each rated tournament rewrites its players' rows once; with room on the
-- page the new version is a HOT update (no index entries): a
-- 1,048,576-player update_ratings wrote the players in about 1 s instead
-- of 4.  Rows written from now on get the room; those of 0.1 move once.
ALTER TABLE tourney.players SET (fillfactor = 50);

CREATE TABLE tourney.rating_history (
    tournament_id       bigint NOT NULL,
    player_id           bigint NOT NULL,
    method              text NOT NULL CHECK (method IN ('glicko2', 'elo')),
    rating_before       float8 NOT NULL,
    rating_after        float8 NOT NULL,
    deviation_before    float8 NOT NULL,
    deviation_after     float8 NOT NULL,
    volatility_before   float8 NOT NULL,
    volatility_after    float8 NOT NULL,
    games               int NOT NULL CHECK (games >= 0),
    PRIMARY KEY (tournament_id, player_id)
);
COMMENT ON TABLE tourney.rating_history IS 'every rating change update_ratings made: one row per enrolled player of each rated tournament (one rating period), with the values before and after; written only by tourney functions';
COMMENT ON COLUMN tourney.rating_history.method IS 'glicko2 or elo, as update_ratings was called';
COMMENT ON COLUMN tourney.rating_history.games IS 'the player''s rated games in the tournament: two-player sessions with a result, walkovers not counted';
SELECT pg_catalog.pg_extension_config_dump('tourney.rating_history', '');
REVOKE ALL ON tourney.rating_history FROM PUBLIC;

CREATE FUNCTION tourney.update_ratings(
    tournament_id bigint,
    method text DEFAULT 'glicko2',
    tau float8 DEFAULT 0.5,
    k_factor float8 DEFAULT 32)
RETURNS int
AS 'MODULE_PATHNAME', 'tourney_update_ratings'
LANGUAGE C VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp;
COMMENT ON FUNCTION tourney.update_ratings(bigint, text, float8, float8) IS
    'rates a completed tournament as one rating period, once: every two-player session with a result (walkovers not) is a game; moves each enrolled player''s rating, deviation and volatility by Glicko-2 (tau) or the rating by Elo (k_factor), records the change in rating_history; returns the players updated';
REVOKE EXECUTE ON FUNCTION tourney.update_ratings(bigint, text, float8, float8) FROM PUBLIC;

-- Beyond one machine: players are global, so the ratings a tournament's
-- node computed go to the other nodes' copies of its players (the proxy's
-- update_ratings calls this on every node after rating on the owner).
-- Setting values that are there already changes nothing: repeating it is
-- harmless.  The rows are locked in player_id order, as update_ratings
-- writes them, so that the two never wait on each other in a circle.
CREATE FUNCTION tourney.put_ratings(player_ids bigint[], ratings float8[], deviations float8[],
                                    volatilities float8[])
RETURNS SETOF bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    n int := pg_catalog.cardinality(player_ids);
    missing bigint;
BEGIN
    IF player_ids IS NULL OR ratings IS NULL OR deviations IS NULL OR volatilities IS NULL THEN
        RAISE EXCEPTION 'player_ids, ratings, deviations and volatilities must not be null'
            USING ERRCODE = '22004';
    ELSIF pg_catalog.array_ndims(player_ids) > 1 OR pg_catalog.array_ndims(ratings) > 1
          OR pg_catalog.array_ndims(deviations) > 1 OR pg_catalog.array_ndims(volatilities) > 1 THEN
        RAISE EXCEPTION 'player_ids, ratings, deviations and volatilities must be one-dimensional'
            USING ERRCODE = '22023';
    ELSIF pg_catalog.cardinality(ratings) <> n OR pg_catalog.cardinality(deviations) <> n
          OR pg_catalog.cardinality(volatilities) <> n THEN
        RAISE EXCEPTION 'the arrays must have one length: player_ids has %, ratings %, deviations %, volatilities %',
            n, pg_catalog.cardinality(ratings), pg_catalog.cardinality(deviations),
            pg_catalog.cardinality(volatilities) USING ERRCODE = '22023';
    ELSIF EXISTS (SELECT FROM unnest(player_ids) i WHERE i IS NULL) THEN
        RAISE EXCEPTION 'player_ids must not hold a null' USING ERRCODE = '22004';
    ELSIF (SELECT pg_catalog.count(DISTINCT i) FROM unnest(player_ids) i) <> n THEN
        RAISE EXCEPTION 'player_ids must not repeat an id' USING ERRCODE = '22023';
    ELSIF EXISTS (SELECT FROM unnest(ratings, deviations, volatilities) g(r, d, v)
                  WHERE g.r IS NULL OR g.d IS NULL OR g.v IS NULL) THEN
        RAISE EXCEPTION 'ratings, deviations and volatilities must not hold a null' USING ERRCODE = '22004';
    ELSIF EXISTS (SELECT FROM unnest(ratings, deviations, volatilities) g(r, d, v)
                  WHERE g.r OPERATOR(pg_catalog.=) ANY (ARRAY['Infinity', '-Infinity', 'NaN']::float8[])
                     OR NOT (g.d OPERATOR(pg_catalog.>) 0 AND g.d OPERATOR(pg_catalog.<) 'Infinity'::float8)
                     OR NOT (g.v OPERATOR(pg_catalog.>) 0 AND g.v OPERATOR(pg_catalog.<) 'Infinity'::float8)) THEN
        RAISE EXCEPTION 'ratings must be finite, deviations and volatilities positive and finite'
            USING ERRCODE = '22023';
    END IF;
    PERFORM FROM tourney.players p WHERE p.player_id OPERATOR(pg_catalog.=) ANY (player_ids)
        ORDER BY p.player_id FOR NO KEY UPDATE;
    SELECT g.id INTO missing FROM pg_catalog.unnest(player_ids) g(id)
    WHERE NOT EXISTS (SELECT FROM tourney.players p WHERE p.player_id OPERATOR(pg_catalog.=) g.id)
    ORDER BY g.id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'player % does not exist on this node', missing USING ERRCODE = 'P0002';
    END IF;
    RETURN QUERY
    UPDATE tourney.players p
    SET rating = g.r, rating_deviation = g.d, rating_volatility = g.v
    FROM unnest(player_ids, ratings, deviations, volatilities) g(id, r, d, v)
    WHERE p.player_id OPERATOR(pg_catalog.=) g.id
      AND (p.rating, p.rating_deviation, p.rating_volatility) IS DISTINCT FROM (g.r, g.d, g.v)
    RETURNING p.player_id;
END $$;
COMMENT ON FUNCTION tourney.put_ratings(bigint[], float8[], float8[], float8[]) IS
    'sets the players'' rating, deviation and volatility to the values given (a proxy''s update_ratings copying a node''s new ratings to the others); returns the players whose values changed';
REVOKE EXECUTE ON FUNCTION tourney.put_ratings(bigint[], float8[], float8[], float8[]) FROM PUBLIC;
