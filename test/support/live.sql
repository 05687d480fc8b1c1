-- test/support/live.sql: what the live-operation tests (lifecycle/standings.sql,
-- lifecycle/overview.sql) share, read with \ir by both.  pg_temp functions,
-- so nothing outlives the test's session; no tourney function is called
-- here but through the public API.
--
--   pg_temp.oracle(t)           the standings by the rules of SPEC §3 and
--                               §3e, from the stored results (sessions,
--                               participants, byes, enrolments) in SQL,
--                               for every format; groups_knockout takes the
--                               group places from group_tables (their own
--                               checks are pg_temp.group_oracle and the
--                               recount)
--   pg_temp.group_oracle(t)     group_tables' columns but pool_rank
--   pg_temp.standings_text(t), pg_temp.oracle_text(t), pg_temp.group_text(t),
--   pg_temp.group_oracle_text(t)
--                               every column as text, in the function's order
--   pg_temp.recounted(t, what)  standings (what = 'standings'), group
--                               tables ('groups') or the tallies rows
--                               ('tallies') as text after
--                               tourney.tallies_rebuild(t), in a
--                               subtransaction rolled back, so the tallies
--                               kept by result entry stay under test
--   pg_temp.first_diff(a, b)    NULL when two text arrays are equal, else
--                               where they first differ
--   pg_temp.live_step(t)        one random live call (setseed first): a
--                               result, a correction with cascade, a
--                               walkover, a withdrawal or simulate_results;
--                               what it did, as text ('ERROR ...' when it
--                               failed: it then changed nothing)
--   pg_temp.overview_want(t), pg_temp.overview_got(t)
--                               the overview's row, and the same counted
--                               from the rows, as text

-- The standings of the SPEC, every column but the name.
CREATE FUNCTION pg_temp.oracle(t bigint)
RETURNS TABLE (player_id bigint, rank int, points numeric, wins int, draws int,
               losses int, score_for numeric, score_against numeric)
LANGUAGE sql STABLE AS $$
    WITH args AS (
        SELECT k.format::text AS format, k.ranking_direction = 'desc' AS higher_wins,
               k.grand_final, coalesce(k.group_count * k.advance_per_group, 0) AS qualifiers,
               coalesce((SELECT max(round) FROM tourney.sessions
                         WHERE tournament_id = t AND stage = 'main'), 0) AS main_rounds
        FROM tourney.tournaments k WHERE k.tournament_id = t),
    parts AS (
        SELECT p.player_id, p.score, s.stage, s.round, s.winner_id, s.walkover,
               count(*) OVER w AS n,
               sum(p.player_id) OVER w - p.player_id AS opponent,
               coalesce(lead(p.score) OVER ws, lag(p.score) OVER ws) AS opponent_score
        FROM tourney.sessions s JOIN tourney.session_participants p
          ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
        WHERE s.tournament_id = t AND s.result_submitted
        WINDOW w AS (PARTITION BY p.session_id),
               ws AS (PARTITION BY p.session_id ORDER BY p.slot)),
    -- a session with two participants: won, drawn (no winner, played) or
    -- lost (a walkover for nobody is lost by both); in a bracket a player
    -- is out of every session that does not send him on, one decided for
    -- nobody with him alone in it too (its other slot's feeder sent
    -- nobody): a loss, while going through a session alone is no win
    results AS (
        SELECT parts.*, CASE WHEN n < 2 AND a.format <> 'individual_ranking'
                                  AND walkover AND winner_id IS NULL THEN 'l'
                       WHEN n < 2 THEN NULL
                       WHEN winner_id = player_id THEN 'w'
                       WHEN winner_id IS NULL AND NOT walkover THEN 'd'
                       ELSE 'l' END AS outcome,
                  winner_id IS DISTINCT FROM player_id AS out
        FROM parts CROSS JOIN args a),
    per_player AS (
        SELECT e.player_id,
               count(x.outcome) FILTER (WHERE x.outcome = 'w')::int AS wins,
               count(x.outcome) FILTER (WHERE x.outcome = 'd')::int AS draws,
               count(x.outcome) FILTER (WHERE x.outcome = 'l')::int AS losses,
               coalesce(sum(x.score), 0) AS score_for,
               coalesce(sum(x.opponent_score) FILTER (WHERE x.n > 1), 0) AS score_against,
               sum(x.score) AS total,
               count(*) FILTER (WHERE x.n = 1 AND x.score IS NULL) AS missed,
               (SELECT count(*) FROM tourney.byes b
                WHERE b.tournament_id = t AND b.player_id = e.player_id) AS byes,
               -- a knockout (and the knockout after groups): its ladder
               CASE WHEN bool_or(x.stage = 'third_place' AND x.out) THEN 4
                    WHEN bool_or(x.stage = 'third_place' AND NOT x.out) THEN 3
                    ELSE coalesce((1 << ((SELECT main_rounds FROM args) - min(x.round) FILTER
                         (WHERE x.stage = 'main' AND x.out))) + 1, 1) END AS ladder,
               EXISTS (SELECT FROM tourney.session_participants q JOIN tourney.sessions s
                         ON s.tournament_id = q.tournament_id AND s.session_id = q.session_id
                       WHERE q.tournament_id = t AND q.player_id = e.player_id
                         AND s.stage IN ('main', 'third_place')) AS in_knockout,
               -- a double elimination: out in losers' round m; or out of
               -- winners' round r by a walkover for nobody (both
               -- withdrawn): ranked with the losers of the losers' round
               -- that round's losers drop into, 2(r - 1) (SPEC §3; 1 for
               -- r = 1)
               max(x.round) FILTER (WHERE x.stage = 'losers' AND x.out) AS lb_lost,
               min(greatest(1, 2 * (x.round - 1))) FILTER (WHERE x.stage = 'winners' AND x.winner_id IS NULL) AS wb_out,
               bool_or(x.stage = 'losers' AND x.outcome = 'w'
                       AND x.round = (SELECT max(round) FROM tourney.sessions
                                      WHERE tournament_id = t AND stage = 'losers')) AS lb_champion
        FROM tourney.enrollments e LEFT JOIN results x ON x.player_id = e.player_id
        WHERE e.tournament_id = t GROUP BY e.player_id),
    -- the deciding session of a double elimination: the reset if there
    -- is one, else the grand final; its losers (both players, when it was
    -- decided for nobody)
    decisive AS (
        SELECT s.winner_id,
               ARRAY(SELECT p.player_id FROM tourney.session_participants p
                     WHERE p.tournament_id = t AND p.session_id = s.session_id
                       AND p.player_id IS DISTINCT FROM s.winner_id) AS losers
        FROM tourney.sessions s
        WHERE s.tournament_id = t AND s.result_submitted
          AND s.stage = (SELECT max(x.stage) FROM tourney.sessions x WHERE x.tournament_id = t
                         AND x.stage IN ('grand_final', 'grand_final_reset'))),
    -- Swiss: points (1 a win or bye, 1/2 a draw), Buchholz, Sonneborn-Berger
    scored AS (
        SELECT pp.*, pp.wins + 0.5 * pp.draws + pp.byes AS swiss_points FROM per_player pp),
    breaks AS (
        SELECT x.player_id, sum(o.swiss_points) AS buchholz,
               sum(CASE x.outcome WHEN 'w' THEN o.swiss_points WHEN 'd' THEN o.swiss_points * 0.5
                   ELSE 0 END) AS sonneborn_berger
        FROM results x JOIN scored o ON o.player_id = x.opponent
        WHERE x.n = 2 GROUP BY x.player_id),
    -- groups_knockout: the group place, as group_tables has it
    places AS (
        SELECT g.player_id, g.pool_rank FROM tourney.group_tables(t) g),
    ranked AS (
        SELECT s.*, coalesce(b.buchholz, 0) AS buchholz, coalesce(b.sonneborn_berger, 0) AS sb,
               pl.pool_rank,
               s.in_knockout AS qualified
        FROM scored s LEFT JOIN breaks b ON b.player_id = s.player_id
        LEFT JOIN places pl ON pl.player_id = s.player_id)
    SELECT r.player_id,
           CASE a.format
               WHEN 'knockout' THEN r.ladder
               WHEN 'individual_ranking' THEN (rank() OVER (ORDER BY r.missed,
                   CASE WHEN a.higher_wins THEN r.total END DESC NULLS LAST,
                   CASE WHEN NOT a.higher_wins THEN r.total END ASC NULLS LAST))::int
               WHEN 'round_robin' THEN (rank() OVER (ORDER BY 3 * r.wins + r.draws DESC,
                   r.score_for - r.score_against DESC, r.score_for DESC))::int
               WHEN 'swiss' THEN (rank() OVER (ORDER BY r.swiss_points DESC, r.buchholz DESC,
                   r.sb DESC))::int
               WHEN 'double_elimination' THEN
                   CASE WHEN r.player_id = (SELECT winner_id FROM decisive) THEN 1
                        WHEN r.player_id = ANY (coalesce((SELECT losers FROM decisive), '{}')) THEN 2
                        WHEN a.grand_final = 'none' AND r.lb_champion THEN 2
                        WHEN r.lb_lost IS NOT NULL THEN
                            3 + (SELECT count(*)::int FROM tourney.sessions x WHERE x.tournament_id = t
                                 AND x.stage = 'losers' AND x.round > r.lb_lost)
                        WHEN r.wb_out IS NOT NULL THEN
                            3 + (SELECT count(*)::int FROM tourney.sessions x WHERE x.tournament_id = t
                                 AND x.stage = 'losers' AND x.round > r.wb_out)
                        ELSE 1 END
               WHEN 'groups_knockout' THEN
                   CASE WHEN r.qualified THEN r.ladder
                        ELSE (CASE WHEN (SELECT main_rounds FROM args) > 0 THEN a.qualifiers ELSE 0 END)
                             + (rank() OVER (PARTITION BY r.qualified ORDER BY r.pool_rank,
                                3 * r.wins + r.draws DESC, r.score_for - r.score_against DESC,
                                r.score_for DESC))::int END
           END,
           CASE WHEN a.format IN ('knockout', 'double_elimination') THEN r.wins::numeric
                WHEN a.format = 'individual_ranking' THEN coalesce(r.total, 0)
                WHEN a.format = 'swiss' THEN r.swiss_points
                ELSE (3 * r.wins + r.draws)::numeric END,
           r.wins, r.draws, r.losses, r.score_for, r.score_against
    FROM ranked r CROSS JOIN args a
$$;

-- The group tables but the places: played, won, drawn, lost, scores and
-- points (3 a win, 1 a draw) of the group sessions with a result.
CREATE FUNCTION pg_temp.group_oracle(t bigint)
RETURNS TABLE (pool int, player_id bigint, played int, wins int, draws int, losses int,
               score_for numeric, score_against numeric, points numeric)
LANGUAGE sql STABLE AS $$
    WITH g AS (
        SELECT p.player_id, p.score, s.winner_id, s.walkover,
               coalesce(lead(p.score) OVER ws, lag(p.score) OVER ws) AS opponent_score
        FROM tourney.sessions s JOIN tourney.session_participants p
          ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
        WHERE s.tournament_id = t AND s.stage = 'group' AND s.result_submitted
        WINDOW ws AS (PARTITION BY p.session_id ORDER BY p.slot)),
    o AS (
        SELECT *, CASE WHEN winner_id = player_id THEN 'w'
                       WHEN winner_id IS NULL AND NOT walkover THEN 'd' ELSE 'l' END AS outcome
        FROM g)
    SELECT e.pool::int, e.player_id, count(o.outcome)::int,
           count(o.outcome) FILTER (WHERE o.outcome = 'w')::int,
           count(o.outcome) FILTER (WHERE o.outcome = 'd')::int,
           count(o.outcome) FILTER (WHERE o.outcome = 'l')::int,
           coalesce(sum(o.score), 0), coalesce(sum(o.opponent_score), 0),
           (3 * count(o.outcome) FILTER (WHERE o.outcome = 'w')
              + count(o.outcome) FILTER (WHERE o.outcome = 'd'))::numeric
    FROM tourney.enrollments e LEFT JOIN o ON o.player_id = e.player_id
    WHERE e.tournament_id = t AND e.pool IS NOT NULL
    GROUP BY e.pool, e.player_id
$$;

CREATE FUNCTION pg_temp.standings_text(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(concat_ws('|', s.rank, s.player_id, s.name, s.points, s.wins, s.draws,
                                        s.losses, s.score_for, s.score_against)), '{}')
    FROM tourney.standings(t) s
$$;

CREATE FUNCTION pg_temp.oracle_text(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(concat_ws('|', o.rank, o.player_id, p.name, o.points, o.wins, o.draws,
                                        o.losses, o.score_for, o.score_against)
                              ORDER BY o.rank, o.player_id), '{}')
    FROM pg_temp.oracle(t) o JOIN tourney.players p ON p.player_id = o.player_id
$$;

CREATE FUNCTION pg_temp.group_text(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(concat_ws('|', g.pool, g.pool_rank, g.player_id, g.name, g.played, g.wins,
                                        g.draws, g.losses, g.score_for, g.score_against, g.points)), '{}')
    FROM tourney.group_tables(t) g
$$;

-- group_tables but its places, by player; and its places: 1 .. size in
-- each group, points never rising down a table (the order among equal
-- points is the group tiebreak's, which the recount checks).
CREATE FUNCTION pg_temp.group_cells_text(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(concat_ws('|', g.pool, g.player_id, g.played, g.wins, g.draws, g.losses,
                                        g.score_for, g.score_against, g.points)
                              ORDER BY g.pool, g.player_id), '{}')
    FROM tourney.group_tables(t) g
$$;

CREATE FUNCTION pg_temp.group_oracle_text(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(concat_ws('|', o.pool, o.player_id, o.played, o.wins, o.draws, o.losses,
                                        o.score_for, o.score_against, o.points)
                              ORDER BY o.pool, o.player_id), '{}')
    FROM pg_temp.group_oracle(t) o
$$;

CREATE FUNCTION pg_temp.group_places_wrong(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH g AS (
        SELECT g.pool, g.pool_rank, g.points,
               row_number() OVER (PARTITION BY g.pool ORDER BY g.pool_rank) AS i,
               lag(g.points) OVER (PARTITION BY g.pool ORDER BY g.pool_rank) AS above
        FROM tourney.group_tables(t) g)
    SELECT string_agg(format('group %s place %s', pool, pool_rank), ', ' ORDER BY pool, pool_rank)
    FROM g WHERE pool_rank IS DISTINCT FROM i OR points > above
$$;

-- The tallies rows themselves, every column.
CREATE FUNCTION pg_temp.tallies_text(t bigint) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(y::text ORDER BY y.player_id), '{}')
    FROM tourney.tallies y WHERE y.tournament_id = t
$$;

-- Standings, group tables or the tallies rows after a recount from
-- scratch, rolled back.
CREATE FUNCTION pg_temp.recounted(t bigint, what text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    got text[];
BEGIN
    BEGIN
        PERFORM tourney.tallies_rebuild(t);
        got := CASE what WHEN 'standings' THEN pg_temp.standings_text(t)
                         WHEN 'groups' THEN pg_temp.group_text(t)
                         ELSE pg_temp.tallies_text(t) END;
        RAISE SQLSTATE 'TZ0RB';
    EXCEPTION WHEN SQLSTATE 'TZ0RB' THEN
        NULL;
    END;
    RETURN got;
END $$;

CREATE FUNCTION pg_temp.first_diff(got text[], want text[]) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN got IS NOT DISTINCT FROM want THEN NULL
                ELSE coalesce((SELECT format('row %s: got %s, want %s', i, coalesce(got[i], '(none)'),
                                             coalesce(want[i], '(none)'))
                               FROM generate_series(1, greatest(cardinality(got), cardinality(want))) i
                               WHERE got[i] IS DISTINCT FROM want[i] ORDER BY i LIMIT 1),
                              'differ') END
$$;

-- Random scores for a session of n players, from a set with ties and
-- several scales; two players never level where the stage may not end
-- level.
CREATE FUNCTION pg_temp.live_scores(n int, draws bool) RETURNS numeric[]
LANGUAGE plpgsql AS $$
DECLARE
    pick numeric[] := ARRAY[0, 1, 2, 2.5, 2.50, 3, 4.125, 7, 10];
    s numeric[] := ARRAY(SELECT pick[1 + floor(random() * 9)::int] FROM generate_series(1, n));
BEGIN
    IF n = 2 AND s[1] = s[2] AND (NOT draws OR random() < 0.5) THEN
        s[2] := s[2] + 0.75;
    END IF;
    RETURN s;
END $$;

-- May a session of this stage of the tournament end level?
CREATE FUNCTION pg_temp.draws_allowed(t bigint, stage text) RETURNS bool
LANGUAGE sql STABLE AS $$
    SELECT k.format IN ('round_robin', 'swiss', 'individual_ranking') OR stage = 'group'
    FROM tourney.tournaments k WHERE k.tournament_id = t
$$;

-- Sessions of the tournament with their participants, results and
-- whether a withdrawn player is in them.
CREATE FUNCTION pg_temp.live_sessions(t bigint)
RETURNS TABLE (session_id bigint, stage text, n int, need int, submitted bool, walkover bool,
               withdrawn bool, nobody bool)
LANGUAGE sql STABLE AS $$
    SELECT s.session_id, s.stage,
           (SELECT count(*)::int FROM tourney.session_participants p
            WHERE p.tournament_id = t AND p.session_id = s.session_id),
           CASE WHEN k.format = 'individual_ranking' THEN 1 ELSE 2 END,
           s.result_submitted, s.walkover,
           EXISTS (SELECT FROM tourney.session_participants p JOIN tourney.enrollments e
                     ON e.tournament_id = p.tournament_id AND e.player_id = p.player_id
                   WHERE p.tournament_id = t AND p.session_id = s.session_id
                     AND e.withdrawn_at IS NOT NULL),
           s.walkover AND s.winner_id IS NULL
    FROM tourney.sessions s JOIN tourney.tournaments k ON k.tournament_id = s.tournament_id
    WHERE s.tournament_id = t
$$;

-- One random live call on tournament t: a result (weight 56), a
-- correction with cascade (24), a walkover (13) or a withdrawal (7), or
-- the kind asked for ('submit', 'correct', 'walkover', 'withdraw',
-- 'simulate'); a call that has nothing to act on falls through to the
-- next kind, the last to simulate_results.  What it did, as text; 'ERROR
-- sqlstate: message' when it failed, a refusal included (the call then
-- changed nothing, as every call must).
-- One of the ids, at random (NULL for none); the ids come sorted, so that
-- a seed picks the same whatever the physical order of the rows.
CREATE FUNCTION pg_temp.pick(ids bigint[]) RETURNS bigint
LANGUAGE sql AS $$
    SELECT ids[1 + floor(random() * cardinality(ids))::int] WHERE cardinality(ids) > 0
$$;

CREATE FUNCTION pg_temp.live_step(t bigint, kind text DEFAULT NULL) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r float8 := CASE kind WHEN 'submit' THEN 0 WHEN 'correct' THEN 56 WHEN 'walkover' THEN 80
                          WHEN 'withdraw' THEN 93 WHEN 'simulate' THEN 100
                          ELSE random() * 100 END;
    id bigint;
    s record;
    sc numeric[];
    ids bigint[];
    st text;
    msg text;
BEGIN
    BEGIN
        IF r < 56 THEN
            id := pg_temp.pick(ARRAY(SELECT x.session_id FROM pg_temp.live_sessions(t) x
                                     WHERE NOT x.submitted AND x.n = x.need ORDER BY 1));
            IF id IS NOT NULL THEN
                SELECT x.* INTO s FROM pg_temp.live_sessions(t) x WHERE x.session_id = id;
                sc := pg_temp.live_scores(s.n, pg_temp.draws_allowed(t, s.stage));
                PERFORM tourney.submit_result(s.session_id, sc);
                RETURN format('submit %s %s %s', s.stage, s.session_id, sc);
            END IF;
            r := 56;
        END IF;
        IF r < 80 THEN
            -- a walkover for nobody (both players withdrawn) cannot be
            -- given scores (55000)
            id := pg_temp.pick(ARRAY(SELECT x.session_id FROM pg_temp.live_sessions(t) x
                                     WHERE x.submitted AND x.n = x.need AND NOT x.nobody ORDER BY 1));
            IF id IS NOT NULL THEN
                SELECT x.* INTO s FROM pg_temp.live_sessions(t) x WHERE x.session_id = id;
                sc := pg_temp.live_scores(s.n, pg_temp.draws_allowed(t, s.stage));
                ids := ARRAY(SELECT tourney.correct_result(s.session_id, sc, cascade => true));
                RETURN format('correct %s %s%s %s, reset %s', s.stage, s.session_id,
                              CASE WHEN s.walkover THEN ' (walkover)' ELSE '' END, sc, cardinality(ids));
            END IF;
            r := 80;
        END IF;
        IF r < 93 THEN
            id := pg_temp.pick(ARRAY(SELECT x.session_id FROM pg_temp.live_sessions(t) x
                                     WHERE NOT x.submitted AND x.n = 2 ORDER BY 1));
            IF id IS NOT NULL THEN
                SELECT x.* INTO s FROM pg_temp.live_sessions(t) x WHERE x.session_id = id;
                PERFORM tourney.submit_walkover(s.session_id, 1 + floor(random() * 2)::int);
                RETURN format('walkover %s %s', s.stage, s.session_id);
            END IF;
            r := 93;
        END IF;
        IF r < 100 THEN
            -- a player still in: seated in a session without a result
            id := pg_temp.pick(ARRAY(
                SELECT DISTINCT p.player_id
                FROM pg_temp.live_sessions(t) x
                JOIN tourney.session_participants p ON p.tournament_id = t AND p.session_id = x.session_id
                JOIN tourney.enrollments e ON e.tournament_id = t AND e.player_id = p.player_id
                WHERE NOT x.submitted AND e.withdrawn_at IS NULL ORDER BY 1));
            IF id IS NOT NULL THEN
                ids := ARRAY(SELECT tourney.withdraw_player(t, id));
                RETURN format('withdraw %s, decided %s', id, cardinality(ids));
            END IF;
        END IF;
        RETURN format('simulate %s', tourney.simulate_results(t, floor(random() * 1000)::bigint));
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RETURN format('ERROR %s: %s', st, msg);
    END;
END $$;

-- The overview row of a tournament, and the same figures counted from
-- the rows: players enrolled (withdrawn ones included), sessions, those
-- with a result, percent to one decimal, the latest generation task's
-- status and percent, the earliest start from now on of a scheduled
-- session without a result.  NULL (no row) for a completed or cancelled
-- tournament.
CREATE FUNCTION pg_temp.overview_got(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT concat_ws('|', o.status, o.players, o.sessions, o.sessions_with_result,
                     coalesce(o.percent::text, 'null'), coalesce(o.task_status::text, 'null'),
                     coalesce(o.task_percent::text, 'null'), coalesce(o.next_start::text, 'null'))
    FROM tourney.overview o WHERE o.tournament_id = t
$$;

CREATE FUNCTION pg_temp.overview_want(t bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    WITH c AS (
        SELECT (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = t) AS players,
               (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = t) AS sessions,
               (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = t AND s.result_submitted) AS results),
    task AS (
        SELECT k.status FROM tourney.tasks k WHERE k.tournament_id = t AND k.kind = 'generate'
        ORDER BY k.queued_at DESC LIMIT 1)
    SELECT concat_ws('|', k.status, c.players, c.sessions, c.results,
                     CASE WHEN c.sessions = 0 THEN 'null'
                          ELSE round(c.results * 100.0 / c.sessions, 1)::text END,
                     coalesce((SELECT status::text FROM task), 'null'),
                     CASE (SELECT status::text FROM task) WHEN 'done' THEN '100' WHEN 'queued' THEN '0'
                          WHEN 'running' THEN 'running' ELSE 'null' END,
                     coalesce((SELECT min(s.starts_at) FROM tourney.sessions s
                               WHERE s.tournament_id = t AND NOT s.result_submitted
                                 AND s.starts_at >= now())::text, 'null'))
    FROM tourney.tournaments k, c
    WHERE k.tournament_id = t AND k.status NOT IN ('completed', 'cancelled')
$$;
