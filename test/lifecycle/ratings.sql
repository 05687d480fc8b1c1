-- update_ratings (SPEC §3d, issue 17): a completed tournament as one
-- rating period, by Glicko-2 or Elo.  The published figures are checked
-- as numbers (Glickman's worked example and the classic Elo example, each
-- played as a round robin whose games for the test player are exactly
-- the example's); every other value against the two methods written again
-- here in PL/pgSQL from the same texts (games derived from the scores and
-- the ranking direction, not from placements), for a player without a
-- game (withdrawn before playing, a walkover's loser), draws, walkovers,
-- every format with two-player sessions, other tau and K, two rating
-- periods in a row; the refusals with their SQLSTATEs, after each of
-- which nothing changed; the history; the next tournament's seeding;
-- triggers on players.  The race of two connections is
-- specs/ratings_twice.spec.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(118);

----------------------------------------------------------------------------
-- The methods again, in PL/pgSQL
----------------------------------------------------------------------------

-- Glickman, "Example of the Glicko-2 system", step 5: f(x).
CREATE FUNCTION pg_temp.glicko2_f(x float8, delta float8, phi float8, v float8, a float8, tau float8)
RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
    SELECT exp(x) * (delta ^ 2 - phi ^ 2 - v - exp(x)) / (2 * (phi ^ 2 + v + exp(x)) ^ 2) - (x - a) / tau ^ 2
$$;

-- One player's rating period: values before, the opponents' values
-- before, the scores (1, 0.5, 0); rating, deviation, volatility after.
CREATE FUNCTION pg_temp.glicko2(r float8, rd float8, sigma float8, tau float8,
                                opp_r float8[], opp_rd float8[], s float8[],
                                OUT rating float8, OUT deviation float8, OUT volatility float8)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    scale constant float8 := 173.7178;
    eps constant float8 := 0.000001;
    mu float8 := (r - 1500) / scale;
    phi float8 := rd / scale;
    information float8 := 0;
    surprise float8 := 0;
    g float8;
    e float8;
    v float8;
    delta float8;
    a float8;
    xa float8;
    xb float8;
    xc float8;
    fa float8;
    fb float8;
    fc float8;
    k int;
    phi_star float8;
    phi_new float8;
BEGIN
    IF coalesce(cardinality(s), 0) = 0 THEN      -- step 6 alone
        rating := r;
        deviation := scale * sqrt(phi ^ 2 + sigma ^ 2);
        volatility := sigma;
        RETURN;
    END IF;
    FOR j IN 1 .. cardinality(s) LOOP           -- steps 3 and 4
        g := 1 / sqrt(1 + 3 * (opp_rd[j] / scale) ^ 2 / pi() ^ 2);
        e := 1 / (1 + exp(-g * (mu - (opp_r[j] - 1500) / scale)));
        information := information + g ^ 2 * e * (1 - e);
        surprise := surprise + g * (s[j] - e);
    END LOOP;
    v := 1 / information;
    delta := v * surprise;
    a := ln(sigma ^ 2);                          -- step 5
    xa := a;
    IF delta ^ 2 > phi ^ 2 + v THEN
        xb := ln(delta ^ 2 - phi ^ 2 - v);
    ELSE
        k := 1;
        WHILE pg_temp.glicko2_f(a - k * tau, delta, phi, v, a, tau) < 0 LOOP
            k := k + 1;
        END LOOP;
        xb := a - k * tau;
    END IF;
    fa := pg_temp.glicko2_f(xa, delta, phi, v, a, tau);
    fb := pg_temp.glicko2_f(xb, delta, phi, v, a, tau);
    WHILE abs(xb - xa) > eps LOOP
        xc := xa + (xa - xb) * fa / (fb - fa);
        fc := pg_temp.glicko2_f(xc, delta, phi, v, a, tau);
        IF fc * fb <= 0 THEN
            xa := xb;
            fa := fb;
        ELSE
            fa := fa / 2;
        END IF;
        xb := xc;
        fb := fc;
    END LOOP;
    volatility := exp(xa / 2);
    phi_star := sqrt(phi ^ 2 + volatility ^ 2); -- step 6
    phi_new := 1 / sqrt(1 / phi_star ^ 2 + 1 / v);  -- step 7
    rating := scale * (mu + phi_new ^ 2 * surprise) + 1500;  -- step 8
    deviation := scale * phi_new;
END $$;

-- Elo: every game against the ratings before the period.
CREATE FUNCTION pg_temp.elo(r float8, k_factor float8, opp_r float8[], s float8[]) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
    SELECT r + k_factor * coalesce(sum(x.s - 1 / (1 + 10 ^ ((x.o - r) / 400))), 0)
    FROM unnest(opp_r, s) x(o, s)
$$;

-- The games of a tournament from each side: the two-player sessions with
-- a result that are not walkovers, the score by the scores and the
-- ranking direction (1 the better score, 1/2 equal, 0).
CREATE FUNCTION pg_temp.games(t bigint) RETURNS TABLE (player_id bigint, opponent_id bigint, score float8)
LANGUAGE sql STABLE AS $$
    SELECT me.player_id, op.player_id,
           CASE WHEN me.score = op.score THEN 0.5
                WHEN (me.score > op.score) = (k.ranking_direction = 'desc') THEN 1 ELSE 0 END
    FROM tourney.tournaments k
    JOIN tourney.sessions s ON s.tournament_id = k.tournament_id
    JOIN tourney.session_participants me ON me.tournament_id = s.tournament_id AND me.session_id = s.session_id
    JOIN tourney.session_participants op
      ON op.tournament_id = s.tournament_id AND op.session_id = s.session_id AND op.slot <> me.slot
    WHERE k.tournament_id = t AND s.result_submitted AND NOT s.walkover
      AND (SELECT count(*) FROM tourney.session_participants x
           WHERE x.tournament_id = s.tournament_id AND x.session_id = s.session_id) = 2
$$;

-- The players' values before the rating period, kept by pg_temp.snapshot.
CREATE TEMP TABLE before_ratings (player_id bigint PRIMARY KEY, rating float8, deviation float8, volatility float8);

CREATE FUNCTION pg_temp.snapshot(t bigint) RETURNS void LANGUAGE sql AS $$
    DELETE FROM before_ratings;
    INSERT INTO before_ratings
    SELECT p.player_id, p.rating, p.rating_deviation, p.rating_volatility
    FROM tourney.players p JOIN tourney.enrollments e ON e.player_id = p.player_id
    WHERE e.tournament_id = t;
$$;

-- What the rating period should give every enrolled player.
CREATE FUNCTION pg_temp.expected(t bigint, method text, tau float8, k_factor float8)
RETURNS TABLE (player_id bigint, rating float8, deviation float8, volatility float8, games int)
LANGUAGE sql STABLE AS $$
    WITH gm AS (SELECT * FROM pg_temp.games(t)),
    per AS (
        SELECT b.player_id, b.rating, b.deviation, b.volatility,
               array_agg(o.rating ORDER BY gm.opponent_id, gm.score) FILTER (WHERE gm.player_id IS NOT NULL) AS opp_r,
               array_agg(o.deviation ORDER BY gm.opponent_id, gm.score) FILTER (WHERE gm.player_id IS NOT NULL) AS opp_rd,
               array_agg(gm.score ORDER BY gm.opponent_id, gm.score) FILTER (WHERE gm.player_id IS NOT NULL) AS s
        FROM before_ratings b
        LEFT JOIN gm ON gm.player_id = b.player_id
        LEFT JOIN before_ratings o ON o.player_id = gm.opponent_id
        GROUP BY b.player_id, b.rating, b.deviation, b.volatility)
    SELECT per.player_id,
           CASE method WHEN 'elo' THEN pg_temp.elo(per.rating, k_factor, per.opp_r, per.s) ELSE g.rating END,
           CASE method WHEN 'elo' THEN per.deviation ELSE g.deviation END,
           CASE method WHEN 'elo' THEN per.volatility ELSE g.volatility END,
           coalesce(cardinality(per.s), 0)
    FROM per
    CROSS JOIN LATERAL pg_temp.glicko2(per.rating, per.deviation, per.volatility, tau, per.opp_r, per.opp_rd, per.s) g
$$;

-- Where the players' rows and the history differ from the expectation
-- ('' when nowhere): rating, deviation and volatility after, and the
-- history's method, values before (the snapshot) and after, and games.
CREATE FUNCTION pg_temp.mismatches(t bigint, method text, tau float8 DEFAULT 0.5, k_factor float8 DEFAULT 32)
RETURNS text LANGUAGE sql STABLE AS $$
    WITH x AS (SELECT * FROM pg_temp.expected(t, method, tau, k_factor)),
    bad AS (
        SELECT format('player %s: players (%s, %s, %s) expected (%s, %s, %s)', x.player_id,
                      p.rating, p.rating_deviation, p.rating_volatility, x.rating, x.deviation, x.volatility) AS m
        FROM x JOIN tourney.players p ON p.player_id = x.player_id
        WHERE abs(p.rating - x.rating) > 1e-6 OR abs(p.rating_deviation - x.deviation) > 1e-6
           OR abs(p.rating_volatility - x.volatility) > 1e-9
        UNION ALL
        SELECT format('player %s: history %s', x.player_id, coalesce(h::text, 'missing'))
        FROM x JOIN before_ratings b ON b.player_id = x.player_id
        LEFT JOIN tourney.rating_history h ON h.tournament_id = t AND h.player_id = x.player_id
        WHERE h IS NULL OR h.method <> method OR h.games <> x.games
           OR h.rating_before <> b.rating OR h.deviation_before <> b.deviation OR h.volatility_before <> b.volatility
           OR abs(h.rating_after - x.rating) > 1e-6 OR abs(h.deviation_after - x.deviation) > 1e-6
           OR abs(h.volatility_after - x.volatility) > 1e-9
        UNION ALL
        SELECT format('history row of player %s, who is not enrolled', h.player_id)
        FROM tourney.rating_history h WHERE h.tournament_id = t AND h.player_id NOT IN (SELECT player_id FROM x))
    SELECT coalesce(string_agg(m, '; ' ORDER BY m), '') FROM bad
$$;

----------------------------------------------------------------------------
-- Fixtures
----------------------------------------------------------------------------

-- The result of the game of a and b, each's score given (slot order found).
CREATE FUNCTION pg_temp.play(t bigint, a bigint, b bigint, score_a numeric, score_b numeric) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    sid bigint;
    a_slot int;
BEGIN
    SELECT x.session_id, x.slot INTO STRICT sid, a_slot
    FROM tourney.session_participants x JOIN tourney.session_participants y USING (tournament_id, session_id)
    WHERE x.tournament_id = t AND x.player_id = a AND y.player_id = b;
    PERFORM tourney.submit_result(sid, CASE WHEN a_slot = 1 THEN ARRAY[score_a, score_b] ELSE ARRAY[score_b, score_a] END);
END $$;

-- Play the rest (simulated), rank, complete; keep the values before.
CREATE FUNCTION pg_temp.finish(t bigint, seed bigint DEFAULT 1) RETURNS bigint LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tourney.simulate_results(t, seed);
    PERFORM tourney.calculate_rankings(t);
    PERFORM tourney.complete_tournament(t);
    PERFORM pg_temp.snapshot(t);
    RETURN t;
END $$;

-- n players with ratings, deviations and volatilities spread by id.
CREATE FUNCTION pg_temp.spread_players(n int, prefix text) RETURNS bigint[] LANGUAGE plpgsql AS $$
DECLARE
    ids bigint[] := test_support.players(n, prefix, '1200 + (g * 7919) % 900');
BEGIN
    UPDATE tourney.players SET rating_deviation = 40 + (player_id * 37) % 310,
                               rating_volatility = 0.04 + ((player_id * 13) % 41) / 1000.0
    WHERE player_id = ANY (ids);
    RETURN ids;
END $$;

-- A player's values, for exact checks: rating, deviation, volatility.
CREATE FUNCTION pg_temp.values_of(player bigint) RETURNS float8[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY[rating, rating_deviation, rating_volatility] FROM tourney.players WHERE player_id = player
$$;

----------------------------------------------------------------------------
-- Glickman's worked example as a round robin of four: P (1500, 200)
-- beats A (1400, 30) and loses to B (1550, 100) and C (1700, 300), every
-- volatility 0.06, tau 0.5; A, B and C play each other too, which does
-- not touch P's period.  r' 1464.06, RD' 151.52, sigma' 0.05999.
----------------------------------------------------------------------------
WITH ins AS (
    INSERT INTO tourney.players (name, rating, rating_deviation)
    VALUES ('glickman P', 1500, 200), ('glickman A', 1400, 30), ('glickman B', 1550, 100), ('glickman C', 1700, 300)
    RETURNING player_id, name)
INSERT INTO test_support.fixtures (key, id) SELECT right(name, 1), player_id FROM ins;
INSERT INTO test_support.fixtures (key, id)
VALUES ('G', test_support.tournament('round_robin', ARRAY[test_support.id('P'), test_support.id('A'), test_support.id('B'),
                                                          test_support.id('C')], 'glickman', generate => true));
SELECT pg_temp.play(test_support.id('G'), test_support.id('P'), test_support.id('A'), 3, 1),
       pg_temp.play(test_support.id('G'), test_support.id('P'), test_support.id('B'), 0, 2),
       pg_temp.play(test_support.id('G'), test_support.id('P'), test_support.id('C'), 1, 4) \g /dev/null
SELECT pg_temp.finish(test_support.id('G')) \g /dev/null

SELECT is(tourney.update_ratings(test_support.id('G')), 4, 'Glickman: update_ratings (Glicko-2 by default) updates the 4 players');
SELECT ok(abs(rating - 1464.06) < 0.01, format('Glickman: r'' = %s, 1464.06 to 0.01', rating))
FROM tourney.players WHERE player_id = test_support.id('P');
SELECT ok(abs(rating_deviation - 151.52) < 0.01, format('Glickman: RD'' = %s, 151.52 to 0.01', rating_deviation))
FROM tourney.players WHERE player_id = test_support.id('P');
SELECT ok(abs(rating_volatility - 0.05999) < 0.00001, format('Glickman: sigma'' = %s, 0.05999 to 0.00001', rating_volatility))
FROM tourney.players WHERE player_id = test_support.id('P');
SELECT is((SELECT format('%s %s %s %s %s %s', method, rating_before, deviation_before, volatility_before, games,
                         ARRAY[rating_after, deviation_after, volatility_after] = pg_temp.values_of(player_id))
           FROM tourney.rating_history WHERE tournament_id = test_support.id('G') AND player_id = test_support.id('P')),
          'glicko2 1500 200 0.06 3 t', 'Glickman: P''s history row: method, values before, 3 games, values after as stored');
SELECT is(pg_temp.mismatches(test_support.id('G'), 'glicko2'), '', 'Glickman: all four as the PL/pgSQL Glicko-2 gives them');

----------------------------------------------------------------------------
-- The Elo example: 1613 loses to 1609, draws with 1477, beats 1388 and
-- 1586, loses to 1720: 2.5 points, K = 32, 1601.27.  A round robin of six.
----------------------------------------------------------------------------
WITH ins AS (
    INSERT INTO tourney.players (name, rating)
    VALUES ('elo 1613', 1613), ('elo 1609', 1609), ('elo 1477', 1477), ('elo 1388', 1388), ('elo 1586', 1586), ('elo 1720', 1720)
    RETURNING player_id, name)
INSERT INTO test_support.fixtures (key, id) SELECT replace(name, ' ', ''), player_id FROM ins;
INSERT INTO test_support.fixtures (key, id)
VALUES ('E', test_support.tournament('round_robin', ARRAY(SELECT test_support.id('elo' || r) FROM unnest(ARRAY[1613, 1609, 1477, 1388, 1586, 1720]) r),
                                     'elo', generate => true));
SELECT pg_temp.play(test_support.id('E'), test_support.id('elo1613'), test_support.id('elo1609'), 0, 1),
       pg_temp.play(test_support.id('E'), test_support.id('elo1613'), test_support.id('elo1477'), 2, 2),
       pg_temp.play(test_support.id('E'), test_support.id('elo1613'), test_support.id('elo1388'), 1, 0),
       pg_temp.play(test_support.id('E'), test_support.id('elo1613'), test_support.id('elo1586'), 5, 3),
       pg_temp.play(test_support.id('E'), test_support.id('elo1613'), test_support.id('elo1720'), 0, 3) \g /dev/null
SELECT pg_temp.finish(test_support.id('E')) \g /dev/null
SELECT is(tourney.update_ratings(test_support.id('E'), 'elo'), 6, 'Elo: update_ratings(t, ''elo'') updates the 6 players');
SELECT ok(abs(rating - 1601.27) < 0.01, format('Elo: 1613 scoring 2.5 of 5 gives %s, 1601.27 to 0.01', rating))
FROM tourney.players WHERE player_id = test_support.id('elo1613');
SELECT is((SELECT format('%s %s %s', method, games, deviation_before = deviation_after AND volatility_before = volatility_after)
           FROM tourney.rating_history WHERE tournament_id = test_support.id('E') AND player_id = test_support.id('elo1613')),
          'elo 5 t', 'Elo: history row with 5 games; deviation and volatility stay');
SELECT is(pg_temp.mismatches(test_support.id('E'), 'elo'), '', 'Elo: all six as the PL/pgSQL Elo gives them (the draw as 1/2)');

----------------------------------------------------------------------------
-- Players without a game: withdrawn from a round robin before playing
-- (every game of theirs a walkover), and the loser of a knockout walkover
-- (no third-place match).  Glicko-2: the deviation grows to
-- sqrt(phi^2 + sigma^2), rating and volatility stay; Elo: nothing moves.
-- The walkovers are no games for the winners either.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('w', pg_temp.spread_players(5, 'withdrawn'));
INSERT INTO test_support.fixtures (key, id) VALUES ('W', test_support.tournament('round_robin', test_support.ids('w'), 'withdrawn', generate => true));
SELECT count(*) FROM tourney.withdraw_player(test_support.id('W'), (test_support.ids('w'))[3]) \g /dev/null
SELECT pg_temp.finish(test_support.id('W')) \g /dev/null
SELECT is(tourney.update_ratings(test_support.id('W')), 5, 'withdrawn: the withdrawn player is rated too (5 players)');
SELECT is((SELECT format('%s %s %s', h.games, h.rating_after = h.rating_before AND h.volatility_after = h.volatility_before,
                         abs(h.deviation_after - 173.7178 * sqrt((h.deviation_before / 173.7178) ^ 2 + h.volatility_before ^ 2)) < 1e-9)
           FROM tourney.rating_history h WHERE h.tournament_id = test_support.id('W') AND h.player_id = (test_support.ids('w'))[3]),
          '0 t t', 'withdrawn before playing: no game; rating and volatility stay, RD'' = 173.7178 sqrt(phi^2 + sigma^2)');
SELECT is((SELECT array_agg(games ORDER BY player_id) FROM tourney.rating_history WHERE tournament_id = test_support.id('W')),
          ARRAY[3, 3, 0, 3, 3], 'the walkovers against the withdrawn player are no games: 3 each for the others');
SELECT is(pg_temp.mismatches(test_support.id('W'), 'glicko2'), '', 'withdrawn: all five as the PL/pgSQL Glicko-2 gives them');

INSERT INTO test_support.fixtures (key, ids) VALUES ('kw', pg_temp.spread_players(4, 'walkover'));
INSERT INTO test_support.fixtures (key, id)
VALUES ('KW', test_support.tournament('knockout', test_support.ids('kw'), 'walkover', seeded => true, generate => true,
                                      third_place_playoff => false));
SELECT tourney.submit_walkover(test_support.session_id(test_support.id('KW'), 1, 1), 1) \g /dev/null
SELECT pg_temp.finish(test_support.id('KW')) \g /dev/null
SELECT is(tourney.update_ratings(test_support.id('KW'), 'elo'), 4, 'walkover: a knockout with a walkover, by Elo');
SELECT is((SELECT array_agg(games ORDER BY player_id) FROM tourney.rating_history WHERE tournament_id = test_support.id('KW')),
          ARRAY[1, 2, 1, 0], 'the walkover is no game: seed 1 plays only the final, seed 4 nothing');
SELECT is((SELECT pg_temp.values_of((test_support.ids('kw'))[4]) = ARRAY[b.rating, b.deviation, b.volatility]
           FROM before_ratings b WHERE b.player_id = (test_support.ids('kw'))[4]),
          true, 'Elo without a game: nothing moves');
SELECT is(pg_temp.mismatches(test_support.id('KW'), 'elo'), '', 'walkover: all four as the PL/pgSQL Elo gives them');

----------------------------------------------------------------------------
-- Every format with two-player sessions, both methods, against the
-- PL/pgSQL: players with ratings, deviations and volatilities spread, the
-- results simulated (draws in round robins, Swiss and groups), other tau
-- and K in some cases.  Four checks each: the count returned, the values
-- and history, one history row per enrolled player, and that something
-- moved.
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.format_case(lbl text, format text, n int, method text, tau float8, k_factor float8,
                                    number_of_rounds int DEFAULT NULL, group_count int DEFAULT NULL)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    t bigint := test_support.tournament(format, pg_temp.spread_players(n, lbl), lbl, generate => true,
                                        number_of_rounds => number_of_rounds, group_count => group_count);
    updated int;
BEGIN
    PERFORM pg_temp.finish(t, n);
    updated := tourney.update_ratings(t, method, tau, k_factor);
    RETURN NEXT is(updated, n, lbl || ': every enrolled player updated');
    RETURN NEXT is(pg_temp.mismatches(t, method, tau, k_factor), '', lbl || ': as the PL/pgSQL ' || method || ' gives them');
    RETURN NEXT is((SELECT count(*)::int FROM tourney.rating_history WHERE tournament_id = t), n, lbl || ': a history row each');
    RETURN NEXT cmp_ok((SELECT count(*)::int FROM tourney.rating_history WHERE tournament_id = t AND rating_after <> rating_before),
                       '>', n / 2, lbl || ': ratings moved');
END $$;

SELECT * FROM pg_temp.format_case('knockout 16 glicko2', 'knockout', 16, 'glicko2', 0.5, 32);
SELECT * FROM pg_temp.format_case('knockout 13 elo', 'knockout', 13, 'elo', 0.5, 32);
SELECT * FROM pg_temp.format_case('double elimination 10 glicko2', 'double_elimination', 10, 'glicko2', 0.5, 32);
SELECT * FROM pg_temp.format_case('double elimination 7 elo K 16', 'double_elimination', 7, 'elo', 0.5, 16);
SELECT * FROM pg_temp.format_case('round robin 7 glicko2 tau 0.3', 'round_robin', 7, 'glicko2', 0.3, 32);
SELECT * FROM pg_temp.format_case('round robin 6 twice elo', 'round_robin', 6, 'elo', 0.5, 32, 2);
SELECT * FROM pg_temp.format_case('swiss 9 glicko2 tau 1.2', 'swiss', 9, 'glicko2', 1.2, 32, 4);
SELECT * FROM pg_temp.format_case('swiss 8 elo K 40', 'swiss', 8, 'elo', 0.5, 40, 3);
SELECT * FROM pg_temp.format_case('groups_knockout 12 glicko2', 'groups_knockout', 12, 'glicko2', 0.5, 32, NULL, 3);
SELECT * FROM pg_temp.format_case('groups_knockout 9 elo', 'groups_knockout', 9, 'elo', 0.5, 32, 1, 2);

SELECT cmp_ok((SELECT count(*)::int FROM tourney.rating_history h JOIN tourney.tournaments t USING (tournament_id)
               WHERE t.name IN ('round robin 7 glicko2 tau 0.3', 'swiss 9 glicko2 tau 1.2', 'groups_knockout 12 glicko2')
                 AND h.volatility_after <> h.volatility_before), '>', 0,
              'Glicko-2 moves volatilities (draws among the games: round robin, Swiss, groups)');
SELECT cmp_ok((SELECT count(*)::int FROM tourney.sessions s JOIN tourney.tournaments t USING (tournament_id)
               WHERE t.name IN ('round robin 7 glicko2 tau 0.3', 'round robin 6 twice elo', 'swiss 9 glicko2 tau 1.2',
                                'swiss 8 elo K 40', 'groups_knockout 12 glicko2', 'groups_knockout 9 elo')
                 AND s.result_submitted AND s.winner_id IS NULL), '>', 0,
              'the simulated results hold draws');

----------------------------------------------------------------------------
-- Two rating periods in a row: the players of the Glickman round robin
-- play a knockout; its ratings start from the round robin's.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, id)
VALUES ('G2', test_support.tournament('knockout', ARRAY[test_support.id('P'), test_support.id('A'), test_support.id('B'),
                                                        test_support.id('C')], 'glickman again', generate => true));
SELECT pg_temp.finish(test_support.id('G2'), 5) \g /dev/null
SELECT is(tourney.update_ratings(test_support.id('G2')), 4, 'a second tournament of the same players is rated');
SELECT is((SELECT count(*)::int FROM tourney.rating_history a JOIN tourney.rating_history b USING (player_id)
           WHERE a.tournament_id = test_support.id('G') AND b.tournament_id = test_support.id('G2')
             AND (b.rating_before, b.deviation_before, b.volatility_before) = (a.rating_after, a.deviation_after, a.volatility_after)),
          4, 'its values before are the first period''s values after');
SELECT is(pg_temp.mismatches(test_support.id('G2'), 'glicko2'), '', 'and the second period is as the PL/pgSQL gives it');

----------------------------------------------------------------------------
-- The next tournament's seeding follows the new ratings: four players
-- rated 2000, 1900, 1800, 1700 finish a round robin in reverse order.
----------------------------------------------------------------------------
INSERT INTO test_support.fixtures (key, ids) VALUES ('s', test_support.players(4, 'seeding', '2100 - 100 * g'));
INSERT INTO test_support.fixtures (key, id) VALUES ('S', test_support.tournament('round_robin', test_support.ids('s'), 'seeding', generate => true));
SELECT pg_temp.play(test_support.id('S'), (test_support.ids('s'))[i], (test_support.ids('s'))[j], 0, 1)
FROM generate_series(1, 4) i, generate_series(1, 4) j WHERE i < j \g /dev/null
SELECT pg_temp.finish(test_support.id('S')) \g /dev/null
SELECT is(test_support.ids('s'), ARRAY(SELECT player_id FROM tourney.players WHERE player_id = ANY (test_support.ids('s'))
                                       ORDER BY rating DESC), 'seeding: before, the ids are in rating order');
SELECT is(tourney.update_ratings(test_support.id('S')), 4, 'seeding: the round robin is rated');
SELECT is(ARRAY(SELECT player_id FROM tourney.players WHERE player_id = ANY (test_support.ids('s')) ORDER BY rating DESC),
          ARRAY(SELECT x FROM unnest(test_support.ids('s')) WITH ORDINALITY u(x, i) ORDER BY i DESC),
          'seeding: after, the ratings are in reverse order');
INSERT INTO test_support.fixtures (key, id) VALUES ('S2', test_support.tournament('knockout', test_support.ids('s'), 'seeding next', generate => true));
SELECT is(ARRAY(SELECT player_id FROM test_support.seeding(test_support.id('S2')) ORDER BY seed),
          ARRAY(SELECT x FROM unnest(test_support.ids('s')) WITH ORDINALITY u(x, i) ORDER BY i DESC),
          'seeding: the next knockout seeds by the new ratings');
SELECT is((SELECT array_agg(p.player_id ORDER BY s.match_number, p.slot)
           FROM tourney.sessions s JOIN tourney.session_participants p USING (tournament_id, session_id)
           WHERE s.tournament_id = test_support.id('S2') AND s.round = 1),
          ARRAY[(test_support.ids('s'))[4], (test_support.ids('s'))[1], (test_support.ids('s'))[3], (test_support.ids('s'))[2]],
          'seeding: its round 1 is new seed 1 (the old last) against 4, 2 against 3');

----------------------------------------------------------------------------
-- Refusals: the SQLSTATE (and a word of the message), and nothing
-- changed (every table of the schema, players included).  Arguments are
-- checked before the tournament.  Accepted spellings, rolled back.
----------------------------------------------------------------------------
DO $fixtures$
DECLARE
    p bigint[] := test_support.players(4, 'refusal');
    id bigint;
BEGIN
    INSERT INTO test_support.fixtures (key, id) VALUES
        ('RD', test_support.tournament('knockout', p, 'refusal draft')),
        ('RP', test_support.tournament('knockout', p, 'refusal in progress', generate => true)),
        ('RI', pg_temp.finish(test_support.tournament('individual_ranking', p, 'refusal individual', generate => true))),
        ('RC', pg_temp.finish(test_support.tournament('round_robin', p, 'refusal completed', generate => true)));
    id := test_support.tournament('knockout', p, 'refusal cancelled', generate => true);
    PERFORM tourney.cancel_tournament(id);
    INSERT INTO test_support.fixtures (key, id) VALUES ('RX', id);
END $fixtures$;

CREATE TEMP TABLE refusals (n serial, call text, want text, msg text);
INSERT INTO refusals (call, want, msg) VALUES
    ('SELECT tourney.update_ratings(@RD@)', '55000', 'is draft'),
    ('SELECT tourney.update_ratings(@RP@)', '55000', 'is in_progress'),
    ('SELECT tourney.update_ratings(@RP@, ''elo'')', '55000', 'update ratings'),
    ('SELECT tourney.update_ratings(@RX@)', '55000', 'is cancelled'),
    ('SELECT tourney.update_ratings(@RI@)', '55000', 'individual_ranking'),
    ('SELECT tourney.update_ratings(@G@)', '55000', 'rated already'),
    ('SELECT tourney.update_ratings(@G@, ''elo'')', '55000', 'rated already'),
    ('SELECT tourney.update_ratings(@RC@, ''glicko'')', '22023', '"glicko"'),
    ('SELECT tourney.update_ratings(@RC@, '''')', '22023', 'rating method'),
    ('SELECT tourney.update_ratings(@RC@, ''elo '')', '22023', 'rating method'),
    ('SELECT tourney.update_ratings(@RC@, tau => 0)', '22023', 'tau'),
    ('SELECT tourney.update_ratings(@RC@, tau => -0.5)', '22023', 'tau'),
    ('SELECT tourney.update_ratings(@RC@, tau => ''NaN'')', '22023', 'tau'),
    ('SELECT tourney.update_ratings(@RC@, tau => ''Infinity'')', '22023', 'tau'),
    ('SELECT tourney.update_ratings(@RC@, ''elo'', tau => ''-Infinity'')', '22023', 'tau'),
    ('SELECT tourney.update_ratings(@RC@, k_factor => 0)', '22023', 'k_factor'),
    ('SELECT tourney.update_ratings(@RC@, ''elo'', k_factor => -32)', '22023', 'k_factor'),
    ('SELECT tourney.update_ratings(@RC@, ''elo'', k_factor => ''NaN'')', '22023', 'k_factor'),
    ('SELECT tourney.update_ratings(@RC@, ''elo'', k_factor => ''Infinity'')', '22023', 'k_factor'),
    ('SELECT tourney.update_ratings(NULL)', '22004', 'tournament_id must not be null'),
    ('SELECT tourney.update_ratings(@RC@, NULL)', '22004', 'method must not be null'),
    ('SELECT tourney.update_ratings(@RC@, ''elo'', NULL)', '22004', 'tau must not be null'),
    ('SELECT tourney.update_ratings(@RC@, ''elo'', 0.5, NULL)', '22004', 'k_factor must not be null'),
    ('SELECT tourney.update_ratings(0)', 'P0002', 'tournament 0 does not exist'),
    ('SELECT tourney.update_ratings(9223372036854775807, ''ELO'')', 'P0002', 'does not exist'),
    ('SELECT tourney.update_ratings(0, ''nope'')', '22023', '"nope"'),
    ('SELECT tourney.update_ratings(@RD@, tau => 0)', '22023', 'tau');

-- one refusal: its SQLSTATE and message, and every table as it was
CREATE FUNCTION pg_temp.refusal(case_no int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r refusals;
    q text;
    before text := test_support.fingerprint();
    o test_support.outcome;
    unchanged bool;
BEGIN
    SELECT * INTO r FROM refusals WHERE n = case_no;
    q := test_support.subst(r.call);
    o := test_support.capture(q);
    unchanged := before = test_support.fingerprint();
    RETURN ok(o.sqlstate = r.want AND o.message ~ r.msg AND unchanged,
              format('refused: %s -> %s /%s/ (got %s: %s)%s', q, r.want, r.msg, o.sqlstate, o.message,
                     CASE WHEN unchanged THEN ', nothing changed' ELSE ', and the tables CHANGED' END));
END $$;
SELECT pg_temp.refusal(n) FROM refusals ORDER BY n;

SELECT is((test_support.capture(format('SELECT tourney.update_ratings(%s, %L, %s, %s)', test_support.id('RC'), m, tau, k),
                                rollback => true)).sqlstate, 'ok',
          format('accepted: method %L, tau %s, K %s', m, tau, k))
FROM (VALUES ('GLICKO2', 0.5, 32), ('Elo', 0.5, 32), ('glicko2', 1e-3, 1e-3), ('elo', 100, 1000), ('Glicko2', 1e6, 1)) v(m, tau, k);

----------------------------------------------------------------------------
-- Row triggers on players: one limited to columns update_ratings does not
-- write does not fire, and does not stop it; one that would fire (a
-- rating column, or every column) makes it refuse (0A000) rather than
-- write behind its back.
----------------------------------------------------------------------------
CREATE FUNCTION pg_temp.noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
SELECT is((test_support.capture(format(
              'CREATE TRIGGER t BEFORE UPDATE OF name, email ON tourney.players FOR EACH ROW EXECUTE FUNCTION pg_temp.noop();'
              ' SELECT tourney.update_ratings(%s)', test_support.id('RC')), rollback => true)).sqlstate, 'ok',
          'a trigger on UPDATE OF name, email does not stop update_ratings');
SELECT is((test_support.capture(format(
              'CREATE TRIGGER t BEFORE UPDATE OF rating_deviation ON tourney.players FOR EACH ROW EXECUTE FUNCTION pg_temp.noop();'
              ' SELECT tourney.update_ratings(%s)', test_support.id('RC')))).sqlstate, '0A000',
          'a trigger on UPDATE OF rating_deviation: refused, 0A000');
SELECT is((test_support.capture(format(
              'CREATE TRIGGER t AFTER UPDATE ON tourney.players FOR EACH ROW EXECUTE FUNCTION pg_temp.noop();'
              ' SELECT tourney.update_ratings(%s)', test_support.id('RC')))).sqlstate, '0A000',
          'a trigger on every UPDATE: refused, 0A000');
SELECT is((SELECT count(*)::int FROM tourney.rating_history WHERE tournament_id = test_support.id('RC')), 0,
          'after the refusals the tournament is still unrated');

----------------------------------------------------------------------------
-- The columns and the history table
----------------------------------------------------------------------------
WITH ins AS (INSERT INTO tourney.players (name) VALUES ('ratings defaults') RETURNING rating, rating_deviation, rating_volatility)
SELECT is((SELECT format('%s %s %s', rating, rating_deviation, rating_volatility) FROM ins), '1500 350 0.06',
          'a new player: rating 1500, deviation 350, volatility 0.06');
SELECT is(test_support.sqlstate_of(format('INSERT INTO tourney.players (name, %s) VALUES (''x'', %s)', c, v)), want,
          format('players.%s = %s -> %s', c, v, want))
FROM (VALUES ('rating_deviation', '0', '23514'), ('rating_deviation', '-1', '23514'),
             ('rating_deviation', '''NaN''', '23514'), ('rating_deviation', '''Infinity''', '23514'),
             ('rating_deviation', 'NULL', '23502'), ('rating_volatility', '0', '23514'),
             ('rating_volatility', '''NaN''', '23514'), ('rating_volatility', 'NULL', '23502'),
             ('rating_volatility', '1e-9', 'ok')) v(c, v, want);
SELECT is(test_support.sqlstate_of(format('INSERT INTO tourney.rating_history VALUES (%s, 1, ''trueskill'', 1, 1, 1, 1, 1, 1, 0)',
                                          test_support.id('RC'))), '23514', 'rating_history.method is glicko2 or elo');
SELECT is(test_support.sqlstate_of(format('INSERT INTO tourney.rating_history SELECT * FROM tourney.rating_history WHERE tournament_id = %s',
                                          test_support.id('G'))), '23505', 'its key (tournament_id, player_id): a tournament is rated once');

DELETE FROM tourney.tournaments WHERE tournament_id = test_support.id('G2');
SELECT is((SELECT count(*)::int FROM tourney.rating_history WHERE tournament_id = test_support.id('G2')), 0,
          'deleting a tournament removes its rating history');
SELECT is((SELECT count(*)::int FROM tourney.rating_history WHERE tournament_id = test_support.id('G')), 4,
          'and only its own');

SELECT * FROM finish();
ROLLBACK;
