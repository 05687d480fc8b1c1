#!/usr/bin/env bash
# Crashes and restarts with generation tasks in flight (SPEC §5; issue 3):
#   1. SIGKILL of a worker in the middle of a large generation (the
#      postmaster restarts every backend): wait_for_task in a new connection
#      recovers the task;
#   2. immediate server stop with tasks queued and running, start: the next
#      tourney calls (generation_status) recover them;
#   3. the same with tourney in shared_preload_libraries: the launcher alone
#      brings every task to an end, no tourney call needed.
# Every task ends done or error; sessions are all there or absent.
# test/schedule runs it last: it restarts the cluster and changes its
# configuration (restored at exit, also when a test fails).
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 21

source "$(dirname "${BASH_SOURCE[0]}")/../support/cluster.bash"

dropme=${PGDATABASE}_dropme
at_exit "q 'DROP DATABASE IF EXISTS \"$dropme\"'"
at_exit restore_cluster

BIG=262144
BIGP=$(big_players "$BIG")
MID=65536
MIDP="(SELECT ids[1:$MID] FROM public.big_players)"

# consistent TASK...: "status:sessions/participants" of each task's
# tournament, checking that sessions are complete or absent.
all_or_nothing() {
	local task bad=0 line
	for task in "$@"; do
		line=$(q "SELECT k.status, k.tournament_id, (SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = k.tournament_id),
		                 (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = k.tournament_id),
		                 (SELECT count(*) FROM tourney.session_participants p WHERE p.tournament_id = k.tournament_id),
		                 t.status
		          FROM tourney.tasks k JOIN tourney.tournaments t USING (tournament_id) WHERE k.task_id = '$task'")
		IFS='|' read -r st tid n s p ts <<<"$line"
		if [[ $st == done && $s == "$n" && $p == "$n" && $ts == in_progress ]] ||
			[[ $st == error && $s == 0 && $p == 0 && $ts == draft ]]; then
			:
		else
			bad=1
			diag "task $task: $line"
		fi
	done
	((bad == 0)) && echo t
}

ended() {
	q "SELECT count(*) FILTER (WHERE status IN ('done', 'error')) || '/' || count(*)
	   FROM tourney.tasks WHERE task_id = ANY ('{$(IFS=,; echo "$*")}'::uuid[])"
}

# ---------------------------------------------------------------------------
# 1. SIGKILL of a worker while it writes a 262,144-player generation.
# ---------------------------------------------------------------------------
q "CHECKPOINT" >/dev/null
t=$(tournament_with "$BIGP" "sigkill")
task=$(q "SELECT tourney.generate_sessions($t, async => true)")
poll 60 "SELECT EXISTS (SELECT FROM tourney.task_progress
                        WHERE task_id = '$task' AND phase = 'writing' AND sessions_written > 0)" ||
	diag "the task did not start writing"
pid=$(q "SELECT worker_pid FROM tourney.tasks WHERE task_id = '$task' AND status = 'running'")
ok "$([[ $pid =~ ^[0-9]+$ ]] && kill -9 "$pid" && echo t)" "SIGKILL to the worker (pid $pid) while it writes"
sleep 1
server_up 60 || diag "the server did not come back after the crash"
r=$(q "SELECT status || '|' || (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t)
       FROM tourney.tasks WHERE task_id = '$task'")
like "$r" '^(running|queued)\|0$' "after the crash restart: nothing of the killed attempt is left ($r), no tourney call yet"
r=$(q "SELECT status || '|' || attempts FROM tourney.wait_for_task('$task', '20 s')" 2>&1)
like "$r" '^(done\|2|error\|1)$' "wait_for_task in a new connection recovers the task: done at attempt 2 (or error)"
[[ $r == done* || $r == error* ]] || diag "then generation_status: $(wait_end "$task" 60)"
is "$(all_or_nothing "$task")" t "after SIGKILL: sessions complete with done, absent with error"
r=$(q "SELECT CASE WHEN status = 'error' THEN error ELSE 'done' END FROM tourney.tasks WHERE task_id = '$task'")
like "$r" '^done$|worker .* ended' "after SIGKILL: done, or an error naming the dead worker ($r)"

# ---------------------------------------------------------------------------
# 2. Immediate stop right after tasks were queued; start; tourney calls
#    (generation_status) recover them.
# ---------------------------------------------------------------------------
q "CHECKPOINT" >/dev/null
tasks=()
ids=()
for i in 1 2 3; do ids+=("$(tournament_with "$MIDP" "restart $i")"); done
mapfile -t tasks < <(queue_together "${ids[@]}")
ok "$(((${#tasks[@]} == 3)) && echo t)" "three $MID-player tasks queued and committed"
ctl stop -m immediate
ok "$(ctl start && server_up 60 && echo t)" "immediate stop right after the commit, then start"
r=$(q "SELECT count(*) FILTER (WHERE status IN ('queued', 'running')) FROM tourney.tasks
       WHERE task_id = ANY ('{$(IFS=,; echo "${tasks[*]}")}'::uuid[])")
diag "unfinished right after the restart: $r of 3"
for task in "${tasks[@]}"; do wait_end "$task" 60 >/dev/null; done
is "$(ended "${tasks[@]}")" 3/3 "after the restart, generation_status calls bring every task to done or error"
is "$(all_or_nothing "${tasks[@]}")" t "after the restart: sessions complete with done, absent with error"
is "$(q "SELECT string_agg(status::text, ',') FROM tourney.tasks WHERE task_id = ANY ('{$(IFS=,; echo "${tasks[*]}")}'::uuid[])")" \
	"done,done,done" "after the restart: the interrupted tasks are retried to done"

# ---------------------------------------------------------------------------
# 3. shared_preload_libraries = 'tourney': after an immediate stop and a
#    start, the launcher alone recovers every task (plain SELECTs only here).
# ---------------------------------------------------------------------------
preload_set
ok "$(ctl restart -m fast && server_up 60 && echo t)" "restart with shared_preload_libraries = tourney"
poll 20 "SELECT count(*) = 1 FROM pg_stat_activity WHERE backend_type = 'tourney launcher'" || true
is "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'tourney launcher'")" 1 \
	"the tourney launcher runs"

# DROP DATABASE waits until every process has absorbed a ProcSignalBarrier,
# the launcher included.
q "CREATE DATABASE \"$dropme\"" >/dev/null
out=$(qe "SET statement_timeout = '15s'" "DROP DATABASE \"$dropme\"")
is "$out" "" "with tourney preloaded, DROP DATABASE completes (the launcher absorbs the ProcSignalBarrier)"

q "CHECKPOINT" >/dev/null
ids=()
for i in 1 2 3; do ids+=("$(tournament_with "$MIDP" "launcher $i")"); done
# one running when the server stops, three just queued
tr=$(tournament_with "$MIDP" "launcher running")
taskr=$(q "SELECT tourney.generate_sessions($tr, async => true)")
poll 60 "SELECT EXISTS (SELECT FROM tourney.task_progress WHERE task_id = '$taskr' AND phase = 'writing')" ||
	diag "the first task did not start writing"
mapfile -t tasks < <(queue_together "${ids[@]}")
tasks+=("$taskr")
ok "$(((${#tasks[@]} == 4)) && echo t)" "one task running, three just queued"
ctl stop -m immediate
ok "$(ctl start && server_up 60 && echo t)" "immediate stop, then start (preloaded)"
before=$(ended "${tasks[@]}")
diag "ended right after the restart: $before"
start=$(date +%s)
poll 40 "SELECT count(*) = 0 FROM tourney.tasks
         WHERE task_id = ANY ('{$(IFS=,; echo "${tasks[*]}")}'::uuid[]) AND status IN ('queued', 'running')" ||
	diag "tasks: $(q "SELECT string_agg(format('%s %s %s', task_id, status, attempts), ', ') FROM tourney.tasks
	                  WHERE task_id = ANY ('{$(IFS=,; echo "${tasks[*]}")}'::uuid[])")"
took=$(($(date +%s) - start))
is "$(ended "${tasks[@]}")" 4/4 "the launcher alone brings every task to done or error (${took} s)"
ok "$( ((took <= 30)) && echo t)" "within 30 s of the start"
is "$(all_or_nothing "${tasks[@]}")" t "after the preloaded restart: sessions complete with done, absent with error"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE status IN ('queued', 'running')")" 0 \
	"no task of this database is left queued or running"

# ---------------------------------------------------------------------------
# Restore the configuration: no preloading, restarted.
# ---------------------------------------------------------------------------
preload_remove
ok "$(ctl restart -m fast && server_up 60 && echo t)" "restart without shared_preload_libraries"
is "$(q "SELECT current_setting('shared_preload_libraries') || '|' ||
         (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'tourney launcher')")" "|0" \
	"configuration restored: nothing preloaded, no launcher"
