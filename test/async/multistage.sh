#!/usr/bin/env bash
# Double elimination and groups -> knockout through run_scenario and the
# background workers (SPEC §3 "double_elimination", "groups_knockout",
# "Campuses", run_scenario, §5; issue 13): the synchronous scenario plays
# the whole lifecycle; the asynchronous one queues the generation, which a
# worker runs after the commit, and the rest follows by hand; a worker
# writes the same sessions as the caller's backend; with campuses every
# wave's loads differ by at most one, the sessions that results write
# later (the knockout after the groups, a grand-final reset) included.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 28

# What a finished tournament looks like, one line: status, rankings,
# sessions without a result, the campus waves whose loads differ by more
# than one (or exceed a capacity, or lie elsewhere), players twice in a
# wave, and standings rows that differ from the rankings.
finished() {
	q "SELECT t.status || '|' || (SELECT count(*) FROM tourney.rankings r WHERE r.tournament_id = t.tournament_id)
	          || '|' || (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = t.tournament_id AND NOT s.result_submitted)
	          || '|' || (SELECT count(*) FROM test_support.campus_loads(t.tournament_id) l
	                     WHERE l.spread > 1 OR l.over_capacity > 0 OR l.elsewhere > 0)
	          || '|' || test_support.wave_clashes(t.tournament_id)
	          || '|' || test_support.standings_mismatch(t.tournament_id)
	   FROM tourney.tournaments t WHERE t.tournament_id = $1"
}

# ---------------------------------------------------------------------------
# 1. run_scenario, synchronous: created, generated, simulated, ranked and
#    completed in one call, on campuses.
# ---------------------------------------------------------------------------
# player count, format, campuses, the rest of the arguments, sessions at
# generation
while read -r n fmt campuses args generated; do
	out=$(q "SELECT tourney.run_scenario($n, '$fmt', campus_count => $campuses, async => false, seed => $n $args)" 2>&1)
	t=$(q "SELECT ('$out'::jsonb)->>'tournament_id'" 2>&1)
	r=$(q "SELECT format('%s|%s|%s|%s|%s|%s', j->>'status', j->>'task_status', j->>'players', j->>'campuses',
	                     j->>'rankings', (j->>'sessions')::int = $generated
	                                     AND (j->>'simulated')::int = (SELECT count(*) FROM tourney.sessions
	                                                                   WHERE tournament_id = $t))
	       FROM (SELECT '$out'::jsonb AS j) x" 2>&1)
	is "$r" "completed|done|$n|$campuses|$n|t" \
		"run_scenario($n, $fmt${args:+ $args}, $campuses campuses): completed, $generated sessions generated, every session simulated"
	is "$(finished "$t" 2>&1)" "completed|$n|0|0|0|0" \
		"$n $fmt on $campuses campuses: ranked, all played, each wave's campus loads within one, nobody twice in a wave, standings = rankings"
done <<'CASES'
16 double_elimination 3 ,grand_final=>'double' 30
13 double_elimination 2 ,grand_final=>'none' 23
33 Double_Elimination 5 ,grand_final=>'SIMPLE' 64
16 groups_knockout 3 ,group_count=>4 24
23 groups_knockout 4 ,group_count=>5,advance_per_group=>2,group_tiebreak=>'head_to_head' 42
12 groups_knockout 2 ,group_count=>3,number_of_rounds=>2 36
CASES

# the rank multiset of a played double elimination of 16 (research §1)
t=$(q "SELECT tourney.run_scenario(16, 'double_elimination', async => false, seed => 7)->>'tournament_id'" 2>&1)
is "$(q "SELECT string_agg(rank::text, ',' ORDER BY rank) FROM tourney.rankings WHERE tournament_id = $t" 2>&1)" \
	"1,2,3,4,5,5,7,7,9,9,9,9,13,13,13,13" "run_scenario(16, double_elimination): ranks 1, 2, 3, 4, 5, 5, 7, 7, 9 x4, 13 x4"

# group_tables and standings are read-only: they work in a read-only
# transaction (and on a hot standby)
t=$(q "SELECT max(tournament_id) FROM tourney.tournaments WHERE format = 'groups_knockout'")
r=$(qs 2>&1 <<SQL
BEGIN READ ONLY;
SELECT count(*) || '/' || count(DISTINCT pool) FROM tourney.group_tables($t);
SELECT count(*) FROM tourney.standings($t);
COMMIT;
SQL
)
is "$r" "$(printf '12/3\n12')" "group_tables and standings of a finished groups_knockout in a READ ONLY transaction"

# ---------------------------------------------------------------------------
# 2. run_scenario, asynchronous: the call queues the generation; after the
#    commit a worker runs it, and the lifecycle goes on by hand.
# ---------------------------------------------------------------------------
while read -r n fmt campuses args generated; do
	out=$(qs 2>&1 <<SQL
BEGIN;
SELECT tourney.run_scenario($n, '$fmt', campus_count => $campuses, async => true $args) AS j \gset
SELECT (:'j'::jsonb)->>'tournament_id', (:'j'::jsonb)->>'task_id';
SELECT format('%s|%s|%s', (:'j'::jsonb)->>'status', (:'j'::jsonb)->>'task_status',
              (SELECT count(*) FROM tourney.sessions WHERE tournament_id = ((:'j'::jsonb)->>'tournament_id')::bigint));
COMMIT;
SQL
	)
	t=$(sed -n 1p <<<"$out" | cut -d'|' -f1)
	task=$(sed -n 1p <<<"$out" | cut -d'|' -f2)
	is "$(sed -n 2p <<<"$out")" "draft|queued|0" "run_scenario($n, $fmt, async => true): queued, nothing written yet"
	r=$(q "SELECT status || '|' || session_count || '|' || (worker_pid <> pg_backend_pid())
	       FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
	is "$r" "done|$generated|true" "$n $fmt: a worker generated the $generated sessions"
	r=$(q "SELECT tourney.simulate_results($t, 3)" "SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t" \
	      "SELECT tourney.calculate_rankings($t)" "SELECT tourney.complete_tournament($t)" 2>&1)
	ok "$(awk 'NR == 1 { a = $0 } NR == 2 { b = $0 } NR == 3 { c = $0 } END { print (a == b && a > 0 && c == n) ? "t" : "f" }' n="$n" <<<"$r")" \
		"$n $fmt: simulated (every session), ranked, completed"
	[[ $(sed -n 1p <<<"$r") == "$(sed -n 2p <<<"$r")" ]] || diag "$r"
	is "$(finished "$t" 2>&1)" "completed|$n|0|0|0|0" \
		"$n $fmt generated by a worker on $campuses campuses: each wave's loads within one, standings = rankings"
done <<'CASES'
20 double_elimination 3 ,grand_final=>'double' 38
24 groups_knockout 3 ,group_count=>6,advance_per_group=>1 36
CASES

# ---------------------------------------------------------------------------
# 3. The worker writes what the caller's backend writes: the same players,
#    async (at the threshold) against sync, on campuses.
# ---------------------------------------------------------------------------
P=$(make_players 200 multistage)
q "INSERT INTO tourney.campuses (name, capacity) VALUES ('multistage c1', NULL), ('multistage c2', 40), ('multistage c3', NULL)" >/dev/null
C="ARRAY(SELECT campus_id FROM tourney.campuses WHERE name LIKE 'multistage c_' ORDER BY name)"
while read -r n fmt opts; do
	ta=$(q "SELECT test_support.tournament('$fmt', ('$P'::bigint[])[1:$n], 'async $fmt', campus_ids => $C $opts)" 2>&1)
	ts=$(q "SELECT test_support.tournament('$fmt', ('$P'::bigint[])[1:$n], 'sync $fmt', campus_ids => $C $opts)" 2>&1)
	task=$(q "SELECT tourney.generate_sessions($ta)" 2>&1)
	q "SELECT tourney.generate_sessions($ts, async => false)" >/dev/null 2>&1
	r=$(q "SELECT status || '|' || (worker_pid <> pg_backend_pid()) FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
	is "$r" "done|true" "$n players, $fmt, async NULL (at the threshold): generated by a worker"
	is "$(structure_diff "$ta" "$ts" 2>&1)/$(counts "$ta" 2>&1)" "0/$(counts "$ts" 2>&1)" \
		"$n players, $fmt: the worker's sessions are the caller's (stages, rounds, links, slots, players)"
	r=$(q "SELECT count(*) FROM test_support.campus_loads($ta) l WHERE l.spread > 1 OR l.over_capacity > 0 OR l.elsewhere > 0" 2>&1)
	is "$r" 0 "$n players, $fmt, async: each wave's campus loads within one, capacity kept"
done <<'CASES'
200 double_elimination ,grand_final=>'simple'
160 groups_knockout ,group_count=>16,advance_per_group=>2
CASES

tap_done
