#!/usr/bin/env bash
# A generation worker terminated (SIGTERM, pg_terminate_backend) at any
# point leaves no partial sessions; its task is retried up to
# tourney.task_retries or ends in error with the reason; no task stays
# queued or running (SPEC §4, §5; issue 3).  Large generations (262,144
# players) are killed while they write.  SIGKILL and server restarts are in
# test/cluster/async_restart.sh.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 27

BIG=262144
BIGP=$(big_players "$BIG")

# A sampler: every 50 ms, the number of sessions of tournament T visible to
# others, until the task has ended (or SECS); returns the distinct counts.
q "CREATE FUNCTION public.sample_sessions(t bigint, task uuid, secs int) RETURNS text
   LANGUAGE plpgsql AS \$f\$
   DECLARE
       seen bigint[] := '{}'; n bigint; st text;
       deadline timestamptz := clock_timestamp() + make_interval(secs => secs);
   BEGIN
       LOOP
           SELECT count(*) INTO n FROM tourney.sessions WHERE tournament_id = t;
           IF NOT n = ANY (seen) THEN seen := seen || n; END IF;
           SELECT status INTO st FROM tourney.tasks WHERE task_id = task;
           EXIT WHEN st IN ('done', 'error') OR clock_timestamp() > deadline;
           PERFORM pg_sleep(0.05);
       END LOOP;
       SELECT count(*) INTO n FROM tourney.sessions WHERE tournament_id = t;
       IF NOT n = ANY (seen) THEN seen := seen || n; END IF;
       RETURN array_to_string(ARRAY(SELECT DISTINCT x FROM unnest(seen) x ORDER BY x), ',');
   END \$f\$" >/dev/null

# wait_writing TASK: wait until the task's worker is writing sessions; prints
# the worker's pid.
wait_writing() {
	poll 60 "SELECT EXISTS (SELECT FROM tourney.task_progress
	                        WHERE task_id = '$1' AND phase = 'writing' AND sessions_written > 0)" ||
		diag "task $1 did not start writing: $(q "SELECT status, worker_pid FROM tourney.tasks WHERE task_id = '$1'")"
	q "SELECT pid FROM tourney.task_progress WHERE task_id = '$1'"
}

# gone PID SECS: wait until no process with that pid is in pg_stat_activity.
gone() {
	poll "$2" "SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1)"
}

# ---------------------------------------------------------------------------
# 1. SIGTERM in the middle of the writing, retries left (default 2): the
#    attempt is rolled back and queued again, then runs to the end.
# ---------------------------------------------------------------------------
t=$(tournament_with "$BIGP" "sigterm retried")
out=$(qs 2>&1 <<SQL
SELECT clock_timestamp() AS t0 \gset
SELECT tourney.generate_sessions($t) AS task \gset
SELECT :'task' || ' ' || round(extract(epoch FROM clock_timestamp() - :'t0') * 1000);
SQL
)
read -r task ms <<<"$out"
ok "$([[ $ms =~ ^[0-9]+$ ]] && ((ms < 2000)) && echo t)" \
	"$BIG players, async NULL: generate_sessions returns at once (${ms:-?} ms)"
pid=$(wait_writing "$task")
is "$(q "SELECT status || '|' || (worker_pid = ${pid:-0}) FROM tourney.tasks WHERE task_id = '$task'")|$(counts "$t")" \
	"running|true|0/0" "while the worker writes: task running with its pid, no sessions visible"

# A second request while the generation runs is refused at once, not after
# the generation: lock_timeout turns waiting into 55P03.
for call in "generate_sessions($t)" "enroll($t, ARRAY[(SELECT max(player_id) FROM tourney.players)])"; do
	out=$(qe "SET lock_timeout = '1s'" "SELECT tourney.$call")
	still=$(q "SELECT status FROM tourney.tasks WHERE task_id = '$task'")
	is "$(sqlstate "$out")" 55000 "while running: $call is refused with 55000 without waiting for the generation"
	if [[ $still == running ]]; then
		like "$out" "is running" "while running: $call says the generation is running"
	else
		skip "while running: $call says the generation is running" "the task ended meanwhile ($still)"
	fi
done

timeout 100 psql -X -q -A -t -c "SELECT public.sample_sessions($t, '$task', 90)" >"$T_DIR/sample1" 2>&1 &
sampler=$!
T_BG_PIDS+=("$sampler")
is "$(q "SELECT pg_terminate_backend(${pid:-0})")" t "SIGTERM to the worker (pid $pid) while it writes"
if gone "${pid:-0}" 10; then ok t "the worker exits within 10 s of SIGTERM"; else ok f "the worker exits within 10 s of SIGTERM"; fi
r=$(q "SELECT status || '|' || attempts || '|' || (error LIKE '%terminated%') || '|' || coalesce(worker_pid::text, '-')
       FROM tourney.tasks WHERE task_id = '$task'")
like "$r|$(counts "$t")" '^(queued\|1\|true\|-|running\|2\|[a-z]+\|[0-9]+)\|0/0$' \
	"after SIGTERM: attempt 1 rolled back, the task queued again (with the reason) or already retried, no sessions"
is "$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")" draft "after SIGTERM: the tournament is still draft"

# wait_for_task itself restarts the task (nobody else calls tourney here).
r=$(q "SELECT status || '|' || attempts FROM tourney.wait_for_task('$task', '25 s')" 2>&1)
is "$r" "done|2" "wait_for_task recovers the terminated task: done at attempt 2"
[[ $r == done* ]] || diag "after wait_for_task: $(wait_end "$task" 40)"
wait "$sampler"
is "$(cat "$T_DIR/sample1")" "0,$BIG" "sessions seen by another connection while it ran: none or all $BIG, never partial"
is "$(counts "$t")|$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")" "$BIG/$BIG|in_progress" \
	"after the retry: all $BIG sessions and participants, once; in_progress"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $t")" 1 "one task row for the tournament"

# ---------------------------------------------------------------------------
# 2. SIGTERM with tourney.task_retries = 0: the task ends in error with the
#    reason; the tournament is still draft and can be generated again.
# ---------------------------------------------------------------------------
t=$(tournament_with "$BIGP" "sigterm no retries")
task=$(q "SET tourney.task_retries = 0" "SELECT tourney.generate_sessions($t, async => true)")
pid=$(wait_writing "$task")
timeout 100 psql -X -q -A -t -c "SELECT public.sample_sessions($t, '$task', 90)" >"$T_DIR/sample2" 2>&1 &
sampler=$!
T_BG_PIDS+=("$sampler")
is "$(q "SELECT pg_terminate_backend(${pid:-0})")" t "SIGTERM to the worker (pid $pid), no retries left"
gone "${pid:-0}" 5 || diag "worker $pid still there 5 s after SIGTERM"
r=$(wait_end "$task" 20)
is "$r" error "retries exhausted: the task ends error"
r=$(q "SELECT attempts || '|' || (error LIKE '%terminated%') || '|' || (error_sqlstate IS NOT NULL) || '|' || (finished_at IS NOT NULL)
       FROM tourney.tasks WHERE task_id = '$task'")
is "$r" "1|true|true|true" "retries exhausted: one attempt, error says the worker was terminated, SQLSTATE and finish time"
wait "$sampler"
is "$(cat "$T_DIR/sample2")" 0 "retries exhausted: no session ever visible"
is "$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")|$(counts "$t")" "draft|0/0" \
	"retries exhausted: the tournament is still draft, no sessions"
task2=$(q "SELECT tourney.generate_sessions($t)" 2>&1)
like "$task2" '^[0-9a-f-]{36}$' "after the failed task, generate_sessions is accepted again"
r=$(q "SELECT status || '|' || session_count FROM tourney.wait_for_task('$task2', '60 s')" 2>&1)
is "$r" "done|$BIG" "the new generation ends done"
is "$(counts "$t")|$(q "SELECT string_agg(status::text, ',' ORDER BY queued_at) FROM tourney.tasks WHERE tournament_id = $t")" \
	"$BIG/$BIG|error,done" "one set of sessions; the failed task stays recorded next to the done one"

# ---------------------------------------------------------------------------
# 3. SIGTERM before the generation: while the worker waits for the queuing
#    transaction, and while it waits for a slot.  The task still runs once
#    (recovered by later tourney calls).
# ---------------------------------------------------------------------------
S=$(make_players 200 small)
t=$(tournament_with "'$S'::bigint[]" "sigterm while waiting for commit")
bg_start opener
bg_run opener 'queued :task' "BEGIN;" "SELECT tourney.generate_sessions($t, async => true) AS task \gset"
task=$(sed -n 's/^queued //p' "$T_DIR/opener.out")
poll 10 "SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'tourney task' AND datname = current_database()" ||
	diag "no waiting worker found"
pid=$(q "SELECT pid FROM pg_stat_activity WHERE backend_type = 'tourney task' AND datname = current_database()")
is "$(q "SELECT pg_terminate_backend(${pid:-0})")" t "SIGTERM to the worker waiting for the queuing transaction"
gone "${pid:-0}" 5 || diag "worker $pid still there 5 s after SIGTERM"
bg_run opener committed "COMMIT;"
bg_stop opener
is "$(wait_end "$task" 20)|$(counts "$t")" "done|200/200" "the task is recovered by generation_status calls and ends done"

# The only slot (max_workers 1) is held by task B, whose worker waits for
# our SHARE lock on tourney.sessions; task A's worker waits for the slot.
ta=$(tournament_with "'$S'::bigint[]" "sigterm while waiting for a slot")
tb=$(tournament_with "('$S'::bigint[])[1:10]" "slot holder")
bg_start holder
bg_run holder held "BEGIN;" "LOCK TABLE tourney.sessions IN SHARE MODE;"
task_b=$(q "SET tourney.max_workers = 1" "SELECT tourney.generate_sessions($tb, async => true)")
poll 30 "SELECT status = 'running' FROM tourney.tasks WHERE task_id = '$task_b'" || diag "task B did not start"
task_a=$(q "SET tourney.max_workers = 1" "SELECT tourney.generate_sessions($ta, async => true)")
poll 30 "SELECT worker_pid IS NOT NULL FROM tourney.tasks WHERE task_id = '$task_a'" || diag "no worker took task A"
pid=$(q "SELECT worker_pid FROM tourney.tasks WHERE task_id = '$task_a'")
is "$(q "SELECT status FROM tourney.tasks WHERE task_id = '$task_a'")|$(q "SELECT pg_terminate_backend(${pid:-0})")" "queued|t" \
	"SIGTERM to the worker waiting for a slot"
gone "${pid:-0}" 5 || diag "worker $pid still there 5 s after SIGTERM"
bg_send holder "COMMIT;"
bg_stop holder
is "$(wait_end "$task_b" 20)|$(wait_end "$task_a" 20)|$(counts "$ta")" "done|done|200/200" \
	"the slot frees up: task B and the interrupted task A both end done"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE status IN ('queued', 'running')")" 0 \
	"no task of this database is left queued or running"
