#!/usr/bin/env bash
# make bench: tourney's scale suite (issue 5), never part of make test.
# Run inside a throwaway cluster:
#   TOURNEY_PG_OPTS="shared_buffers=2GB" scripts/with-cluster.sh bench/run.sh
#
# Sections (TOURNEY_BENCH_ONLY=comma,list picks some):
#   scale        every format's lifecycle, phase by phase, one fresh
#                connection per measurement, synchronous generation (knockouts
#                up to 1,024 players also in a backend warmed up by a
#                16-player tournament)
#   baseline     the same rows of a knockout written by plain set-based SQL,
#                and 1,024 sessions as one INSERT per statement (the old way)
#   async        knockout generation in a background worker
#   concurrency  several tournaments generated at once vs one at a time
#   live         pgbench: 32 clients submit results while 4 read standings
#                (and alone, without the readers)
#   schedule     issue 14: schedule_sessions of a 1,024-player knockout on 16
#                campuses of 4 courts (cold and warm backend) and of a
#                1,048,576-player one (time, memory), with PostgreSQL's own
#                limit for the same writes (a plain UPDATE of the three
#                columns in bench_base.sessions, and the bookings INSERT);
#                the cost of the checks from the functions' DEBUG1 lines;
#                move_session, swap_sessions and delay_sessions called K
#                times by pgbench (per-call latency); close_campus moving
#                about 1,000 sessions of a 2,048-player knockout (3 runs,
#                cold and warm backend)
# Order: the small cases of every section first (a nearly empty database),
# then the big cases, then a few small cases again ("full db": tens of
# millions of rows around them).  A full run takes about 15 minutes and
# about 20 GB in the cluster's directory ($TMPDIR).
# Output: bench/results/<UTC timestamp>.jsonl (one JSON object per
# measurement), .csv (one value per row: measurement, phase, metric), .png
# (time per player against players), and tables on stdout, ending with the
# targets of issues 5, 13 and 14.
#
# Environment:
#   TOURNEY_BENCH_QUICK=1      small sizes only (about 3 minutes)
#   TOURNEY_BENCH_ONLY=LIST    sections to run (default: all)
#   TOURNEY_BENCH_IR_BIG=N     players of the big individual-ranking case
#                              (default 1048576)
#   TOURNEY_BENCH_REPEAT=K     runs of each case that writes up to 100,000
#                              sessions (default 3; the report shows medians)
#   TOURNEY_BENCH_LIVE_SECONDS duration of the live load (default 20)
#   TOURNEY_BENCH_CHANGES=K    calls of each live change in the schedule
#                              section (default 200)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
quick=${TOURNEY_BENCH_QUICK:-0}
only=${TOURNEY_BENCH_ONLY:-scale,baseline,async,concurrency,live,schedule}
repeat=${TOURNEY_BENCH_REPEAT:-3}
ir_big=${TOURNEY_BENCH_IR_BIG:-1048576}
live_seconds=${TOURNEY_BENCH_LIVE_SECONDS:-20}
changes=${TOURNEY_BENCH_CHANGES:-200}
db=tourney_bench
seed=42
PGBENCH=/usr/lib/postgresql/15/bin/pgbench

[[ -n ${PGPORT:-} ]] || { echo "bench/run.sh: run it inside a cluster: scripts/with-cluster.sh bench/run.sh" >&2; exit 2; }

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$here/results"
jsonl=$here/results/$stamp.jsonl
csv=$here/results/$stamp.csv
png=$here/results/$stamp.png
work=$(mktemp -d "${TMPDIR:-/tmp}/tourney-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

PSQL=(psql -X -q -At -v ON_ERROR_STOP=1 -d "$db")
VARS=(-v benchdir="$here" -v workdir="$work" -v seed="$seed")
want() { [[ ,$only, == *,$1,* ]]; }
log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
now_us() { echo "${EPOCHREALTIME/./}"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

# Append one measurement, tagged with the run and the load average.  A
# measurement that failed (no JSON) is recorded as kind "error" and the run
# goes on.
record() {
    local json=$1
    perl -MJSON::PP -e '
        my ($j, $run, $load) = @ARGV;
        my $c = JSON::PP->new->canonical;
        my $o = eval { $c->decode($j) };
        if (ref $o ne "HASH") {
            $o = { kind => "error", output => substr($j, 0, 2000) };
            print STDERR "bench: a measurement failed: ", substr($j, 0, 300), "\n";
        }
        $o->{run} = $run; $o->{load} = $load;
        print $c->encode($o), "\n";' "$json" "$stamp" "$(loadavg)" >>"$jsonl"
}

# Before each measurement: no autovacuum worker busy (up to 2 minutes), and a
# checkpoint, so that no measurement pays for the dirty pages of the last.
quiesce() {
    local i busy=0
    for i in $(seq 240); do
        busy=$(psql -X -At -d "$db" -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
        ((busy == 0)) && break
        sleep 0.5
    done
    psql -X -q -d "$db" -c CHECKPOINT
}

# ---------------------------------------------------------------- settings
# Reloadable settings for bulk work; shared_buffers and max_worker_processes
# need a restart, so they come from TOURNEY_PG_OPTS (scripts/with-cluster.sh).
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/setup.sql"
psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<'SQL'
SET client_min_messages = warning;
-- no WAL-triggered checkpoint inside a measurement
SELECT pg_size_bytes(current_setting('max_wal_size')) < pg_size_bytes('8GB') AS small_wal \gset
\if :small_wal
ALTER SYSTEM SET max_wal_size = '8GB';
\endif
ALTER SYSTEM SET checkpoint_timeout = '1h';          -- nor a timed one: run.sh checkpoints between measurements
ALTER SYSTEM SET min_wal_size = '8GB';               -- WAL files are kept for reuse (bench/wal_warmup.sql)
SELECT pg_reload_conf() \g /dev/null
SELECT pg_sleep(0.3) \g /dev/null
SQL
log "pre-creating WAL files (min_wal_size)"
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$here/wal_warmup.sql"

commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git -C "$repo" status --porcelain -- src include sql 2>/dev/null) ]] || commit="$commit+dirty"
cpu=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
memkb=$(awk '/^MemTotal/ {print $2}' /proc/meminfo)
start_us=$(now_us)
settings=$("${PSQL[@]}" <<SQL
LOAD 'tourney';
SELECT json_build_object(
    'kind', 'settings', 'commit', '$commit', 'quick', $quick = 1,
    'server_version', current_setting('server_version'),
    'settings', (SELECT json_object_agg(n, current_setting(n, true) ORDER BY o)
                 FROM unnest(ARRAY['shared_buffers', 'work_mem', 'maintenance_work_mem',
                                   'max_wal_size', 'checkpoint_timeout', 'synchronous_commit',
                                   'fsync', 'full_page_writes', 'wal_level', 'max_worker_processes',
                                   'autovacuum', 'jit', 'shared_preload_libraries', 'tourney.max_workers',
                                   'tourney.worker_idle_timeout', 'tourney.async_threshold']) WITH ORDINALITY AS s(n, o)),
    'machine', json_build_object('nproc', $(nproc), 'mem_total_kb', $memkb, 'cpu', '$cpu',
                                 'kernel', '$(uname -r)', 'uptime_start', '$(uptime | sed "s/'//g")'),
    'pg_opts', '${TOURNEY_PG_OPTS:-}');
SQL
)
record "$settings"
echo "== tourney bench $stamp (commit $commit) =="
echo "machine: $(nproc) cores ($cpu), $((memkb / 1024)) MiB memory; $(uptime)"
perl -MJSON::PP -e '
    my $o = decode_json($ARGV[0]);
    my $s = $o->{settings};
    print "server: PostgreSQL $o->{server_version}; ",
          join(", ", map { "$_=$s->{$_}" } grep { defined $s->{$_} }
               qw(shared_buffers work_mem max_wal_size checkpoint_timeout synchronous_commit fsync
                  max_worker_processes autovacuum jit shared_preload_libraries tourney.max_workers
                  tourney.worker_idle_timeout)), "\n";
    print "note: tourney phases set work_mem=64MB for themselves; the baseline sessions SET the same,\n",
          "      and enable_seqscan, enable_nestloop and jit off (plans independent of statistics)\n";
    if ($s->{shared_buffers} !~ /GB$/) {
        print "note: shared_buffers is $s->{shared_buffers}; pass TOURNEY_PG_OPTS=\"shared_buffers=2GB\" for bulk work\n";
    }' "$settings"
echo

# ---------------------------------------------------------------- runners
# variant: "" for a run in a database that holds only the cases run before
# it; "full db" for the re-runs after the big cases (tens of millions of rows
# in tourney's tables), which show whether a tournament's cost depends on
# the size of the tables around it.
lifecycle() {   # format players rounds(NULL or n) [warm|full db] [", option => value ..."]
    local v=${4:-}
    quiesce
    log "scale: $1 $2 players, rounds $3${v:+, $v}${5:+ $5}"
    record "$("${PSQL[@]}" "${VARS[@]}" -v format="$1" -v players="$2" -v rounds="$3" -v opts="${5:-}" \
              -v warm="$([[ $v == warm ]] && echo true || echo false)" \
              -v variant="$([[ $v == warm ]] || echo "$v")" -f "$here/lifecycle.sql")"
}
baseline() {    # players
    quiesce
    log "baseline: knockout rows of $1 players"
    record "$("${PSQL[@]}" "${VARS[@]}" -v players="$1" -f "$here/baseline.sql")"
}
async_run() {   # players [variant]
    quiesce
    log "async: knockout $1 players${2:+, $2}"
    record "$("${PSQL[@]}" "${VARS[@]}" -v players="$1" -v variant="${2:-}" -f "$here/async.sql")"
}
# Runs of one case: $repeat when it writes up to 100,000 sessions, else 1.
runs_of() {     # sessions
    local i n=1
    (($1 <= 100000)) && n=$repeat
    for ((i = 0; i < n; i++)); do echo "$i"; done
}

# The old way: 1,024 sessions sent by a client as 1,024 INSERT statements,
# each its own transaction.
old_way() {
    local tid
    quiesce
    log "old way: 1024 INSERT statements"
    tid=$("${PSQL[@]}" -c "SELECT nextval('bench_base.tournament_seq')")
    {
        echo '\set ON_ERROR_STOP on'
        echo '\set QUIET on'
        echo 'SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset'
        "${PSQL[@]}" -v tid="$tid" <<'SQL'
SELECT format('INSERT INTO bench_base.sessions (tournament_id, session_id, stage, round, match_number, next_session_id, next_slot, loser_next_session_id, loser_next_slot) VALUES (%s, %s, %L, %s, %s, %s, %s, %s, %s);',
              :tid, (:tid << 32) + (1024 - (1024 >> (r - 1))) + m, 'main', r, m,
              CASE WHEN r < 10 THEN ((:tid << 32) + (1024 - (1024 >> r)) + (m + 1) / 2)::text ELSE 'NULL' END,
              CASE WHEN r < 10 THEN (2 - m % 2)::text ELSE 'NULL' END,
              CASE WHEN r = 9 THEN ((:tid << 32) + 1024)::text ELSE 'NULL' END,
              CASE WHEN r = 9 THEN m::text ELSE 'NULL' END)
FROM generate_series(1, 10) r, generate_series(1, 1024 >> r) m
UNION ALL
SELECT format('INSERT INTO bench_base.sessions (tournament_id, session_id, stage, round, match_number) VALUES (%s, %s, %L, 10, 1);',
              :tid, (:tid << 32) + 1024, 'third_place');
SQL
        echo 'SELECT round(extract(epoch FROM clock_timestamp()) * 1000 - :t0, 3) AS ms \gset'
        echo "SELECT json_build_object('kind', 'old_way', 'format', 'knockout', 'players', 1024, 'sessions', (SELECT count(*) FROM bench_base.sessions WHERE tournament_id = $tid), 'statements', 1024, 'phases', json_build_object('generate', json_build_object('ms', :ms, 'rows', 1024, 'rows_per_s', round(1024 * 1000 / :ms))), 'total_ms', :ms) AS j \gset"
        echo '\echo :j'
    } >"$work/oldway.sql"
    record "$(psql -X -q -At -d "$db" -f "$work/oldway.sql")"
}

# K knockouts of N players each, created and enrolled beforehand; then their
# generation, K psql clients at once or one after another, sync (the call
# generates) or async (the call queues, then waits for the task).
make_tournaments() {   # K N -> tournament ids on stdout
    local k
    {
        echo '\set ON_ERROR_STOP on'
        echo '\set QUIET on'
        for k in $(seq "$1"); do
            cat <<SQL
WITH made AS (INSERT INTO tourney.players (name, rating)
              SELECT 'bench concurrent ' || g, 1000 + (hashint8extended(g, $k) & 1048575) * 1400.0 / 1048576
              FROM generate_series(1, $2) g RETURNING player_id)
SELECT min(player_id) AS lo, max(player_id) AS hi FROM made \gset
SELECT tourney.create_tournament('bench concurrent $k of $1 x $2', 'knockout') AS tid \gset
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players
                                  WHERE player_id BETWEEN :lo AND :hi ORDER BY player_id)) \g /dev/null
\echo :tid
SQL
        done
    } | "${PSQL[@]}" -f -
}
generate_one() {       # tid mode
    if [[ $2 == sync ]]; then
        "${PSQL[@]}" -c "SELECT status FROM tourney.generation_status(tourney.generate_sessions($1, async => false))"
    else
        "${PSQL[@]}" <<SQL
SELECT tourney.generate_sessions($1, async => true) AS task \gset
SELECT status FROM tourney.wait_for_task(:'task', '30 min');
SQL
    fi
}
concurrency() {        # K N mode(sync|async) order(concurrent|sequential)
    local k=$1 n=$2 mode=$3 order=$4 tids t0 t1 i fails=0 pids=() outs=()
    mapfile -t tids < <(make_tournaments "$k" "$n")
    quiesce
    log "concurrency: $k x $n, $mode, $order"
    t0=$(now_us)
    for i in "${!tids[@]}"; do
        if [[ $order == concurrent ]]; then
            generate_one "${tids[$i]}" "$mode" >"$work/conc.$i" 2>&1 &
            pids+=($!)
        else
            generate_one "${tids[$i]}" "$mode" >"$work/conc.$i" 2>&1 || true
        fi
    done
    for i in "${!pids[@]}"; do wait "${pids[$i]}" || true; done
    t1=$(now_us)
    for i in "${!tids[@]}"; do
        [[ $(cat "$work/conc.$i") == done ]] || { fails=$((fails + 1)); outs+=("$(tr '\n' ' ' <"$work/conc.$i")"); }
    done
    record "$("${PSQL[@]}" -v ids="{$(IFS=,; echo "${tids[*]}")}" <<SQL
SELECT json_build_object(
    'kind', 'concurrency', 'format', 'knockout', 'tournaments', $k, 'players', $n,
    'mode', '$mode', 'order', '$order', 'wall_ms', round($((t1 - t0)) / 1000.0, 3),
    'tournaments_per_s', round($k * 1e6 / $((t1 - t0)), 2),
    'sessions_per_s', round(s.sessions * 1e6 / $((t1 - t0))),
    'failed_clients', $fails, 'errors', '${outs[*]//\'/}',
    'in_progress', t.in_progress, 'sessions', s.sessions, 'expected_sessions', $k * $n,
    'duplicate_session_ids', s.sessions - s.distinct_ids,
    'duplicate_positions', s.sessions - s.distinct_positions,
    'tasks_done', k.done, 'tasks', k.total,
    'ok', $fails = 0 AND t.in_progress = $k AND s.sessions = $k * $n AND s.sessions = s.distinct_ids
          AND s.sessions = s.distinct_positions AND k.done = $k AND k.total = $k) AS j
FROM (SELECT count(*) FILTER (WHERE status = 'in_progress') AS in_progress
      FROM tourney.tournaments WHERE tournament_id = ANY (:'ids'::bigint[])) t,
     (SELECT count(*) AS sessions, count(DISTINCT session_id) AS distinct_ids,
             count(DISTINCT (tournament_id, stage, round, match_number)) AS distinct_positions
      FROM tourney.sessions WHERE tournament_id = ANY (:'ids'::bigint[])) s,
     (SELECT count(*) FILTER (WHERE status = 'done') AS done, count(*) AS total
      FROM tourney.tasks WHERE tournament_id = ANY (:'ids'::bigint[])) k;
SQL
)"
}

# Live load: a 16,384-player individual-ranking tournament of 10 rounds
# (163,840 one-player sessions), generated once; then, at the same time for
# N seconds, pgbench with 32 clients that each submit a result to the next
# unused session (a sequence over the sessions in a shuffled order, so no
# session gets two results and no transaction fails) and pgbench with 4
# clients that read the top of tourney.standings.
live_tid= limit_tid= live_lo= live_hi= target_tid= target_seq=
# One such tournament of the live players, its sessions in a shuffled order
# (table IDS, numbered from 1) and the sequence that hands them out.
live_tournament() {    # name ids_table sequence
    "${PSQL[@]}" -v name="$1" -v ids="$2" -v pick="$3" -v lo="$live_lo" -v hi="$live_hi" <<'SQL'
SELECT tourney.create_tournament(:'name', 'individual_ranking', number_of_rounds => 10) AS tid \gset
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players
                                  WHERE player_id BETWEEN :lo AND :hi ORDER BY player_id)) \g /dev/null
SELECT tourney.generate_sessions(:tid, async => false) \g /dev/null
CREATE TABLE :ids (n int PRIMARY KEY, session_id bigint NOT NULL);
INSERT INTO :ids
SELECT row_number() OVER (ORDER BY hashint8(session_id)), session_id
FROM tourney.sessions WHERE tournament_id = :tid;
CREATE SEQUENCE :pick;
ANALYZE :ids;
\echo :tid
SQL
}
live_setup() {
    log "live load: setting up"
    read -r live_lo live_hi < <("${PSQL[@]}" -F ' ' <<'SQL'
WITH made AS (INSERT INTO tourney.players (name, rating)
              SELECT 'bench live ' || g, 1000 + (hashint8extended(g, 7) & 1048575) * 1400.0 / 1048576
              FROM generate_series(1, 16384) g RETURNING player_id)
SELECT min(player_id), max(player_id) FROM made;
SQL
)
    live_tid=$(live_tournament 'bench live load' bench.session_ids bench.pick)
    # the plain-SQL limit has sessions of its own
    limit_tid=$(live_tournament 'bench live limits' bench.limit_ids bench.limit_pick)
    cat >"$work/submit.pgbench" <<'PGB'
\set score random(0, 30000)
SELECT tourney.submit_result(s.session_id, ARRAY[:score::numeric / 10]) FROM bench.session_ids s WHERE s.n = (SELECT nextval('bench.pick'));
PGB
    cat >"$work/standings.pgbench" <<'PGB'
SELECT rank, player_id, points FROM tourney.standings(:tid) LIMIT 20;
PGB
    # The limits: what submit_result writes to an individual-ranking session,
    # by one plain SQL statement; and the smallest write transaction.
    cat >"$work/plain.pgbench" <<'PGB'
\set score random(0, 30000)
WITH pick AS (SELECT s.session_id FROM bench.limit_ids s WHERE s.n = (SELECT nextval('bench.limit_pick'))),
ses AS (UPDATE tourney.sessions x SET result_submitted = true, result_submitted_at = now()
        FROM pick WHERE x.session_id = pick.session_id AND x.session_id > 0
        RETURNING x.tournament_id, x.session_id)
UPDATE tourney.session_participants p SET score = :score::numeric / 10, placement = 1
FROM ses WHERE p.tournament_id = ses.tournament_id AND p.session_id = ses.session_id;
PGB
    cat >"$work/commit.pgbench" <<'PGB'
INSERT INTO bench.commit_probe VALUES (1);
PGB
    "${PSQL[@]}" -c "CREATE TABLE bench.commit_probe (x int)"
}
# The tournament a workload writes results to and the sequence that hands
# out its sessions (the INSERT probe has neither).
live_target() {        # workload: sets target_tid, target_seq
    case $1 in
        plain) target_tid=$limit_tid target_seq=bench.limit_pick ;;
        commit) target_tid= target_seq= ;;
        *) target_tid=$live_tid target_seq=bench.pick ;;
    esac
}
# Rows the workload has written so far: results, or probe rows.
live_written() {
    if [[ -z $target_tid ]]; then
        "${PSQL[@]}" -c "SELECT count(*) FROM bench.commit_probe"
    else
        "${PSQL[@]}" -c "SELECT count(*) FROM tourney.sessions WHERE tournament_id = $target_tid AND result_submitted"
    fi
}
# Sessions handed out so far.
live_picked() {
    if [[ -z $target_seq ]]; then echo 0; return; fi
    "${PSQL[@]}" -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM $target_seq"
}
live_run() {           # seconds readers(4 or 0) [variant [workload: submit, plain or commit]]
    local secs=$1 readers=$2 variant=${3:-} workload=${4:-submit} t0 t1 p1 p2 rc1=0 rc2=0 submitted0 submitted picked0 picked
    local -a tournament=()
    quiesce
    live_target "$workload"
    if [[ -n $target_tid ]]; then tournament=(--tournament "$target_tid"); fi
    submitted0=$(live_written)
    picked0=$(live_picked)
    rm -f "$work"/submit.[0-9]* "$work"/standings.[0-9]* "$work/standings.out"
    log "live load: 32 $workload + $readers reading clients for $secs s${variant:+, $variant}"
    t0=$(now_us)
    "$PGBENCH" -n -M prepared -c 32 -j 2 -T "$secs" -f "$work/$workload.pgbench" -r \
        -l --log-prefix="$work/submit" "$db" >"$work/submit.out" 2>&1 &
    p1=$!
    if ((readers > 0)); then
        "$PGBENCH" -n -M prepared -c "$readers" -j 1 -T "$secs" -f "$work/standings.pgbench" -D tid="$live_tid" -r \
            -l --log-prefix="$work/standings" "$db" >"$work/standings.out" 2>&1 &
        p2=$!
        wait $p2 || rc2=$?
    fi
    wait $p1 || rc1=$?
    t1=$(now_us)
    submitted=$(live_written)
    picked=$(live_picked)
    record "$(perl "$here/pgbench_stats.pl" --variant "$variant" --readers "$readers" --workload "$workload" \
        --submit-prefix "$work/submit" --submit-out "$work/submit.out" --submit-rc "$rc1" \
        --standings-prefix "$work/standings" --standings-out "$work/standings.out" --standings-rc "$rc2" \
        --submitted "$((submitted - submitted0))" --picked "$((picked - picked0))" \
        --remaining "$((163840 - picked0))" --seconds "$secs" \
        --wall-ms "$(((t1 - t0) / 1000))" "${tournament[@]}")"
}
# One standings() call of the live tournament, alone, in a fresh connection.
standings_once() {     # [variant]
    quiesce
    log "standings of the live tournament${1:+, $1}"
    record "$("${PSQL[@]}" <<SQL
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
SELECT count(*) AS n FROM tourney.standings($live_tid) \gset
SELECT json_build_object('kind', 'standings', 'variant', '${1:-}', 'format', 'individual_ranking',
    'players', 16384, 'rounds', 10, 'rows', :n,
    'results', (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $live_tid AND result_submitted),
    'total_ms', round(extract(epoch FROM clock_timestamp()) * 1000 - :t0, 3));
SQL
)"
}

# Scheduling (issue 14).  Every tournament gets its own start, days apart
# (sched_day: days after 2030-01-01 08:00 UTC, handed out in the order the
# tournaments are scheduled), so that no two share a court at the same
# time: placement loads every booking on its courts from its start on, and
# a tournament placed after a later one would work around it.
sched_day=0 day= wday=
sched_days() {        # days of the next tournament (and its warm-up): sets wday, day
    wday=$sched_day
    day=$((sched_day + 30))
    sched_day=$((day + ${1:-30}))
}
grid_campuses= close_campuses= close_a= sched_live_tid=
sched_campuses() {
    # 16 campuses of 4 courts; 2 of 1,024 courts (close_campus: the other
    # campus takes every moved session at its own time, nothing shifts)
    grid_campuses=$("${PSQL[@]}" <<'SQL'
WITH c AS (INSERT INTO tourney.campuses (name, courts)
           SELECT 'bench schedule grid ' || g, 4 FROM generate_series(1, 16) g RETURNING campus_id)
SELECT '{' || string_agg(campus_id::text, ',' ORDER BY campus_id) || '}' FROM c;
SQL
)
    close_campuses=$("${PSQL[@]}" <<'SQL'
WITH c AS (INSERT INTO tourney.campuses (name, courts)
           SELECT 'bench schedule close ' || g, 1024 FROM generate_series(1, 2) g RETURNING campus_id)
SELECT '{' || string_agg(campus_id::text, ',' ORDER BY campus_id) || '}' FROM c;
SQL
)
    close_a=$(echo "$close_campuses" | tr -d '{}' | cut -d, -f1)
}
# The untimed set-up of one measurement (bench/schedule_setup.sql); sets
# s_tid s_warm s_copy s_from s_to s_expected s_wfrom s_wto.  A failure is
# recorded and returns 1.
s_tid= s_warm= s_copy= s_from= s_to= s_expected= s_wfrom= s_wto=
sched_setup() {       # players campuses label warm copy schedule_now close_campus
    local out
    if ! out=$("${PSQL[@]}" "${VARS[@]}" -v players="$1" -v campuses="$2" -v label="$3" -v day="$day" \
                   -v warm="$4" -v warm_day="$wday" -v copy="$5" -v schedule_now="$6" \
                   -v close_campus="${7:-0}" -v close_target=1000 -f "$here/schedule_setup.sql" 2>&1); then
        record "schedule set-up ($3): $out"
        return 1
    fi
    IFS='|' read -r s_tid s_warm s_copy s_from s_to s_expected s_wfrom s_wto <<<"$(tail -1 <<<"$out")"
}
# A psql measurement whose stderr holds the DEBUG lines.
sched_measure() {     # psql arguments...
    "${PSQL[@]}" "${VARS[@]}" "$@" >"$work/sched.out" 2>"$work/sched.err" || true
    record "$(perl "$here/sched_json.pl" --merge "$work/sched.out" --debug "$work/sched.err")"
}
# schedule_sessions of an N-player knockout on the 16 campuses, in a fresh
# connection, cold or warm (a 16-player tournament scheduled first in the
# same backend); with "plain", then PostgreSQL's limit for the same rows.
sched_schedule() {    # players cold|warm [plain] [variant]
    local n=$1 warm=false plain=false variant=${4:-}
    [[ $2 == warm ]] && warm=true
    [[ ${3:-} == plain ]] && plain=true
    sched_days $((n > 100000 ? 400 : 30))
    sched_setup "$n" "$grid_campuses" "$n $2${variant:+ $variant}" "$warm" "$plain" false || return 0
    quiesce
    log "schedule: schedule_sessions, knockout $n players on 16 campuses, $2${variant:+, $variant}"
    sched_measure -v tid="$s_tid" -v players="$n" -v day="$day" -v warm="$warm" -v warm_tid="${s_warm:-0}" \
        -v warm_day="$wday" -v variant="$variant" -f "$here/schedule.sql"
    sched_live_tid=$s_tid
    if $plain; then
        quiesce
        log "schedule: plain UPDATE of the same $n sessions (PostgreSQL's limit)"
        sched_measure -v copy_tid="$s_copy" -v players="$n" -v courts=64 -v day="$day" -v variant="$variant" \
            -f "$here/schedule_plain.sql"
    fi
}
# One live change called K times by pgbench: one client, each call its own
# transaction (autocommit), prepared; per-call latency from pgbench's log,
# the checks' cost from the DEBUG lines (client_min_messages = debug1).
sched_change() {      # case script sessions_changed pgbench -D arguments...
    local case=$1 script=$2 changed=$3 rc=0
    shift 3
    quiesce
    log "schedule: $case x $changes (pgbench, one client)"
    rm -f "$work"/changelog.*
    PGOPTIONS="-c client_min_messages=debug1" "$PGBENCH" -n -M prepared -c 1 -t "$changes" -f "$work/$script" \
        "$@" -l --log-prefix="$work/changelog" "$db" >"$work/change.out" 2>"$work/change.err" || rc=$?
    record "$(perl "$here/sched_json.pl" --pgbench "$work/changelog" --out "$work/change.out" --err "$work/change.err" \
        --meta "{\"kind\": \"schedule\", \"case\": \"$case\", \"format\": \"knockout\", \"players\": 1024,
                 \"tournament_id\": $sched_live_tid, \"sessions_changed\": $changed, \"expected_calls\": $changes,
                 \"pgbench_rc\": $rc}")"
}
# move_session of the final back and forth between two free times on its
# court (the next day, 2 hours apart: nothing follows the final, its
# semi-finals end before); swap_sessions of the final and the third-place
# match moved 4 hours apart; delay_sessions by 5 minutes of everything from
# round 5 on (64 sessions).
sched_changes() {
    local ids
    ids=$("${PSQL[@]}" -F ' ' -v tid="$sched_live_tid" <<'SQL'
SELECT (SELECT session_id FROM tourney.sessions WHERE tournament_id = :tid AND stage = 'main'
        ORDER BY round DESC LIMIT 1) AS final,
       (SELECT session_id FROM tourney.sessions WHERE tournament_id = :tid AND stage = 'third_place') AS third,
       extract(epoch FROM date_trunc('hour', max(ends_at)) + interval '1 day')::bigint AS t1,
       (SELECT extract(epoch FROM min(starts_at))::bigint FROM tourney.sessions
        WHERE tournament_id = :tid AND stage = 'main' AND round = 5) AS from_time,
       (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid
        AND starts_at >= (SELECT min(starts_at) FROM tourney.sessions
                          WHERE tournament_id = :tid AND stage = 'main' AND round = 5)) AS delayed
FROM tourney.sessions WHERE tournament_id = :tid \gset
SELECT tourney.move_session(:final, to_timestamp(:t1)) \g /dev/null
SELECT tourney.move_session(:third, to_timestamp(:t1 + 4 * 3600)) \g /dev/null
\echo :final :third :t1 :from_time :delayed
SQL
) || { record "schedule live changes set-up: $ids"; return 0; }
    local final third t1 from delayed
    read -r final third t1 from delayed <<<"$ids"
    printf '%s\n' '\set p 1 - :p' 'SELECT tourney.move_session(:sid, to_timestamp(:t1 + :p * 7200));' >"$work/move.pgbench"
    printf '%s\n' 'SELECT tourney.swap_sessions(:a, :b);' >"$work/swap.pgbench"
    printf '%s\n' 'SELECT tourney.delay_sessions(:tid, to_timestamp(:from), 5);' >"$work/delay.pgbench"
    sched_change move_session move.pgbench 1 -D p=0 -D sid="$final" -D t1="$t1"
    sched_change swap_sessions swap.pgbench 2 -D a="$final" -D b="$third"
    sched_change delay_sessions delay.pgbench "$delayed" -D tid="$sched_live_tid" -D from="$from"
}
# close_campus of the first of two campuses over the span that holds about
# 1,000 of a 2,048-player knockout's pending sessions there, in a fresh
# connection, cold or warm (a 16-player tournament's campus closed first).
sched_close() {       # cold|warm
    local warm=false
    [[ $1 == warm ]] && warm=true
    sched_days 30
    sched_setup 2048 "$close_campuses" "close_campus $1" "$warm" false true "$close_a" || return 0
    quiesce
    log "schedule: close_campus of $s_expected sessions (knockout 2048 on 2 campuses), $1"
    sched_measure -v tid="$s_tid" -v players=2048 -v campus="$close_a" -v from_time="$s_from" \
        -v to_time="$s_to" -v expected="$s_expected" -v warm="$warm" -v warm_tid="${s_warm:-0}" \
        -v warm_from="${s_wfrom:-}" -v warm_to="${s_wto:-}" -v variant= -f "$here/close_campus.sql"
}

# ---------------------------------------------------------------- cases
if [[ $quick == 1 ]]; then
    ko_small=(256 1024 16384); base_small=(1024 16384); ir_small=(256 512 1024); rr_small=(256)
    swiss=(1024 10); ko_big=(65536); ir_bigs=(); rr_big=(); async_small=1024; async_big=16384
    de_small=(1024); de_big=(65536); sched_big=0
    live_seconds=${TOURNEY_BENCH_LIVE_SECONDS:-8}
else
    ko_small=(256 1024 16384); base_small=(1024 16384); ir_small=(256 512 1024); rr_small=(256)
    swiss=(4096 12); ko_big=(262144 1048576); ir_bigs=("$ir_big"); rr_big=(2048)
    de_small=(1024); de_big=(1048576); sched_big=1048576
    async_small=1024; async_big=262144
fi

# 1. Small cases, in a database that holds little else.
if want scale || want baseline; then
    for n in "${ko_small[@]}"; do
        for _ in $(runs_of "$n"); do
            want scale && lifecycle knockout "$n" NULL
            if want scale && ((n <= 1024)); then lifecycle knockout "$n" NULL warm; fi
            if want baseline && [[ " ${base_small[*]} " == *" $n "* ]]; then baseline "$n"; fi
        done
    done
fi
if want scale; then
    for n in "${ir_small[@]}"; do
        for _ in $(runs_of $((n * 5))); do lifecycle individual_ranking "$n" 5; done
    done
    for n in "${rr_small[@]}"; do
        for _ in $(runs_of $((n * (n - 1) / 2))); do lifecycle round_robin "$n" 1; done
    done
    lifecycle swiss "${swiss[0]}" "${swiss[1]}"
    for n in "${de_small[@]}"; do
        for _ in $(runs_of $((2 * n))); do lifecycle double_elimination "$n" NULL; done
    done
    # 16 groups of 16, the 2 best of each into a 32-player knockout
    for _ in $(runs_of 2000); do lifecycle groups_knockout 256 NULL "" ", group_count => 16"; done
fi
if want baseline; then for _ in $(runs_of 1024); do old_way; done; fi
if want async; then for _ in $(runs_of "$async_small"); do async_run "$async_small"; done; fi
if want concurrency; then
    for spec in "5 256" "10 512"; do
        for mode in sync async; do
            for order in concurrent sequential; do
                # shellcheck disable=SC2086
                concurrency $spec "$mode" "$order"
            done
        done
    done
    for mode in sync async; do concurrency 4 1024 "$mode" sequential; done
fi
if want live; then
    quiesce
    live_setup
    live_run "$live_seconds" 4
    live_run "$(((live_seconds + 1) / 2))" 0 "no readers"
    for workload in plain commit; do
        live_run "$(((live_seconds + 3) / 4))" 0 "no readers" "$workload"
        live_run "$(((live_seconds + 3) / 4))" 4 "" "$workload"
    done
    standings_once
fi
if want schedule; then
    sched_campuses
    for _ in $(runs_of 1024); do
        sched_schedule 1024 cold plain
        sched_schedule 1024 warm
    done
    sched_changes
    for _ in 1 2 3; do sched_close cold; done
    for _ in 1 2 3; do sched_close warm; done
fi

# 2. Big cases.
if want scale || want baseline; then
    for n in "${ko_big[@]}"; do
        want scale && lifecycle knockout "$n" NULL
        want baseline && baseline "$n"
    done
fi
if want scale; then
    for n in "${ir_bigs[@]}"; do lifecycle individual_ranking "$n" 5; done
    for n in "${rr_big[@]}"; do lifecycle round_robin "$n" 1; done
    for n in "${de_big[@]}"; do lifecycle double_elimination "$n" NULL; done
fi
if want async; then async_run "$async_big"; fi
if want schedule && ((sched_big > 0)); then sched_schedule "$sched_big" cold plain; fi

# 3. Small cases again, now that the tables hold every big case too.
if want scale; then
    for _ in $(runs_of 1024); do lifecycle knockout 1024 NULL "full db"; done
    for _ in $(runs_of 5120); do lifecycle individual_ranking 1024 5 "full db"; done
fi
if want async; then for _ in $(runs_of "$async_small"); do async_run "$async_small" "full db"; done; fi
if want live; then
    standings_once "full db"
    live_run "$(((live_seconds + 1) / 2))" 4 "full db"
fi
if want schedule && ((sched_big > 0)); then
    for _ in $(runs_of 1024); do
        sched_schedule 1024 cold plain "full db"
        sched_schedule 1024 warm "" "full db"
    done
fi

# ---------------------------------------------------------------- report
end_us=$(now_us)
record "{\"kind\": \"run_end\", \"wall_s\": $(((end_us - start_us) / 1000000)), \"uptime_end\": \"$(uptime | sed 's/"//g')\"}"
echo
perl "$here/report.pl" --jsonl "$jsonl" --csv "$csv" --png "$png"
