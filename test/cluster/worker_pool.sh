#!/usr/bin/env bash
# Idle task workers (SPEC §5; issue 5, the queue wait): with tourney in
# shared_preload_libraries, a worker that has ended its task stays idle for
# tourney.worker_idle_timeout and takes the next task of its database and
# session user.  It must serve only that user, hold nothing while idle, keep
# at most tourney.max_workers idle, leave on its timeout, on SIGTERM and
# when DROP DATABASE needs the database, and never run a task whose queuing
# transaction rolled back.
# test/schedule runs it after the other scripts: it restarts the cluster
# with tourney preloaded (restored at exit, also when a test fails).
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 33

source "$(dirname "${BASH_SOURCE[0]}")/../support/cluster.bash"

pfx=${PGDATABASE//[^A-Za-z0-9_]/_}
grp=${pfx}_pool_grp
usr=${pfx}_pool_usr
pw="pw_${RANDOM}_${RANDOM}_$$"
dropme=${PGDATABASE}_pool_dropme
drop_roles() {
	q "DROP OWNED BY $usr, $grp" "DROP ROLE IF EXISTS $usr, $grp" ||
		diag "could not drop roles $usr, $grp"
}
q "DROP ROLE IF EXISTS $usr, $grp" >/dev/null 2>&1
at_exit drop_roles
at_exit "q 'DROP DATABASE IF EXISTS \"$dropme\"'"
at_exit restore_cluster
task_roles "$grp" "$usr" "$pw"
as_usr() { PGUSER=$usr PGPASSWORD=$pw "$@"; }

P=$(make_players 300 pool)
[[ $P == '{'* ]] || diag "could not create players: $P"
ALL="'$P'::bigint[]"

# run_task [SETTINGS_SQL]: a new 300-player knockout generated in a worker,
# waited for; prints "status|worker_pid|requested_by|connected_as".
run_task() {
	local t
	t=$(tournament_with "$ALL" "pool task")
	qs <<SQL
${1:-}
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT concat_ws('|', status, worker_pid, requested_by, connected_as)
FROM tourney.wait_for_task(:'task', '60 s');
SQL
}
field() { cut -d'|' -f"$2" <<<"$1"; }
alive() { q "SELECT count(*) FROM pg_stat_activity WHERE pid = $1 AND backend_type = 'tourney task'"; }
# with no task left, every task worker is an idle one
idle_workers() {
	q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'tourney task'"
}

preload_set
ok "$(ctl restart -m fast && server_up 60 && echo t)" "restart with shared_preload_libraries = tourney"

# ---------------------------------------------------------------------------
# 1. One worker serves the tasks of its user one after another, and holds
#    nothing while it waits.
# ---------------------------------------------------------------------------
r1=$(run_task)
r2=$(run_task)
r3=$(run_task)
w=$(field "$r1" 2)
is "$(field "$r1" 1)|$(field "$r2" 1)|$(field "$r3" 1)" "done|done|done" "three tasks in a row: all done"
is "$(field "$r2" 2)|$(field "$r3" 2)" "$w|$w" "the first task's worker (pid $w) ran the next two"
is "$(q "SELECT state FROM pg_stat_activity WHERE pid = $w")" idle "between tasks the worker is idle"
# (from its commit until it is idle, a worker still shows its last progress)
poll 5 "SELECT count(*) = 0 FROM tourney.task_progress WHERE pid = $w" || true
is "$(q "SELECT count(*) FROM tourney.task_progress WHERE pid = $w")" 0 \
	"an idle worker is not listed in tourney.task_progress"
is "$(q "SELECT count(*) FROM pg_locks WHERE pid = $w")" 0 \
	"an idle worker holds no lock (its worker slot included)"
is "$(q "SELECT count(*) FROM tourney.sessions s JOIN tourney.tasks k USING (tournament_id)
         WHERE k.worker_pid = $w")" 900 "the reused worker wrote every session of its three tasks"

# ---------------------------------------------------------------------------
# 2. Another session user gets a worker of its own; SET ROLE is honoured
#    task by task by a reused worker.
# ---------------------------------------------------------------------------
t=$(tournament_with "$ALL" "pool usr")
ru=$(as_usr qs <<SQL
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT concat_ws('|', status, worker_pid, requested_by, connected_as) FROM tourney.wait_for_task(:'task', '60 s');
SQL
)
wu=$(field "$ru" 2)
is "$(field "$ru" 1)|$(field "$ru" 4)" "done|$usr" "a task of another login role is done"
ok "$([[ -n $wu && $wu != "$w" ]] && echo t)" "it ran in a worker of its own ($wu, not $w)"
is "$(q "SELECT usename FROM pg_stat_activity WHERE pid = $wu")" "$usr" "that worker is logged in as $usr"
for mode in "SET ROLE $grp;" "RESET ROLE;"; do
	t=$(tournament_with "$ALL" "pool usr role")
	r=$(as_usr qs <<SQL
$mode
SELECT tourney.generate_sessions($t, async => true) AS task \gset
RESET ROLE;
SELECT concat_ws('|', status, worker_pid, requested_by, connected_as) FROM tourney.wait_for_task(:'task', '60 s');
SQL
)
	if [[ $mode == SET* ]]; then want=$grp; else want=$usr; fi
	is "$r" "done|$wu|$want|$usr" "after '$mode' the task is requested by $want and run by the same worker"
done

# ---------------------------------------------------------------------------
# 3. A task handed to an idle worker in a transaction that rolls back never
#    runs; the worker stays for the next one.
# ---------------------------------------------------------------------------
t=$(tournament_with "$ALL" "pool rollback")
out=$(qs <<SQL 2>&1
BEGIN;
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT pg_sleep(0.3);
ROLLBACK;
SELECT count(*) FROM tourney.tasks WHERE task_id = :'task';
SQL
)
sleep 0.5
is "$(tail -n 1 <<<"$out")|$(counts "$t")|$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")" \
	"0|0/0|draft" "rolled back: no task row, no sessions, the tournament still draft"
is "$(alive "$w")|$(q "SELECT state FROM pg_stat_activity WHERE pid = $w")" "1|idle" \
	"rolled back: the idle worker is still there, idle"
r=$(run_task)
is "$(field "$r" 1)|$(field "$r" 2)" "done|$w" "the next task is run by that worker"

# ---------------------------------------------------------------------------
# 4. SIGTERM ends an idle worker; the next task gets a new one.
# ---------------------------------------------------------------------------
is "$(q "SELECT pg_terminate_backend($w)")" t "pg_terminate_backend of the idle worker"
poll 10 "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $w" || true
is "$(alive "$w")" 0 "the terminated worker has exited"
r=$(run_task)
w2=$(field "$r" 2)
ok "$([[ $(field "$r" 1) == done && -n $w2 && $w2 != "$w" ]] && echo t)" \
	"the next task is done by a new worker ($w2)"

# ---------------------------------------------------------------------------
# 5. At most tourney.max_workers workers stay idle.
# ---------------------------------------------------------------------------
ids=()
for i in 1 2 3 4 5; do ids+=("$(tournament_with "$ALL" "pool burst $i")"); done
mapfile -t tasks < <(queue_together --set "SET tourney.max_workers = 2;" "${ids[@]}")
for task in "${tasks[@]}"; do wait_end "$task" 60 >/dev/null; done
is "$(q "SELECT count(*) FILTER (WHERE status = 'done') || '/' || count(*) FROM tourney.tasks
         WHERE task_id = ANY ('{$(IFS=,; echo "${tasks[*]}")}'::uuid[])")" 5/5 \
	"five tasks queued at once with max_workers 2: all done"
sleep 0.5
ok "$( (($(idle_workers) <= 2)) && echo t)" \
	"then at most 2 task workers are idle ($(idle_workers))"

# ---------------------------------------------------------------------------
# 6. tourney.worker_idle_timeout: the worker leaves when it has passed; 0
#    ends it with its task.
# ---------------------------------------------------------------------------
q "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'tourney task'" >/dev/null
poll 10 "SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'tourney task'" || true
r=$(run_task "SET tourney.worker_idle_timeout = '1s';")
w=$(field "$r" 2)
is "$(field "$r" 1)|$(alive "$w")" "done|1" "idle timeout 1s: the task is done, its worker waits"
poll 10 "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $w" || true
is "$(alive "$w")" 0 "idle timeout 1s: the worker has left within 10 s"
r=$(run_task "SET tourney.worker_idle_timeout = 0;")
w=$(field "$r" 2)
poll 5 "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $w" || true
is "$(field "$r" 1)|$(alive "$w")" "done|0" "idle timeout 0: the worker ends with its task"
out=$(qe "SET tourney.worker_idle_timeout = -1")
is "$(sqlstate "$out")" 22023 "a negative idle timeout is refused (22023)"

# ---------------------------------------------------------------------------
# 7. DROP DATABASE does not wait for an idle worker (it gives up after 5 s
#    of other connections).
# ---------------------------------------------------------------------------
q "DROP DATABASE IF EXISTS \"$dropme\"" "CREATE DATABASE \"$dropme\"" >/dev/null
r=$(PGDATABASE=$dropme qs <<'SQL' 2>&1
CREATE EXTENSION tourney;
WITH p AS (INSERT INTO tourney.players (name, rating) SELECT 'd' || g, 1000 + g FROM generate_series(1, 300) g RETURNING player_id)
SELECT tourney.create_tournament('drop', 'knockout') AS t, array_agg(player_id ORDER BY player_id) AS ids FROM p \gset
SELECT tourney.enroll(:t, :'ids') \g /dev/null
SELECT tourney.generate_sessions(:t, async => true) AS task \gset
SELECT status FROM tourney.wait_for_task(:'task', '60 s');
SQL
)
is "$r|$(q "SELECT count(*) FROM pg_stat_activity WHERE datname = '$dropme' AND backend_type = 'tourney task'")" \
	"done|1" "a task done in a new database leaves its worker idle there"
start=$(date +%s%N)
out=$(qe "SET statement_timeout = '4s'" "DROP DATABASE \"$dropme\"")
took=$((($(date +%s%N) - start) / 1000000))
is "$out" "" "DROP DATABASE of that database succeeds at once (${took} ms), not after its 5 s wait"

# ---------------------------------------------------------------------------
# 8. No background worker slot free: the call says so, idle workers are
#    asked to leave, and the task starts once a slot is free.  With
#    max_worker_processes = 4, the tourney launcher, the logical replication
#    launcher and two idle workers take every slot.
# ---------------------------------------------------------------------------
usr2=${pfx}_pool_usr2
q "DROP ROLE IF EXISTS $usr2" >/dev/null 2>&1
q "CREATE ROLE $usr2 LOGIN PASSWORD '$pw' IN ROLE $grp" >/dev/null || diag "could not create $usr2"
at_exit "q 'DROP ROLE IF EXISTS $usr2'"
mwp=$(q "SHOW max_worker_processes")
restore_mwp() { pg_conftool "$PGVERSION" "${CLUSTER[0]}" set max_worker_processes "$mwp"; }
at_exit restore_mwp
pg_conftool "$PGVERSION" "${CLUSTER[0]}" set max_worker_processes 4
ok "$(ctl restart -m fast && server_up 60 && echo t)" "restart with max_worker_processes = 4"
poll 20 "SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type IN ('tourney recovery', 'tourney task')" || true
# idle for longer than the wait below: only being asked to leave frees them
q "ALTER ROLE $usr SET tourney.worker_idle_timeout = '10min'" >/dev/null
w1=$(field "$(run_task "SET tourney.worker_idle_timeout = '10min';")" 2)
t=$(tournament_with "$ALL" "pool slots usr")
wu=$(as_usr qs <<SQL | cut -d'|' -f2
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT concat_ws('|', status, worker_pid) FROM tourney.wait_for_task(:'task', '60 s');
SQL
)
poll 5 "SELECT count(*) = 2 FROM pg_stat_activity WHERE backend_type = 'tourney task' AND state = 'idle'" || true
is "$(q "SELECT count(*) FROM pg_stat_activity WHERE pid IN ($w1, $wu) AND state = 'idle'")" 2 \
	"two idle workers, one per session user"
t=$(tournament_with "$ALL" "pool slots usr2")
out=$(PGUSER=$usr2 PGPASSWORD=$pw qs 2>&1 <<SQL
SET client_min_messages = notice;
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT status FROM tourney.wait_for_task(:'task', '60 s');
SQL
)
like "$out" "no background worker slot is free" "a third session user's task: no worker slot free, said in a NOTICE"
is "$(tail -n 1 <<<"$out")" done "that task is done once the idle workers have left"
is "$(alive "$w1")|$(alive "$wu")" "0|0" "both idle workers have left"
restore_mwp

# ---------------------------------------------------------------------------
# Restore the configuration: no preloading, restarted.
# ---------------------------------------------------------------------------
preload_remove
ok "$(ctl restart -m fast && server_up 60 && echo t)" "restart without shared_preload_libraries"
r=$(run_task)
w=$(field "$r" 2)
poll 5 "SELECT count(*) = 0 FROM pg_stat_activity WHERE pid = $w" || true
is "$(field "$r" 1)|$(alive "$w")" "done|0" "not preloaded: a worker ends with its task"
