# test/support/tap.bash: what the TAP scripts (test/*/*.sh) share.  Sourced
# first thing by every script,
#   source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"
# not run (scripts/test.sh only runs the scripts test/schedule lists).
#
# Environment (from scripts/test.sh): PGDATABASE, a fresh database with
# pgtap, tourney and test_support (helpers.sql); PGHOST/PGPORT/PGUSER, a
# superuser; PGVERSION.  Every psql call is bounded by `timeout` and by
# statement_timeout, so no test can hang.
#
#   TAP        plan N; ok COND DESC; is GOT WANT DESC; like GOT REGEX DESC;
#              skip DESC REASON; diag TEXT.  COND of ok is a shell truth
#              word: t, true, 1 and yes pass, anything else fails.  The
#              script's exit status is tap_done's: every planned test ran
#              and none failed.
#   psql       q SQL...; qs (a psql script on stdin); qe SQL...; sqlstate
#              TEXT; sqlstate_of FILE; run_sql FILE OUT
#   waiting    poll SECS SQL; wait_end TASK SECS; quiesce
#   sessions   bg_start NAME [psql options]; bg_send NAME SQL; bg_run NAME
#              ECHO SQL...; bg_expect NAME REGEX SECS; bg_out NAME; bg_stop NAME
#   races      race NAME SQL...; outcome NAME N; barrier_of NAME
#   fixtures   make_players N PREFIX; big_players N; tournament_with PLAYERS NAME;
#              queue_together [--set SQL] ID...; task_roles GROUP USER
#              PASSWORD; knockout_sessions N;
#              structure_diff A B; counts T
#   cleanup    at_exit CMD (run at exit, the last registered first); files
#              go to $T_DIR, removed at exit

set -u -o pipefail

# Every statement of the scripts' own sessions is bounded; workers are not
# affected (they are background workers, not clients).
export PGOPTIONS="-c statement_timeout=120s -c client_min_messages=warning ${PGOPTIONS:-}"

T_DIR=$(mktemp -d -t tourney-test.XXXXXX)
T_PLANNED=0
T_RUN=0
T_FAILED=0
T_BG_PIDS=()
T_CLEANUP=()

# --- TAP -------------------------------------------------------------------

plan() {
	T_PLANNED=$1
	echo "1..$1"
}

diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

ok() {
	local cond=$1 desc
	shift
	desc=${*//$'\n'/ }
	T_RUN=$((T_RUN + 1))
	case $cond in
	t | true | 1 | yes) echo "ok $T_RUN - $desc" ;;
	*)
		echo "not ok $T_RUN - $desc"
		T_FAILED=$((T_FAILED + 1))
		;;
	esac
}

is() {
	local got=$1 want=$2
	shift 2
	if [[ $got == "$want" ]]; then
		ok t "$@"
	else
		ok f "$@"
		diag "     got: '$got'"
		diag "    want: '$want'"
	fi
}

like() {
	local got=$1 re=$2
	shift 2
	if [[ $got =~ $re ]]; then
		ok t "$@"
	else
		ok f "$@"
		diag "     got: '$got'"
		diag "    want match: /$re/"
	fi
}

skip() {
	T_RUN=$((T_RUN + 1))
	echo "ok $T_RUN - $1 # SKIP ${2:-}"
}

tap_done() {
	if ((T_RUN != T_PLANNED)); then
		diag "planned $T_PLANNED tests but ran $T_RUN"
	fi
	((T_FAILED == 0 && T_RUN == T_PLANNED))
}

# --- psql ------------------------------------------------------------------

# q SQL...: run statements in one psql session, print unaligned tuples;
# errors go to stderr with their SQLSTATE.  Exit status is psql's.
q() {
	local args=() s
	for s in "$@"; do args+=(-c "$s"); done
	timeout 150 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "${args[@]}"
}

# qs [psql options]: run a psql script given on stdin (may use \gset, \echo, ...).
qs() {
	timeout 150 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@"
}

# qe SQL...: like q, but stdout and stderr together (to look at errors).
qe() {
	q "$@" 2>&1
}

# sqlstate TEXT: the SQLSTATE of the first "ERROR:  XXXXX:" line in TEXT.
sqlstate() {
	local re='ERROR:  ([0-9A-Z]{5}):'
	if [[ $1 =~ $re ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo none
	fi
}

# sqlstate_of FILE: the SQLSTATE of the first ERROR or FATAL line of a psql
# output file, "ok" if there is none.
sqlstate_of() {
	local s
	s=$(grep -m1 -oE '(ERROR|FATAL):  [0-9A-Z]{5}' "$1" 2>/dev/null | grep -oE '[0-9A-Z]{5}$')
	echo "${s:-ok}"
}

# run_sql FILE OUT: run FILE in one psql session, output (stdout and
# stderr) and exit status to OUT and OUT.rc; a connection refused for lack
# of slots is tried again.
run_sql() {
	local i rc
	for i in $(seq 200); do
		timeout 170 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -f "$1" >"$2" 2>&1
		rc=$?
		grep -q 'too many clients\|53300' "$2" || break
		sleep 0.05
	done
	echo "$rc" >"$2.rc"
}

# --- waiting ---------------------------------------------------------------

# wait_end TASK SECONDS: call generation_status (each call its own
# transaction, and a tourney call, so it also recovers) every 0.2 s until the
# task has ended; prints the final "status".
wait_end() {
	local task=$1 secs=$2 deadline s
	deadline=$(($(date +%s%N) / 1000000 + secs * 1000))
	while :; do
		s=$(q "SELECT status FROM tourney.generation_status('$task')" 2>/dev/null)
		[[ $s == done || $s == error || $s == cancelled ]] && break
		(($(date +%s%N) / 1000000 >= deadline)) && break
		sleep 0.2
	done
	echo "$s"
}

# poll SECONDS SQL: repeat SQL (a boolean query) every 0.1 s until true;
# returns 0 when it became true, 1 at the deadline.
poll() {
	local secs=$1 sql=$2 deadline
	deadline=$(($(date +%s%N) / 1000000 + secs * 1000))
	while (($(date +%s%N) / 1000000 < deadline)); do
		[[ $(q "$sql" 2>/dev/null) == t ]] && return 0
		sleep 0.1
	done
	return 1
}

# quiesce: wait (10 s at most) until no other client backend is connected:
# the backends of finished psql runs exit asynchronously and would still
# hold connection slots.
quiesce() {
	poll 10 "SELECT count(*) = 0 FROM pg_stat_activity
	         WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
}

# --- background sessions ---------------------------------------------------

# Background psql sessions fed through a fifo, to keep a transaction open or
# to listen while other connections act.  Output (stdout and stderr)
# accumulates in $T_DIR/NAME.out.
declare -A T_BG_FD=()
declare -A T_BG_PID=()
bg_start() {
	local name=$1 fd
	shift
	mkfifo "$T_DIR/$name.in"
	timeout 170 psql -X -q -A -t -v ON_ERROR_STOP=0 -v VERBOSITY=verbose "$@" \
		<"$T_DIR/$name.in" >"$T_DIR/$name.out" 2>&1 &
	T_BG_PID[$name]=$!
	T_BG_PIDS+=($!)
	exec {fd}>"$T_DIR/$name.in"
	T_BG_FD[$name]=$fd
}

bg_send() {
	printf '%s\n' "$2" >&"${T_BG_FD[$1]}"
}

# bg_expect NAME REGEX SECS: wait until the session's output matches.
bg_expect() {
	local name=$1 re=$2 secs=$3 deadline
	deadline=$(($(date +%s%N) / 1000000 + secs * 1000))
	while (($(date +%s%N) / 1000000 < deadline)); do
		grep -Eq -- "$re" "$T_DIR/$name.out" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

bg_out() {
	cat "$T_DIR/$1.out" 2>/dev/null
}

# bg_run NAME ECHO SQL...: send the SQL lines to session NAME, then
# "\echo ECHO" (it may name psql variables), and wait (30 s at most) for
# the echo; returns 1, with a diagnostic, when it does not come.
bg_run() {
	local name=$1 echo=$2 word s
	shift 2
	for s in "$@"; do bg_send "$name" "$s"; done
	bg_send "$name" "\\echo $echo"
	word=${echo%% *}
	bg_expect "$name" "^$word( |\$)" 30 && return 0
	diag "$name: no '$word' after: $*: $(bg_out "$name")"
	return 1
}

bg_stop() {
	local name=$1 fd=${T_BG_FD[$1]:-}
	[[ -n $fd ]] || return 0
	printf '\\q\n' >&"$fd" 2>/dev/null
	exec {fd}>&-
	unset "T_BG_FD[$name]"
	wait "${T_BG_PID[$name]}" 2>/dev/null
}

# --- races -----------------------------------------------------------------

# race NAME SQL...: run every SQL in a connection of its own, all released
# at the same moment: each caller but the first blocks in
# pg_advisory_lock_shared behind caller 1, which holds the lock until all
# of them wait, lets them go and runs its own SQL (so N callers need N
# connections).  Caller i's output (stdout and stderr, SQLSTATEs included)
# and exit status go to $T_DIR/NAME.i.out and NAME.i.out.rc; NAME.barrier
# holds how many callers caller 1 saw waiting when it let them go.
T_RACE_KEY=7000
race() {
	local name=$1 n i pids=() key waiting
	shift
	n=$#
	T_RACE_KEY=$((T_RACE_KEY + 1))
	key=$T_RACE_KEY
	waiting="SELECT count(*) FROM pg_locks
	         WHERE locktype = 'advisory' AND classid = 0 AND objid = $key AND objsubid = 1 AND NOT granted
	           AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
	cat >"$T_DIR/$name.1.sql" <<SQL
SELECT pg_advisory_lock($key);
\\! touch $T_DIR/$name.locked
DO \$\$
BEGIN
    FOR i IN 1..1200 LOOP
        EXIT WHEN ($waiting) >= $((n - 1));
        PERFORM pg_sleep(0.05);
    END LOOP;
END \$\$;
$waiting \\g $T_DIR/$name.barrier
SELECT pg_advisory_unlock($key);
$1;
SQL
	for ((i = 2; i <= n; i++)); do
		printf 'SELECT pg_advisory_lock_shared(%d);\nSELECT pg_advisory_unlock_shared(%d);\n%s;\n' \
			"$key" "$key" "${!i}" >"$T_DIR/$name.$i.sql"
	done
	rm -f "$T_DIR/$name.locked"
	run_sql "$T_DIR/$name.1.sql" "$T_DIR/$name.1.out" &
	pids+=($!)
	for _ in $(seq 300); do
		[[ -e $T_DIR/$name.locked ]] && break
		sleep 0.05
	done
	for ((i = 2; i <= n; i++)); do
		run_sql "$T_DIR/$name.$i.sql" "$T_DIR/$name.$i.out" &
		pids+=($!)
	done
	T_BG_PIDS+=("${pids[@]}")
	wait "${pids[@]}"
}

# barrier_of NAME: how many callers of race NAME were waiting when released.
barrier_of() { tr -d ' \n' <"$T_DIR/$1.barrier" 2>/dev/null || echo none; }

# outcome NAME N: "ok=<n> 55000=<n> other=<n>" over the N callers of race
# NAME; the other outcomes (the first error line each) go to diagnostics.
outcome() {
	local name=$1 n=$2 i s n_ok=0 n_55=0 n_other=0
	for ((i = 1; i <= n; i++)); do
		s=$(sqlstate_of "$T_DIR/$name.$i.out")
		if [[ $s == ok && $(cat "$T_DIR/$name.$i.out.rc" 2>/dev/null) == 0 ]]; then
			n_ok=$((n_ok + 1))
		elif [[ $s == 55000 ]]; then
			n_55=$((n_55 + 1))
		else
			n_other=$((n_other + 1))
			((n_other <= 20)) && diag "$name caller $i: $(grep -m1 -E 'ERROR|FATAL|error' "$T_DIR/$name.$i.out")" >&2
		fi
	done
	echo "ok=$n_ok 55000=$n_55 other=$n_other"
}

# --- cleanup ---------------------------------------------------------------

# Run CMD at exit (cleanup in reverse order of registration).
at_exit() {
	T_CLEANUP+=("$*")
}

# Tasks of this database left queued or running would keep being recovered
# (and, with a preloaded launcher, be picked up in later scripts' runs):
# name them, then delete their tournaments (tasks cascade).
drop_unfinished() {
	local left
	left=$(q "SELECT string_agg(format('%s (tournament %s, %s)', task_id, tournament_id, status), ', ')
	          FROM tourney.tasks WHERE status IN ('queued', 'running')" 2>/dev/null)
	if [[ -n $left ]]; then
		diag "unfinished tasks at exit, their tournaments are deleted: $left"
		q "DELETE FROM tourney.tournaments WHERE tournament_id IN
		   (SELECT tournament_id FROM tourney.tasks WHERE status IN ('queued', 'running'))" >/dev/null 2>&1
	fi
}

t_finish() {
	local i fd pid
	for ((i = ${#T_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${T_CLEANUP[$i]}" >/dev/null 2>&1 || true
	done
	for fd in "${T_BG_FD[@]}"; do
		exec {fd}>&- 2>/dev/null || true
	done
	for pid in "${T_BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in "${T_BG_PIDS[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	drop_unfinished
	rm -rf "$T_DIR"
	tap_done
}
trap 't_finish' EXIT

# --- tourney fixtures (test_support, support/helpers.sql) -------------------

# make_players N PREFIX: N new players (ratings with ties); prints their ids
# as a bigint[] literal, ascending.
make_players() {
	q "SELECT test_support.players($1, '$2', '1000 + (g * 7919) % 1400')"
}

# big_players N: N players in the table public.big_players (one row, their
# ids); prints the SQL of that array.
big_players() {
	q "CREATE TABLE public.big_players AS SELECT test_support.players($1, 'big', '1000 + (g * 7919) % 1400') AS ids" \
		>/dev/null || diag "could not create $1 players"
	echo "(SELECT ids FROM public.big_players)"
}

# tournament_with PLAYERS_ARRAY_SQL NAME [FORMAT]: a draft (knockout unless
# FORMAT) with those players enrolled; prints its id.
tournament_with() {
	q "SELECT test_support.tournament('${3:-knockout}', $1, '$2')"
}

# queue_together [--set SQL] ID...: generate_sessions(ID, async => true)
# for every tournament in one transaction (after SQL, e.g. a SET); prints
# the task ids, one a line, and errors.
queue_together() {
	local settings=
	if [[ $1 == --set ]]; then
		settings=$2
		shift 2
	fi
	qs 2>&1 <<SQL
$settings
BEGIN;
$(for id in "$@"; do echo "SELECT tourney.generate_sessions($id, async => true);"; done)
COMMIT;
SQL
}

# task_roles GROUP USER PASSWORD: GROUP, a NOLOGIN role that may create,
# enrol, generate and wait, and USER, a LOGIN member of it.
task_roles() {
	q "CREATE ROLE $1 NOLOGIN" \
		"GRANT USAGE ON SCHEMA tourney TO $1" \
		"GRANT EXECUTE ON FUNCTION tourney.create_tournament(text, text, text, text, int, bool, bigint[], text, int, int, text),
		     tourney.enroll(bigint, bigint[], int[]), tourney.generate_sessions(bigint, bool),
		     tourney.wait_for_task(uuid, interval), tourney.generation_status(uuid) TO $1" \
		"CREATE ROLE $2 LOGIN PASSWORD '$3' IN ROLE $1" >/dev/null ||
		diag "could not create the roles $1 and $2"
}

# Knockout sessions expected for N players (N - 1, plus the third-place match
# from 4 players on).
knockout_sessions() {
	local n=$1
	if ((n >= 4)); then echo "$n"; else echo $((n - 1)); fi
}

# The structure of a tournament's sessions, as comparable rows: links point
# to (stage, round, match) of their target instead of to session ids.
structure_sql() {
	cat <<SQL
SELECT s.stage, s.round, s.match_number,
       n.stage AS next_stage, n.round AS next_round, n.match_number AS next_match, s.next_slot,
       l.stage AS loser_stage, l.round AS loser_round, l.match_number AS loser_match, s.loser_next_slot,
       (SELECT array_agg(array[p.slot, p.player_id] ORDER BY p.slot)
          FROM tourney.session_participants p
         WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id) AS slots
FROM tourney.sessions s
LEFT JOIN tourney.sessions n ON n.tournament_id = s.tournament_id AND n.session_id = s.next_session_id
LEFT JOIN tourney.sessions l ON l.tournament_id = s.tournament_id AND l.session_id = s.loser_next_session_id
WHERE s.tournament_id = $1
SQL
}

# structure_diff A B: rows of A's structure missing from B plus rows of B's
# missing from A (0 when the two are the same).
structure_diff() {
	q "SELECT (SELECT count(*) FROM ($(structure_sql "$1") EXCEPT $(structure_sql "$2")) x)
	        + (SELECT count(*) FROM ($(structure_sql "$2") EXCEPT $(structure_sql "$1")) y)"
}

# Sessions and participants of a tournament: "sessions/participants".
counts() {
	q "SELECT (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $1) || '/' ||
	          (SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $1)"
}
