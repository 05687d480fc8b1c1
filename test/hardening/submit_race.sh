#!/usr/bin/env bash
# Results submitted at the same moment from many connections (SPEC §3, §4;
# issue 4 "the submit race"): the first result for a session wins, every
# other different one gets 55000, identical re-sends all succeed, and a
# winner (or semi-final loser) advances exactly once; the last results of a
# Swiss round arriving together pair exactly one next round.  Section 7 pins
# down interleavings of submit_result with simulate_results and
# correct_result: no lost update, no deadlock, no stale advancement.
#
# Environment (scripts/test.sh): PGDATABASE (a fresh database with pgtap and
# tourney), PGHOST/PGPORT/PGUSER.  Prints TAP.
#
# The start is synchronised with an advisory lock: a holder connection takes
# pg_advisory_lock(K); the racers block in pg_advisory_lock_shared(K); once
# all of them wait, the holder lets go and they all submit at once.

set -u -o pipefail

export PGOPTIONS="-c statement_timeout=60s -c lock_timeout=60s -c client_min_messages=warning ${PGOPTIONS:-}"
PSQL=(psql -X -q -A -t -v ON_ERROR_STOP=1)
DIR=$(mktemp -d -t tourney-race.XXXXXX)
BG=()
cleanup() {
	local p
	for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$DIR"
}
trap cleanup EXIT

source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

# q SQL: one statement, unaligned tuples, errors on stderr.
q() { timeout 120 "${PSQL[@]}" -c "$1"; }

# race KEY NAME SQL...: run each SQL in its own connection, all released at
# the same moment.  Racer i writes $DIR/NAME.i.out (stdout and stderr,
# VERBOSITY verbose so errors carry their SQLSTATE) and $DIR/NAME.i.rc.
race() {
	local key=$1 name=$2
	shift 2
	local n=$# i=0 holder sql waited
	timeout 120 "${PSQL[@]}" \
		-c "SELECT pg_advisory_lock($key)" \
		-c "DO \$\$ BEGIN
		      FOR i IN 1 .. 1200 LOOP
		          EXIT WHEN (SELECT count(*) FROM pg_locks
		                     WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		                       AND classid = 0 AND objid = $key AND objsubid = 1 AND NOT granted) >= $n;
		          PERFORM pg_sleep(0.05);
		      END LOOP;
		    END \$\$" \
		-c "SELECT count(*) FROM pg_locks
		    WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		      AND classid = 0 AND objid = $key AND objsubid = 1 AND NOT granted" \
		-c "SELECT pg_advisory_unlock($key)" >"$DIR/$name.holder" 2>&1 &
	holder=$!
	BG+=("$holder")
	# wait until the holder has the lock
	for _ in $(seq 600); do
		[[ $(q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		        AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND classid = 0
		        AND objid = $key AND objsubid = 1 AND granted AND mode = 'ExclusiveLock'") == 1 ]] && break
		sleep 0.05
	done
	local pids=()
	for sql in "$@"; do
		i=$((i + 1))
		(
			timeout 120 "${PSQL[@]}" -v VERBOSITY=verbose \
				-c "SELECT pg_advisory_lock_shared($key)" -c "$sql" >"$DIR/$name.$i.out" 2>&1
			echo $? >"$DIR/$name.$i.rc"
		) &
		pids+=($!)
	done
	wait "${pids[@]}"
	wait "$holder"
	waited=$(grep -E '^[0-9]+$' "$DIR/$name.holder")
	[[ $waited == "$n" ]] || diag "race $name: the holder saw '$waited' of $n racers waiting: $(cat "$DIR/$name.holder")" >&2
}

# interleave NAME A1 A2 B: connection A runs BEGIN and A1, then waits until
# another connection is blocked by it (at most 15 s), runs A2 (may be empty)
# and commits; connection B starts B once A has run A1.  Outputs and exit
# status in $DIR/NAME.a.{out,rc} and $DIR/NAME.b.{out,rc}.
interleave() {
	local name=$1 a1=$2 a2=${3:-SELECT 1} b=$4 apid bpid
	(
		PGAPPNAME="race_${name}_a" timeout 120 "${PSQL[@]}" -v VERBOSITY=verbose \
			-c "BEGIN" -c "$a1" \
			-c "DO \$\$ DECLARE deadline timestamptz := clock_timestamp() + interval '15 s';
			    BEGIN
			        WHILE NOT EXISTS (SELECT 1 FROM pg_locks l
			                          WHERE NOT l.granted AND pg_backend_pid() = ANY (pg_blocking_pids(l.pid)))
			              AND clock_timestamp() < deadline LOOP
			            PERFORM pg_sleep(0.02);
			        END LOOP;
			    END \$\$" \
			-c "$a2" -c "COMMIT" >"$DIR/$name.a.out" 2>&1
		echo $? >"$DIR/$name.a.rc"
	) &
	apid=$!
	BG+=("$apid")
	for _ in $(seq 600); do
		[[ $(q "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'race_${name}_a'
		        AND state = 'active' AND query LIKE 'DO %'") == 1 ]] && break
		sleep 0.02
	done
	(
		PGAPPNAME="race_${name}_b" timeout 120 "${PSQL[@]}" -v VERBOSITY=verbose -c "$b" >"$DIR/$name.b.out" 2>&1
		echo $? >"$DIR/$name.b.rc"
	) &
	bpid=$!
	BG+=("$bpid")
	wait "$apid" "$bpid"
}

# state NAME X: "ok", "55000" or the first error line of connection X
state() {
	if [[ $(cat "$DIR/$1.$2.rc") == 0 ]]; then
		echo ok
	elif grep -q 'ERROR:  55000' "$DIR/$1.$2.out"; then
		echo 55000
	else
		grep -m1 'ERROR' "$DIR/$1.$2.out" || echo "exit $(cat "$DIR/$1.$2.rc")"
	fi
}

# bracket_errors T: knockout sessions that contradict the results before
# them: a winner who is not a participant, a fed slot whose player is not the
# winner (loser, for the third place) of the session feeding it, or a fed
# slot filled before its feeding session has a result.
bracket_errors() {
	q "SELECT count(*) FROM tourney.sessions f
	   LEFT JOIN tourney.session_participants w
	     ON w.tournament_id = f.tournament_id AND w.session_id = f.next_session_id AND w.slot = f.next_slot
	   LEFT JOIN tourney.session_participants l
	     ON l.tournament_id = f.tournament_id AND l.session_id = f.loser_next_session_id AND l.slot = f.loser_next_slot
	   WHERE f.tournament_id = $1
	     AND ((f.winner_id IS NOT NULL AND NOT EXISTS (
	              SELECT 1 FROM tourney.session_participants p
	              WHERE p.tournament_id = f.tournament_id AND p.session_id = f.session_id AND p.player_id = f.winner_id))
	          OR (f.next_session_id IS NOT NULL AND w.player_id IS DISTINCT FROM f.winner_id)
	          OR (f.loser_next_session_id IS NOT NULL
	              AND l.player_id IS DISTINCT FROM (
	                  SELECT p.player_id FROM tourney.session_participants p
	                  WHERE p.tournament_id = f.tournament_id AND p.session_id = f.session_id
	                    AND f.result_submitted AND p.player_id <> f.winner_id)))"
}

# outcome NAME N: "successes/55000 failures/other failures" of a race.
outcome() {
	local name=$1 n=$2 i ok=0 busy=0 other=0
	for i in $(seq "$n"); do
		if [[ $(cat "$DIR/$name.$i.rc" 2>/dev/null) == 0 ]]; then
			ok=$((ok + 1))
		elif grep -q 'ERROR:  55000' "$DIR/$name.$i.out"; then
			busy=$((busy + 1))
		else
			other=$((other + 1))
			diag "racer $name.$i: $(cat "$DIR/$name.$i.out")"
		fi
	done
	echo "$ok/$busy/$other"
}

# players NAME COUNT: new players (distinct ratings); prints {ids}
players() {
	q "WITH ins AS (INSERT INTO tourney.players (name, rating)
	                SELECT format('%s %s', '$1', g), 2000 - g FROM generate_series(1, $2) g
	                RETURNING player_id)
	   SELECT array_agg(player_id ORDER BY player_id) FROM ins"
}

# tournament FORMAT NAME PLAYERS: created, enrolled with seeds 1..n, generated
tournament() { q "SELECT pg_temp_race_tournament('$1', '$2', '$3')"; }

sid() { q "SELECT session_id FROM tourney.sessions WHERE tournament_id = $1 AND stage = '$2' AND round = $3 AND match_number = $4"; }
slots() {
	q "SELECT coalesce(string_agg(format('%s:%s', slot, player_id), ' ' ORDER BY slot), '-')
	   FROM tourney.session_participants WHERE session_id = $1"
}

plan 36

q "CREATE FUNCTION pg_temp_race_tournament(format text, name text, players bigint[]) RETURNS bigint
   LANGUAGE plpgsql AS \$\$
   DECLARE t bigint;
   BEGIN
       t := tourney.create_tournament(name, format);
       PERFORM tourney.enroll(t, players, ARRAY(SELECT generate_series(1, cardinality(players))));
       PERFORM tourney.generate_sessions(t, async => false);
       RETURN t;
   END \$\$" >/dev/null || diag "could not create the helper function"

RACERS=20

# ---------------------------------------------------------------------------
# 1. Twenty different results for one knockout session at once
# ---------------------------------------------------------------------------
P=$(players "race ko" 8)
[[ $P == '{'* ]] || diag "players: $P"
K=$(tournament knockout "race ko" "$P")
[[ $K =~ ^[0-9]+$ ]] || diag "tournament: $K"
QF1=$(sid "$K" main 1 1)
QF2=$(sid "$K" main 1 2)
SF1=$(sid "$K" main 2 1)
# racer i: odd i -> slot 1 wins i:0, even i -> slot 2 wins 0:i
sqls=()
for i in $(seq $RACERS); do
	if ((i % 2)); then sqls+=("SELECT tourney.submit_result($QF1, ARRAY[$i, 0])"); else sqls+=("SELECT tourney.submit_result($QF1, ARRAY[0, $i])"); fi
done
race 42 different "${sqls[@]}"
is "$(outcome different $RACERS)" "1/$((RACERS - 1))/0" \
	"$RACERS different results for one session at once: one succeeds, $((RACERS - 1)) get 55000, nothing else"
winner_i=0
for i in $(seq $RACERS); do [[ $(cat "$DIR/different.$i.rc") == 0 ]] && winner_i=$i; done
if ((winner_i % 2)); then want_scores="{$winner_i,0}"; want_slot=1; else want_scores="{0,$winner_i}"; want_slot=2; fi
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $QF1")" "$want_scores" \
	"the stored scores are those of the one that succeeded (racer $winner_i)"
is "$(q "SELECT result_submitted AND winner_id = (SELECT player_id FROM tourney.session_participants
                                                 WHERE session_id = $QF1 AND slot = $want_slot)
         FROM tourney.sessions WHERE session_id = $QF1")" "t" "its winner is the session's winner"
is "$(q "SELECT count(*) || ' ' || coalesce(string_agg(slot::text, ','), '') || ' ' ||
                bool_and(player_id = (SELECT winner_id FROM tourney.sessions WHERE session_id = $QF1))
         FROM tourney.session_participants WHERE session_id = $SF1")" "1 1 true" \
	"the next session holds exactly one advanced player, the winner, in slot 1"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $K")" "9" \
	"the tournament has 8 + 1 participants"

# ---------------------------------------------------------------------------
# 2. Twenty identical results for one session at once: all succeed, one
#    advancement
# ---------------------------------------------------------------------------
sqls=()
for i in $(seq $RACERS); do sqls+=("SELECT tourney.submit_result($QF2, ARRAY[2.5, 1])"); done
race 43 identical "${sqls[@]}"
is "$(outcome identical $RACERS)" "$RACERS/0/0" "$RACERS identical results for one session at once: all succeed"
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $QF2")" "{2.5,1}" \
	"the result is stored once"
is "$(q "SELECT count(*) FILTER (WHERE slot = 2) || ' ' || count(*) FROM tourney.session_participants WHERE session_id = $SF1")" \
	"1 2" "the winner advanced once: the next session has one player in slot 2, two in all"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $K")" "10" \
	"the tournament has 8 + 2 participants"

# ---------------------------------------------------------------------------
# 3. Semi-finals: winner to the final, loser to the third place, once
# ---------------------------------------------------------------------------
P4=$(players "race semi" 4)
K4=$(tournament knockout "race semi" "$P4")
S1=$(sid "$K4" main 1 1)
S2=$(sid "$K4" main 1 2)
FIN=$(sid "$K4" main 2 1)
THIRD=$(sid "$K4" third_place 2 1)
sqls=()
for i in $(seq $RACERS); do sqls+=("SELECT tourney.submit_result($S1, ARRAY[0, 7])"); done
race 44 semi_identical "${sqls[@]}"
is "$(outcome semi_identical $RACERS)" "$RACERS/0/0" "semi-final, $RACERS identical results at once: all succeed"
is "$(slots "$FIN") | $(slots "$THIRD")" \
	"1:$(q "SELECT ('$P4'::bigint[])[4]") | 1:$(q "SELECT ('$P4'::bigint[])[1]")" \
	"the winner (seed 4) is in the final once, the loser (seed 1) in the third place match once"
sqls=()
for i in $(seq $RACERS); do
	if ((i % 2)); then sqls+=("SELECT tourney.submit_result($S2, ARRAY[$i, 0])"); else sqls+=("SELECT tourney.submit_result($S2, ARRAY[0, $i])"); fi
done
race 45 semi_different "${sqls[@]}"
is "$(outcome semi_different $RACERS)" "1/$((RACERS - 1))/0" \
	"semi-final, $RACERS different results at once: one succeeds, the rest get 55000"
is "$(q "SELECT count(*) || ' ' || count(DISTINCT player_id) || ' ' || string_agg(slot::text, ',' ORDER BY slot)
         FROM tourney.session_participants WHERE session_id IN ($FIN, $THIRD)")" "4 4 1,1,2,2" \
	"final and third place have two distinct players each"
is "$(q "SELECT (SELECT player_id FROM tourney.session_participants WHERE session_id = $FIN AND slot = 2)
                = s.winner_id
            AND (SELECT player_id FROM tourney.session_participants WHERE session_id = $THIRD AND slot = 2)
                = (SELECT player_id FROM tourney.session_participants WHERE session_id = $S2 AND player_id <> s.winner_id)
         FROM tourney.sessions s WHERE s.session_id = $S2")" "t" \
	"semi-final 2's winner is in the final's slot 2, its loser in the third place's slot 2"

# ---------------------------------------------------------------------------
# 4. Two quarter-finals feeding one semi-final at the same moment
# ---------------------------------------------------------------------------
QF3=$(sid "$K" main 1 3)
QF4=$(sid "$K" main 1 4)
SF2=$(sid "$K" main 2 2)
race 46 feeders "SELECT tourney.submit_result($QF3, ARRAY[1, 0])" "SELECT tourney.submit_result($QF4, ARRAY[0, 1])"
is "$(outcome feeders 2)" "2/0/0" "the two results feeding one semi-final at once both succeed"
is "$(q "SELECT string_agg(format('%s:%s', p.slot, p.player_id = w.winner_id), ' ' ORDER BY p.slot)
         FROM tourney.session_participants p
         JOIN tourney.sessions w ON w.session_id = CASE p.slot WHEN 1 THEN $QF3 ELSE $QF4 END
         WHERE p.session_id = $SF2")" "1:t 2:t" "the semi-final holds both winners, each in its slot"

# ---------------------------------------------------------------------------
# 5. Swiss: the last results of a round at the same moment pair exactly one
#    next round
# ---------------------------------------------------------------------------
# swiss_race KEY N PLAYERS HAND: N-player Swiss; the first HAND results of
# round 1 by hand, the others all at once; prints "round 2 sessions/distinct
# players in round 2/byes of round 2/racer outcome"
swiss_race() {
	local key=$1 n=$2 hand=$3 p t m sqls=()
	p=$(players "race swiss $key" "$n")
	t=$(tournament swiss "race swiss $key" "$p")
	for m in $(seq "$hand"); do
		q "SELECT tourney.submit_result($(sid "$t" main 1 "$m"), ARRAY[1, 0])" >/dev/null
	done
	for m in $(seq $((hand + 1)) $((n / 2))); do
		sqls+=("SELECT tourney.submit_result($(sid "$t" main 1 "$m"), ARRAY[$((m % 2)), $(((m + 1) % 2))])")
	done
	race "$key" "swiss$key" "${sqls[@]}"
	echo "$(q "SELECT count(*) || '/' || (SELECT count(DISTINCT p.player_id) FROM tourney.sessions s
	                                   JOIN tourney.session_participants p USING (tournament_id, session_id)
	                                   WHERE s.tournament_id = $t AND s.round = 2) || '/' ||
	                  (SELECT count(*) FROM tourney.byes WHERE tournament_id = $t AND round = 2)
	           FROM tourney.sessions WHERE tournament_id = $t AND round = 2")/$(outcome "swiss$key" $((n / 2 - hand)))"
}
for k in 50 51 52 53 54; do
	is "$(swiss_race $k 8 2)" "4/8/0/2/0/0" \
		"Swiss of 8, the last two results of round 1 at once (try $((k - 49))): both succeed, one round 2 of 4 sessions"
done
is "$(swiss_race 60 16 0)" "8/16/0/8/0/0" \
	"Swiss of 16, all 8 results of round 1 at once: all succeed, one round 2 of 8 sessions"
is "$(swiss_race 61 13 3)" "6/12/1/3/0/0" \
	"Swiss of 13, the last three results of round 1 at once: one round 2 of 6 sessions and one bye"

# ---------------------------------------------------------------------------
# 6. A different result racing a correct_result of the same session
# ---------------------------------------------------------------------------
P2=$(players "race corr" 2)
K2=$(tournament knockout "race corr" "$P2")
S=$(sid "$K2" main 1 1)
q "SELECT tourney.submit_result($S, ARRAY[1, 0])" >/dev/null
race 70 corr "SELECT tourney.correct_result($S, ARRAY[0, 1])" "SELECT tourney.submit_result($S, ARRAY[0, 3])"
is "$(cat "$DIR/corr.1.rc")/$(($(cat "$DIR/corr.2.rc") != 0))" "0/1" \
	"correct_result succeeds; a different submit_result at the same moment gets an error"
ok "$(grep -q 'ERROR:  55000' "$DIR/corr.2.out" && echo t)" "and that error is 55000"
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $S")" "{0,1}" \
	"the corrected result is stored"

# ---------------------------------------------------------------------------
# 7. Interleavings with simulate_results and correct_result, made
#    deterministic: A holds its transaction open until B waits for it.
# ---------------------------------------------------------------------------
# 7a. A submits a round robin result; simulate_results starts before A
#     commits: the submitted result must stand (no lost update).
P=$(players "il rr" 4)
T=$(tournament round_robin "il rr" "$P")
S=$(sid "$T" main 1 1)
interleave rr "SELECT tourney.submit_result($S, ARRAY[0, 77])" "" "SELECT tourney.simulate_results($T, 1)"
is "$(state rr a) $(state rr b)" "ok ok" "round robin: submit_result and a simulate_results waiting for it both succeed"
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $S")" "{0,77}" \
	"round robin: the submitted result is not overwritten by simulate_results"
is "$(q "SELECT count(*) FILTER (WHERE result_submitted) || '/' || count(*) FROM tourney.sessions WHERE tournament_id = $T")" \
	"6/6" "round robin: every session has a result"

# 7b. The same in a knockout: the submitted result stands, nobody advances twice.
P=$(players "il ko" 8)
T=$(tournament knockout "il ko" "$P")
S=$(sid "$T" main 1 1)
interleave ko "SELECT tourney.submit_result($S, ARRAY[0, 5])" "" "SELECT tourney.simulate_results($T, 1)"
is "$(state ko a) $(state ko b)" "ok ok" "knockout: submit_result and a simulate_results waiting for it both succeed"
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $S")" "{0,5}" \
	"knockout: the submitted result is not overwritten by simulate_results"
is "$(bracket_errors "$T")" "0" "knockout: the bracket agrees with its results"

# 7c. A corrects a quarter-final (the winner changes; the semi-final has no
#     result yet) while B submits that semi-final: whatever B's fate, the
#     semi-final's winner must be one of its players and the bracket must
#     agree with the results.
P=$(players "il corr" 8)
T=$(tournament knockout "il corr" "$P")
for m in 1 2 3 4; do q "SELECT tourney.submit_result($(sid "$T" main 1 $m), ARRAY[1, 0])" >/dev/null; done
QF1=$(sid "$T" main 1 1)
SF1=$(sid "$T" main 2 1)
interleave corr_sf "SELECT count(*) FROM tourney.correct_result($QF1, ARRAY[0, 1])" "" \
	"SELECT tourney.submit_result($SF1, ARRAY[1, 0])"
is "$(state corr_sf a) $(state corr_sf b | sed 's/^55000$/ok/')" "ok ok" \
	"correction and a submit_result of the next session at once: the correction succeeds, the submit succeeds or gets 55000"
is "$(bracket_errors "$T")" "0" \
	"correction racing the next session's result: the bracket agrees with the results (no eliminated player advances)"

# 7d. Swiss: A submits a result and then, in the same transaction, runs
#     simulate_results while B, submitting another result of the round,
#     waits for A: B must wait (or get 55000), never deadlock.
P=$(players "il swiss" 8)
T=$(tournament swiss "il swiss" "$P")
interleave sw "SELECT tourney.submit_result($(sid "$T" main 1 2), ARRAY[1, 0])" \
	"SELECT tourney.simulate_results($T, 1)" "SELECT tourney.submit_result($(sid "$T" main 1 1), ARRAY[0, 1])"
is "$(state sw a) $(state sw b | sed 's/^55000$/ok/')" "ok ok" \
	"Swiss: simulate_results and a submit_result waiting for the tournament do not deadlock"
is "$(q "SELECT string_agg(c::text, ',' ORDER BY round) FROM (SELECT round, count(*) AS c FROM tourney.sessions
         WHERE tournament_id = $T GROUP BY round) x")" "4,4,4" "Swiss: three rounds of 4 sessions"

# ---------------------------------------------------------------------------
# summary
# ---------------------------------------------------------------------------
tap_done || { diag "$T_FAILED of $T_RUN failed"; exit 1; }
exit 0
