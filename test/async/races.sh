#!/usr/bin/env bash
# The worker never races the transaction that queued its task, and a
# generation happens once (SPEC §4, §5; issue 3): rolled-back and still open
# queuing transactions; duplicate requests, sequential and from 16
# connections at once, sync and async mixed.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 43

P=$(make_players 300 race)
[[ $P == '{'* ]] || diag "could not create players: $P"
ALL="'$P'::bigint[]"

# no_worker_for T: how many tourney task processes run for tournament T or
# any task of it, and how many tourney task processes run in this database.
task_processes() {
	q "SELECT count(*) FROM pg_stat_activity
	   WHERE backend_type = 'tourney task' AND datname = current_database()"
}

# ---------------------------------------------------------------------------
# 1. A task queued in a transaction that rolls back never runs.
# ---------------------------------------------------------------------------
t=$(tournament_with "$ALL" "rollback")
task=$(qs 2>&1 <<SQL
BEGIN;
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT :'task';
ROLLBACK;
SQL
)
like "$task" '^[0-9a-f-]{36}$' "rolled back: generate_sessions returned a task id inside the transaction"
sleep 2
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $t OR task_id = '$task'")" 0 \
	"rolled back: no task row"
is "$(counts "$t")|$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")" "0/0|draft" \
	"rolled back: no sessions, the tournament is still draft"
is "$(task_processes)" 0 "rolled back: 2 s later no tourney task process runs in this database"
is "$(sqlstate "$(qe "SELECT tourney.generation_status('$task')")")" P0002 \
	"rolled back: generation_status does not know the task (P0002)"

# The same within a committed transaction, rolled back to a savepoint, then
# queued again: only the second request runs.
out=$(qs 2>&1 <<SQL
BEGIN;
SAVEPOINT s;
SELECT tourney.generate_sessions($t, async => true) AS first \gset
ROLLBACK TO SAVEPOINT s;
SELECT tourney.generate_sessions($t, async => true) AS second \gset
COMMIT;
SELECT :'first';
SELECT :'second';
SQL
)
first=$(sed -n 1p <<<"$out")
second=$(sed -n 2p <<<"$out")
r=$(q "SELECT status || '|' || session_count FROM tourney.wait_for_task('$second', '60 s')" 2>&1)
is "$r" "done|300" "savepoint: the request made after ROLLBACK TO SAVEPOINT ends done"
is "$(q "SELECT count(*) || '|' || bool_and(task_id = '$second') FROM tourney.tasks WHERE tournament_id = $t" 2>&1)" \
	"1|true" "savepoint: the request rolled back to the savepoint left no task ($first)"
is "$(counts "$t" 2>&1)" "300/300" "savepoint: one set of sessions"

# ---------------------------------------------------------------------------
# 2. A task queued in an open transaction starts only after commit (and one
#    whose transaction stays open a while and then rolls back never runs).
# ---------------------------------------------------------------------------
t=$(tournament_with "$ALL" "open transaction")
bg_start opener
bg_run opener 'queued1 :task' "BEGIN;" "SELECT tourney.generate_sessions($t, async => true) AS task \gset"
task1=$(sed -n 's/^queued1 //p' "$T_DIR/opener.out")
sleep 1.5
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $t")|$(counts "$t")" "0|0/0" \
	"open transaction, 1.5 s later: no task visible to others, no sessions"
is "$(q "SELECT count(*) FROM tourney.task_progress WHERE tournament_id = $t OR task_id = '$task1'")" 0 \
	"open transaction: no worker works on the task"
bg_run opener rolledback "ROLLBACK;"
sleep 1.5
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $t")|$(counts "$t")|$(task_processes)" "0|0/0|0" \
	"open transaction rolled back after 1.5 s: no task, no sessions, no worker left"

bg_run opener 'queued2 :task' "BEGIN;" "SELECT tourney.generate_sessions($t, async => true) AS task \gset"
task2=$(sed -n 's/^queued2 //p' "$T_DIR/opener.out")
sleep 1.5
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $t")|$(counts "$t")" "0|0/0" \
	"second open transaction, 1.5 s later: no task visible, no sessions"
is "$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")" draft \
	"open transaction: the tournament is still draft"
bg_run opener committed "SELECT 'before_commit ' || clock_timestamp();" "COMMIT;"
bg_stop opener
before_commit=$(sed -n 's/^before_commit //p' "$T_DIR/opener.out")
r=$(q "SELECT status || '|' || session_count || '|' || (started_at > '$before_commit'::timestamptz)
       FROM tourney.wait_for_task('$task2', '60 s')" 2>&1)
is "$r" "done|300|true" "after COMMIT the task runs: done, 300 sessions, started after the commit"
is "$(counts "$t")" "300/300" "after COMMIT: sessions written once"

# Waiting for a task in the transaction that queued it would never end.
t=$(tournament_with "$ALL" "wait inside")
start=$(date +%s%N)
out=$(qs 2>&1 <<SQL
BEGIN;
SELECT tourney.generate_sessions($t, async => true) AS task \gset
SELECT tourney.wait_for_task(:'task', '5 s');
ROLLBACK;
SQL
)
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
is "$(sqlstate "$out")" 55000 "wait_for_task in the queuing transaction: 55000"
like "$out" "cannot wait for a task in the transaction that queued it" "wait_for_task in the queuing transaction: says why"
ok "$( ((elapsed_ms < 4000)) && echo t)" "wait_for_task in the queuing transaction refuses at once (${elapsed_ms} ms)"

# ---------------------------------------------------------------------------
# 3. Sequential duplicates: refused with 55000 while queued and after done.
#    To hold a task queued: tourney.max_workers = 1 and the only slot taken
#    by task B, whose worker waits for a table lock we hold (SHARE on
#    tourney.sessions: it cannot write its sessions).
# ---------------------------------------------------------------------------
ta=$(tournament_with "$ALL" "dup A")
tb=$(tournament_with "('$P'::bigint[])[1:10]" "dup B (blocker)")
new_player=$(q "INSERT INTO tourney.players (name) VALUES ('late') RETURNING player_id")
bg_start holder
bg_run holder held "BEGIN;" "LOCK TABLE tourney.sessions IN SHARE MODE;"
task_b=$(q "SET tourney.max_workers = 1" "SELECT tourney.generate_sessions($tb, async => true)")
poll 30 "SELECT status = 'running' FROM tourney.tasks WHERE task_id = '$task_b'" ||
	diag "task B did not start: $(q "SELECT * FROM tourney.tasks WHERE task_id = '$task_b'")"
task_a=$(q "SET tourney.max_workers = 1" "SELECT tourney.generate_sessions($ta, async => true)")
poll 30 "SELECT worker_pid IS NOT NULL FROM tourney.tasks WHERE task_id = '$task_a'" ||
	diag "no worker took task A"
sleep 0.5
is "$(q "SELECT status FROM tourney.tasks WHERE task_id = '$task_a'")" queued \
	"task A waits queued for the slot task B holds"

for mode in NULL true false; do
	out=$(qe "SET lock_timeout = '5s'" "SELECT tourney.generate_sessions($ta, async => $mode)")
	is "$(sqlstate "$out")" 55000 "while queued: generate_sessions(async => $mode) again is 55000"
	like "$out" "is queued" "while queued: generate_sessions(async => $mode) again says the generation is queued"
done
out=$(qe "SET lock_timeout = '5s'" "SELECT tourney.enroll($ta, ARRAY[$new_player]::bigint[])")
is "$(sqlstate "$out")" 55000 "while queued: enroll is 55000"
like "$out" "is queued" "while queued: enroll says the generation is queued"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $ta")|$(counts "$ta")" "1|0/0" \
	"while queued: still one task, nothing written"

bg_send holder "COMMIT;"
bg_stop holder
r=$(q "SELECT (SELECT status FROM tourney.wait_for_task('$task_b', '60 s')) || '|' ||
              (SELECT status || '|' || session_count FROM tourney.wait_for_task('$task_a', '60 s'))" 2>&1)
is "$r" "done|done|300" "once the lock is gone, task B and then task A end done"

for mode in NULL true false; do
	out=$(qe "SELECT tourney.generate_sessions($ta, async => $mode)")
	is "$(sqlstate "$out")" 55000 "after done: generate_sessions(async => $mode) again is 55000"
	like "$out" "sessions already generated at" "after done: generate_sessions(async => $mode) says sessions already generated at"
done
is "$(sqlstate "$(qe "SELECT tourney.enroll($ta, ARRAY[$new_player]::bigint[])")")" 55000 "after done: enroll is 55000"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $ta")|$(counts "$ta")" "1|300/300" \
	"after the duplicates: one task, one set of sessions"

# ---------------------------------------------------------------------------
# 4. Sixteen connections at once, async NULL/true/false mixed: exactly one
#    generation, fifteen 55000 errors.  The first caller's transaction is
#    open (async in round 1, sync in round 2) while the other fifteen call
#    and wait behind it; then it commits and they all go.
# ---------------------------------------------------------------------------
concurrent_round() {
	local round=$1 first_mode=$2 t i modes=(NULL true false) pids=() ok_n=0 err55=0 other=0 f s
	s="first$round"
	t=$(tournament_with "$ALL" "concurrent $round")
	bg_start "$s"
	bg_run "$s" 'first :task' "BEGIN;" "SELECT tourney.generate_sessions($t, async => $first_mode) AS task \gset"
	for i in $(seq 2 16); do
		qe "SELECT tourney.generate_sessions($t, async => ${modes[$((i % 3))]})" >"$T_DIR/c$round.$i.out" &
		pids+=($!)
	done
	poll 30 "SELECT count(*) = 15 FROM pg_stat_activity WHERE wait_event_type = 'Lock'
	         AND datname = current_database() AND query LIKE '%generate_sessions($t,%'" ||
		diag "round $round: not all 15 callers are waiting"
	bg_run "$s" committed "COMMIT;"
	bg_stop "$s"
	sed -n 's/^first //p' "$T_DIR/$s.out" >"$T_DIR/c$round.1.out"
	grep -q '^ERROR' "$T_DIR/$s.out" && grep '^ERROR' "$T_DIR/$s.out" >"$T_DIR/c$round.1.out"
	for i in "${!pids[@]}"; do wait "${pids[$i]}"; done
	for i in $(seq 1 16); do
		f=$(cat "$T_DIR/c$round.$i.out")
		if [[ $f =~ ^[0-9a-f-]{36}$ ]]; then
			ok_n=$((ok_n + 1))
		elif [[ $(sqlstate "$f") == 55000 ]]; then
			err55=$((err55 + 1))
		else
			other=$((other + 1))
			diag "round $round, caller $i: $f"
		fi
	done
	is "$ok_n|$err55|$other" "1|15|0" "16 at once, the first one async => $first_mode: 1 success, 15 errors 55000, nothing else"
	local task
	task=$(q "SELECT task_id FROM tourney.tasks WHERE tournament_id = $t LIMIT 1")
	[[ -n $task ]] && q "SELECT tourney.wait_for_task('$task', '60 s')" >/dev/null 2>&1
	is "$(q "SELECT count(*) || '|' || string_agg(status::text, ',') FROM tourney.tasks WHERE tournament_id = $t")|$(counts "$t")" \
		"1|done|300/300" "16 at once, the first one async => $first_mode: exactly one task, done, one set of sessions"
}
concurrent_round 1 true
concurrent_round 2 false

# ---------------------------------------------------------------------------
# 5. enroll waiting behind the transaction that queues the generation: once
#    that commits, the generation is queued, so the enrolment is refused.
# ---------------------------------------------------------------------------
t=$(tournament_with "$ALL" "enroll race")
late=$(q "INSERT INTO tourney.players (name) VALUES ('later') RETURNING player_id")
bg_start queuer
bg_run queuer 'queued :task' "BEGIN;" "SELECT tourney.generate_sessions($t, async => true) AS task \gset"
task=$(sed -n 's/^queued //p' "$T_DIR/queuer.out")
qe "SELECT tourney.enroll($t, ARRAY[$late]::bigint[])" >"$T_DIR/enroll.out" &
enroller=$!
poll 30 "SELECT count(*) = 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock'
         AND datname = current_database() AND query LIKE '%tourney.enroll($t,%'" ||
	diag "the enrolment is not waiting"
bg_send queuer "COMMIT;"
bg_stop queuer
wait "$enroller"
out=$(cat "$T_DIR/enroll.out")
is "$(sqlstate "$out")" 55000 "enroll that waited for the queuing transaction: 55000 once the generation is queued"
q "SELECT tourney.wait_for_task('$task', '60 s')" >/dev/null 2>&1
is "$(q "SELECT count(*) FROM tourney.enrollments WHERE tournament_id = $t")|$(counts "$t")" "300|300/300" \
	"enroll race: the late player is neither enrolled nor in the bracket"
