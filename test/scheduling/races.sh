#!/usr/bin/env bash
# Live changes of schedules from many connections at once (SPEC §3b;
# issue 14), beyond the step-by-step isolation specs (test/specs/schedule_*):
#   a. 20 connections move 20 different sessions of one round robin onto
#      one campus court at one time: exactly one succeeds, every other gets
#      55P03 (the tournament's schedule is taken) or 23P01 (the court is
#      taken, the first has committed), fast; never 40P01;
#   b. the same with 20 tournaments sharing the campus, one session each:
#      the court's lock decides;
#   c. crossed swaps in a loop from two connections, each swap its own
#      transaction: A<->X against X<->A across two tournaments, and A<->B
#      against B<->A within one: no 40P01, nothing but ok and 55P03, and
#      the places end where the number of swaps that succeeded says;
#   d. the deferred guards of opening hours and closures at COMMIT against
#      a transaction holding another campus: no deadlock error.
# After each, the SQL checker (test_support.schedule_violations) finds
# nothing in any tournament.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 22

N=20
FAST_MS=3000   # a refused caller returns within this (it waits for nothing)
quiesce || diag "other client backends are still connected"

# outcomes NAME N: "ok=<n> 55P03=<n> 23P01=<n> 40P01=<n> other=<n> slowest=<ms>"
# over the callers of race NAME, each of which printed "RESULT sqlstate ms"
outcomes() {
	local name=$1 n=$2 i line s ms c_ok=0 c_lock=0 c_excl=0 c_dead=0 c_other=0 slowest=0
	for ((i = 1; i <= n; i++)); do
		line=$(grep -m1 -oE '^RESULT [0-9A-Za-z]+ [0-9]+' "$T_DIR/$name.$i.out")
		read -r _ s ms <<<"$line"
		case ${s:-none} in
		ok) c_ok=$((c_ok + 1)) ;;
		55P03) c_lock=$((c_lock + 1)) ;;
		23P01) c_excl=$((c_excl + 1)) ;;
		40P01) c_dead=$((c_dead + 1)) ;;
		*)
			c_other=$((c_other + 1))
			diag "$name caller $i: ${line:-$(head -c 300 "$T_DIR/$name.$i.out")}"
			;;
		esac
		[[ -n ${ms:-} ]] && ((ms > slowest)) && slowest=$ms
	done
	echo "ok=$c_ok 55P03=$c_lock 23P01=$c_excl 40P01=$c_dead other=$c_other slowest=$slowest"
}
problems() { q "SELECT test_support.schedule_problems(NULL)"; }

# Campuses: C1 (2 courts) for a, C2 (2 courts) for b, C3 (8 courts) for c.
read -r C1 C2 C3 <<<"$(q "SELECT array_to_string(test_support.campuses(3, 'races', '{2,2,8}'), ' ')")"

# ---------------------------------------------------------------------------
# a. one round robin of 8 (28 sessions on C1, 2 January), 20 of its
#    sessions onto C1 court 1 at 10:00 on 5 January
# ---------------------------------------------------------------------------
R=$(q "SELECT test_support.tournament('round_robin', n => 8, name => 'races rr', seeded => true, generate => true,
                                      campus_ids => ARRAY[$C1]::bigint[])")
q "SELECT tourney.schedule_sessions($R, '2030-01-02 09:00+00', 30, 10)" >/dev/null
mapfile -t ids < <(q "SELECT session_id FROM tourney.sessions WHERE tournament_id = $R ORDER BY session_id LIMIT $N")
calls=()
for id in "${ids[@]}"; do
	calls+=("SELECT 'RESULT ' || test_support.timed(\$\$SELECT tourney.move_session($id, '2030-01-05 10:00+00', $C1, 1)\$\$)")
done
race one "${calls[@]}"
is "$(barrier_of one)" $((N - 1)) "a: all $N callers were released at once"
o=$(outcomes one $N)
like "$o" "^ok=1 55P03=[0-9]+ 23P01=[0-9]+ 40P01=0 other=0 " \
	"a: $N sessions of one tournament onto one court and time: one moved, the others 55P03 or 23P01, no 40P01 ($o)"
slowest=${o##*slowest=}
ok "$((slowest < FAST_MS))" "a: every caller returned within $FAST_MS ms (slowest $slowest ms): nobody waited"
is "$(q "SELECT count(*) FROM tourney.sessions WHERE campus_id = $C1 AND court = 1 AND starts_at = '2030-01-05 10:00+00'")" 1 \
	"a: one session is on C1 court 1 at 10:00 on 5 January"
is "$(problems)" "" "a: no invariant is broken"

# ---------------------------------------------------------------------------
# b. 20 round robins of 4 on C2 (all on 3 January), one session of each
#    onto C2 court 1 at 10:00 on 6 January
# ---------------------------------------------------------------------------
mapfile -t ts < <(q "SELECT test_support.tournament('round_robin', n => 4, name => 'races rr ' || g, seeded => true,
                                                    generate => true, campus_ids => ARRAY[$C2]::bigint[])
                     FROM generate_series(1, $N) g")
for t in "${ts[@]}"; do q "SELECT tourney.schedule_sessions($t, '2030-01-03 09:00+00', 30, 10)" >/dev/null; done
calls=()
for t in "${ts[@]}"; do
	calls+=("SELECT 'RESULT ' || test_support.timed(\$\$SELECT tourney.move_session(
	             (SELECT max(session_id) FROM tourney.sessions WHERE tournament_id = $t), '2030-01-06 10:00+00', $C2, 1)\$\$)")
done
race many "${calls[@]}"
is "$(barrier_of many)" $((N - 1)) "b: all $N callers were released at once"
o=$(outcomes many $N)
like "$o" "^ok=1 55P03=[0-9]+ 23P01=[0-9]+ 40P01=0 other=0 " \
	"b: $N tournaments onto one court and time: one moved, the others 55P03 or 23P01, no 40P01 ($o)"
slowest=${o##*slowest=}
ok "$((slowest < FAST_MS))" "b: every caller returned within $FAST_MS ms (slowest $slowest ms)"
is "$(q "SELECT count(*) || ' ' || count(DISTINCT tournament_id) FROM tourney.sessions
         WHERE campus_id = $C2 AND court = 1 AND tstzrange(starts_at, ends_at) && tstzrange('2030-01-06 10:00+00', '2030-01-06 10:30+00')")" \
	"1 1" "b: one session of one tournament holds C2 court 1 then"
is "$(problems)" "" "b: no invariant is broken"

# ---------------------------------------------------------------------------
# c. crossed swaps in a loop.  T1 and T2 are knockouts of 8 on C3 (8
#    courts), scheduled at the same time: T1's R1M1 (A) and R1M2 (B) and
#    T2's R1M1 (X) all start at 09:00 on 4 January, on different courts,
#    so every swap between them is valid.  Each connection runs a
#    procedure that swaps LOOPS times, committing after each swap (and
#    pausing up to 2 ms) and recording how it ended.
# ---------------------------------------------------------------------------
LOOPS=300
read -r T1 T2 <<<"$(q "SELECT string_agg(test_support.tournament('knockout', n => 8, name => 'races swap ' || g, seeded => true,
                                                               generate => true, campus_ids => ARRAY[$C3]::bigint[])::text, ' ')
                       FROM generate_series(1, 2) g")"
q "SELECT tourney.schedule_sessions($T1, '2030-01-04 09:00+00', 30, 10)" \
	"SELECT tourney.schedule_sessions($T2, '2030-01-04 09:00+00', 30, 10)" >/dev/null
read -r A B X <<<"$(q "SELECT test_support.session_id($T1, 1, 1) || ' ' || test_support.session_id($T1, 1, 2) || ' ' ||
                              test_support.session_id($T2, 1, 1)")"
is "$(q "SELECT count(DISTINCT starts_at) || ' ' || count(DISTINCT (campus_id, court))
         FROM tourney.sessions WHERE session_id IN ($A, $B, $X)")" "1 3" "c: A, B and X start together on three courts"
q "CREATE TABLE public.swap_log (who text, sqlstate text)" \
	"CREATE TABLE public.places_before AS SELECT session_id, campus_id, court, starts_at FROM tourney.sessions
	 WHERE session_id IN ($A, $B, $X)" >/dev/null
q "CREATE PROCEDURE public.swap_loop(who text, a bigint, b bigint, n int)
   LANGUAGE plpgsql AS \$\$
   BEGIN
       FOR i IN 1 .. n LOOP
           INSERT INTO public.swap_log
           VALUES (who, (test_support.capture(format('SELECT tourney.swap_sessions(%s, %s)', a, b))).sqlstate);
           COMMIT;
           PERFORM pg_sleep(random() / 500);  -- up to 2 ms between transactions: both get turns
       END LOOP;
   END \$\$" >/dev/null

# swaps LABEL P Q: two connections swap P<->Q and Q<->P at the same time
swaps() {
	race "$1" "CALL public.swap_loop('$1 one', $2, $3, $LOOPS)" "CALL public.swap_loop('$1 two', $3, $2, $LOOPS)"
}
# tally LABEL: "ok=<n> 55P03=<n> 40P01=<n> other=<n>"
tally() {
	q "SELECT format('ok=%s 55P03=%s 40P01=%s other=%s', count(*) FILTER (WHERE sqlstate = 'ok'),
	                 count(*) FILTER (WHERE sqlstate = '55P03'), count(*) FILTER (WHERE sqlstate = '40P01'),
	                 count(*) FILTER (WHERE sqlstate NOT IN ('ok', '55P03', '40P01')))
	   FROM public.swap_log WHERE who LIKE '$1 %'"
	diag "$(q "SELECT string_agg(x, ', ' ORDER BY who) FROM (
	               SELECT who, format('%s: %s ok of %s', who, count(*) FILTER (WHERE sqlstate = 'ok'), count(*)) AS x
	               FROM public.swap_log WHERE who LIKE '$1 %' GROUP BY who) y")" >&2
}
# at_own P Q: 't' when P is at its place from before, 'f' when at Q's
at_own() {
	q "SELECT (s.campus_id, s.court, s.starts_at) = (b.campus_id, b.court, b.starts_at)
	   FROM tourney.sessions s JOIN public.places_before b USING (session_id) WHERE s.session_id = $1"
}

swaps cross "$A" "$X"
for f in one two; do
	is "$(sqlstate_of "$T_DIR/cross.$([[ $f == one ]] && echo 1 || echo 2).out")" ok "c: A<->X against X<->A: connection $f ran its $LOOPS swaps to the end"
done
o=$(tally cross)
like "$o" "^ok=[1-9][0-9]* 55P03=[0-9]+ 40P01=0 other=0$" "c: across two tournaments, $((2 * LOOPS)) crossed swaps: ok or 55P03 only, no 40P01 ($o)"
n_ok=$(q "SELECT count(*) FROM public.swap_log WHERE who LIKE 'cross %' AND sqlstate = 'ok'")
is "$(at_own "$A")/$(at_own "$X")" "$( ((n_ok % 2)) && echo f/f || echo t/t)" \
	"c: A and X are where $n_ok successful swaps put them (nothing half-done)"
is "$(problems)" "" "c: no invariant is broken after the crossed swaps across tournaments"

swaps within "$A" "$B"
o=$(tally within)
like "$o" "^ok=[1-9][0-9]* 55P03=[0-9]+ 40P01=0 other=0$" "c: within one tournament, $((2 * LOOPS)) crossed swaps A<->B, B<->A: ok or 55P03 only, no 40P01 ($o)"
n_ok=$(q "SELECT count(*) FROM public.swap_log WHERE sqlstate = 'ok'")
n_within=$(q "SELECT count(*) FROM public.swap_log WHERE who LIKE 'within %' AND sqlstate = 'ok'")
b_own=$(at_own "$B")
is "$b_own" "$( ((n_within % 2)) && echo f || echo t)" "c: B is where $n_within successful swaps with A put it"
is "$(problems)" "" "c: no invariant is broken after the crossed swaps within a tournament"

# ---------------------------------------------------------------------------
# d. the guards of campus_hours and campus_closures take the campus's lock
#    at COMMIT.  Connection A adds opening hours to campuses D1 and D2 (they
#    hold every session: the guards accept them); connection B moves a
#    session onto D2 (sharing D2's lock) and records a closure of D1 in
#    2031 (harmless).  A commits first: its guard of D1 takes D1, its
#    guard of D2 waits for B.  Then B commits, and its guard of D1 waits
#    for A.  The first to commit may wait for the other, or be refused at
#    once, but no deadlock error (40P01) may come of it.
# ---------------------------------------------------------------------------
read -r D1 D2 <<<"$(q "SELECT array_to_string(test_support.campuses(2, 'races guard', '{2}'), ' ')")"
TD=$(q "SELECT test_support.tournament('knockout', n => 8, name => 'races guard', seeded => true, generate => true,
                                       campus_ids => ARRAY[$D1, $D2]::bigint[])")
q "SELECT tourney.schedule_sessions($TD, '2030-01-07 09:00+00', 30, 10)" >/dev/null
FD=$(q "SELECT test_support.session_id($TD, 3, 1)")
bg_start guard_a
bg_start guard_b
bg_run guard_a A_READY "BEGIN;" "INSERT INTO tourney.campus_hours VALUES ($D1, tstzrange('2029-01-01', '2031-01-01')),
                                                                        ($D2, tstzrange('2029-01-01', '2031-01-01'));"
bg_run guard_b B_READY "BEGIN;" "SELECT tourney.move_session($FD, '2030-01-08 10:00+00', $D2, 1);" \
	"INSERT INTO tourney.campus_closures VALUES ($D1, tstzrange('2031-06-01', '2031-06-02'), 'races guard');"
bg_send guard_a "COMMIT;"
bg_send guard_a "\\echo A_DONE"
sleep 0.5
bg_send guard_b "COMMIT;"
bg_send guard_b "\\echo B_DONE"
bg_expect guard_a '^A_DONE' 20 && bg_expect guard_b '^B_DONE' 20
out_a=$(bg_out guard_a)
out_b=$(bg_out guard_b)
bg_stop guard_a
bg_stop guard_b
commits=$(q "SELECT (SELECT count(*) FROM tourney.campus_hours WHERE campus_id IN ($D1, $D2)) || ' hours, ' ||
                    (SELECT count(*) FROM tourney.campus_closures WHERE campus_id = $D1) || ' closure'")
ok "$([[ $out_a$out_b != *40P01* ]] && echo t)" \
	"d: a guard at COMMIT against a transaction holding another campus: no deadlock error (A: $(sqlstate "$out_a"), B: $(sqlstate "$out_b"); kept $commits)"
[[ $out_a$out_b == *40P01* ]] && diag "A: $(grep -m1 ERROR <<<"$out_a")" "B: $(grep -m1 ERROR <<<"$out_b")"
is "$(problems)" "" "d: no invariant is broken"

quiesce
is "$(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()
         AND database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))")" 0 \
	"no advisory lock (tournament, schedule, campus, court) is left"
