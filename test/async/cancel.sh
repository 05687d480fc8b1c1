#!/usr/bin/env bash
# Cancelling generations in background workers (SPEC §3e, §5; issue 18):
# cancel_task of a running generation returns (no hang: statement_timeout
# bounds every call here; no assertion on how long anything takes), its
# worker stops and rolls back (no partial sessions), the task stays cancelled, the
# tournament stays a draft and is generated again; a cancellation that
# rolls back lets the task run again to the end; cancel_tournament against
# a running generation cancels both without a deadlock error or a hang; a
# queued task cancelled never runs; and cancel_task / cancel_tournament
# racing a worker that is finishing: always one consistent outcome.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 35

N=200000
BIG=$(big_players $N)
SMALL="((SELECT ids FROM public.big_players))[1:20000]"

# now_ms: milliseconds since the epoch
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# start_big NAME: a knockout of the N players, its generation queued async
# and running with some but not all of its sessions written; sets t, task
# and written ("written/total" when the wait ended).
start_big() {
	t=$(tournament_with "$BIG" "$1")
	task=$(q "SELECT tourney.generate_sessions($t, async => true)")
	poll 60 "SELECT coalesce(max(sessions_written), 0) > 0 FROM tourney.task_progress WHERE task_id = '$task'" ||
		diag "$1: the worker did not start writing: $(q "SELECT * FROM tourney.tasks WHERE task_id = '$task'")"
	written=$(q "SELECT sessions_written || '/' || sessions_total FROM tourney.task_progress WHERE task_id = '$task'")
}
# worker_gone TASK SECS: no worker works on the task any more (within SECS)
worker_gone() {
	poll "$2" "SELECT count(*) = 0 FROM tourney.task_progress WHERE task_id = '$1'"
}
task_state() {
	q "SELECT status || '|' || attempts FROM tourney.tasks WHERE task_id = '$1'"
}
tournament_state() {
	q "SELECT status FROM tourney.tournaments WHERE tournament_id = $1"
}

# ---------------------------------------------------------------------------
# 1. cancel_task of a running generation
# ---------------------------------------------------------------------------
start_big "cancel running"
like "$written" "^[1-9][0-9]*/$N\$" "the worker is writing: $written sessions when cancel_task is called"
ok "$( [[ ${written%/*} -lt $N ]] && echo t)" "mid-way: not all $N sessions written yet"
t0=$(now_ms)
r=$(qe "SET statement_timeout = '60s'" "SELECT status || '|' || (finished_at IS NOT NULL) || '|' || error FROM tourney.cancel_task('$task')")
elapsed=$(($(now_ms) - t0))
is "$(sqlstate "$r")" none "cancel_task of the running generation: no error, no hang (statement_timeout 60 s; it took ${elapsed} ms)"
is "$r" "cancelled|true|cancelled by $PGUSER" "cancel_task returns the row: cancelled, finished, by whom"
t0=$(now_ms)
worker_gone "$task" 60
gone=$?
elapsed=$(($(now_ms) - t0))
ok "$( ((gone == 0)) && echo t)" "the worker leaves the task (after ${elapsed} ms; 60 s at most)"
sleep 1
is "$(task_state "$task")" "cancelled|1" "the task stays cancelled after its worker ended (not queued again, one attempt)"
is "$(tournament_state "$t")|$(counts "$t")" "draft|0/0" "the tournament is a draft without a session or participant"
task2=$(q "SELECT tourney.generate_sessions($t, async => true)")
is "$(q "SELECT status || '|' || session_count || '|' || attempts FROM tourney.wait_for_task('$task2', '120 s')")" "done|$N|1" \
	"generated again: the new task ends done with $N sessions"
is "$(tournament_state "$t")|$(counts "$t")" "in_progress|$N/$N" "in progress, every session and participant written once"
is "$(q "SELECT string_agg(status::text, ',' ORDER BY queued_at) FROM tourney.tasks WHERE tournament_id = $t")" "cancelled,done" \
	"its tasks: the cancelled one and the done one"

# ---------------------------------------------------------------------------
# 2. A cancellation that rolls back: the task runs again to the end
# ---------------------------------------------------------------------------
start_big "cancel rolled back"
r=$(qs 2>&1 <<SQL
BEGIN;
SELECT status FROM tourney.cancel_task('$task');
SELECT pg_sleep(0.5);
ROLLBACK;
SQL
)
is "$r" "cancelled" "cancel_task in a transaction that then rolls back"
is "$(q "SELECT status || '|' || session_count || '|' || attempts FROM tourney.wait_for_task('$task', '120 s')")" "done|$N|2" \
	"the interrupted generation runs again and ends done (attempt 2)"
is "$(tournament_state "$t")|$(counts "$t")" "in_progress|$N/$N" "one set of sessions"

# ---------------------------------------------------------------------------
# 3. cancel_tournament against a running generation
# ---------------------------------------------------------------------------
start_big "cancel tournament running"
t0=$(now_ms)
out=$(qe "SET statement_timeout = '60s'" "SELECT tourney.cancel_tournament($t)")
elapsed=$(($(now_ms) - t0))
is "$(sqlstate "$out")" none "cancel_tournament while the worker writes: no error (no deadlock 40P01, no hang: statement_timeout 60 s; ${elapsed} ms): ${out:0:200}"
worker_gone "$task" 60
ok "$( (($? == 0)) && echo t)" "and its worker leaves the task (60 s at most)"
is "$(tournament_state "$t")|$(task_state "$task")|$(counts "$t")" "cancelled|cancelled|1|0/0" \
	"the tournament and its task are cancelled, no session written"
is "$(sqlstate "$(qe "SELECT tourney.generate_sessions($t, async => true)")")" 55000 "a cancelled tournament is not generated again: 55000"

# ---------------------------------------------------------------------------
# 4. A queued task cancelled never runs (tourney.max_workers = 1, the only
#    slot held by task B, whose worker waits for a table lock we hold)
# ---------------------------------------------------------------------------
ta=$(tournament_with "$SMALL" "cancel queued A")
tb=$(tournament_with "((SELECT ids FROM public.big_players))[1:10]" "cancel queued B (blocker)")
bg_start holder
bg_run holder held "BEGIN;" "LOCK TABLE tourney.sessions IN SHARE MODE;"
task_b=$(q "SET tourney.max_workers = 1" "SELECT tourney.generate_sessions($tb, async => true)")
poll 30 "SELECT status = 'running' FROM tourney.tasks WHERE task_id = '$task_b'" || diag "task B did not start"
task_a=$(q "SET tourney.max_workers = 1" "SELECT tourney.generate_sessions($ta, async => true)")
sleep 0.5
is "$(task_state "$task_a")" "queued|0" "task A waits queued for the slot task B holds"
is "$(q "SELECT status FROM tourney.cancel_task('$task_a')")" cancelled "cancel_task of the queued task A: cancelled at once"
bg_run holder released "COMMIT;"
bg_stop holder
is "$(q "SELECT status FROM tourney.wait_for_task('$task_b', '60 s')")" done "task B runs once the lock is gone"
sleep 1
is "$(q "SELECT status || '|' || attempts || '|' || (started_at IS NULL) FROM tourney.tasks WHERE task_id = '$task_a'")" \
	"cancelled|0|true" "task A never ran: cancelled, no attempt, never started"
is "$(tournament_state "$ta")|$(counts "$ta")" "draft|0/0" "A is a draft without sessions"

# ---------------------------------------------------------------------------
# 5. cancel_task and cancel_tournament racing a worker that is finishing
#    (20,000 players): one outcome, always consistent: the task cancelled
#    and nothing written, or the task done and the whole tournament
#    written (cancel_task refused with 55000)
# ---------------------------------------------------------------------------
cancelled=0
finished=0
for delay in 0 0.02 0.04 0.06 0.08 0.1 0.15 wait; do
	t=$(tournament_with "$SMALL" "cancel race $delay")
	task=$(q "SELECT tourney.generate_sessions($t, async => true)")
	if [[ $delay == wait ]]; then
		q "SELECT tourney.wait_for_task('$task', '60 s')" >/dev/null
	else
		sleep "$delay"
	fi
	out=$(qe "SET statement_timeout = '60s'" "SELECT status FROM tourney.cancel_task('$task')")
	q "SELECT tourney.wait_for_task('$task', '60 s')" >/dev/null 2>&1
	worker_gone "$task" 10
	state="$(task_state "$task" | cut -d'|' -f1)|$(tournament_state "$t")|$(counts "$t")"
	case "$out|$state" in
	"cancelled|cancelled|draft|0/0") cancelled=$((cancelled + 1)); ok t "cancel_task after $delay: cancelled, a draft, nothing written" ;;
	*"55000"*"|done|in_progress|20000/20000") finished=$((finished + 1)); ok t "cancel_task after $delay: the worker had finished, 55000, all written" ;;
	*) ok f "cancel_task after $delay: an inconsistent outcome: ${out:0:200} / $state" ;;
	esac
done
diag "cancel_task races: $cancelled cancelled, $finished finished first"
ok "$( ((cancelled >= 1 && finished >= 1)) && echo t)" "the races saw both outcomes (the first cancel at once, the last after the end)"
for delay in 0 0.03 0.06 0.1; do
	t=$(tournament_with "$SMALL" "cancel tournament race $delay")
	task=$(q "SELECT tourney.generate_sessions($t, async => true)")
	sleep "$delay"
	out=$(qe "SET statement_timeout = '60s'" "SELECT tourney.cancel_tournament($t)")
	worker_gone "$task" 10
	state="$(task_state "$task" | cut -d'|' -f1)|$(tournament_state "$t")|$(counts "$t")"
	case "$(sqlstate "$out")|$state" in
	"none|cancelled|cancelled|0/0" | "none|done|cancelled|20000/20000")
		ok t "cancel_tournament after $delay s: $state" ;;
	*) ok f "cancel_tournament after $delay s: an inconsistent outcome: ${out:0:200} / $state" ;;
	esac
done
