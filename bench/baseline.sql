-- The rows of an N-player knockout (N a power of two, N >= 4) written by
-- plain set-based SQL into tables shaped like tourney's (bench/run.sh):
-- the baseline tourney is compared with.  Variables: players, benchdir,
-- workdir.  Prints one JSON object.
--   enroll    INSERT … SELECT generate_series: N enrollments
--   generate  INSERT … SELECT: N sessions (N-1 main + third place, with the
--             advancement links) and the 2·(N/2) round-1 participants
--   simulate  INSERT of the N later-round participants, UPDATE of all 2N
--             participants (score, placement) and all N sessions (winner,
--             result flag): the rows simulate_results writes
--   rank      INSERT … SELECT aggregate of the participants + rank() OVER:
--             N rankings
\ir session_start.sql
\set stats_schema bench_base
SET work_mem = '64MB';     -- what tourney's bulk phases give themselves
-- Plans that do not depend on statistics about the new tournament id (it
-- lies outside the column's histogram): index scans of its rows and hash
-- joins, never a nested loop over a misestimated row count.
-- Those settings inflate plan costs, which must not trigger JIT compilation.
SET enable_seqscan = off;
SET enable_nestloop = off;
SET jit = off;

SELECT nextval('bench_base.tournament_seq') AS tid,
       nextval('bench_base.tournament_seq') << 32 AS base,
       ceil(log(2, :players))::int AS r \gset

\set phase enroll
\ir phase_begin.sql
INSERT INTO bench_base.enrollments (tournament_id, player_id)
SELECT :tid, g FROM generate_series(1, :players::int8) g;
\set result :players
\ir phase_end.sql

\set phase generate
\ir phase_begin.sql
INSERT INTO bench_base.sessions (tournament_id, session_id, stage, round, match_number,
                                 next_session_id, next_slot, loser_next_session_id, loser_next_slot)
SELECT :tid, :base + (:players - (:players >> (r - 1))) + m, 'main', r, m,
       CASE WHEN r < :r THEN :base + (:players - (:players >> r)) + (m + 1) / 2 END,
       CASE WHEN r < :r THEN (2 - m % 2)::smallint END,
       CASE WHEN r = :r - 1 THEN :base + :players END,
       CASE WHEN r = :r - 1 THEN m::smallint END
FROM generate_series(1, :r) r, generate_series(1, :players >> r) m
UNION ALL
SELECT :tid, :base + :players, 'third_place', :r, 1, NULL, NULL, NULL, NULL;
INSERT INTO bench_base.session_participants (tournament_id, session_id, slot, player_id)
SELECT :tid, :base + m, s, CASE s WHEN 1 THEN m ELSE :players + 1 - m END
FROM generate_series(1, :players / 2) m, generate_series(1, 2) s;
\set result :players
\ir phase_end.sql

\set phase simulate
\ir phase_begin.sql
INSERT INTO bench_base.session_participants (tournament_id, session_id, slot, player_id)
SELECT :tid, :base + (:players - (:players >> (r - 1))) + m, s, 2 * m - 2 + s
FROM generate_series(2, :r) r, generate_series(1, :players >> r) m, generate_series(1, 2) s
UNION ALL
SELECT :tid, :base + :players, s, s FROM generate_series(1, 2) s;
UPDATE bench_base.session_participants
   SET score = CASE slot WHEN 1 THEN 3 ELSE 1 END, placement = slot
 WHERE tournament_id = :tid;
UPDATE bench_base.sessions s
   SET winner_id = p.player_id, result_submitted = true, result_submitted_at = now()
  FROM bench_base.session_participants p
 WHERE s.tournament_id = :tid AND p.tournament_id = :tid
   AND p.session_id = s.session_id AND p.slot = 1;
\set result :players
\ir phase_end.sql

\set phase rank
\ir phase_begin.sql
INSERT INTO bench_base.rankings (tournament_id, player_id, rank, points, wins, draws, losses,
                                 score_for, score_against, tiebreaks)
SELECT :tid, player_id, rank() OVER (ORDER BY wins DESC, score_for DESC), wins, wins, 0, losses,
       score_for, 0, '{}'
FROM (SELECT player_id, count(*) FILTER (WHERE placement = 1) AS wins,
             count(*) FILTER (WHERE placement > 1) AS losses, sum(score) AS score_for
      FROM bench_base.session_participants WHERE tournament_id = :tid
      GROUP BY player_id) a;
\set result :players
\ir phase_end.sql

\ir report_phases.sql
SELECT json_build_object(
    'kind', 'baseline', 'format', 'knockout', 'players', :players,
    'sessions', (SELECT count(*) FROM bench_base.sessions WHERE tournament_id = :tid),
    'participants', (SELECT count(*) FROM bench_base.session_participants WHERE tournament_id = :tid),
    'rankings', (SELECT count(*) FROM bench_base.rankings WHERE tournament_id = :tid),
    'phases', :'phases_json'::json, 'lifecycle_ms', :lifecycle_ms, 'total_ms', :total_ms,
    'us_per_player', round(:total_ms * 1000.0 / :players, 3),
    'seq_rows_read', :seqread, 'db_sessions_before', :db_sessions,
    'db_participants_before', :db_participants, 'backend_pid', :pid, 'vmhwm_kb', :hwm_kb, 'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
