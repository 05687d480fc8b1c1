#!/usr/bin/env bash
# Asynchronous generation (SPEC §3, §5; issue 3): the background worker
# writes the same sessions as the synchronous path; the threshold and the
# forced paths; tourney.max_workers queueing; NOTIFY tourney_tasks.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 42

P=$(make_players 1024 gen)
[[ $P == '{'* ]] || diag "could not create players: $P"

# ---------------------------------------------------------------------------
# 1. 128, 1000 and 1024 players: async (async => NULL, at or above the default
#    threshold of 128) against sync, same enrolled players.
# ---------------------------------------------------------------------------
for n in 128 1000 1024; do
	players="('$P'::bigint[])[1:$n]"
	ta=$(tournament_with "$players" "async $n")
	ts=$(tournament_with "$players" "sync $n")
	want=$(knockout_sessions "$n")

	out=$(qs 2>&1 <<SQL
BEGIN;
SELECT tourney.generate_sessions($ta) AS task \gset
SELECT :'task';
SELECT status || '|' || (worker_pid IS NULL) || '|' ||
       (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $ta)
FROM tourney.tasks WHERE task_id = :'task';
COMMIT;
SELECT tourney.generate_sessions($ts, async => false);
SQL
	)
	task=$(sed -n 1p <<<"$out")
	is "$(sed -n 2p <<<"$out")" "queued|true|0" \
		"$n players, async NULL: generate_sessions returns a queued task, nothing written yet"

	r=$(q "SELECT status || '|' || session_count || '|' || attempts
	       FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
	is "$r" "done|$want|1" "$n players: the task ends done with $want sessions after 1 attempt"

	r=$(q "SELECT worker_pid IS NOT NULL AND worker_pid <> pg_backend_pid()
	          AND requested_by = current_user::regrole AND connected_as = session_user::regrole
	          AND queue_wait_ms >= 0 AND generation_ms >= 0 AND db_write_ms >= 0
	          AND queued_at <= started_at AND started_at <= finished_at AND error IS NULL
	       FROM tourney.tasks WHERE task_id = '$task'" 2>&1)
	is "$r" t "$n players: worker pid, roles, timings and timestamps of the task recorded"

	r=$(q "SELECT status || '|' || (sessions_generated_at IS NOT NULL)
	       FROM tourney.tournaments WHERE tournament_id = $ta" 2>&1)
	is "$r" "in_progress|true" "$n players: the worker moved the tournament to in_progress"

	is "$(counts "$ta" 2>&1)" "$want/$n" "$n players, async: $want sessions, $n participants"
	is "$(counts "$ts" 2>&1)" "$want/$n" "$n players, sync: $want sessions, $n participants"

	is "$(structure_diff "$ta" "$ts" 2>&1)" 0 \
		"$n players: async and sync sessions are the same (rounds, matches, links, slots, players)"

	r=$(q "SELECT count(*) FROM (
	         SELECT player_id FROM tourney.enrollments WHERE tournament_id = $ta
	         EXCEPT ALL
	         SELECT player_id FROM tourney.session_participants WHERE tournament_id = $ta) x" 2>&1)
	r2=$(q "SELECT count(*) - count(DISTINCT player_id) FROM tourney.session_participants
	        WHERE tournament_id = $ta" 2>&1)
	is "$r/$r2" "0/0" "$n players, async: every enrolled player placed exactly once"
done

# ---------------------------------------------------------------------------
# 2. The threshold and the forced paths.
# ---------------------------------------------------------------------------
is "$(q "LOAD 'tourney'" 'SHOW tourney.async_threshold')" 128 "tourney.async_threshold defaults to 128"

t=$(tournament_with "('$P'::bigint[])[1:127]" "threshold 127")
r=$(qs 2>&1 <<SQL
SELECT tourney.generate_sessions($t) AS task \gset
SELECT status || '|' || (worker_pid = pg_backend_pid()) || '|' || session_count
FROM tourney.tasks WHERE task_id = :'task';
SQL
)
is "$r" "done|true|127" "127 players, async NULL: generated in the caller's backend, task done at once"
is "$(counts "$t" 2>&1)" "127/127" "127 players, async NULL: sessions written by the call itself"

t10=$(tournament_with "('$P'::bigint[])[1:10]" "threshold 10")
t9=$(tournament_with "('$P'::bigint[])[11:19]" "threshold 9")
out=$(qs 2>&1 <<SQL
SET tourney.async_threshold = 10;
BEGIN;
SELECT tourney.generate_sessions($t10) AS a \gset
SELECT :'a';
SELECT status FROM tourney.tasks WHERE task_id = :'a';
COMMIT;
SELECT tourney.generate_sessions($t9) AS b \gset
SELECT status || '|' || (worker_pid = pg_backend_pid()) || '|' || session_count
FROM tourney.tasks WHERE task_id = :'b';
SQL
)
task=$(sed -n 1p <<<"$out")
is "$(sed -n 2p <<<"$out")" queued "SET tourney.async_threshold = 10: 10 players are queued"
is "$(sed -n 3p <<<"$out")" "done|true|9" "SET tourney.async_threshold = 10: 9 players are generated synchronously"
r=$(q "SELECT status || '|' || session_count || '|' || (worker_pid <> pg_backend_pid())
       FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
is "$r" "done|10|true" "the 10-player task ends done in a worker"

t=$(tournament_with "('$P'::bigint[])[1:1000]" "forced sync")
r=$(qs 2>&1 <<SQL
SELECT tourney.generate_sessions($t, async => false) AS task \gset
SELECT status || '|' || (worker_pid = pg_backend_pid()) || '|' || session_count
FROM tourney.tasks WHERE task_id = :'task';
SQL
)
is "$r" "done|true|1000" "async => false with 1000 players: synchronous, done at once"

t=$(tournament_with "('$P'::bigint[])[1:4]" "forced async")
out=$(qs 2>&1 <<SQL
BEGIN;
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT :'task';
SELECT status FROM tourney.tasks WHERE task_id = :'task';
COMMIT;
SQL
)
task=$(sed -n 1p <<<"$out")
is "$(sed -n 2p <<<"$out")" queued "async => true with 4 players: queued"
r=$(q "SELECT status || '|' || session_count || '|' || (worker_pid <> pg_backend_pid())
       FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
is "$r" "done|4|true" "async => true with 4 players: done in a worker, 3 main sessions + third place"

# ---------------------------------------------------------------------------
# 3. NOTIFY tourney_tasks: a listener receives the payload of an async and of
#    a sync task.
# ---------------------------------------------------------------------------
bg_start listener
bg_run listener listening 'LISTEN tourney_tasks;'

ta=$(tournament_with "('$P'::bigint[])[1:300]" "notify async")
ts=$(tournament_with "('$P'::bigint[])[1:10]" "notify sync")
task_a=$(q "SELECT tourney.generate_sessions($ta, async => true)")
task_s=$(q "SELECT tourney.generate_sessions($ts, async => false)")
q "SELECT status FROM tourney.wait_for_task('$task_a', '60 s')" >/dev/null 2>&1

# psql prints notifications after each command: poke it until both arrived.
for _ in $(seq 100); do
	bg_send listener 'SELECT 1;'
	if grep -q -- "$task_a" "$T_DIR/listener.out" && grep -q -- "$task_s" "$T_DIR/listener.out"; then
		break
	fi
	sleep 0.1
done
bg_stop listener

# Asynchronous notification "tourney_tasks" with payload "{...}" received from server process with PID n.
note_a=$(grep -F -- "$task_a" "$T_DIR/listener.out" | grep -F 'Asynchronous notification "tourney_tasks"' | head -n 1)
note_s=$(grep -F -- "$task_s" "$T_DIR/listener.out" | grep -F 'Asynchronous notification "tourney_tasks"' | head -n 1)
payload_a=$(sed -E 's/^.*with payload "(.*)" received from server process with PID [0-9]+\.$/\1/' <<<"$note_a")
payload_s=$(sed -E 's/^.*with payload "(.*)" received from server process with PID [0-9]+\.$/\1/' <<<"$note_s")
ok "$([[ -n $note_a ]] && echo t)" "the listener received a tourney_tasks notification for the async task"
[[ -n $note_a ]] || diag "listener output: $(bg_out listener)"
r=$(q "SELECT (p->>'task_id')::uuid = '$task_a' AND (p->>'tournament_id')::bigint = $ta
          AND p->>'status' = 'done' AND (p->>'session_count')::int = 300
          AND (p->>'queue_wait_ms')::float8 >= 0 AND (p->>'generation_ms')::float8 >= 0
          AND (p->>'db_write_ms')::float8 >= 0 AND p ? 'error' AND p->'error' = 'null'::jsonb
       FROM (SELECT \$p\$$payload_a\$p\$::jsonb AS p) x" 2>&1)
is "$r" t "async task payload: task_id, tournament_id, status done, session_count 300, timings, error null"
is "$(grep -F -- "$task_a" "$T_DIR/listener.out" | grep -cF 'Asynchronous notification "tourney_tasks"')" 1 \
	"the async task's completion is announced once"
ok "$([[ -n $note_s ]] && echo t)" "the listener received a notification for the sync task"
r=$(q "SELECT (p->>'task_id')::uuid = '$task_s' AND p->>'status' = 'done' AND (p->>'session_count')::int = 10
       FROM (SELECT \$p\$$payload_s\$p\$::jsonb AS p) x" 2>&1)
is "$r" t "sync task payload: task_id, status done, session_count 10"

# ---------------------------------------------------------------------------
# 4. tourney.max_workers = 2 with six tasks queued at once: all end done, and
#    never more than two run at the same time.
# ---------------------------------------------------------------------------
Q=$(make_players 20000 queue)
ids=()
for i in 1 2 3 4 5 6; do
	ids+=("$(tournament_with "'$Q'::bigint[]" "slots $i")")
done
idlist=$(IFS=,; echo "${ids[*]}")

q "CREATE FUNCTION public.sample_running(ids bigint[], secs int) RETURNS text
   LANGUAGE plpgsql AS \$f\$
   DECLARE
       max_running int := 0; max_active int := 0; samples int := 0;
       n_running int; n_active int; n_open int; n_rows int;
       deadline timestamptz := clock_timestamp() + make_interval(secs => secs);
   BEGIN
       LOOP
           PERFORM pg_stat_clear_snapshot();
           SELECT count(*) FILTER (WHERE status = 'running'),
                  count(*) FILTER (WHERE status IN ('queued', 'running')),
                  count(*)
             INTO n_running, n_open, n_rows
             FROM tourney.tasks WHERE tournament_id = ANY (ids);
           SELECT count(*) INTO n_active FROM pg_stat_activity
            WHERE backend_type = 'tourney task' AND state = 'active';
           samples := samples + 1;
           max_running := greatest(max_running, n_running);
           max_active := greatest(max_active, n_active);
           EXIT WHEN (n_open = 0 AND n_rows = cardinality(ids)) OR clock_timestamp() > deadline;
           PERFORM pg_sleep(0.01);
       END LOOP;
       RETURN max_running || '|' || max_active || '|' || samples;
   END \$f\$" >/dev/null

bg_start queuer
bg_send queuer "SET tourney.max_workers = 2;"
bg_send queuer "BEGIN;"
for id in "${ids[@]}"; do
	bg_send queuer "SELECT tourney.generate_sessions($id, async => true);"
done
bg_run queuer queued
# The sampler starts before the commit: it sees every task from queued on.
sample_out=$T_DIR/sample.out
timeout 100 psql -X -q -A -t -c "SELECT public.sample_running('{$idlist}', 90)" >"$sample_out" 2>&1 &
sampler=$!
T_BG_PIDS+=("$sampler")
sleep 0.2
bg_send queuer "COMMIT;"
wait "$sampler"
bg_stop queuer
sample=$(cat "$sample_out")
diag "sampled max running|max active workers|samples: $sample"

r=$(q "SELECT string_agg(status::text, ',' ORDER BY tournament_id) FROM tourney.tasks
       WHERE tournament_id IN ($idlist)" 2>&1)
is "$r" "done,done,done,done,done,done" "max_workers 2: all six queued tasks end done"
r=$(q "SELECT max(c) FROM (
         SELECT (SELECT count(*) FROM tourney.tasks y
                  WHERE y.tournament_id IN ($idlist)
                    AND y.started_at <= x.started_at AND y.finished_at > x.started_at) AS c
         FROM tourney.tasks x WHERE x.tournament_id IN ($idlist)) z" 2>&1)
ok "$([[ $r =~ ^[12]$ ]] && echo t)" "max_workers 2: by the recorded start and finish times, at most two ran at once (max $r)"
IFS='|' read -r max_running max_active _ <<<"$sample"
ok "$([[ $max_running =~ ^[0-9]+$ ]] && ((max_running <= 2)) && echo t)" \
	"max_workers 2: never more than two tasks sampled 'running' (max $max_running)"
ok "$([[ $max_active =~ ^[0-9]+$ ]] && ((max_active <= 2)) && echo t)" \
	"max_workers 2: never more than two active tourney task workers sampled (max $max_active)"
