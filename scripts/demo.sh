#!/usr/bin/env bash
# End-to-end demo of a 1024-player knockout through the SQL API (SPEC §3).
# Run inside a cluster: scripts/with-cluster.sh scripts/demo.sh
#
# Environment:
#   TOURNEY_DEMO_PLAYERS  player count (default 1024)
#   TOURNEY_DEMO_ASYNC    true (default): generate in a background worker,
#                         show its progress and wait for it; false: in the
#                         calling transaction
set -euo pipefail

players=${TOURNEY_DEMO_PLAYERS:-1024}
async=${TOURNEY_DEMO_ASYNC:-true}
db=tourney_demo
[[ $players =~ ^[0-9]+$ ]] || { echo "demo.sh: TOURNEY_DEMO_PLAYERS must be a number" >&2; exit 2; }
[[ $async == true || $async == false ]] || { echo "demo.sh: TOURNEY_DEMO_ASYNC must be true or false" >&2; exit 2; }

PSQL=(psql -X -v ON_ERROR_STOP=1)

PGOPTIONS='-c client_min_messages=warning' "${PSQL[@]}" -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
"${PSQL[@]}" -q -d "$db" -c 'CREATE EXTENSION tourney'

"${PSQL[@]}" -d "$db" -v players="$players" -v async="$async" -f - <<'SQL'
\set QUIET on
\pset footer off
CREATE TABLE demo_phase (ord serial, phase text, ms numeric(12,1), result text);

-- Each phase: remember the start, run one statement, record the elapsed time.
\echo '== tourney demo: ':players'-player knockout =='

SELECT clock_timestamp() AS t0 \gset
WITH p AS (
    INSERT INTO tourney.players (name, email, rating)
    SELECT format('Player %s', lpad(g::text, greatest(4, length(:'players')), '0')),
           format('player%s@demo.example', g),
           -- deterministic, distinct ratings spread over 1200..2800
           round((1200 + 1600 * ((g::bigint * 7919) % :players) / greatest(:players - 1, 1))::numeric, 1)
    FROM generate_series(1, :players) AS g
    RETURNING player_id)
SELECT count(*) AS inserted FROM p \gset
INSERT INTO demo_phase (phase, ms, result)
VALUES ('insert players', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, :'inserted' || ' players');

SELECT clock_timestamp() AS t0 \gset
SELECT tourney.create_tournament('Demo Open', 'knockout') AS tid \gset
INSERT INTO demo_phase (phase, ms, result)
VALUES ('create_tournament', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, 'id ' || :tid);

SELECT clock_timestamp() AS t0 \gset
SELECT tourney.enroll(:tid, (SELECT array_agg(player_id ORDER BY player_id) FROM tourney.players)) AS enrolled \gset
INSERT INTO demo_phase (phase, ms, result)
VALUES ('enroll', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, :'enrolled' || ' enrolled');

SELECT clock_timestamp() AS t0 \gset
SELECT tourney.generate_sessions(:tid, async => :async) AS task \gset
INSERT INTO demo_phase (phase, ms, result)
SELECT CASE WHEN :'async' THEN 'generate_sessions (queue)' ELSE 'generate_sessions (sync)' END,
       extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000,
       'task ' || status FROM tourney.generation_status(:'task');
SQL

# The worker runs once the call above has committed: follow its progress.
task=$("${PSQL[@]}" -At -d "$db" -c "SELECT task_id FROM tourney.tasks ORDER BY queued_at DESC LIMIT 1")
last=""
for _ in $(seq 1 6000); do
    line=$("${PSQL[@]}" -At -d "$db" -c "
        SELECT format('generation %s: %s%s', t.status,
                      coalesce(p.phase || ' ' || p.sessions_written || '/' || p.sessions_total
                               || ' sessions (' || coalesce(p.percent, 0) || '%)', ''),
                      CASE WHEN t.status = 'done' THEN t.session_count || ' sessions' ELSE '' END)
        FROM tourney.tasks t LEFT JOIN tourney.task_progress p USING (task_id)
        WHERE t.task_id = '$task'")
    [[ $line != "$last" ]] && echo "progress: $line"
    last=$line
    [[ $line == *running* || $line == *queued* ]] || break
    sleep 0.005
done

"${PSQL[@]}" -d "$db" -v players="$players" -v task="$task" -f - <<'SQL'
\set QUIET on
\pset footer off
SELECT tournament_id AS tid FROM tourney.tasks WHERE task_id = :'task' \gset
SELECT clock_timestamp() AS t0 \gset
SELECT status AS task_status, session_count, queue_wait_ms, generation_ms, db_write_ms
FROM tourney.wait_for_task(:'task') \gset
INSERT INTO demo_phase (phase, ms, result) VALUES
    ('wait_for_task', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000,
     'task ' || :'task_status'),
    ('  task: queue wait', :queue_wait_ms, 'before the worker started'),
    ('  task: generation', :generation_ms, 'computing the bracket'),
    ('  task: db write', :db_write_ms, :'session_count' || ' sessions written');

SELECT clock_timestamp() AS t0 \gset
SELECT tourney.simulate_results(:tid, 42) AS simulated \gset
INSERT INTO demo_phase (phase, ms, result)
VALUES ('simulate_results', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, :'simulated' || ' results');

SELECT clock_timestamp() AS t0 \gset
SELECT tourney.calculate_rankings(:tid) AS ranked \gset
INSERT INTO demo_phase (phase, ms, result)
VALUES ('calculate_rankings', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, :'ranked' || ' rankings');

SELECT clock_timestamp() AS t0 \gset
SELECT tourney.complete_tournament(:tid) \g /dev/null
INSERT INTO demo_phase (phase, ms, result)
SELECT 'complete_tournament', extract(epoch FROM clock_timestamp() - :'t0'::timestamptz) * 1000, status::text
FROM tourney.tournaments WHERE tournament_id = :tid;

\echo
\echo '-- tournament'
SELECT t.tournament_id, t.name, t.format, t.status,
       (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = t.tournament_id) AS players,
       (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = t.tournament_id) AS sessions,
       (SELECT count(*) FROM tourney.rankings r WHERE r.tournament_id = t.tournament_id) AS rankings
FROM tourney.tournaments t WHERE t.tournament_id = :tid;

\echo '-- sessions per round'
SELECT stage, round, count(*) AS sessions,
       count(*) FILTER (WHERE result_submitted) AS with_result
FROM tourney.sessions WHERE tournament_id = :tid
GROUP BY stage, round
ORDER BY stage <> 'main', round, stage;

\echo '-- phase timings (task lines are parts of the generation, not added to the total)'
SELECT phase, ms, result
FROM (SELECT ord, phase, ms, result FROM demo_phase
      UNION ALL
      SELECT 1000000000, 'total', sum(ms) FILTER (WHERE phase NOT LIKE '  task:%'), NULL
      FROM demo_phase) AS x
ORDER BY ord;

\echo '-- top 4'
SELECT r.rank, p.name, p.rating
FROM tourney.rankings r JOIN tourney.players p USING (player_id)
WHERE r.tournament_id = :tid
ORDER BY r.rank, r.player_id
LIMIT 4;

\echo '-- generation task'
\x on
SELECT * FROM tourney.generation_status(:'task');
\x off
SQL

# Verdict, read back from the database rather than from the report.
read -r status rankings sessions < <("${PSQL[@]}" -At -F ' ' -d "$db" -c "
    SELECT t.status,
           (SELECT count(*) FROM tourney.rankings r WHERE r.tournament_id = t.tournament_id),
           (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = t.tournament_id)
    FROM tourney.tournaments t WHERE t.name = 'Demo Open'
    ORDER BY t.tournament_id DESC LIMIT 1")

echo
expected_sessions=$((players >= 4 ? players : players - 1))
rc=0
[[ $status == completed ]] || { echo "FAIL: final status is '${status:-none}', expected completed"; rc=1; }
[[ $rankings == "$players" ]] || { echo "FAIL: $rankings rankings, expected $players"; rc=1; }
[[ $sessions == "$expected_sessions" ]] || { echo "FAIL: $sessions sessions, expected $expected_sessions"; rc=1; }
((rc == 0)) && echo "OK: status $status, $rankings rankings, $sessions sessions"
exit $rc
