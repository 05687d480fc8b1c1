#!/usr/bin/env bash
# Soak test (make test-soak; not part of make test).  Run inside a
# throwaway cluster by scripts/with-cluster.sh, as root (it reads
# /proc/<pid>/status of the PostgreSQL backends it uses).
#
#   1. One backend runs 1,000 consecutive 1,024-player knockout lifecycles
#      (tourney.run_scenario(1024, async => false): players, tournament,
#      enrolment, generation, simulation, rankings, completion), each in
#      its own transaction.
#   2. The worker path: one backend runs 1,000 lifecycles whose generation
#      runs in a background worker (create_tournament, enroll,
#      generate_sessions(async => true), wait_for_task, simulate_results,
#      calculate_rankings, complete_tournament).  Workers are fresh
#      processes each time, so the backend that queues and waits is the one
#      measured.
#
# Pass: for each backend, RssAnon (private memory) after the 1,000th
# lifecycle differs from RssAnon after the 100th by under 5%; every
# lifecycle completed; at the end every task is done, no task is queued or
# running, the measured backend holds no lock and has no open transaction,
# no lock on a tourney relation nor any advisory lock (of this database, or
# a worker slot) is held, no temporary relation exists, and no tourney
# worker process is left.
#
# To tell a leak from the allocator keeping freed memory, the summary also
# shows the backend's memory contexts (pg_backend_memory_contexts: what
# palloc holds) and where its private pages are (/proc/PID/smaps: brk heap,
# stack, anonymous mmaps) after the 100th and the 1,000th lifecycle, and
# the progression is logged after every 100.
#
# Environment: TOURNEY_SOAK_ROUNDS (default 1000), TOURNEY_SOAK_PLAYERS
# (default 1024), TOURNEY_SOAK_TOLERANCE (percent, default 5),
# TOURNEY_SOAK_PHASES (default "sync async").
# Prints a summary; exits non-zero on failure.
set -euo pipefail

rounds=${TOURNEY_SOAK_ROUNDS:-1000}
players=${TOURNEY_SOAK_PLAYERS:-1024}
tolerance=${TOURNEY_SOAK_TOLERANCE:-5}
phases=${TOURNEY_SOAK_PHASES:-sync async}
first=$((rounds / 10))
((first >= 1)) || first=1
db=tourney_soak
dir=$(mktemp -d -t tourney-soak.XXXXXX)
session_pid=
trap 'exec 3>&- 2>/dev/null; [[ -n $session_pid ]] && kill "$session_pid" 2>/dev/null; rm -rf "$dir"' EXIT

export PGOPTIONS="-c client_min_messages=warning"
Q=(psql -X -q -A -t -v ON_ERROR_STOP=1)

log() { printf '%s %s\n' "$(date +%T)" "$*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
rss_anon() { awk '/^RssAnon:/ { print $2 }' "/proc/$1/status"; }
# anon_split PID: where the private memory is (heap, stack, anonymous mmaps,
# private pages of mapped files), from /proc/PID/smaps, in kB.
anon_split() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / { m = ($6 == "" ? "mmap" : $6 ~ /^\[(heap|stack)\]$/ ? substr($6, 2, length($6) - 2) : "files") }
	     /^Anonymous:/ { kb[m] += $2 }
	     END { printf "heap %d, stack %d, anonymous mmaps %d, files %d", kb["heap"], kb["stack"], kb["mmap"], kb["files"] }' "/proc/$1/smaps"
}

"${Q[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
"${Q[@]}" -d "$db" -c "CREATE EXTENSION tourney"
export PGDATABASE=$db

# One psql session fed through a fifo, so the backend stays the same while
# this script reads its memory between batches.
start_session() {
	rm -f "$dir/in" "$dir/out"
	mkfifo "$dir/in"
	"${Q[@]}" <"$dir/in" >"$dir/out" 2>&1 &
	session_pid=$!
	exec 3>"$dir/in"
}
send() { printf '%s\n' "$@" >&3; }
# wait_for MARK: until the session printed MARK on a line of its own.
wait_for() {
	while ! grep -qx -- "$1" "$dir/out"; do
		if ! kill -0 "$session_pid" 2>/dev/null; then
			echo "soak: the psql session ended before '$1':" >&2
			tail -n 20 "$dir/out" >&2
			return 1
		fi
		sleep 0.2
	done
}
stop_session() {
	send '\q'
	exec 3>&-
	wait "$session_pid" || true
	session_pid=
}

# run_phase NAME STATEMENTS_FN: run rounds lifecycles in one backend,
# reading its RssAnon after every tenth of them.  Sets rss_first, rss_last,
# backend, elapsed_ms; prints the progression.
run_phase() {
	local name=$1 fn=$2 i start mark rss
	start_session
	send 'SELECT pg_backend_pid();' '\echo pid-done'
	wait_for pid-done
	backend=$(head -n 1 "$dir/out")
	start=$(now_ms)
	last_mark=$start
	rss_first= rss_last= ctx_first= ctx_last= ms_first= ms_last= split_first= split_last=
	for ((i = 1; i <= rounds; i++)); do
		"$fn" "$i"
		if ((i % first == 0 || i == rounds)); then
			mark="mark-$i"
			send "SELECT 'contexts ' || (sum(total_bytes) / 1024)::bigint FROM pg_backend_memory_contexts;" \
				"\\echo $mark"
			wait_for "$mark"
			rss=$(rss_anon "$backend")
			ctx=$(grep '^contexts ' "$dir/out" | tail -n 1 | cut -d' ' -f2)
			t=$(now_ms)
			if ((i == first)); then rss_first=$rss ctx_first=$ctx ms_first=$((t - start)) split_first=$(anon_split "$backend"); fi
			if ((i == rounds)); then rss_last=$rss ctx_last=$ctx ms_last=$((t - last_mark)) split_last=$(anon_split "$backend"); fi
			log "$name: $i lifecycles, backend $backend RssAnon ${rss} kB (memory contexts ${ctx} kB), $((t - start)) ms"
			last_mark=$t
		fi
	done
	elapsed_ms=$(($(now_ms) - start))
	cp "$dir/out" "$dir/$name.out"
	# the session stays open until the leftovers are checked
}

sync_round() {
	send "SELECT 'lifecycle ' || (s->>'status') || ' ' || (s->>'rankings')
	        FROM tourney.run_scenario($players, async => false, seed => $1) s;"
}

async_round() {
	send "SELECT tourney.create_tournament('soak async $1', 'knockout') AS t \\gset" \
		"SELECT tourney.enroll(:t, :'ids') \\g /dev/null" \
		"SELECT tourney.generate_sessions(:t, async => true) AS task \\gset" \
		"SELECT status AS task_status FROM tourney.wait_for_task(:'task', '5 min') \\gset" \
		"SELECT tourney.simulate_results(:t, $1) \\g /dev/null" \
		"SELECT tourney.calculate_rankings(:t) \\g /dev/null" \
		"SELECT tourney.complete_tournament(:t) \\g /dev/null" \
		"SELECT 'lifecycle ' || :'task_status' || ' ' || status || ' ' ||
		        (SELECT count(*) FROM tourney.rankings r WHERE r.tournament_id = :t)
		   FROM tourney.tournaments WHERE tournament_id = :t;"
}

# leftovers PID: what a finished soak must not leave behind (PID: the
# measured backend, still connected and idle).
leftovers() {
	"${Q[@]}" -c "SELECT 'tasks not ended: ' || count(*) FROM tourney.tasks WHERE status NOT IN ('done', 'error', 'cancelled')
	  UNION ALL SELECT 'tasks not done: ' || count(*) FROM tourney.tasks WHERE status <> 'done'
	  UNION ALL SELECT 'locks held by the soak backend: ' || count(*) FROM pg_locks
	            WHERE pid = $1 AND locktype <> 'virtualxid'
	  UNION ALL SELECT 'locks on tourney relations: ' || count(*) FROM pg_locks l
	            JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
	            WHERE n.nspname = 'tourney' AND l.pid <> pg_backend_pid()
	              AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
	              AND l.pid NOT IN (SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum worker')
	  UNION ALL SELECT 'advisory locks: ' || count(*) FROM pg_locks WHERE locktype = 'advisory'
	            AND database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
	  UNION ALL SELECT 'temporary relations: ' || count(*) FROM pg_class WHERE relpersistence = 't'
	  UNION ALL SELECT 'tourney workers: ' || count(*) FROM pg_stat_activity
	            WHERE backend_type IN ('tourney task', 'tourney recovery') AND datname = current_database()
	  UNION ALL SELECT 'open transactions of the soak backend: ' || count(*) FROM pg_stat_activity
	            WHERE pid = $1 AND (xact_start IS NOT NULL OR backend_xmin IS NOT NULL)"
}

failures=()
summary=()

# check_phase NAME WANT: the verdict of one phase (WANT: what every
# lifecycle's last line must say after 'lifecycle ').
check_phase() {
	local name=$1 want=$2 got diff_pct line bad
	got=$(grep -c -x "lifecycle $want" "$dir/$name.out" || true)
	if [[ $got != "$rounds" ]]; then
		failures+=("$name: $got of $rounds lifecycles ended '$want'")
		grep -v -x "lifecycle $want" "$dir/$name.out" | grep -v '^mark-\|^pid-done\|^[0-9]*$' | head -n 5 >&2 || true
	fi
	diff_pct=$(awk -v a="$rss_first" -v b="$rss_last" 'BEGIN { printf "%.2f", (b - a) * 100 / a }')
	summary+=("$name: RssAnon after $first lifecycles ${rss_first} kB, after $rounds ${rss_last} kB ($diff_pct %)")
	summary+=("$name: memory contexts of the backend after $first lifecycles ${ctx_first} kB, after $rounds ${ctx_last} kB")
	summary+=("$name: private memory after $first lifecycles: $split_first kB")
	summary+=("$name: private memory after $rounds lifecycles: $split_last kB")
	summary+=("$name: $rounds lifecycles in $((elapsed_ms / 1000)) s ($((elapsed_ms / rounds)) ms each; the first $first took $ms_first ms, the last $first $ms_last ms)")
	if ! awk -v d="$diff_pct" -v t="$tolerance" 'BEGIN { exit !(d < t && d > -t) }'; then
		failures+=("$name: RssAnon changed by $diff_pct % (limit $tolerance %)")
	fi
	# let workers that just ended exit, then look for leftovers
	for _ in $(seq 50); do
		[[ $("${Q[@]}" -c "SELECT count(*) FROM pg_stat_activity
		       WHERE backend_type IN ('tourney task', 'tourney recovery')
		         AND datname = current_database()") == 0 ]] && break
		sleep 0.2
	done
	while IFS= read -r line; do
		[[ -n $line ]] || continue
		summary+=("$name: $line")
		bad=${line##*: }
		[[ $bad == 0 ]] || failures+=("$name: $line")
	done < <(leftovers "$backend")
}

if [[ " $phases " == *" sync "* ]]; then
	log "soak: $rounds lifecycles of $players players, synchronous, in one backend"
	run_phase sync sync_round
	check_phase sync "completed $players"
	stop_session
fi

# The worker path enrols one set of players in every tournament; their ids
# are a psql variable of the session, set before the first lifecycle.
async_first() {
	(($1 == 1)) && send "\\set ids '$async_ids'"
	async_round "$1"
}
if [[ " $phases " == *" async "* ]]; then
	log "soak: $rounds lifecycles of $players players, generated by background workers"
	async_ids=$("${Q[@]}" -c "WITH p AS (INSERT INTO tourney.players (name, rating)
	                  SELECT 'soak async player ' || g, 1000 + (g * 7919) % 1400
	                  FROM generate_series(1, $players) g RETURNING player_id)
	                SELECT array_agg(player_id ORDER BY player_id) FROM p")
	run_phase async async_first
	check_phase async "done completed $players"
	stop_session
fi

echo
echo "=== soak summary ==="
printf '%s\n' "${summary[@]}"
if ((${#failures[@]})); then
	echo "FAILED:"
	printf '  %s\n' "${failures[@]}"
	exit 1
fi
echo "PASSED"
