-- Knockout rankings (computed in C, src/tally.c) against the rules worked
-- out here from the stored sessions, and against standings (read before
-- the rankings are written); simulate_results after results submitted by
-- hand (the in-memory carry of advancing players mixed with stored
-- participants);
-- scores with many decimals summed exactly.
\set ON_ERROR_STOP 1
\set QUIET 1
\pset format unaligned
\pset tuples_only true
\pset pager off

BEGIN;
SELECT plan(13 * 5 + 7);

INSERT INTO test_support.fixtures (key, ids) VALUES ('p', test_support.players(130, 'ladder', '1000 + (g * 7919) % 1000'));

-- tournament id, players and third-place option of each case
CREATE TEMP TABLE cases (tid bigint, players int, third_place bool);

-- What calculate_rankings must write, from the sessions alone: wins and
-- losses from winner_id, score sums from the participants, and the ladder
-- (1 the final's winner, 2 its loser, 3/4 the third-place match, the
-- losers of main round r share 2^(R - r) + 1).
CREATE FUNCTION pg_temp.expected(t bigint)
RETURNS TABLE (player_id bigint, rank int, wins int, losses int,
               score_for numeric, score_against numeric)
LANGUAGE sql STABLE AS $$
    WITH r AS (SELECT max(round) AS main_rounds FROM tourney.sessions
               WHERE tournament_id = t AND stage = 'main'),
    played AS (
        SELECT p.player_id, s.stage, s.round, s.winner_id = p.player_id AS won,
               p.score, o.score AS opponent_score
        FROM tourney.sessions s
        JOIN tourney.session_participants p USING (tournament_id, session_id)
        JOIN tourney.session_participants o USING (tournament_id, session_id)
        WHERE s.tournament_id = t AND o.slot <> p.slot)
    SELECT e.player_id,
           CASE WHEN bool_or(x.stage = 'third_place' AND NOT x.won) THEN 4
                WHEN bool_or(x.stage = 'third_place' AND x.won) THEN 3
                WHEN min(x.round) FILTER (WHERE x.stage = 'main' AND NOT x.won) IS NULL THEN 1
                ELSE (2 ^ ((SELECT main_rounds FROM r)
                      - min(x.round) FILTER (WHERE x.stage = 'main' AND NOT x.won)))::int + 1
           END,
           count(*) FILTER (WHERE x.won)::int,
           count(*) FILTER (WHERE NOT x.won)::int,
           coalesce(sum(x.score), 0), coalesce(sum(x.opponent_score), 0)
    FROM tourney.enrollments e LEFT JOIN played x USING (player_id)
    WHERE e.tournament_id = t
    GROUP BY e.player_id
$$;

-- 12 knockouts: odd and even sizes (byes), with and without third place
DO $$
DECLARE
    n int;
    tp bool;
    t bigint;
BEGIN
    FOREACH n IN ARRAY ARRAY[2, 3, 5, 16, 37, 130] LOOP
        FOREACH tp IN ARRAY ARRAY[true, false] LOOP
            t := test_support.tournament('knockout', (test_support.ids('p'))[1:n], format('ladder %s %s', n, tp),
                                         generate => true, third_place_playoff => tp);
            PERFORM tourney.simulate_results(t, n);
            INSERT INTO cases VALUES (t, n, tp);
        END LOOP;
    END LOOP;
END $$;

-- and one whose player ids have gaps (every third player): players are
-- then found by binary search, not by offset
DO $$
DECLARE
    t bigint := test_support.tournament('knockout', ARRAY(SELECT p FROM unnest(test_support.ids('p')) WITH ORDINALITY u(p, i)
                                                          WHERE i % 3 = 1 ORDER BY p),
                                        'ladder sparse', generate => true);
BEGIN
    PERFORM tourney.simulate_results(t, 3);
    INSERT INTO cases VALUES (t, 44, true);
END $$;

-- standings before the rankings are written
CREATE TEMP TABLE provisional AS
SELECT c.tid, s.* FROM cases c, tourney.standings(c.tid) s;

SELECT is(tourney.calculate_rankings(tid), players,
          format('%s players, third place %s: a ranking row per player', players, third_place))
FROM cases ORDER BY tid;

SELECT results_eq(
    format('SELECT player_id, rank, wins, losses, score_for, score_against'
           ' FROM tourney.rankings WHERE tournament_id = %s ORDER BY player_id', tid),
    format('SELECT * FROM pg_temp.expected(%s) ORDER BY player_id', tid),
    format('%s players, third place %s: ranks, wins, losses and score sums follow the rules',
           players, third_place))
FROM cases ORDER BY tid;

SELECT results_eq(
    format('SELECT rank, player_id, points, wins, draws, losses, score_for, score_against'
           ' FROM tourney.rankings WHERE tournament_id = %s ORDER BY player_id', tid),
    format('SELECT rank, player_id, points, wins, draws, losses, score_for, score_against'
           ' FROM provisional WHERE tid = %s ORDER BY player_id', tid),
    format('%s players, third place %s: rankings equal the standings', players, third_place))
FROM cases ORDER BY tid;

SELECT is((SELECT count(*)::int FROM tourney.rankings r WHERE r.tournament_id = tid AND r.rank = 1),
          1, format('%s players, third place %s: one winner', players, third_place))
FROM cases ORDER BY tid;

SELECT is((SELECT array_agg(r.rank ORDER BY r.rank) FROM tourney.rankings r
           WHERE r.tournament_id = tid AND r.rank <= 4),
          CASE WHEN players = 2 THEN ARRAY[1, 2]
               WHEN players = 3 THEN ARRAY[1, 2, 3]
               WHEN third_place THEN ARRAY[1, 2, 3, 4]
               ELSE ARRAY[1, 2, 3, 3] END,
          format('%s players, third place %s: the podium', players, third_place))
FROM cases ORDER BY tid;

-- Results by hand in rounds 1 and 2, then simulate: players advanced by
-- submit_result (stored) meet players carried in memory.
CREATE TEMP TABLE mixed AS
SELECT test_support.tournament('knockout', (test_support.ids('p'))[1:32], 'ladder mixed', generate => true) AS tid;
\o /dev/null
-- scores with many decimals, summed exactly
SELECT tourney.submit_result(s.session_id, ARRAY[s.match_number + 0.123456789, 0.000000001])
FROM tourney.sessions s
WHERE s.tournament_id = (SELECT tid FROM mixed) AND s.round = 1
  AND (s.match_number % 2 = 1 OR s.match_number = 2)
ORDER BY s.session_id;
SELECT tourney.submit_result(s.session_id, ARRAY[1, 2])
FROM tourney.sessions s
WHERE s.tournament_id = (SELECT tid FROM mixed) AND s.round = 2 AND s.match_number = 1;
\o

SELECT is(tourney.simulate_results((SELECT tid FROM mixed), 7),
          32 - 9 - 1, 'simulate gives every open session a result');
SELECT is((SELECT count(*)::int FROM tourney.sessions
           WHERE tournament_id = (SELECT tid FROM mixed) AND NOT result_submitted),
          0, 'no session is left open');
SELECT is((SELECT count(*)::int FROM tourney.session_participants
           WHERE tournament_id = (SELECT tid FROM mixed) AND (score IS NULL OR placement IS NULL)),
          0, 'every participant has a score and a placement');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           WHERE s.tournament_id = (SELECT tid FROM mixed)
             AND (SELECT count(*) FROM tourney.session_participants p
                  WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id) <> 2),
          0, 'every session has its two players');
SELECT is((SELECT count(*)::int FROM tourney.sessions s
           JOIN tourney.sessions n ON n.tournament_id = s.tournament_id
                                  AND n.session_id = s.next_session_id
           WHERE s.tournament_id = (SELECT tid FROM mixed)
             AND NOT EXISTS (SELECT FROM tourney.session_participants p
                             WHERE p.tournament_id = n.tournament_id
                               AND p.session_id = n.session_id
                               AND p.slot = s.next_slot AND p.player_id = s.winner_id)),
          0, 'every winner plays the next session, in the slot the bracket gives');
SELECT is(tourney.calculate_rankings((SELECT tid FROM mixed)), 32, 'the mixed knockout is ranked');
SELECT results_eq(
    format('SELECT player_id, rank, wins, losses, score_for, score_against'
           ' FROM tourney.rankings WHERE tournament_id = %s ORDER BY player_id',
           (SELECT tid FROM mixed)),
    format('SELECT * FROM pg_temp.expected(%s) ORDER BY player_id', (SELECT tid FROM mixed)),
    'the mixed knockout: rankings follow the rules, with exact decimal sums');

SELECT * FROM finish();
ROLLBACK;
