#!/usr/bin/env bash
# The event day under many connections at once (SPEC §3e "race-safe like
# submit_result", §4; issue 18), beyond the two-session specs
# (specs/withdraw_withdraw.spec, walkover_submit.spec, cancel_submit.spec):
#   a. 20 connections withdraw the same player: one succeeds, 19 get 55000,
#      one walkover, the counter counts one;
#   b. 10 identical walkovers and 10 identical results for one session:
#      whichever kind commits first, its 10 succeed (the others are no-ops),
#      the other 10 get 55000; the winner advances once;
#   c. every player of a round robin of 12 withdraws at once, each from a
#      connection of its own: all succeed, no deadlock, every game decided;
#   d. 10 connections cancel one tournament in progress while 10 submit its
#      results: one cancellation succeeds, nothing fails otherwise than
#      with 55000, and nothing after the cancellation is written;
#   e. check_in from 20 connections for overlapping players: all succeed,
#      exactly the players listed checked in.
# Every race starts its callers together (race in support/tap.bash).
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 14

quiesce || diag "other client backends are still connected"

# ---------------------------------------------------------------------------
# a. The same player, 20 times
# ---------------------------------------------------------------------------
t=$(q "SELECT test_support.tournament('knockout', n => 8, name => 'races a', seeded => true, generate => true)")
p1=$(q "SELECT test_support.seed_player($t, 1)")
calls=()
for i in $(seq 20); do calls+=("SELECT count(*) FROM tourney.withdraw_player($t, $p1)"); done
race wd "${calls[@]}"
is "$(outcome wd 20)" "ok=1 55000=19 other=0" "a: 20 withdrawals of one player: one succeeds, 19 get 55000"
is "$(q "SELECT test_support.session_text(test_support.session_id($t, 1, 1)) || ' | ' ||
                (SELECT withdrawn_players FROM tourney.tournaments WHERE tournament_id = $t) || ' | ' ||
                (SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t)")" \
	"walkover 1:s1x:-:2 2:s8:-:1 -> s8 | 1 | 9" "a: one walkover, one withdrawal counted, seed 8 advanced once"

# ---------------------------------------------------------------------------
# b. Walkovers and results for one session
# ---------------------------------------------------------------------------
t=$(q "SELECT test_support.tournament('knockout', n => 8, name => 'races b', seeded => true, generate => true)")
s=$(q "SELECT test_support.session_id($t, 1, 2)")
calls=()
for i in $(seq 20); do
	if ((i % 2)); then calls+=("SELECT tourney.submit_walkover($s, 2)"); else calls+=("SELECT tourney.submit_result($s, ARRAY[3, 1])"); fi
done
race wr "${calls[@]}"
is "$(outcome wr 20)" "ok=10 55000=10 other=0" "b: 10 walkovers and 10 results at once: one kind's 10 succeed, the other 10 get 55000"
r=$(q "SELECT test_support.session_text($s)")
like "$r" '^(walkover 1:s4:-:2 2:s5:-:1 -> s5|played 1:s4:3:1 2:s5:1:2 -> s4)$' "b: the session holds one of the two outcomes: $r"
is "$(q "SELECT count(*) FROM tourney.session_participants WHERE tournament_id = $t AND session_id = test_support.session_id($t, 2, 1)")" 1 \
	"b: its winner advanced once"

# ---------------------------------------------------------------------------
# c. Everybody withdraws at once
# ---------------------------------------------------------------------------
t=$(q "SELECT test_support.tournament('round_robin', n => 12, name => 'races c', seeded => true, generate => true)")
calls=()
for i in $(seq 12); do calls+=("SELECT count(*) FROM tourney.withdraw_player($t, test_support.seed_player($t, $i))"); done
race all "${calls[@]}"
out=$(outcome all 12)
like "$out" '^ok=1[12] 55000=[01] other=0$' "c: 12 players withdraw at once: all succeed (the last may have nothing left: 55000), no other error ($out)"
ok "$( ! grep -q 40P01 "$T_DIR"/all.*.out && echo t)" "c: no deadlock"
is "$(q "SELECT count(*) FILTER (WHERE NOT result_submitted) || '|' || count(*) FILTER (WHERE walkover) FROM tourney.sessions WHERE tournament_id = $t")" \
	"0|66" "c: every one of the 66 games is decided by walkover"
is "$(q "SELECT count(*) FROM test_support.stuck_sessions($t)")" 0 "c: nothing waits"

# ---------------------------------------------------------------------------
# d. Cancellation against result entry
# ---------------------------------------------------------------------------
t=$(q "SELECT test_support.tournament('round_robin', n => 10, name => 'races d', seeded => true, generate => true)")
calls=()
for i in $(seq 20); do
	if ((i % 2)); then calls+=("SELECT tourney.cancel_tournament($t)")
	else calls+=("SELECT tourney.submit_result((SELECT session_id FROM tourney.sessions WHERE tournament_id = $t ORDER BY session_id OFFSET $((i / 2 - 1)) LIMIT 1), ARRAY[1, 0])"); fi
done
race cx "${calls[@]}"
out=$(outcome cx 20)
n_ok=$(sed -E 's/^ok=([0-9]+) .*/\1/' <<<"$out")
like "$out" 'other=0$' "d: 10 cancellations and 10 results at once: nothing but success or 55000 ($out)"
cancel_ok=0
for i in $(seq 1 2 20); do [[ $(sqlstate_of "$T_DIR/cx.$i.out") == ok ]] && cancel_ok=$((cancel_ok + 1)); done
is "$cancel_ok" 1 "d: exactly one cancellation succeeds"
is "$(q "SELECT status || '|' || (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t AND result_submitted)
         FROM tourney.tournaments WHERE tournament_id = $t")" "cancelled|$((n_ok - 1))" \
	"d: cancelled, with exactly the results that succeeded (before the cancellation)"

# ---------------------------------------------------------------------------
# e. Check-in from many connections
# ---------------------------------------------------------------------------
t=$(q "SELECT test_support.tournament('knockout', n => 30, name => 'races e')")
calls=()
for i in $(seq 20); do
	calls+=("SELECT tourney.check_in($t, ARRAY(SELECT player_id FROM tourney.enrollments WHERE tournament_id = $t ORDER BY player_id OFFSET $((i - 1)) LIMIT 10))")
done
race ci "${calls[@]}"
is "$(outcome ci 20)" "ok=20 55000=0 other=0" "e: 20 overlapping check-ins at once: all succeed"
is "$(q "SELECT count(*) FILTER (WHERE checked_in_at IS NOT NULL) FROM tourney.enrollments WHERE tournament_id = $t")" 29 \
	"e: the 29 players listed are checked in, the 30th is not"
