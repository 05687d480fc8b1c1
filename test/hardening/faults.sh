#!/usr/bin/env bash
# A backend running a long synchronous phase is cancelled
# (pg_cancel_backend) or terminated (pg_terminate_backend) mid-way
# (SPEC §4 "nothing is partly written", §5; issue 6 "Faults"):
#   generate_sessions(async => false), simulate_results and
#   calculate_rankings of a 262144-player knockout.
# After each signal: the call ended with 57014 (cancel) or 57P01
# (terminate), no row of the phase is left (sessions, results and rankings
# all-or-nothing), the tournament's state is unchanged, and the server did
# not restart.  Then the same phase runs again to completion.
#
# "Mid-way" is made sure of, not guessed: the controller waits until the
# phase's backend (found in pg_stat_activity by its application_name) holds
# RowExclusiveLock on the table the phase writes, i.e. its writing is under
# way, then waits a little longer and sends the signal.
#
# Run by scripts/test.sh with PGDATABASE set to a fresh database
# (support/tap.bash).  TAP output.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

N=262144
plan 29

# The controller: wait until the backend named APP holds RowExclusiveLock
# on REL, then DELAY seconds more, then cancel or terminate it.  Returns
# 'signalled after <s> s of writing' or what went wrong.
q "CREATE FUNCTION public.signal_when_writing(app text, rel regclass, delay float8, terminate bool)
   RETURNS text LANGUAGE plpgsql AS \$\$
   DECLARE
       p int;
       sent bool;
   BEGIN
       FOR i IN 1..3000 LOOP
           PERFORM pg_stat_clear_snapshot();
           SELECT a.pid INTO p FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
            WHERE a.application_name = app AND a.state = 'active'
              AND l.relation = rel AND l.mode = 'RowExclusiveLock' AND l.granted;
           EXIT WHEN p IS NOT NULL;
           IF i > 250 AND NOT EXISTS (SELECT FROM pg_stat_activity a
                                      WHERE a.application_name = app AND a.state = 'active') THEN
               RETURN 'the phase ended before it wrote ' || rel;
           END IF;
           PERFORM pg_sleep(0.02);
       END LOOP;
       IF p IS NULL THEN
           RETURN 'the phase never started writing ' || rel;
       END IF;
       PERFORM pg_sleep(delay);
       PERFORM pg_stat_clear_snapshot();
       IF NOT EXISTS (SELECT FROM pg_stat_activity WHERE pid = p AND state = 'active') THEN
           RETURN 'the phase ended before the signal';
       END IF;
       sent := CASE WHEN terminate THEN pg_terminate_backend(p) ELSE pg_cancel_backend(p) END;
       RETURN CASE WHEN sent THEN 'signalled' ELSE 'signal not sent' END;
   END \$\$" >/dev/null

start_time=$(q "SELECT pg_postmaster_start_time()")

# Setup: N players, one knockout with all of them enrolled.
T=$(tournament_with "test_support.players($N, 'fault', '1000 + (g * 7919) % 1400')" faults)

# Everything a phase can write, and the tournament's own state.
state() {
	q "SELECT t.status || '|' || coalesce(t.sessions_generated_at::text, '-') || '|' ||
	          coalesce(t.rankings_calculated_at::text, '-') || '|' || coalesce(t.completed_at::text, '-') || '|' ||
	          (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = $T) || '|' ||
	          (SELECT count(*) FILTER (WHERE s.result_submitted) || '|' || count(s.winner_id)
	             FROM tourney.sessions s WHERE s.tournament_id = $T) || '|' ||
	          (SELECT count(*) || '|' || count(p.score) || '|' || count(p.placement)
	             FROM tourney.session_participants p WHERE p.tournament_id = $T) || '|' ||
	          (SELECT count(*) FROM tourney.rankings r WHERE r.tournament_id = $T) || '|' ||
	          (SELECT count(*) FROM tourney.tasks k WHERE k.tournament_id = $T)
	   FROM tourney.tournaments t WHERE t.tournament_id = $T"
}

# interrupt NAME SQL REL DELAY cancel|terminate: run SQL in a backend named
# tourney_fault_NAME and signal it once it writes REL.  The delays below
# are well inside each phase at this size (about 1 to 3 s each on a
# 2-core machine); a phase that ends first fails the check rather than
# passing it untested.  Sets SIG (the
# controller's report) and OUT (the phase's output file).
interrupt() {
	local name=$1 sql=$2 rel=$3 delay=$4 how=$5 pid
	OUT=$T_DIR/$name.out
	PGAPPNAME=tourney_fault_$name timeout 150 psql -X -q -A -t -v ON_ERROR_STOP=1 \
		-v VERBOSITY=verbose -c "$sql" >"$OUT" 2>&1 &
	pid=$!
	SIG=$(q "SELECT public.signal_when_writing('tourney_fault_$name', '$rel', $delay,
	                                           $([[ $how == terminate ]] && echo true || echo false))" 2>&1)
	wait "$pid"
}

# check_interrupted PHASE HOW BEFORE WANT_STATE: the assertions after a signal.
check_interrupted() {
	local phase=$1 how=$2 before=$3 after want
	[[ $how == cancel ]] && want=57014 || want=57P01
	is "$SIG|$(sqlstate_of "$OUT")" "signalled|$want" \
		"$phase: pg_${how}_backend while it writes ends the call with $want"
	[[ $(sqlstate_of "$OUT") == "$want" ]] || diag "$(head -n 5 "$OUT")"
	after=$(state)
	is "$after" "$before" "$phase: after pg_${how}_backend nothing of it is left, the tournament is unchanged"
}

# interrupt_twice PHASE SQL REL CANCEL_DELAY TERMINATE_DELAY BEFORE LEFT:
# cancel PHASE while it writes REL, then terminate it; after each signal
# check_interrupted, and LEFT "after the cancel" (or "after the
# termination"): the phase's own all-or-nothing assertion.
interrupt_twice() {
	local phase=$1 sql=$2 rel=$3 before=$6 left=$7 how delay
	for how in cancel terminate; do
		if [[ $how == cancel ]]; then delay=$4; else delay=$5; fi
		interrupt "${phase}_$how" "$sql" "$rel" "$delay" "$how"
		check_interrupted "$phase" "$how" "$before"
		"$left" "after the $([[ $how == cancel ]] && echo cancel || echo termination)"
	done
}
generate_left() {
	local ns np nt
	IFS='|' read -r _ _ _ _ ns _ _ np _ _ _ nt <<<"$(state)"
	ok "$([[ ($ns == 0 && $np == 0 && $nt == 0) || ($ns == $N && $np == $N && $nt == 1) ]] && echo t)" \
		"generate_sessions: $1 the session count is 0 or complete ($ns sessions, $np participants, $nt tasks)"
}
simulate_left() {
	local sub np nsc
	IFS='|' read -r _ _ _ _ _ sub _ np nsc _ _ _ <<<"$(state)"
	ok "$([[ ($sub == 0 && $nsc == 0 && $np == $N) || ($sub == $N) ]] && echo t)" \
		"simulate_results: $1 results are all-or-nothing ($sub submitted, $nsc scores, $np participants)"
}
rank_left() {
	local rat rk
	IFS='|' read -r _ _ rat _ _ _ _ _ _ _ rk _ <<<"$(state)"
	ok "$([[ ($rk == 0 && $rat == -) || ($rk == $N) ]] && echo t)" \
		"calculate_rankings: $1 rankings are all-or-nothing ($rk rows)"
}

gen="SELECT tourney.generate_sessions($T, async => false)"
sim="SELECT tourney.simulate_results($T, 7)"
rank="SELECT tourney.calculate_rankings($T)"

# --- generate_sessions(async => false) -------------------------------------
s0=$(state)
is "$s0" "draft|-|-|-|0|0|0|0|0|0|0|0" "setup: a draft tournament of $N players without sessions"
interrupt_twice generate_sessions "$gen" tourney.sessions 0.3 0.7 "$s0" generate_left

r=$(q "$gen" 2>&1)
[[ $r =~ ^[0-9a-f-]{36}$ ]] || diag "$r"
is "$(q "SELECT status || '|' || session_count FROM tourney.tasks WHERE tournament_id = $T")" "done|$N" \
	"generate_sessions: generated again successfully, one task done with $N sessions"
s1=$(state)
IFS='|' read -r st _ _ _ ns sub win np _ _ rk nt <<<"$s1"
is "$st|$ns|$sub|$win|$np|$rk|$nt" "in_progress|$N|0|0|$N|0|1" \
	"generate_sessions: $N sessions (N - 1 + third place), every player placed once, in_progress"

# --- simulate_results ----------------------------------------------------------
interrupt_twice simulate_results "$sim" tourney.sessions 0.4 0.9 "$s1" simulate_left

is "$(q "$sim" 2>&1)" "$N" "simulate_results: simulated again successfully, $N sessions given results"
s2=$(state)
IFS='|' read -r st _ _ _ ns sub win np nsc _ rk _ <<<"$s2"
# every player plays round 1 or enters round 2; 2 * N sessions' slots filled
is "$st|$ns|$sub|$win|$np|$nsc|$rk" "in_progress|$N|$N|$N|$((2 * N))|$((2 * N))|0" \
	"simulate_results: every session has its result, winner and both participants"

# --- calculate_rankings ------------------------------------------------------
interrupt_twice calculate_rankings "$rank" tourney.rankings 0.2 0.4 "$s2" rank_left

is "$(q "$rank" 2>&1)" "$N" "calculate_rankings: ranked again successfully, $N rows"
is "$(q "SELECT count(*) FILTER (WHERE rank = 1) || '|' || count(*) FILTER (WHERE rank = $((N / 2 + 1)))
         FROM tourney.rankings WHERE tournament_id = $T")" "1|$((N / 2))" \
	"calculate_rankings: one champion, $((N / 2)) first-round losers share rank $((N / 2 + 1))"
q "SELECT tourney.complete_tournament($T)" >/dev/null 2>&1
is "$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $T")" completed \
	"the tournament completes after all the interruptions"

# --- the server ------------------------------------------------------------
is "$(q "SELECT pg_postmaster_start_time()")" "$start_time" \
	"no backend crashed: the server was never restarted"
is "$(q "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'tourney_fault_%'")" 0 \
	"no interrupted backend is left"
# (autovacuum may be working on the tables just then: its locks are not left)
left_locks="FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE n.nspname = 'tourney' AND l.pid <> pg_backend_pid()
           AND a.backend_type IS DISTINCT FROM 'autovacuum worker'
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
n_left=$(q "SELECT count(*) $left_locks")
is "$n_left" 0 "no lock on a tourney relation is left"
[[ $n_left == 0 ]] ||
	diag "left: $(q "SELECT string_agg(format('%s %s %s %s', l.pid, a.backend_type, c.relname, l.mode), '; ') $left_locks")"
