#!/usr/bin/env bash
# Live load from many connections (SPEC §3c, issue 15): the tallies that
# result entry keeps and the counts behind tourney.overview, under
# concurrent writers and readers.
#   a. Knockout, double elimination, round robin and individual ranking
#      (a Swiss takes its results one at a time by design): 8 connections
#      submit the results of different sessions of one tournament at once,
#      wave after wave (all sessions playable at the time, split over the
#      8), each result its own transaction, while 3 other connections read
#      standings and the overview in a loop.  Then: no writer error; every
#      submitted result stored as sent; the standings equal a recount from
#      scratch (tallies_rebuild, rolled back) and the SPEC's ranking rules
#      (support/live.sql), every column as text, and the tallies rows too;
#      the overview equals the counts from the rows; tourney.progress holds
#      at most one row per backend that wrote plus one.  Every read was
#      consistent in itself (the standings' wins, points or scores add up
#      to the results committed in its snapshot, the overview's count too)
#      and never went back.
#   b. The async generation of a 262,144-player knockout, watched through
#      tourney.overview by a role that may read nothing else: queued or
#      running, then done; task_percent never goes down and stays within
#      0 .. 100, moving between them while the worker runs; sessions 0
#      until the worker commits, then every session at once.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

W=8            # writers
R=3            # readers
BIG=262144     # players of the async knockout

plan 38

quiesce || diag "other client backends are still connected"

# --- readers ----------------------------------------------------------------

# reader NAME SQL: run SQL (one row: "t|t|metric|results") in a connection
# of its own, again and again, until $T_DIR/stop exists; rows to NAME.reads,
# errors to NAME.err.
reader() {
	local name=$1 sql=$2
	: >"$T_DIR/$name.reads"
	: >"$T_DIR/$name.err"
	while [[ ! -e $T_DIR/stop ]]; do
		timeout 30 psql -X -q -A -t -v ON_ERROR_STOP=1 -c "$sql" >>"$T_DIR/$name.reads" 2>>"$T_DIR/$name.err" ||
			echo "psql exit $?" >>"$T_DIR/$name.err"
	done
}

# read_sql FORMAT T: what a reader reads of tournament T, in one statement
# (one snapshot): whether the standings add up to the results committed in
# it (a knockout, double elimination, round robin: wins + draws / 2 = the
# sessions with a result, no session being of one player here; individual
# ranking: the points are the sum of the scores), whether the overview's
# count is those results, the standings' total points (never falling: no
# score is negative), the overview's sessions with a result; and the top
# 20, as a viewer reads them.
read_sql() {
	local check
	if [[ $1 == individual_ranking ]]; then
		check="(SELECT sum(points) FROM tourney.standings($2))
		       = (SELECT coalesce(sum(p.score), 0) FROM tourney.session_participants p
		          JOIN tourney.sessions s ON s.tournament_id = p.tournament_id AND s.session_id = p.session_id
		          WHERE s.tournament_id = $2 AND s.result_submitted)"
	else
		check="(SELECT sum(wins) + sum(draws) / 2.0 FROM tourney.standings($2))
		       = (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $2 AND result_submitted)"
	fi
	echo "SELECT $check,
	        (SELECT o.sessions_with_result FROM tourney.overview o WHERE o.tournament_id = $2)
	        = (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $2 AND result_submitted),
	        (SELECT sum(points) FROM tourney.standings($2)),
	        (SELECT o.sessions_with_result FROM tourney.overview o WHERE o.tournament_id = $2),
	        (SELECT count(*) FROM (SELECT * FROM tourney.standings($2) LIMIT 20) top)"
}

# reads_report NAME...: "reads=<n> errors=<n> inconsistent=<n> backwards=<n>"
# over the readers' rows
reads_report() {
	local name reads=0 errors=0 bad=0 back=0
	for name in "$@"; do
		reads=$((reads + $(wc -l <"$T_DIR/$name.reads")))
		errors=$((errors + $(grep -c . "$T_DIR/$name.err")))
		bad=$((bad + $(grep -vc '^t|t|' "$T_DIR/$name.reads")))
		back=$((back + $(awk -F'|' 'NR > 1 && ($3 + 0 < m3 || $4 + 0 < m4) { n++ } { m3 = $3 + 0; m4 = $4 + 0 } END { print n + 0 }' "$T_DIR/$name.reads")))
		grep -m3 . "$T_DIR/$name.err" | while IFS= read -r line; do diag "$name: $line"; done
	done
	echo "reads=$reads errors=$errors inconsistent=$bad backwards=$back"
}

# --- a. concurrent results ----------------------------------------------------

q "CREATE TABLE public.plan (tournament_id bigint, wave int, client int, session_id bigint PRIMARY KEY,
                             scores numeric[])" >/dev/null

# live FORMAT LABEL N [create_tournament options]: the tournament, played
# wave by wave by W writers while R readers read; then the checks.
live() {
	local format=$1 label=$2 n=$3 opts=${4:-} t wave calls i sql waves=0 bad_waves=0 barrier total
	t=$(q "SELECT test_support.tournament('$format', test_support.players($n, 'live $label', '1000 + (g * 7919) % 1000'),
	                                     'live $label', generate => true $opts)")
	rm -f "$T_DIR/stop"
	local readers=()
	for ((i = 1; i <= R; i++)); do
		reader "$label.r$i" "$(read_sql "$format" "$t")" &
		readers+=($!)
		T_BG_PIDS+=($!)
	done
	for ((wave = 1; wave <= 60; wave++)); do
		# every session playable now, with its scores, dealt out to the writers
		total=$(q "INSERT INTO public.plan
		           SELECT $t, $wave, (row_number() OVER (ORDER BY x.session_id)) % $W, x.session_id,
		                  CASE WHEN x.n = 1 THEN ARRAY[(x.session_id % 17) + 0.5]
		                       WHEN '$format' = 'round_robin' AND x.session_id % 5 = 0 THEN ARRAY[2, 2]
		                       WHEN x.session_id % 2 = 0 THEN ARRAY[10 + x.session_id % 5, x.session_id % 9]
		                       ELSE ARRAY[x.session_id % 9, 10.5 + x.session_id % 3] END::numeric[]
		           FROM (SELECT s.session_id, count(p.slot) AS n FROM tourney.sessions s
		                 JOIN tourney.session_participants p
		                   ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
		                 WHERE s.tournament_id = $t AND NOT s.result_submitted
		                 GROUP BY s.session_id
		                 HAVING count(p.slot) = CASE WHEN '$format' = 'individual_ranking' THEN 1 ELSE 2 END) x
		           RETURNING 1" | wc -l)
		((total > 0)) || break
		calls=()
		for ((i = 0; i < W; i++)); do
			sql=$(q "SELECT coalesce(string_agg(format('SELECT tourney.submit_result(%s, %L)', session_id, scores),
			                                    E';\n' ORDER BY session_id), 'SELECT 1')
			         FROM public.plan WHERE tournament_id = $t AND wave = $wave AND client = $i")
			calls+=("$sql")
		done
		race "$label.w$wave" "${calls[@]}"
		waves=$((waves + 1))
		[[ $wave == 1 ]] && barrier=$(barrier_of "$label.w1")
		[[ $(outcome "$label.w$wave" "$W") == "ok=$W 55000=0 other=0" ]] || bad_waves=$((bad_waves + 1))
	done
	touch "$T_DIR/stop"
	wait "${readers[@]}"

	is "$barrier" $((W - 1)) "$label: the $W writers of the first wave were released at once"
	is "$bad_waves of $waves" "0 of $waves" "$label: $waves waves of results from $W connections at once, no error in any"
	is "$(q "SELECT count(*) || ' planned, ' ||
	               count(*) FILTER (WHERE NOT s.result_submitted OR s.result_submitted IS NULL
	                                OR p.scores IS DISTINCT FROM (SELECT array_agg(x.score ORDER BY x.slot)
	                                                             FROM tourney.session_participants x
	                                                             WHERE x.tournament_id = s.tournament_id
	                                                               AND x.session_id = s.session_id)) || ' not stored, ' ||
	               (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t AND NOT result_submitted) || ' open'
	        FROM public.plan p LEFT JOIN tourney.sessions s ON s.tournament_id = p.tournament_id AND s.session_id = p.session_id
	        WHERE p.tournament_id = $t")" \
		"$(q "SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t") planned, 0 not stored, 0 open" \
		"$label: every session got its result, every result stored as it was sent"
	is "$(qs <<SQL
\\i $TOURNEY_ROOT/test/support/live.sql
SELECT coalesce(pg_temp.first_diff(pg_temp.standings_text($t), pg_temp.recounted($t, 'standings')), 'same') || ' / ' ||
       coalesce(pg_temp.first_diff(pg_temp.tallies_text($t), pg_temp.recounted($t, 'tallies')), 'same') || ' / ' ||
       coalesce(pg_temp.first_diff(pg_temp.standings_text($t), pg_temp.oracle_text($t)), 'same');
SQL
)" "same / same / same" "$label: the standings equal a recount from scratch, so do the tallies rows, and the SPEC's ranking rules"
	is "$(qs <<SQL
\\i $TOURNEY_ROOT/test/support/live.sql
SELECT pg_temp.overview_got($t) IS NOT DISTINCT FROM pg_temp.overview_want($t) OR pg_temp.overview_got($t) || ' want ' || pg_temp.overview_want($t);
SQL
)" "t" "$label: the overview equals the counts from the rows"
	like "$(q "SELECT count(*) FROM tourney.progress WHERE tournament_id = $t")" "^([1-9]|10)$" \
		"$label: tourney.progress has a row per backend that wrote, at most $((W + 2)) (the $W writers, the connection that generated, backend 0)"
	like "$(reads_report $(for ((i = 1; i <= R; i++)); do echo "$label.r$i"; done))" \
		"^reads=[1-9][0-9]* errors=0 inconsistent=0 backwards=0$" \
		"$label: $R readers read standings and the overview throughout: no error, each read consistent, none went back"
}

live knockout "knockout 256" 256
live double_elimination "double elimination 64" 64
live round_robin "round robin 20" 20 ", number_of_rounds => 1"
live individual_ranking "individual 150 x 2" 150 ", number_of_rounds => 2"

# --- b. async generation watched through the overview -------------------------

quiesce
q "CREATE ROLE live_watch LOGIN PASSWORD 'live_watch'" \
	"GRANT USAGE ON SCHEMA tourney TO live_watch" \
	"GRANT SELECT ON tourney.overview TO live_watch" >/dev/null
at_exit "q 'DROP OWNED BY live_watch' 'DROP ROLE live_watch'"
is "$(PGUSER=live_watch PGPASSWORD=live_watch qe "SELECT count(*) FROM tourney.tasks" | grep -oE '42501' | head -n 1)" \
	"42501" "b: the watching role may not read tourney.tasks (nor the other tables)"

t=$(q "SELECT test_support.tournament('knockout', test_support.players($BIG, 'live big', '1000 + (g * 7919) % 1400'), 'live big')")
task=$(q "SELECT tourney.generate_sessions($t, async => true)")
: >"$T_DIR/watch"
deadline=$(($(date +%s) + 150))
while (($(date +%s) < deadline)); do
	line=$(PGUSER=live_watch PGPASSWORD=live_watch timeout 30 psql -X -q -A -t -c \
		"SELECT task_status, coalesce(task_percent::text, 'null'), sessions, players FROM tourney.overview WHERE tournament_id = $t" 2>&1)
	echo "$line" >>"$T_DIR/watch"
	[[ $line == done* || $line == error* || $line == cancelled* || -z $line ]] && break
	sleep 0.05
done
diag "$(wc -l <"$T_DIR/watch") samples: $(uniq -c <"$T_DIR/watch" | awk '{ $1 = $1 "x"; print }' | tr '\n' ' ' | cut -c1-600)"
statuses=$(cut -d'|' -f1 "$T_DIR/watch" | uniq | tr '\n' ' ')
like "$statuses" "^(queued )?running done $" "b: the task is seen queued (or not), then running, then done: $statuses"
is "$(awk -F'|' '$2 == "null" || $2 < 0 || $2 > 100 { n++ } END { print n + 0 }' "$T_DIR/watch")" 0 \
	"b: task_percent is never NULL and always within 0 .. 100"
is "$(awk -F'|' 'NR > 1 && $2 + 0 < last { n++ } { last = $2 + 0 } END { print n + 0 }' "$T_DIR/watch")" 0 \
	"b: task_percent never goes down"
ok "$(awk -F'|' '$1 == "running" && $2 > 0 && $2 < 100 { n++ } END { print (n > 0) ? "t" : "f" }' "$T_DIR/watch")" \
	"b: while the worker runs, task_percent shows it between 0 and 100"
is "$(awk -F'|' '$3 != 0 && $3 != '"$BIG"' { n++ } END { print n + 0 }' "$T_DIR/watch")" 0 \
	"b: sessions is 0 until the worker commits, then all $BIG at once (no partial count)"
is "$(tail -n 1 "$T_DIR/watch")" "done|100|$BIG|$BIG" "b: at the end: done, 100, $BIG sessions, $BIG players"
is "$(q "SELECT status || '|' || session_count FROM tourney.tasks WHERE task_id = '$task'")" "done|$BIG" \
	"b: the task row agrees: done, $BIG sessions"
is "$(qs <<SQL
\\i $TOURNEY_ROOT/test/support/live.sql
SELECT pg_temp.overview_got($t) IS NOT DISTINCT FROM pg_temp.overview_want($t) OR pg_temp.overview_got($t) || ' want ' || pg_temp.overview_want($t);
SQL
)" "t" "b: and the overview equals the counts from the rows"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE status IN ('queued', 'running')")" 0 "nothing is left queued or running"
