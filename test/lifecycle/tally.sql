-- Rankings and standings of knockout, individual ranking and round robin
-- (computed in C, src/tally.c) against the ranking query they replace,
-- kept here as the definition: every column, as text (so that a numeric's
-- scale counts: score_against is the sum of the opponents' scores as
-- entered), in standings order; mid-tournament (players without a
-- result, knockout players still in the running) and at the end; scores
-- with ties, draws and several scales; both ranking directions; player ids
-- with gaps.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(8 * 3);

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(120, 'tally', '1000 + (g * 7919) % 1000'));

-- The ranking query as it was in SQL (rankings.c before tally.c).
CREATE FUNCTION pg_temp.oracle(t bigint)
RETURNS TABLE (player_id bigint, rank int, points numeric, wins int, draws int,
               losses int, score_for numeric, score_against numeric, tiebreaks numeric[])
LANGUAGE sql STABLE AS $$
    WITH args AS (
        SELECT k.format::text AS format, k.ranking_direction = 'desc' AS higher_wins,
               coalesce((SELECT max(round) FROM tourney.sessions
                         WHERE tournament_id = t AND stage = 'main'), 0) AS main_rounds
        FROM tourney.tournaments k WHERE k.tournament_id = t),
    parts AS (
        SELECT p.player_id, p.score, p.placement, s.stage, s.round,
               count(*) OVER w AS n,
               coalesce(lead(p.score) OVER ws, lag(p.score) OVER ws) AS opponent_score,
               count(*) FILTER (WHERE p.placement = 1) OVER w AS firsts
        FROM tourney.sessions s JOIN tourney.session_participants p
          ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
        WHERE s.tournament_id = t AND s.result_submitted
        WINDOW w AS (PARTITION BY p.session_id),
               ws AS (PARTITION BY p.session_id ORDER BY p.slot)),
    results AS (
        SELECT *, CASE WHEN n < 2 THEN NULL
                       WHEN placement = 1 AND firsts = 1 THEN 'w'
                       WHEN placement = 1 THEN 'd' ELSE 'l' END AS outcome
        FROM parts),
    per_player AS (
        SELECT e.player_id,
               count(x.outcome) FILTER (WHERE x.outcome = 'w')::int AS wins,
               count(x.outcome) FILTER (WHERE x.outcome = 'd')::int AS draws,
               count(x.outcome) FILTER (WHERE x.outcome = 'l')::int AS losses,
               coalesce(sum(x.score), 0) AS score_for,
               coalesce(sum(x.opponent_score) FILTER (WHERE x.n > 1), 0) AS score_against,
               sum(x.score) AS total,
               CASE WHEN bool_or(x.stage = 'third_place' AND x.placement > 1) THEN 4
                    WHEN bool_or(x.stage = 'third_place' AND x.placement = 1) THEN 3
                    ELSE coalesce((1 << ((SELECT main_rounds FROM args) - min(x.round) FILTER
                         (WHERE x.stage = 'main' AND x.placement > 1))) + 1, 1) END AS ladder
        FROM tourney.enrollments e LEFT JOIN results x ON x.player_id = e.player_id
        WHERE e.tournament_id = t GROUP BY e.player_id)
    SELECT pp.player_id,
           CASE a.format
               WHEN 'knockout' THEN pp.ladder
               WHEN 'individual_ranking' THEN (rank() OVER (ORDER BY
                   CASE WHEN a.higher_wins THEN pp.total END DESC NULLS LAST,
                   CASE WHEN NOT a.higher_wins THEN pp.total END ASC NULLS LAST))::int
               ELSE (rank() OVER (ORDER BY 3 * pp.wins + pp.draws DESC,
                   pp.score_for - pp.score_against DESC, pp.score_for DESC))::int END,
           CASE a.format
               WHEN 'knockout' THEN pp.wins::numeric
               WHEN 'individual_ranking' THEN coalesce(pp.total, 0)
               ELSE (3 * pp.wins + pp.draws)::numeric END,
           pp.wins, pp.draws, pp.losses, pp.score_for, pp.score_against,
           CASE WHEN a.format = 'round_robin'
                THEN ARRAY[pp.score_for - pp.score_against, pp.score_for]
                ELSE '{}'::numeric[] END
    FROM per_player pp CROSS JOIN args a
$$;

-- Submit results to about pct% of the open sessions whose players are
-- known, with scores picked by hash from a set with ties and several
-- scales (a knockout's draws are broken).  Returns how many.
CREATE FUNCTION pg_temp.submit_some(t bigint, pct int)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    s record;
    sc numeric[];
    n int := 0;
    ko bool := (SELECT format = 'knockout' FROM tourney.tournaments WHERE tournament_id = t);
    need int := (SELECT CASE WHEN format = 'individual_ranking' THEN 1 ELSE 2 END
                 FROM tourney.tournaments WHERE tournament_id = t);
BEGIN
    FOR s IN SELECT x.session_id, count(*)::int AS np
             FROM tourney.sessions x JOIN tourney.session_participants p
               ON p.tournament_id = x.tournament_id AND p.session_id = x.session_id
             WHERE x.tournament_id = t AND NOT x.result_submitted
             GROUP BY x.session_id HAVING count(*) = need ORDER BY x.session_id
    LOOP
        CONTINUE WHEN abs(hashint8(s.session_id)) % 100 >= pct;
        sc := ARRAY(SELECT (ARRAY[0, 2.5, 2.50, 7, 10.125, 3.3333])
                           [1 + abs(hashint8(s.session_id * 10 + i)) % 6]
                    FROM generate_series(1, s.np) i);
        IF ko AND sc[1] = sc[2] THEN
            sc[2] := sc[2] + 0.75;
        END IF;
        PERFORM tourney.submit_result(s.session_id, sc);
        n := n + 1;
    END LOOP;
    RETURN n;
END $$;

CREATE FUNCTION pg_temp.standings_text(t bigint)
RETURNS TABLE (r text) LANGUAGE sql STABLE AS $$
    SELECT concat_ws('|', s.rank, s.player_id, s.name, s.points, s.wins, s.draws, s.losses,
                     s.score_for, s.score_against)
    FROM tourney.standings(t) s
$$;

CREATE FUNCTION pg_temp.oracle_standings_text(t bigint)
RETURNS TABLE (r text) LANGUAGE sql STABLE AS $$
    SELECT concat_ws('|', o.rank, o.player_id, p.name, o.points, o.wins, o.draws, o.losses,
                     o.score_for, o.score_against)
    FROM pg_temp.oracle(t) o JOIN tourney.players p ON p.player_id = o.player_id
    ORDER BY o.rank, o.player_id
$$;

-- Three checks per case: standings mid-tournament, rankings at the end,
-- and standings at the end.
CREATE FUNCTION pg_temp.check_case(lbl text, format text, direction text, rounds int,
                                   players int, spread int)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    t bigint := tourney.create_tournament(format('tally %s', lbl), format,
                                          ranking_direction => direction,
                                          number_of_rounds => rounds);
BEGIN
    PERFORM tourney.enroll(t, ARRAY(
        SELECT p FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
        WHERE (i - 1) % spread = 0 ORDER BY p LIMIT players));
    PERFORM tourney.generate_sessions(t, async => false);
    PERFORM pg_temp.submit_some(t, 40);
    PERFORM pg_temp.submit_some(t, 40);
    RETURN NEXT results_eq(format('SELECT r FROM pg_temp.standings_text(%s)', t),
                           format('SELECT r FROM pg_temp.oracle_standings_text(%s)', t),
                           lbl || ': standings mid-tournament as the ranking query gives them');
    WHILE pg_temp.submit_some(t, 100) > 0 LOOP
    END LOOP;
    PERFORM tourney.simulate_results(t, 7);
    PERFORM tourney.calculate_rankings(t);
    RETURN NEXT results_eq(
        format('SELECT concat_ws(''|'', player_id, rank, points, wins, draws, losses,'
               ' score_for, score_against, tiebreaks) FROM tourney.rankings'
               ' WHERE tournament_id = %s ORDER BY player_id', t),
        format('SELECT concat_ws(''|'', player_id, rank, points, wins, draws, losses,'
               ' score_for, score_against, tiebreaks) FROM pg_temp.oracle(%s)'
               ' ORDER BY player_id', t),
        lbl || ': rankings as the ranking query gives them');
    RETURN NEXT results_eq(format('SELECT r FROM pg_temp.standings_text(%s)', t),
                           format('SELECT r FROM pg_temp.oracle_standings_text(%s)', t),
                           lbl || ': final standings as the ranking query gives them');
END $$;

SELECT * FROM pg_temp.check_case('individual desc', 'individual_ranking', 'desc', 3, 30, 1);
SELECT * FROM pg_temp.check_case('individual asc', 'individual_ranking', 'asc', 2, 25, 1);
SELECT * FROM pg_temp.check_case('individual, every 4th player', 'individual_ranking', NULL, 3, 20, 4);
SELECT * FROM pg_temp.check_case('round robin 9', 'round_robin', NULL, NULL, 9, 1);
SELECT * FROM pg_temp.check_case('round robin 6 twice', 'round_robin', NULL, 2, 6, 3);
SELECT * FROM pg_temp.check_case('knockout 13', 'knockout', NULL, NULL, 13, 1);
SELECT * FROM pg_temp.check_case('knockout 32', 'knockout', NULL, NULL, 32, 1);
SELECT * FROM pg_temp.check_case('knockout 6, every 5th player', 'knockout', NULL, NULL, 6, 5);

SELECT * FROM finish();
ROLLBACK;
