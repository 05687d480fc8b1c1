#!/usr/bin/env bash
# Many connections at once (SPEC §3, §4; issue 4 "the submit race", issue 6
# "Races"): the load the lock order has to stand, beyond what the isolation
# specs (test/specs/) walk through step by step with two or three sessions.
#   a. 100 concurrent generate_sessions on one tournament (async true, false
#      and NULL mixed): exactly one generation, every other caller 55000;
#   b. 100 concurrent submit_result with different scores on one knockout
#      round-1 session: one applied, the rest 55000, one advancement; then
#      100 concurrent identical re-sends: all no-ops, still one advancement;
#   c. 20 different and 20 identical results for one session, and a
#      semi-final's winner and loser advancing once under 20 racers each;
#   d. Swiss: all the results of a round arriving together pair exactly one
#      next round (8 at once, and 3 at once with a bye).
# Every race starts its callers together (race in support/tap.bash: an
# advisory-lock barrier the first caller lifts when all the others wait).
#
# Connections: races a and b use min(100, max_connections) connections at
# once; with a smaller max_connections they use fewer and say so.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

# tournament FORMAT NAME PLAYERS: enrolled with seeds 1..n and generated
tournament() {
	q "SELECT test_support.tournament('$1', '$3'::bigint[], '$2', seeded => true, generate => true)"
}
sid() { q "SELECT test_support.session_id($1, '$2', $3, $4)"; }
slots() {
	q "SELECT coalesce(string_agg(format('%s:%s', slot, player_id), ' ' ORDER BY slot), '-')
	   FROM tourney.session_participants WHERE session_id = $1"
}

plan 33

maxconn=$(q "SHOW max_connections")
K=$((maxconn < 100 ? maxconn : 100))
((K == 100)) || diag "max_connections is $maxconn: races a and b use $K concurrent callers instead of 100"
quiesce || diag "other client backends are still connected"

# ---------------------------------------------------------------------------
# a. K concurrent generate_sessions on one tournament of 200 players.
# ---------------------------------------------------------------------------
N=200
t=$(tournament_with "'$(make_players $N gen)'::bigint[]" gen)
modes=(true false NULL)
calls=()
for ((i = 1; i <= K; i++)); do calls+=("SELECT tourney.generate_sessions($t, async => ${modes[i % 3]})"); done
race gen "${calls[@]}"
is "$(barrier_of gen)" $((K - 1)) "a: all $K callers were released at once (the first saw $((K - 1)) waiting)"
is "$(outcome gen "$K")" "ok=1 55000=$((K - 1)) other=0" \
	"a: $K concurrent generate_sessions (async true/false/NULL mixed): one succeeds, $((K - 1)) get 55000"
winner=$(grep -l -E '^[0-9a-f-]{36}$' "$T_DIR"/gen.*.out | head -n 1)
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

# ---------------------------------------------------------------------------
# b. K concurrent submit_result on one knockout round-1 session.
# ---------------------------------------------------------------------------
quiesce
t=$(tournament_with "'$(make_players 16 res)'::bigint[]" res)
q "SELECT tourney.generate_sessions($t, async => false)" >/dev/null
IFS='|' read -r sid next nslot <<<"$(q "SELECT session_id, next_session_id, next_slot FROM tourney.sessions
     WHERE tournament_id = $t AND stage = 'main' AND round = 1 AND match_number = 1")"
parts0=$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t")
scores=()
calls=()
for ((i = 1; i <= K; i++)); do
	if ((i % 2)); then scores+=("$((i + 1)),$i"); else scores+=("$i,$((i + 1))"); fi
	calls+=("SELECT tourney.submit_result($sid, ARRAY[${scores[i - 1]}])")
done
race sub "${calls[@]}"
is "$(barrier_of sub)" $((K - 1)) "b: all $K callers were released at once"
is "$(outcome sub "$K")" "ok=1 55000=$((K - 1)) other=0" "b: $K different results for one session: one applied, $((K - 1)) get 55000"
want=none
for ((i = 1; i <= K; i++)); do
	[[ $(sqlstate_of "$T_DIR/sub.$i.out") == ok ]] && want=${scores[i - 1]}
done
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
calls=()
for ((i = 1; i <= K; i++)); do calls+=("SELECT tourney.submit_result($sid, ARRAY[$want])"); done
race again "${calls[@]}"
is "$(barrier_of again)" $((K - 1)) "b: all $K re-senders were released at once"
is "$(outcome again "$K")" "ok=$K 55000=0 other=0" "b: $K concurrent identical re-sends all succeed"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t")|$(q "SELECT count(*)
         FROM tourney.session_participants WHERE tournament_id = $t AND session_id = $next AND slot = $nslot")" \
	"$((parts0 + 1))|1" "b: after the re-sends still exactly one advancement"
is "$(q "SELECT result_submitted_at FROM tourney.sessions WHERE tournament_id = $t AND session_id = $sid")" \
	"$stamp" "b: the re-sends were no-ops (result_submitted_at unchanged)"

# ---------------------------------------------------------------------------
# c. Twenty racers: different and identical results, semi-finals
# ---------------------------------------------------------------------------
RACERS=20
quiesce
P=$(make_players 8 "race ko")
K8=$(tournament knockout "race ko" "$P")
QF1=$(sid "$K8" main 1 1)
QF2=$(sid "$K8" main 1 2)
SF1=$(sid "$K8" main 2 1)
# racer i: odd i -> slot 1 wins i:0, even i -> slot 2 wins 0:i
calls=()
for i in $(seq $RACERS); do
	if ((i % 2)); then calls+=("SELECT tourney.submit_result($QF1, ARRAY[$i, 0])"); else calls+=("SELECT tourney.submit_result($QF1, ARRAY[0, $i])"); fi
done
race different "${calls[@]}"
is "$(outcome different $RACERS)" "ok=1 55000=$((RACERS - 1)) other=0" \
	"c: $RACERS different results for one session at once: one succeeds, $((RACERS - 1)) get 55000, nothing else"
winner_i=0
for i in $(seq $RACERS); do [[ $(cat "$T_DIR/different.$i.out.rc") == 0 ]] && winner_i=$i; done
if ((winner_i % 2)); then want_scores="{$winner_i,0}"; want_slot=1; else want_scores="{0,$winner_i}"; want_slot=2; fi
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $QF1")" "$want_scores" \
	"c: the stored scores are those of the one that succeeded (racer $winner_i)"
is "$(q "SELECT result_submitted AND winner_id = (SELECT player_id FROM tourney.session_participants
                                                 WHERE session_id = $QF1 AND slot = $want_slot)
         FROM tourney.sessions WHERE session_id = $QF1")" "t" "c: its winner is the session's winner"
is "$(q "SELECT count(*) || ' ' || coalesce(string_agg(slot::text, ','), '') || ' ' ||
                bool_and(player_id = (SELECT winner_id FROM tourney.sessions WHERE session_id = $QF1))
         FROM tourney.session_participants WHERE session_id = $SF1")" "1 1 true" \
	"c: the next session holds exactly one advanced player, the winner, in slot 1"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $K8")" "9" \
	"c: the tournament has 8 + 1 participants"

calls=()
for i in $(seq $RACERS); do calls+=("SELECT tourney.submit_result($QF2, ARRAY[2.5, 1])"); done
race identical "${calls[@]}"
is "$(outcome identical $RACERS)" "ok=$RACERS 55000=0 other=0" "c: $RACERS identical results for one session at once: all succeed"
is "$(q "SELECT array_agg(score ORDER BY slot) FROM tourney.session_participants WHERE session_id = $QF2")" "{2.5,1}" \
	"c: the result is stored once"
is "$(q "SELECT count(*) FILTER (WHERE slot = 2) || ' ' || count(*) FROM tourney.session_participants WHERE session_id = $SF1")" \
	"1 2" "c: the winner advanced once: the next session has one player in slot 2, two in all"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $K8")" "10" \
	"c: the tournament has 8 + 2 participants"

# semi-finals: winner to the final, loser to the third place, once
P4=$(make_players 4 "race semi")
K4=$(tournament knockout "race semi" "$P4")
S1=$(sid "$K4" main 1 1)
S2=$(sid "$K4" main 1 2)
FIN=$(sid "$K4" main 2 1)
THIRD=$(sid "$K4" third_place 2 1)
calls=()
for i in $(seq $RACERS); do calls+=("SELECT tourney.submit_result($S1, ARRAY[0, 7])"); done
race semi_identical "${calls[@]}"
is "$(outcome semi_identical $RACERS)" "ok=$RACERS 55000=0 other=0" "c: semi-final, $RACERS identical results at once: all succeed"
is "$(slots "$FIN") | $(slots "$THIRD")" \
	"1:$(q "SELECT ('$P4'::bigint[])[4]") | 1:$(q "SELECT ('$P4'::bigint[])[1]")" \
	"c: the winner (seed 4) is in the final once, the loser (seed 1) in the third place match once"
calls=()
for i in $(seq $RACERS); do
	if ((i % 2)); then calls+=("SELECT tourney.submit_result($S2, ARRAY[$i, 0])"); else calls+=("SELECT tourney.submit_result($S2, ARRAY[0, $i])"); fi
done
race semi_different "${calls[@]}"
is "$(outcome semi_different $RACERS)" "ok=1 55000=$((RACERS - 1)) other=0" \
	"c: semi-final, $RACERS different results at once: one succeeds, the rest get 55000"
is "$(q "SELECT count(*) || ' ' || count(DISTINCT player_id) || ' ' || string_agg(slot::text, ',' ORDER BY slot)
         FROM tourney.session_participants WHERE session_id IN ($FIN, $THIRD)")" "4 4 1,1,2,2" \
	"c: final and third place have two distinct players each"
is "$(q "SELECT (SELECT player_id FROM tourney.session_participants WHERE session_id = $FIN AND slot = 2)
                = s.winner_id
            AND (SELECT player_id FROM tourney.session_participants WHERE session_id = $THIRD AND slot = 2)
                = (SELECT player_id FROM tourney.session_participants WHERE session_id = $S2 AND player_id <> s.winner_id)
         FROM tourney.sessions s WHERE s.session_id = $S2")" "t" \
	"c: semi-final 2's winner is in the final's slot 2, its loser in the third place's slot 2"

# ---------------------------------------------------------------------------
# d. Swiss: the last results of a round at once pair exactly one next round
# ---------------------------------------------------------------------------
# swiss_race NAME N HAND: N-player Swiss; the first HAND results of round 1
# by hand, the others all at once; prints "round 2 sessions/distinct
# players in round 2/byes of round 2/racer outcome"
swiss_race() {
	local name=$1 n=$2 hand=$3 p t m calls=()
	p=$(make_players "$n" "race swiss $name")
	t=$(tournament swiss "race swiss $name" "$p")
	for m in $(seq "$hand"); do
		q "SELECT tourney.submit_result($(sid "$t" main 1 "$m"), ARRAY[1, 0])" >/dev/null
	done
	for m in $(seq $((hand + 1)) $((n / 2))); do
		calls+=("SELECT tourney.submit_result($(sid "$t" main 1 "$m"), ARRAY[$((m % 2)), $(((m + 1) % 2))])")
	done
	race "$name" "${calls[@]}"
	echo "$(q "SELECT count(*) || '/' || (SELECT count(DISTINCT p.player_id) FROM tourney.sessions s
	                                   JOIN tourney.session_participants p USING (tournament_id, session_id)
	                                   WHERE s.tournament_id = $t AND s.round = 2) || '/' ||
	                  (SELECT count(*) FROM tourney.byes WHERE tournament_id = $t AND round = 2)
	           FROM tourney.sessions WHERE tournament_id = $t AND round = 2")|$(outcome "$name" $((n / 2 - hand)))"
}
is "$(swiss_race swiss16 16 0)" "8/16/0|ok=8 55000=0 other=0" \
	"d: Swiss of 16, all 8 results of round 1 at once: all succeed, one round 2 of 8 sessions"
is "$(swiss_race swiss13 13 3)" "6/12/1|ok=3 55000=0 other=0" \
	"d: Swiss of 13, the last three results of round 1 at once: one round 2 of 6 sessions and one bye"

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
