#!/usr/bin/env bash
# tourney behind PL/Proxy (SPEC section 8, issue 16): one proxy and two data
# nodes (tourney.node_id 1 and 2), three throwaway clusters on loopback that
# this script starts and stops itself.  Through the proxy: global players
# and campuses, lifecycles of every format (one generated asynchronously on
# its node), errors; then, on the nodes directly: each tournament's rows on
# exactly one node and both nodes used, ids stamped with their node and
# unique, each call run only on the owning node (pg_stat_user_functions),
# the cross-node readers; one node stopped hard: its tournaments fail at
# once with a connection error while the other node's go on, and after the
# restart they carry on and its queued task finishes.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 29

source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/shards.bash"
((EUID == 0)) && chown postgres "$T_DIR"
at_exit shards_down
shards_up "$T_DIR/shards" >"$T_DIR/up.log" 2>&1
ok "$([[ $? == 0 ]] && echo t)" "three clusters up: proxy on ${PORT[proxy]}, node 1 on ${PORT[node1]}, node 2 on ${PORT[node2]}"
[[ -s $T_DIR/up.log ]] && diag "$(cat "$T_DIR/up.log")"
is "$(shards_setup)" "0:1 1:2" \
	"tourney on the nodes, tourney_proxy on the proxy, the README's grants on all three; partition 0 is node 1, partition 1 node 2"

app() { ROLE=shard_app on proxy "$@"; }
op() { ROLE=shard_op on proxy "$@"; }

# --- global rows ------------------------------------------------------------
players=$(app -c "SELECT array_agg(id ORDER BY id) FROM tourney.create_players(
	ARRAY(SELECT 'shard player ' || g FROM generate_series(1, 40) g),
	ARRAY(SELECT 1000 + g * 10 FROM generate_series(1, 40) g)::float8[]) id" 2>&1)
campuses=$(app -c "SELECT array_agg(id ORDER BY id) FROM tourney.create_campuses(ARRAY['north', 'south'], NULL, ARRAY[2, 3]) id" 2>&1)
same_rows() {  # the players and campuses of a node, as text
	on "$1" -c "SELECT (SELECT string_agg(format('%s %s %s', player_id, name, rating), ',' ORDER BY player_id) FROM tourney.players)
	            || ' / ' || (SELECT string_agg(format('%s %s %s', campus_id, name, courts), ',' ORDER BY campus_id) FROM tourney.campuses)"
}
r1=$(same_rows node1)
[[ $players == "{"* ]] || diag "create_players: $players"; [[ $campuses == "{"* ]] || diag "create_campuses: $campuses"
r2=$(same_rows node2)
ok "$([[ $players == '{'*'}' && $campuses == '{1,2}' && -n $r1 && $r1 == "$r2" && $(grep -o 'shard player' <<<"$r1" | wc -l) == 40 ]] && echo t)" \
	"create_players and create_campuses write the same 40 players and 2 campuses, with the same ids, to both nodes"

# a batch that one node already has (as after a failure on the other) is completed, with the same ids
digest=$(on proxy -c "SELECT encode(tourney.global_digest('players', ARRAY['late a', 'late b'], NULL::text[], NULL::text[]), 'hex')")
on node1 -c "SELECT count(*) FROM tourney.put_players(ARRAY[900001, 900002], ARRAY['late a', 'late b'], NULL, NULL, decode('$digest', 'hex'))" >/dev/null
retried=$(app -c "SELECT array_agg(id ORDER BY id) FROM tourney.create_players(ARRAY['late a', 'late b']) id")
again=$(app -c "SELECT count(*) FROM tourney.create_players(ARRAY['late a', 'late b']) id WHERE id < 900000")
is "$retried $(on node2 -c "SELECT string_agg(player_id || ' ' || name, ',' ORDER BY player_id) FROM tourney.players WHERE player_id > 900000") $again" \
	"{900001,900002} 900001 late a,900002 late b 2" \
	"create_players repeated after a partial failure reuses the ids the first try wrote on one node and completes the other; once complete, the same call makes new players"

# --- lifecycles through the proxy ------------------------------------------
P="'$players'::bigint[]"
declare -A TID=()
formats="knockout double_elimination round_robin swiss individual_ranking groups_knockout"
made=t
for f in $formats; do
	case $f in
	swiss | individual_ranking) extra=", number_of_rounds => 3" ;;
	groups_knockout) extra=", group_count => 4, advance_per_group => 2" ;;
	*) extra="" ;;
	esac
	TID[$f]=$(app -c "SELECT tourney.create_tournament('shard $f', '$f'$extra)") || made=f
	app -c "SELECT tourney.enroll(${TID[$f]}, ($P)[1:16])" -c "SELECT tourney.generate_sessions(${TID[$f]}, false)" >/dev/null || made=f
done
ok "$made" "a tournament of every format created, enrolled and generated through the proxy"

# a few results by hand (the session ids read through the proxy), then simulation, ranking, completion
hand=t
for f in knockout round_robin; do
	sid=$(app -c "SELECT session_id FROM tourney.tournament_sessions(${TID[$f]}) WHERE cardinality(player_ids) = 2 AND NOT result_submitted ORDER BY session_id LIMIT 1")
	app -c "SELECT tourney.submit_result($sid, ARRAY[3, 1])" >/dev/null || hand=f
	[[ $(app -c "SELECT result_submitted FROM tourney.tournament_sessions(${TID[$f]}) WHERE session_id = $sid") == t ]] || hand=f
done
ok "$hand" "submit_result through the proxy, routed by the session id's node stamp, lands on the tournament's node"

done_all=t
for f in $formats; do
	op -c "SELECT tourney.simulate_results(${TID[$f]}, 7)" -c "SELECT tourney.calculate_rankings(${TID[$f]})" \
		-c "SELECT tourney.complete_tournament(${TID[$f]})" >/dev/null || done_all=f
done
statuses=$(for f in $formats; do
	ROLE=shard_ro on proxy -c "SELECT count(*) FROM tourney.tournament_rankings(${TID[$f]})"
done | paste -sd' ')
is "$done_all $statuses" "t 16 16 16 16 16 16" \
	"every format simulated, ranked and completed through the proxy; the read-only role reads the 16 rankings of each"

# ratings: rated on the tournament's node, which keeps the history; the new
# values on both nodes' copies of its players; a second rating refused
ko=${TID[knockout]}
ko_node=node$(( ${ko:-0} >> 48 ))
rated=$(op -c "SELECT tourney.update_ratings($ko)" 2>&1)
after_sql="SELECT string_agg(h.player_id || ':' || h.rating_after || ':' || h.deviation_after || ':' || h.volatility_after, ',' ORDER BY h.player_id)
	FROM tourney.rating_history h WHERE h.tournament_id = $ko"
values_sql="SELECT string_agg(p.player_id || ':' || p.rating || ':' || p.rating_deviation || ':' || p.rating_volatility, ',' ORDER BY p.player_id)
	FROM tourney.players p WHERE p.player_id IN (SELECT e.player_id FROM unnest(($P)[1:16]) e(player_id))"
want=$(on "$ko_node" -c "$after_sql")
history=$(for n in node1 node2; do on $n -c "SELECT count(*) FROM tourney.rating_history WHERE tournament_id = $ko"; done | sort | paste -sd' ')
same=$(for n in node1 node2; do [[ -n $want && $(on $n -c "$values_sql") == "$want" ]] && echo t || echo f; done | paste -sd' ')
again=$(sqlstate "$(op -c "SELECT tourney.update_ratings($ko)" 2>&1)")
synced=$(op -c "SELECT tourney.sync_ratings($ko)" 2>&1)
is "$rated | $history | $same | $again | $synced" "16 | 0 16 | t t | 55000 | 0" \
	"update_ratings through the proxy: 16 players rated on the tournament's node (its history there only), both nodes' copies of them hold the new values, a second rating 55000, sync_ratings then changes nothing"

# async: the worker runs on the owning node
ta=$(app -c "SELECT tourney.create_tournament('shard async', 'knockout')")
app -c "SELECT tourney.enroll($ta, $P)" >/dev/null
task=$(app -c "SELECT tourney.generate_sessions($ta, true)")
waited=$(app -c "SELECT status || ' ' || session_count FROM tourney.wait_for_task('$task', '60 s')")
owner=$(( (${ta:-0} >> 48) ))
hex=${task:-0000}
task_node=$(( 16#${hex:0:4} ))
is "$waited $task_node" "done 40 $owner" \
	"an asynchronous generation through the proxy: its task id is stamped with the tournament's node, wait_for_task waits there, the worker writes 40 sessions"

# --- on the nodes directly ---------------------------------------------------
placement=$(for f in $formats async; do
	t=${TID[$f]:-$ta}
	c1=$(on node1 -c "SELECT count(*) FROM tourney.tournaments WHERE tournament_id = $t")
	c2=$(on node2 -c "SELECT count(*) FROM tourney.tournaments WHERE tournament_id = $t")
	s1=$(on node1 -c "SELECT count(*) > 0 FROM tourney.sessions WHERE tournament_id = $t")
	s2=$(on node2 -c "SELECT count(*) > 0 FROM tourney.sessions WHERE tournament_id = $t")
	stamp=$((t >> 48))
	if [[ $c1$c2 == 10 && $s1$s2 == tf && $stamp == 1 ]] || [[ $c1$c2 == 01 && $s1$s2 == ft && $stamp == 2 ]]; then
		echo "ok$stamp"
	else
		echo "bad:$f:$c1$c2$s1$s2:$stamp"
	fi
done | sort | uniq -c | awk '{ print $2 }' | paste -sd' ')
is "$placement" "ok1 ok2" \
	"each tournament's rows are on exactly one node, the one stamped in its id, and both nodes hold tournaments"

ids=$( { on node1 -c "SELECT session_id FROM tourney.sessions"; on node2 -c "SELECT session_id FROM tourney.sessions"; } )
bad_stamps=$(
	on node1 -c "SELECT count(*) FROM tourney.sessions WHERE session_id >> 48 <> 1"
	on node2 -c "SELECT count(*) FROM tourney.sessions WHERE session_id >> 48 <> 2"
)
is "$(sort <<<"$ids" | uniq -d | wc -l) $(paste -sd' ' <<<"$bad_stamps") $(($(wc -l <<<"$ids") > 100))" "0 0 0 1" \
	"session ids never collide across nodes and carry their node's stamp"

# each call runs only on its tournament's node
calls() {  # calls NODE FUNCTION: how often the node ran it
	on "$1" -c "SELECT COALESCE(sum(calls), 0) FROM pg_stat_user_functions
	            WHERE schemaname = 'tourney' AND funcname = '$2'"
}
# (standings is SQL the planner inlines, so the call counted is its check,
# tournament_checked, once per call)
t1=${TID[knockout]}
own=$(( t1 >> 48 ))
other=$(( 3 - own ))
tk=$(( ta >> 48 ))
before="$(calls node$own tournament_checked) $(calls node$other tournament_checked) $(calls node$tk generation_status) $(calls node$((3 - tk)) generation_status)"
for _ in 1 2 3; do ROLE=shard_ro on proxy -c "SELECT count(*) FROM tourney.standings($t1)" >/dev/null; done
for _ in 1 2; do app -c "SELECT status FROM tourney.generation_status('$task')" >/dev/null; done
sleep 1.5
after="$(calls node$own tournament_checked) $(calls node$other tournament_checked) $(calls node$tk generation_status) $(calls node$((3 - tk)) generation_status)"
read -r b1 b2 b3 b4 <<<"$before"
read -r a1 a2 a3 a4 <<<"$after"
is "$(( a1 - b1 >= 3 )) $((a2 - b2)) $((a3 - b3)) $((a4 - b4))" "1 0 2 0" \
	"each call ran only on its node: 3 standings calls checked their tournament on its node ($((a1 - b1)) checks), 2 generation_status calls ran on the task's node, none on the other (pg_stat_user_functions)"

# standings with top through the proxy: the owning node's first rows
is "$(ROLE=shard_ro on proxy -c "SELECT string_agg(format('%s:%s', rank, player_id), ' ') FROM tourney.standings($t1, 5)")" \
	"$(on node$own -c "SELECT string_agg(format('%s:%s', rank, player_id), ' ') FROM (SELECT * FROM tourney.standings($t1) LIMIT 5) s")" \
	"standings(t, 5) through the proxy: the first 5 rows of the tournament's node"

# the readers that span the nodes
counts=$(ROLE=shard_ro on proxy -c "SELECT string_agg(format('%s:%s/%s', node_id, completed_tournaments, players), ' ' ORDER BY node_id) FROM tourney.counts()")
direct=$(for n in 1 2; do
	on node$n -c "SELECT format('%s:%s/%s', $n, (SELECT count(*) FROM tourney.tournaments WHERE status = 'completed'), (SELECT count(*) FROM tourney.players))"
done | paste -sd' ')
is "$counts" "$direct" "counts() runs on both nodes: completed tournaments and players of each"
lb=$(ROLE=shard_ro on proxy -c "SELECT sum(tournaments) || ' ' || sum(titles) FROM tourney.leaderboard(1000)")
is "$lb" "96 6" "leaderboard() merges both nodes: 6 completed tournaments of 16 players, 6 titles"
live=$(app -c "SELECT tourney.create_tournament('shard live ' || g, 'knockout') FROM generate_series(1, 4) g" | paste -sd,)
ov=$(ROLE=shard_ro on proxy -c "SELECT count(*) || ' ' || count(DISTINCT tournament_id >> 48) FROM tourney.overview WHERE tournament_id IN ($live)")
is "$ov" "4 2" "overview through the proxy shows the live tournaments of both nodes"

# --- errors come back with their SQLSTATE and the node's message ------------
err=$(app -c "SELECT tourney.enroll($t1, ARRAY[1])" 2>&1)
like "$err" "ERROR:  55000:.*REMOTE ERROR: cannot enroll players: tournament $t1 is completed" \
	"a node's refusal reaches the client with its SQLSTATE (55000) and message"
err=$(app -c "SELECT tourney.submit_result(((2::bigint << 48) | 99999999), ARRAY[1, 0])" 2>&1)
like "$err" "ERROR:  P0002:.*session [0-9]+ does not exist" "an unknown session: P0002 from the node its stamp names"
err=$(app -c "SELECT tourney.create_tournament(NULL, 'knockout')" 2>&1)
like "$err" "ERROR:  22004:.*name must not be null" "a NULL argument: 22004 from the node"
err=$(ROLE=shard_ro on proxy -c "SELECT tourney.simulate_results($t1)" 2>&1)
is "$(sqlstate "$err")" "42501" "the read-only role may not simulate through the proxy (42501)"
err=$(ROLE=shard_app on proxy -c "SELECT tourney.simulate_results($t1)" 2>&1)
like "$err" "ERROR:  42501:.*REMOTE ERROR" "the application role passes the proxy but its node refuses simulate_results (42501): the node decides, as the caller"
# an id stamped for node 1 whose hash routes it to partition 1 (node 2)
l=$(on proxy -c "SELECT l FROM generate_series(1, 100) l WHERE tourney.route_tournament(l) & 1 = 1 LIMIT 1")
err=$(app -c "SELECT tourney.create_tournament_with_id((1::bigint << 48) | $l, 'wrong node', 'knockout')" 2>&1)
like "$err" "ERROR:  22023:.*stamped for node 1, and this is node 2" \
	"create_tournament_with_id refuses, on the node it routes to, an id stamped for another node (22023)"

# --- a node stopped hard ------------------------------------------------------
down_t=${TID[$( for f in $formats; do (( (TID[$f] >> 48) == 2 )) && echo "$f" && break; done )]}
up_t=${TID[$( for f in $formats; do (( (TID[$f] >> 48) == 1 )) && echo "$f" && break; done )]}
# a tournament of node 2 with a generation queued on it, then node 2 goes down at once
tq=$(app -c "SELECT t FROM (SELECT tourney.create_tournament('shard queued ' || g, 'knockout') AS t FROM generate_series(1, 8) g) x WHERE t >> 48 = 2 LIMIT 1")
app -c "SELECT tourney.enroll($tq, $P)" >/dev/null
qtask=$(app -c "SELECT tourney.generate_sessions($tq, true)")
shards_ctl node2 stop immediate
start=$(date +%s%N)
err=$(ROLE=shard_ro on proxy -c "SELECT count(*) FROM tourney.standings($down_t)" 2>&1)
ms=$((($(date +%s%N) - start) / 1000000))
like "$err" "ERROR: .*(connect|Connection refused|could not|closed)" \
	"node 2 stopped (immediate): a call for its tournament fails with a connection error ($ms ms)"
ok "$( ((ms < 10000)) && echo t)" "... at once: in $ms ms, not after a timeout"
is "$(ROLE=shard_ro on proxy -c "SELECT count(*) FROM tourney.standings($up_t)" 2>&1)" "16" \
	"node 1's tournaments go on while node 2 is down"
shards_ctl node2 start
back=""
for _ in 1 2 3; do
	back=$(ROLE=shard_ro on proxy -c "SELECT count(*) FROM tourney.standings($down_t)" 2>&1) && break
	sleep 0.5
done
is "$back" "16" "after node 2 restarts, its tournaments answer through the proxy again"
qdone=$(app -c "SELECT status || ' ' || session_count FROM tourney.wait_for_task('$qtask', '60 s')" 2>&1)
is "$qdone" "done 40" "the generation queued on node 2 before it went down finishes after the restart"
after=$(app -c "SELECT count(*) FROM tourney.tournament_sessions($tq) WHERE NOT result_submitted AND cardinality(player_ids) = 2" 2>&1)
ok "$( ((after > 0)) && echo t)" "... and its sessions can be played through the proxy ($after open)"

# --- the proxy has every public function of the nodes -------------------------
sig="SELECT string_agg(format('%s(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid),
	pg_get_function_result(p.oid)), E'\n' ORDER BY 1)
	FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	WHERE n.nspname = 'tourney' AND p.prorettype <> 'trigger'::regtype"
# (internal helpers of the node functions are not called from outside)
node_api=$(on node1 -c "$sig AND p.proname NOT IN ('global_rows_check', 'global_rows_written', 'tournament_checked', 'task_percent')")
proxy_fns=$(on proxy -c "$sig")
missing=$(comm -23 <(sort <<<"$node_api") <(sort <<<"$proxy_fns") | paste -sd';')
is "$missing" "" "every public tourney function has a proxy function with the same schema, name, arguments and result"
