# Shared helpers of the asynchronous-generation test scripts (test/async_*.sh,
# test/zz_async_restart.sh).  Sourced, not run: scripts/test.sh only runs
# executable test/*.sh files.
#
# Environment (from scripts/test.sh): PGDATABASE (a fresh database with pgtap
# and tourney), PGHOST/PGPORT/PGUSER (a superuser), PGVERSION.
#
# TAP: plan N; ok COND DESC; is GOT WANT DESC; like GOT REGEX DESC;
# skip DESC REASON; diag TEXT.  Every psql call is bounded by `timeout` and
# by statement_timeout, so no test can hang.

set -u -o pipefail

# Every statement of the scripts' own sessions is bounded; workers are not
# affected (they are background workers, not clients).
export PGOPTIONS="-c statement_timeout=120s -c client_min_messages=warning ${PGOPTIONS:-}"

source "$(dirname "${BASH_SOURCE[0]}")/tap.bash"

T_DIR=$(mktemp -d -t tourney-async.XXXXXX)
T_BG_PIDS=()
T_CLEANUP=()

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

# q SQL...: run statements in one psql session, print unaligned tuples;
# errors go to stderr with their SQLSTATE.  Exit status is psql's.
q() {
	local args=() s
	for s in "$@"; do args+=(-c "$s"); done
	timeout 150 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "${args[@]}"
}

# qs SCRIPT: run a psql script given on stdin (may use \gset, \echo, ...).
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

# Background psql sessions fed through a fifo, to keep a transaction open or
# to listen while other connections act.
#   bg_start NAME [psql options]; bg_send NAME SQL; bg_expect NAME REGEX SECS;
#   bg_stop NAME.  Output (stdout and stderr) accumulates in $T_DIR/NAME.out.
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

bg_stop() {
	local name=$1 fd=${T_BG_FD[$1]:-}
	[[ -n $fd ]] || return 0
	printf '\\q\n' >&"$fd" 2>/dev/null
	exec {fd}>&-
	unset "T_BG_FD[$name]"
	wait "${T_BG_PID[$name]}" 2>/dev/null
}

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

# --- tourney fixtures ------------------------------------------------------

# make_players N PREFIX: insert N players (ratings with ties); prints their ids
# as a bigint[] literal.  The ids are contiguous.
make_players() {
	q "WITH p AS (INSERT INTO tourney.players (name, rating)
	       SELECT '$2 ' || g, 1000 + (g * 7919) % 1400 FROM generate_series(1, $1) g
	       RETURNING player_id)
	   SELECT array_agg(player_id ORDER BY player_id) FROM p"
}

# task_roles GROUP USER PASSWORD: GROUP, a NOLOGIN role that may create,
# enrol, generate and wait, and USER, a LOGIN member of it.
task_roles() {
	q "CREATE ROLE $1 NOLOGIN" \
		"GRANT USAGE ON SCHEMA tourney TO $1" \
		"GRANT EXECUTE ON FUNCTION tourney.create_tournament(text, text, text, text, int, bool, bigint[]),
		     tourney.enroll(bigint, bigint[], int[]), tourney.generate_sessions(bigint, bool),
		     tourney.wait_for_task(uuid, interval), tourney.generation_status(uuid) TO $1" \
		"CREATE ROLE $2 LOGIN PASSWORD '$3' IN ROLE $1" >/dev/null ||
		diag "could not create the roles $1 and $2"
}

# new_tournament NAME: a knockout draft; prints its id.
new_tournament() {
	q "SELECT tourney.create_tournament('$1', 'knockout')"
}

# tournament_with PLAYERS_ARRAY_SQL NAME: a knockout with those players
# enrolled; prints its id.
tournament_with() {
	q "SELECT t FROM tourney.create_tournament('$2', 'knockout') t,
	       LATERAL tourney.enroll(t, $1) e"
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
