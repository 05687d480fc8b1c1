#!/usr/bin/env bash
# Live load from many connections (SPEC §3c, issue 15): the tallies that
# result entry keeps and the counts behind tourney.overview, under
# concurrent writers and readers.
#   a. Knockout, double elimination, round robin, individual ranking,
#      groups_knockout and Swiss: W connections, released at once, submit
#      the results of
#      different sessions of one tournament (each connection its own
#      share of the sessions, each result its own transaction, every
#      session of its share as soon as it is playable) while R other
#      connections read standings and the overview in a loop.  Then: no
#      writer error; every session has its result, stored as it was sent;
#      the standings equal a recount from scratch (tallies_rebuild, rolled
#      back) and the SPEC's ranking rules (support/live.sql), every column
#      as text, and the tallies rows too (and the group tables); the
#      overview equals the counts from the rows; tourney.progress holds at
#      most one row per backend that wrote plus one.  Every read was
#      consistent in itself (the standings' wins, or points, add up to the
#      results committed in its snapshot, the overview's count too) and
#      never went back.
#   b. The async generation of a 262,144-player knockout, watched through
#      tourney.overview by a role that may read nothing else: queued or
#      running, then done; task_percent never goes down and stays within
#      0 .. 100, moving between them while the worker runs; sessions 0
#      until the worker commits, then every session at once.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"
: "${TOURNEY_ROOT:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

W=8           # writers
R=3           # readers
BIG=262144    # players of the async knockout

plan 54

quiesce || diag "other client backends are still connected"

# The scores a writer sends for a session (n participants): decisive but
# for some round robin and group sessions, which end level.
q "CREATE FUNCTION public.live_scores(sid bigint, n int, draws bool) RETURNS numeric[]
   LANGUAGE sql IMMUTABLE AS \$\$
       SELECT CASE WHEN n = 1 THEN ARRAY[(h % 17) + 0.5]
                   WHEN draws AND h % 5 = 0 THEN ARRAY[2, 2]
                   WHEN h % 2 = 0 THEN ARRAY[10 + h % 5, h % 9]
                   ELSE ARRAY[h % 9, 10.5 + h % 3] END::numeric[]
       FROM (SELECT abs(hashint8(sid)::bigint) AS h) x
   \$\$" \
	"CREATE TABLE public.live_stop (t bigint PRIMARY KEY)" >/dev/null

# --- readers ----------------------------------------------------------------

# read_sql FORMAT T: what a reader reads of tournament T, in one statement
# (one snapshot), as "t|t|points|results|20": whether the standings add up
# to the results committed in it (individual ranking: the points are the
# sum of the scores; the others: wins + draws / 2 = the sessions with a
# result, no session being decided for nobody here), whether the
# overview's count is those results, the standings' total points (never
# falling: no score is negative, no result corrected), the overview's
# sessions with a result; and the top 20, as a viewer reads them.
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
	echo "SELECT concat_ws('|', $check,
	        (SELECT o.sessions_with_result FROM tourney.overview o WHERE o.tournament_id = $2)
	        = (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $2 AND result_submitted),
	        (SELECT sum(points) FROM tourney.standings($2)),
	        (SELECT o.sessions_with_result FROM tourney.overview o WHERE o.tournament_id = $2),
	        (SELECT count(*) FROM (SELECT * FROM tourney.standings($2) LIMIT 20) top))"
}

# reader NAME T FORMAT: one connection reading tournament T again and
# again, each read its own transaction, until public.live_stop has T (or
# 100 s have passed); "read <row>" or "error <sqlstate> <message>" lines to
# $T_DIR/NAME.reads.
reader() {
	local name=$1 t=$2 format=$3
	timeout 150 psql -X -q -v ON_ERROR_STOP=1 -c "SET client_min_messages = notice" -c "
DO \$\$
DECLARE
    r text;
    deadline timestamptz := clock_timestamp() + interval '100 s';
BEGIN
    LOOP
        BEGIN
            $(read_sql "$format" "$t") INTO r;
            RAISE NOTICE 'read %', r;
        EXCEPTION WHEN OTHERS THEN
            RAISE NOTICE 'error % %', SQLSTATE, SQLERRM;
        END;
        COMMIT;
        EXIT WHEN EXISTS (SELECT FROM public.live_stop WHERE t = $t) OR clock_timestamp() > deadline;
        PERFORM pg_sleep(0.01);
    END LOOP;
END \$\$" >"$T_DIR/$name.reads" 2>&1
}

# reads_report NAME...: "reads=<n> errors=<n> inconsistent=<n> backwards=<n>"
# over the readers' lines (any line but a read is an error)
reads_report() {
	local name reads=0 errors=0 bad=0 back=0 f
	for name in "$@"; do
		f=$T_DIR/$name.reads
		reads=$((reads + $(grep -c '^NOTICE:  read ' "$f")))
		errors=$((errors + $(grep -vc '^NOTICE:  read ' "$f")))
		bad=$((bad + $(grep '^NOTICE:  read ' "$f" | grep -vc '^NOTICE:  read t|t|')))
		back=$((back + $(grep '^NOTICE:  read ' "$f" | awk -F'|' 'NR > 1 && ($3 + 0 < m3 || $4 + 0 < m4) { n++ } { m3 = $3 + 0; m4 = $4 + 0 } END { print n + 0 }')))
		grep -v -m3 '^NOTICE:  read ' "$f" | while IFS= read -r line; do diag "$name: $line"; done
	done
	echo "reads=$reads errors=$errors inconsistent=$bad backwards=$back"
}

# --- writers ------------------------------------------------------------------

# writer_sql T FORMAT I: writer I's loop: the sessions of its share (by a
# hash of the session id) that are playable now (all their participants
# known) get their results, each in a transaction of its own; again until
# no session of the tournament is without a result (or 100 s have passed:
# an error).
writer_sql() {
	local t=$1 format=$2 i=$3 need=2
	[[ $format == individual_ranking ]] && need=1
	cat <<SQL
DO \$\$
DECLARE
    w record;
    deadline timestamptz := clock_timestamp() + interval '100 s';
BEGIN
    LOOP
        FOR w IN
            SELECT x.session_id, public.live_scores(x.session_id, x.n, x.draws) AS scores
            FROM (SELECT s.session_id, count(p.player_id)::int AS n,
                         '$format' = 'round_robin' OR s.stage = 'group' AS draws
                  FROM tourney.sessions s
                  JOIN tourney.session_participants p
                    ON p.tournament_id = s.tournament_id AND p.session_id = s.session_id
                  WHERE s.tournament_id = $t AND NOT s.result_submitted
                    AND abs(hashint8(s.session_id)::bigint) % $W = $i
                  GROUP BY s.session_id, s.stage
                  HAVING count(p.player_id) = $need) x
            ORDER BY x.session_id
        LOOP
            PERFORM tourney.submit_result(w.session_id, w.scores);
            COMMIT;
        END LOOP;
        EXIT WHEN NOT EXISTS (SELECT FROM tourney.sessions WHERE tournament_id = $t AND NOT result_submitted);
        IF clock_timestamp() > deadline THEN
            RAISE EXCEPTION 'writer $i: sessions still without a result after 100 s';
        END IF;
        COMMIT;
        PERFORM pg_sleep(0.005);
    END LOOP;
END \$\$
SQL
}

# --- a. concurrent results ----------------------------------------------------

# overview_check T: "same" when tourney.overview's row of T equals the
# counts from the rows (support/live.sql), else both.
overview_check() {
	qs <<SQL
\\i $TOURNEY_ROOT/test/support/live.sql
SELECT CASE WHEN pg_temp.overview_got($1) IS NOT DISTINCT FROM pg_temp.overview_want($1) THEN 'same'
            ELSE coalesce(pg_temp.overview_got($1), '(no row)') || ' want ' || coalesce(pg_temp.overview_want($1), '(no row)') END;
SQL
}

# live FORMAT LABEL N [tournament options]: the tournament, played by W
# writers at once while R readers read; then the checks.
live() {
	local format=$1 label=$2 n=$3 opts=${4:-} t i calls=() readers=() names=() slug report
	slug=${label//[^A-Za-z0-9]/_}
	t=$(q "SELECT test_support.tournament('$format', test_support.players($n, 'live $label', '1000 + (g * 7919) % 1000'),
	                                     'live $label', seeded => true, generate => true $opts)")
	for ((i = 1; i <= R; i++)); do
		reader "$slug.r$i" "$t" "$format" &
		readers+=($!)
		T_BG_PIDS+=($!)
		names+=("$slug.r$i")
	done
	for ((i = 0; i < W; i++)); do
		calls+=("$(writer_sql "$t" "$format" "$i")")
	done
	race "$slug.w" "${calls[@]}"
	q "INSERT INTO public.live_stop VALUES ($t)" >/dev/null
	wait "${readers[@]}"

	is "$(barrier_of "$slug.w")" $((W - 1)) "$label: the $W writers were released at once"
	is "$(outcome "$slug.w" "$W")" "ok=$W 55000=0 other=0" "$label: $W connections submitting at once, no error in any"
	is "$(q "SELECT count(*) || ' sessions, ' ||
	               count(*) FILTER (WHERE NOT s.result_submitted OR s.walkover
	                                OR public.live_scores(s.session_id, x.n, '$format' = 'round_robin' OR s.stage = 'group')
	                                   IS DISTINCT FROM x.scores) || ' not as sent'
	        FROM tourney.sessions s
	        CROSS JOIN LATERAL (SELECT count(*)::int AS n, array_agg(p.score ORDER BY p.slot) AS scores
	                            FROM tourney.session_participants p
	                            WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id) x
	        WHERE s.tournament_id = $t")" \
		"$(q "SELECT count(*) FROM tourney.sessions WHERE tournament_id = $t") sessions, 0 not as sent" \
		"$label: every session has its result, stored as it was sent"
	is "$(qs <<SQL
\\i $TOURNEY_ROOT/test/support/live.sql
SELECT coalesce(pg_temp.first_diff(pg_temp.standings_text($t), pg_temp.recounted($t, 'standings')), 'same') || ' / ' ||
       coalesce(pg_temp.first_diff(pg_temp.tallies_text($t), pg_temp.recounted($t, 'tallies')), 'same') || ' / ' ||
       coalesce(pg_temp.first_diff(pg_temp.standings_text($t), pg_temp.oracle_text($t)), 'same') || ' / ' ||
       coalesce(pg_temp.first_diff(pg_temp.group_text($t), pg_temp.recounted($t, 'groups')), 'same');
SQL
)" "same / same / same / same" \
		"$label: the standings equal a recount from scratch, so do the tallies rows, and the SPEC's ranking rules; the group tables a recount"
	is "$(overview_check "$t")" "same" "$label: the overview equals the counts from the rows"
	like "$(q "SELECT count(*) FROM tourney.progress WHERE tournament_id = $t")" "^([1-9]|10)$" \
		"$label: tourney.progress has a row per backend that wrote, at most $((W + 2)) (the $W writers, the connection that generated, backend 0)"
	report=$(reads_report "${names[@]}")
	like "$report" "^reads=[1-9][0-9]* errors=0 inconsistent=0 backwards=0$" \
		"$label: $R readers read standings and the overview throughout: no error, each read consistent, none went back"
	diag "$label: $report; ${SECONDS}s into the script"
}

live knockout "knockout 256" 256
live double_elimination "double elimination 64" 64
live round_robin "round robin 20" 20 ", number_of_rounds => 1"
live individual_ranking "individual 150 x 2" 150 ", number_of_rounds => 2"
live groups_knockout "groups 32 in 8" 32 ", group_count => 8"
live swiss "swiss 64 x 6" 64 ", number_of_rounds => 6"
# the last result of each round, wherever it came from, paired the next
# (src/completion.c): all 6 rounds of 32 sessions, every player in each once
is "$(q "SELECT string_agg(x, ' ' ORDER BY r) FROM (
            SELECT s.round AS r, format('%s:%s/%s', s.round, count(DISTINCT s.session_id), count(p.player_id)) AS x
            FROM tourney.sessions s JOIN tourney.session_participants p USING (tournament_id, session_id)
            WHERE s.tournament_id = (SELECT tournament_id FROM tourney.tournaments WHERE name = 'live swiss 64 x 6')
            GROUP BY s.round) y")" \
	"1:32/64 2:32/64 3:32/64 4:32/64 5:32/64 6:32/64" \
	"swiss 64 x 6: each round's last result, from any of the $W writers, paired the next: 6 rounds of 32 sessions, 64 players in each"

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
# the watcher: one connection of the watching role, a sample every 10 ms,
# each its own transaction, until the task has ended (100 s at most)
PGUSER=live_watch PGPASSWORD=live_watch timeout 150 psql -X -q -v ON_ERROR_STOP=1 \
	-c "SET client_min_messages = notice" -c "
DO \$\$
DECLARE
    r record;
    deadline timestamptz := clock_timestamp() + interval '100 s';
BEGIN
    LOOP
        SELECT o.task_status, o.task_percent, o.sessions, o.players INTO r
        FROM tourney.overview o WHERE o.tournament_id = $t;
        RAISE NOTICE 'sample %|%|%|%', coalesce(r.task_status::text, 'none'),
                     coalesce(r.task_percent::text, 'null'), r.sessions, r.players;
        EXIT WHEN r.task_status IS NULL OR r.task_status::text IN ('done', 'error', 'cancelled')
                  OR clock_timestamp() > deadline;
        COMMIT;
        PERFORM pg_sleep(0.01);
    END LOOP;
END \$\$" 2>&1 | sed -n -e '/^NOTICE:  sample /{s/^NOTICE:  sample //p;d;}' -e 's/^/other: /p' >"$T_DIR/watch"
diag "${SECONDS}s into the script: $(wc -l <"$T_DIR/watch") samples: $(uniq -c <"$T_DIR/watch" | awk '{ $1 = $1 "x"; print }' | tr '\n' ' ' | cut -c1-600)"
is "$(grep -c '^other: ' "$T_DIR/watch")" 0 "b: the watching role reads the overview without an error"
statuses=$(cut -d'|' -f1 "$T_DIR/watch" | uniq | tr '\n' ' ')
like "$statuses" "^(queued )?running done $" "b: the task is seen queued (or not), then running, then done: $statuses"
is "$(awk -F'|' '$2 == "null" || $2 < 0 || $2 > 100 { n++ } END { print n + 0 }' "$T_DIR/watch")" 0 \
	"b: task_percent is never NULL and always within 0 .. 100"
is "$(awk -F'|' 'NR > 1 && $2 + 0 < last { n++ } { last = $2 + 0 } END { print n + 0 }' "$T_DIR/watch")" 0 \
	"b: task_percent never goes down"
like "$(awk -F'|' '$1 == "running" && $2 > 0 && $2 < 100 && !seen[$2]++ { n++ } END { print n + 0 }' "$T_DIR/watch")" \
	"^([3-9]|[1-9][0-9]+)$" "b: while the worker runs, task_percent moves: at least 3 different values between 0 and 100"
is "$(awk -F'|' '$3 != 0 && $3 != '"$BIG"' { n++ } END { print n + 0 }' "$T_DIR/watch")" 0 \
	"b: sessions is 0 until the worker commits, then all $BIG at once (no partial count)"
is "$(tail -n 1 "$T_DIR/watch")" "done|100|$BIG|$BIG" "b: at the end: done, 100, $BIG sessions, $BIG players"
is "$(q "SELECT status || '|' || session_count FROM tourney.tasks WHERE task_id = '$task'")" "done|$BIG" \
	"b: the task row agrees: done, $BIG sessions"
is "$(overview_check "$t")" "same" "b: and the overview equals the counts from the rows"
is "$(q "SELECT count(*) FROM tourney.tasks WHERE status IN ('queued', 'running')")" 0 "nothing is left queued or running"
