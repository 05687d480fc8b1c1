#!/usr/bin/env bash
# Races between many connections (SPEC §4, issue 6 "Races"):
#   a. 100 concurrent generate_sessions on one tournament (async true, false
#      and NULL mixed): exactly one generation, every other caller 55000;
#   b. 100 concurrent submit_result with different scores on one knockout
#      round-1 session: one applied, the rest 55000, one advancement; then
#      100 concurrent identical re-sends: all no-ops, still one advancement;
#   c. enroll racing generate_sessions (sync and async), 21 times: a player
#      is in the generated bracket or the enrolment was refused (55000),
#      never enrolled-but-missing;
#   d. calculate_rankings racing complete_tournament: never completed
#      without rankings, errors only 55000.
# Every race starts its callers together: a holder connection takes
# pg_advisory_lock(key), each caller blocks in pg_advisory_lock_shared(key)
# and the holder lets them all go at once when every caller is waiting.
#
# Connections: races a and b use min(100, max_connections) connections at
# once (the holder is one of the callers, so 100 callers need 100
# connections); with a smaller max_connections they use fewer and say so.
#
# Run by scripts/test.sh with PGDATABASE set to a fresh database (pgtap and
# tourney installed) and PGHOST/PGPORT/PGUSER a superuser.  TAP output.
set -u -o pipefail

export PGOPTIONS="-c client_min_messages=warning -c statement_timeout=120s ${PGOPTIONS:-}"

# --- TAP -------------------------------------------------------------------
D=$(mktemp -d -t tourney-races.XXXXXX)
BG=()

source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"
finish() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$D"
	tap_done
}
trap finish EXIT

# --- psql ------------------------------------------------------------------
# q SQL...: statements in one session; unaligned tuples; errors on stderr
# with their SQLSTATE.
q() {
	local a=() s
	for s in "$@"; do a+=(-c "$s"); done
	timeout 150 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "${a[@]}"
}
# sqlstate_of FILE: SQLSTATE of the first ERROR/FATAL line, "ok" if none.
sqlstate_of() {
	local s
	s=$(grep -m1 -oE '(ERROR|FATAL):  [0-9A-Z]{5}' "$1" | grep -oE '[0-9A-Z]{5}$')
	echo "${s:-ok}"
}

# Wait until no other client backend is connected (backends of finished
# psql runs exit asynchronously and would still hold connection slots).
quiesce() {
	local i
	for i in $(seq 100); do
		[[ $(q "SELECT count(*) FROM pg_stat_activity
		        WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()") == 0 ]] && return 0
		sleep 0.1
	done
	return 1
}

# run_sql FILE OUT: run FILE in one psql session, output and exit status to
# OUT and OUT.rc; a connection refused for lack of slots is tried again.
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

# race NAME K HOLDER_CALLS: run $D/NAME.<k>.sql for k = 1..K at once.  With
# HOLDER_CALLS=1 the holder of the barrier is caller 1 (K connections in
# all), else it is an extra connection.  Outputs: $D/NAME.<k>.out(.rc);
# $D/NAME.barrier holds how many callers were waiting when released.
KEY=7000
race() {
	local name=$1 k=$2 hc=$3 need i pids=()
	KEY=$((KEY + 1))
	need=$((hc ? k - 1 : k))
	for ((i = 1; i <= k; i++)); do
		{
			printf 'SELECT pg_advisory_lock_shared(%d);\nSELECT pg_advisory_unlock_shared(%d);\n' "$KEY" "$KEY"
			cat "$D/$name.$i.sql"
		} >"$D/$name.$i.run"
	done
	cat >"$D/$name.holder.sql" <<SQL
SELECT pg_advisory_lock($KEY);
\! touch $D/$name.locked
DO \$\$
BEGIN
    FOR i IN 1..1200 LOOP
        EXIT WHEN (SELECT count(*) FROM pg_locks
                   WHERE locktype = 'advisory' AND classid = 0 AND objid = $KEY
                     AND NOT granted) >= $need;
        PERFORM pg_sleep(0.05);
    END LOOP;
END \$\$;
SELECT count(*) FROM pg_locks
 WHERE locktype = 'advisory' AND classid = 0 AND objid = $KEY AND NOT granted \g $D/$name.barrier
SELECT pg_advisory_unlock($KEY);
SQL
	((hc)) && cat "$D/$name.1.sql" >>"$D/$name.holder.sql"
	rm -f "$D/$name.locked"
	if ((hc)); then
		run_sql "$D/$name.holder.sql" "$D/$name.1.out" &
	else
		run_sql "$D/$name.holder.sql" "$D/$name.holder.out" &
	fi
	pids+=($!)
	for i in $(seq 300); do
		[[ -e $D/$name.locked ]] && break
		sleep 0.05
	done
	for ((i = 1 + hc; i <= k; i++)); do
		run_sql "$D/$name.$i.run" "$D/$name.$i.out" &
		pids+=($!)
	done
	BG+=("${pids[@]}")
	wait "${pids[@]}"
	BG=()
}

# tally NAME K: "ok=<n> 55000=<n> other=<n>" over the callers' outcomes;
# the other SQLSTATEs (with one example message each) go to $D/NAME.other.
tally() {
	local name=$1 k=$2 i s n_ok=0 n_55=0 n_other=0
	: >"$D/$name.other"
	for ((i = 1; i <= k; i++)); do
		s=$(sqlstate_of "$D/$name.$i.out")
		if [[ $s == ok && $(cat "$D/$name.$i.out.rc") == 0 ]]; then
			n_ok=$((n_ok + 1))
		elif [[ $s == 55000 ]]; then
			n_55=$((n_55 + 1))
		else
			n_other=$((n_other + 1))
			echo "caller $i: $(grep -m1 -E 'ERROR|FATAL|error' "$D/$name.$i.out")" >>"$D/$name.other"
		fi
	done
	echo "ok=$n_ok 55000=$n_55 other=$n_other"
}

barrier_of() { tr -d ' \n' <"$D/$1.barrier" 2>/dev/null || echo none; }

# players N PREFIX: N new players; prints their ids as an array literal.
players() {
	q "WITH p AS (INSERT INTO tourney.players (name, rating)
	       SELECT '$2 ' || g, 1000 + (g * 7919) % 1400 FROM generate_series(1, $1) g
	       RETURNING player_id)
	   SELECT array_agg(player_id ORDER BY player_id) FROM p"
}

# knockout PLAYERS_ARRAY NAME: a draft knockout with those players enrolled.
knockout() {
	q "SELECT t FROM tourney.create_tournament('$2', 'knockout') t,
	       LATERAL tourney.enroll(t, '$1'::bigint[]) e"
}

plan 27

maxconn=$(q "SHOW max_connections")
K=$((maxconn < 100 ? maxconn : 100))
((K == 100)) || diag "max_connections is $maxconn: races a and b use $K concurrent callers instead of 100"
quiesce || diag "other client backends are still connected"

# ---------------------------------------------------------------------------
# a. K concurrent generate_sessions on one tournament of 200 players.
# ---------------------------------------------------------------------------
N=200
t=$(knockout "$(players $N gen)" gen)
modes=(true false NULL)
for ((i = 1; i <= K; i++)); do
	echo "SELECT tourney.generate_sessions($t, async => ${modes[i % 3]});" >"$D/gen.$i.sql"
done
race gen "$K" 1
r=$(tally gen "$K")
is "$(barrier_of gen)" $((K - 1)) "a: all $K callers were released at once (the holder saw $((K - 1)) waiting)"
is "$r" "ok=1 55000=$((K - 1)) other=0" "a: $K concurrent generate_sessions (async true/false/NULL mixed): one succeeds, $((K - 1)) get 55000"
[[ -s $D/gen.other ]] && diag "$(head -n 20 "$D/gen.other")"
winner=$(grep -l -E '^[0-9a-f-]{36}$' "$D"/gen.*.out | head -n 1)
task=$(grep -m1 -oE '^[0-9a-f-]{36}$' "${winner:-/dev/null}")
[[ -n $winner ]] && diag "winner: caller $(basename "$winner" .out | cut -d. -f2) (async => ${modes[$(basename "$winner" .out | cut -d. -f2) % 3]})"
is "$(q "SELECT status || '|' || session_count FROM tourney.wait_for_task('${task:-00000000-0000-0000-0000-000000000000}', '60 s')" 2>&1)" \
	"done|$N" "a: the winner's task ends done with $N sessions"
is "$(q "SELECT count(*) || '|' || count(*) FILTER (WHERE task_id = '${task:-00000000-0000-0000-0000-000000000000}')
         FROM tourney.tasks WHERE tournament_id = $t")" "1|1" "a: exactly one task row, the winner's"
is "$(q "SELECT (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t) || '|' ||
                (SELECT count(*) || '|' || count(DISTINCT player_id) FROM tourney.session_participants
                  WHERE tournament_id = $t) || '|' ||
                (SELECT status FROM tourney.tournaments WHERE tournament_id = $t)")" \
	"$N|$N|$N|in_progress" "a: one set of sessions: $N sessions, every player placed once, in_progress"

# The same race made deterministic: a synchronous (and an asynchronous)
# request that waited for the lock of an async request committed meanwhile
# must get 55000 too (SPEC §4), not a unique violation.
for second in false true; do
	t2=$(knockout "$(players 200 "gen2$second")" "gen2$second")
	cat >"$D/hold.sql" <<SQL
BEGIN;
SELECT tourney.generate_sessions($t2, async => true);
\! touch $D/hold.queued
SELECT pg_sleep(1);
COMMIT;
SQL
	rm -f "$D/hold.queued"
	run_sql "$D/hold.sql" "$D/hold.out" &
	hp=$!
	for i in $(seq 100); do [[ -e $D/hold.queued ]] && break; sleep 0.05; done
	echo "SELECT tourney.generate_sessions($t2, async => $second);" >"$D/second.sql"
	run_sql "$D/second.sql" "$D/second.out"
	wait "$hp"
	is "$(sqlstate_of "$D/second.out")" 55000 \
		"a: generate_sessions(async => $second) blocked behind an uncommitted async request gets 55000 after its commit"
	grep -q 55000 "$D/second.out" || diag "$(head -n 4 "$D/second.out")"
	tk=$(grep -m1 -oE '^[0-9a-f-]{36}$' "$D/hold.out")
	q "SELECT tourney.wait_for_task('${tk:-00000000-0000-0000-0000-000000000000}', '60 s')" >/dev/null 2>&1
done

# ---------------------------------------------------------------------------
# b. K concurrent submit_result on one knockout round-1 session.
# ---------------------------------------------------------------------------
quiesce
t=$(knockout "$(players 16 res)" res)
q "SELECT tourney.generate_sessions($t, async => false)" >/dev/null
IFS='|' read -r sid next nslot <<<"$(q "SELECT session_id, next_session_id, next_slot FROM tourney.sessions
     WHERE tournament_id = $t AND stage = 'main' AND round = 1 AND match_number = 1")"
parts0=$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t")
for ((i = 1; i <= K; i++)); do
	if ((i % 2)); then sc="$((i + 1)), $i"; else sc="$i, $((i + 1))"; fi
	echo "SELECT tourney.submit_result($sid, ARRAY[$sc]);" >"$D/sub.$i.sql"
done
race sub "$K" 1
is "$(barrier_of sub)" $((K - 1)) "b: all $K callers were released at once"
is "$(tally sub "$K")" "ok=1 55000=$((K - 1)) other=0" "b: $K different results for one session: one applied, $((K - 1)) get 55000"
[[ -s $D/sub.other ]] && diag "$(head -n 20 "$D/sub.other")"
applied=
for ((i = 1; i <= K; i++)); do
	[[ $(sqlstate_of "$D/sub.$i.out") == ok ]] && applied=$i
done
if [[ -n $applied ]]; then
	want=$(grep -oE 'ARRAY\[[^]]*\]' "$D/sub.$applied.sql" | tr -d 'ARY[] ')
else
	want=none
fi
is "$(q "SELECT string_agg(score::text, ',' ORDER BY slot) FROM tourney.session_participants
         WHERE tournament_id = $t AND session_id = $sid")" "$want" "b: the stored scores are those of the one caller that succeeded"
winner_sql="SELECT winner_id FROM tourney.sessions WHERE tournament_id = $t AND session_id = $sid"
is "$(q "SELECT count(*) || '|' || bool_and(player_id = ($winner_sql))
         FROM tourney.session_participants
         WHERE tournament_id = $t AND session_id = $next AND slot = $nslot")" "1|true" \
	"b: exactly one advancement: the winner alone holds slot $nslot of the next session"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t")" $((parts0 + 1)) \
	"b: one participant row was added in all"
stamp=$(q "SELECT result_submitted_at FROM tourney.sessions WHERE tournament_id = $t AND session_id = $sid")

quiesce
for ((i = 1; i <= K; i++)); do
	echo "SELECT tourney.submit_result($sid, ARRAY[$want]);" >"$D/again.$i.sql"
done
race again "$K" 1
is "$(barrier_of again)" $((K - 1)) "b: all $K re-senders were released at once"
is "$(tally again "$K")" "ok=$K 55000=0 other=0" "b: $K concurrent identical re-sends all succeed"
[[ -s $D/again.other ]] && diag "$(head -n 20 "$D/again.other")"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t")|$(q "SELECT count(*)
         FROM tourney.session_participants WHERE tournament_id = $t AND session_id = $next AND slot = $nslot")" \
	"$((parts0 + 1))|1" "b: after the re-sends still exactly one advancement"
is "$(q "SELECT result_submitted_at FROM tourney.sessions WHERE tournament_id = $t AND session_id = $sid")" \
	"$stamp" "b: the re-sends were no-ops (result_submitted_at unchanged)"

# ---------------------------------------------------------------------------
# c. enroll racing generate_sessions, sync and async, 21 times.
# ---------------------------------------------------------------------------
quiesce
ROUNDS=21
gen_ok=0 enr_ok=0 enr_refused=0 enr_other=0 missing=0 bad_task=0 notes=
for ((r = 1; r <= ROUNDS; r++)); do
	mode=${modes[r % 3]}
	t=$(knockout "$(players 130 "enr$r")" "enr$r")
	extra=$(players 3 "extra$r")
	echo "SELECT tourney.generate_sessions($t, async => $mode);" >"$D/enr$r.1.sql"
	echo "SELECT tourney.enroll($t, '$extra'::bigint[]);" >"$D/enr$r.2.sql"
	race "enr$r" 2 0
	g=$(sqlstate_of "$D/enr$r.1.out")
	e=$(sqlstate_of "$D/enr$r.2.out")
	[[ $g == ok ]] && gen_ok=$((gen_ok + 1))
	case $e in
	ok) enr_ok=$((enr_ok + 1)) ;;
	55000) enr_refused=$((enr_refused + 1)) ;;
	*) enr_other=$((enr_other + 1)); notes+="round $r ($mode): enroll $e: $(head -n 1 "$D/enr$r.2.out")"$'\n' ;;
	esac
	tk=$(grep -m1 -oE '^[0-9a-f-]{36}$' "$D/enr$r.1.out")
	res=$(q "SELECT status || '|' || session_count FROM tourney.wait_for_task('${tk:-00000000-0000-0000-0000-000000000000}', '60 s')" 2>&1)
	enrolled=$(q "SELECT count(*) FROM tourney.enrollments WHERE tournament_id = $t")
	[[ $res == "done|$enrolled" ]] || { bad_task=$((bad_task + 1)); notes+="round $r ($mode): task '$res', $enrolled enrolled"$'\n'; }
	m=$(q "SELECT count(*) FROM tourney.enrollments e WHERE e.tournament_id = $t
	       AND NOT EXISTS (SELECT FROM tourney.session_participants p
	                       WHERE p.tournament_id = $t AND p.player_id = e.player_id)")
	x=$(q "SELECT count(*) FROM tourney.enrollments WHERE tournament_id = $t
	       AND player_id = ANY ('$extra'::bigint[])")
	if [[ $m != 0 || ($e == ok && $x != 3) || ($e != ok && $x != 0) ]]; then
		missing=$((missing + 1))
		notes+="round $r ($mode): enroll $e, $x of 3 extra enrolled, $m enrolled players missing from the sessions"$'\n'
	fi
done
diag "c: $ROUNDS rounds: enroll got through $enr_ok times, was refused (55000) $enr_refused times"
is "$gen_ok" "$ROUNDS" "c: generate_sessions succeeded in all $ROUNDS rounds"
is "$enr_other" 0 "c: enroll either succeeded or got 55000"
is "$bad_task" 0 "c: every generation task ended done with one session per enrolled player"
is "$missing" 0 "c: never enrolled-but-missing: every enrolled player is in the sessions, a refused enrolment left nothing"
[[ -n $notes ]] && diag "$notes"

# Deterministic: enroll blocked behind an async generation queued in a
# transaction that then commits is refused with 55000 (README: while the
# task is queued or running, enroll is refused).
for mode in true false; do
	t=$(knockout "$(players 130 "enrq$mode")" "enrq$mode")
	extra=$(players 3 "extraq$mode")
	cat >"$D/hold.sql" <<SQL
BEGIN;
SELECT tourney.generate_sessions($t, async => $mode);
\! touch $D/hold.queued
SELECT pg_sleep(1);
COMMIT;
SQL
	rm -f "$D/hold.queued"
	run_sql "$D/hold.sql" "$D/hold.out" &
	hp=$!
	for i in $(seq 100); do [[ -e $D/hold.queued ]] && break; sleep 0.05; done
	echo "SELECT tourney.enroll($t, '$extra'::bigint[]);" >"$D/enrq.sql"
	run_sql "$D/enrq.sql" "$D/enrq.out"
	wait "$hp"
	tk=$(grep -m1 -oE '^[0-9a-f-]{36}$' "$D/hold.out")
	q "SELECT tourney.wait_for_task('${tk:-00000000-0000-0000-0000-000000000000}', '60 s')" >/dev/null 2>&1
	is "$(sqlstate_of "$D/enrq.out")|$(q "SELECT count(*) FROM tourney.enrollments WHERE tournament_id = $t")" \
		"55000|130" "c: enroll blocked behind generate_sessions(async => $mode) in an open transaction is refused (55000) after its commit"
done

# ---------------------------------------------------------------------------
# d. calculate_rankings racing complete_tournament on simulated tournaments.
# ---------------------------------------------------------------------------
ROUNDS=12
bad=0 errs=0 outcomes= notes=
for ((r = 1; r <= ROUNDS; r++)); do
	t=$(knockout "$(players 32 "rank$r")" "rank$r")
	q "SELECT tourney.generate_sessions($t, async => false)" "SELECT tourney.simulate_results($t, $r)" >/dev/null
	pre=none
	if ((r % 2 == 0)); then
		q "SELECT tourney.calculate_rankings($t)" >/dev/null
		pre=ranked
	fi
	if ((r % 4 < 2)); then a=1 b=2; else a=2 b=1; fi
	echo "SELECT tourney.calculate_rankings($t);" >"$D/rk$r.$a.sql"
	echo "SELECT tourney.complete_tournament($t);" >"$D/rk$r.$b.sql"
	race "rk$r" 2 0
	rs=$(sqlstate_of "$D/rk$r.$a.out")
	cs=$(sqlstate_of "$D/rk$r.$b.out")
	for s in "$rs" "$cs"; do
		[[ $s == ok || $s == 55000 ]] || { errs=$((errs + 1)); notes+="round $r: $s"$'\n'; }
	done
	st=$(q "SELECT status || '|' || (rankings_calculated_at IS NOT NULL) || '|' ||
	              (SELECT count(*) FROM tourney.rankings k WHERE k.tournament_id = $t)
	        FROM tourney.tournaments WHERE tournament_id = $t")
	outcomes+="$pre: rank $rs, complete $cs -> $st"$'\n'
	case $st in
	"completed|true|32" | "in_progress|true|32") ;;
	*) bad=$((bad + 1)); notes+="round $r ($pre): rank $rs, complete $cs -> $st"$'\n' ;;
	esac
	# what the outcome must be given who succeeded
	if [[ $cs == ok && $st != completed* ]] || [[ $cs != ok && $st == completed* ]]; then
		bad=$((bad + 1)); notes+="round $r: complete said $cs but the state is $st"$'\n'
	fi
done
diag "$(sort <<<"$outcomes" | uniq -c | sed '/^ *[0-9]* *$/d')"
is "$errs" 0 "d: calculate_rankings and complete_tournament racing ($ROUNDS rounds) raise only 55000"
is "$bad" 0 "d: end state always completed with rankings or in_progress with rankings, and matches who succeeded"
[[ -n $notes ]] && diag "$notes"

# ---------------------------------------------------------------------------
# Nothing left behind
# ---------------------------------------------------------------------------
is "$(q "SELECT count(*) FROM tourney.tasks WHERE status NOT IN ('done')")" 0 \
	"every task of this script ended done"
quiesce
is "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
         AND database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))")" 0 \
	"no advisory lock is left"
is "$(q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'tourney task'
         AND datname = current_database()")" 0 \
	"no tourney task worker is left"
