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
#   reads        issue 15 (SPEC 3c), through a pgbouncer the bench starts
#                (transaction pooling, loopback, SCRAM, default_pool_size
#                TOURNEY_BENCH_POOL, max_client_conn >= 1,100; stopped at
#                exit): top 20 of standings() against 20 rankings rows by
#                index (100 clients closed loop, 64 knockouts of 256 players
#                with half their results); the 16,384 x 10 individual
#                ranking's top 20 (cold call, median, p95); one call alone,
#                simple and prepared; tourney.overview with 100 live
#                tournaments of 1,024 players (before and after the load);
#                pool sizes 8/16/32 at one rate; 1,000 clients open loop
#                (pgbench -R) at rising rates, 80% standings / 20%
#                submit_result, p50/p95/p99 per request type, failures,
#                acknowledged vs stored results; a spike 100 -> 1,000 -> 100
#                clients with the overview read twice a second
#   ratings      issue 17: update_ratings of a completed knockout (16,384,
#                262,144 and 1,048,576 players; quick 16,384 and 65,536),
#                Glicko-2 and Elo, each on players of its own, time and the
#                backend's peak memory; PostgreSQL's limit for the same
#                writes (a plain UPDATE of as many players' rows, and the
#                INSERT of their history rows)
#   proxy        issue 16: 64-player knockout lifecycles/s through a PL/Proxy
#                proxy with two data nodes against the same calls on one
#                node directly (bench/proxy.sh, three clusters of its own on
#                loopback, 1 and 4 clients)
# Order: the small cases of every section first (a nearly empty database),
# then the big cases, then a few small cases again ("full db": tens of
# millions of rows around them).  A full run takes about 25 minutes and
# about 28 GB in the cluster's directory ($TMPDIR).
# Output: bench/results/<UTC timestamp>.jsonl (one JSON object per
# measurement), .csv (one value per row: measurement, phase, metric), .png
# (time per player against players), and tables on stdout, ending with the
# targets of issues 5, 13, 14, 15, 16 and 17, the seeds' targets, and the headline
# figures against bench/baseline.json (REGRESSION: more than 30% worse;
# the run does not fail on it).
#
# Environment:
#   TOURNEY_BENCH_QUICK=1      small sizes only (about 7 minutes)
#   TOURNEY_BENCH_ONLY=LIST    sections to run (default: all)
#   TOURNEY_BENCH_IR_BIG=N     players of the big individual-ranking case
#                              (default 1048576)
#   TOURNEY_BENCH_REPEAT=K     runs of each case that writes up to 100,000
#                              sessions (default 3; the report shows medians)
#   TOURNEY_BENCH_LIVE_SECONDS duration of the live load (default 20)
#   TOURNEY_BENCH_CHANGES=K    calls of each live change in the schedule
#                              section (default 200)
#   TOURNEY_BENCH_POOL=N       pgbouncer default_pool_size of the reads
#                              section (default 8: the best of 8/16/32 here)
#   TOURNEY_BENCH_POOL_SWEEP="8 16 32"  pool sizes tried at one rate first
#                              (quick: none; "" for none)
#   TOURNEY_BENCH_SWEEP_RATE=R the sweep's rate (default 3000 requests/s)
#   TOURNEY_BENCH_RATES="..."  open-loop rates (default 1000 2000 4000 6000
#                              8000 10000; quick 1000 2000 4000 6000)
#   TOURNEY_BENCH_RATE_SECONDS=S  seconds of each rate (default 20; quick 5)
#   TOURNEY_BENCH_CLIENTS=N    client connections of the open loop (1000)
#   TOURNEY_BENCH_SPIKE_RATE=R requests/s per client in the spike (6)
#   TOURNEY_BENCH_PGBOUNCER    the pgbouncer binary (/usr/sbin/pgbouncer)
#   TOURNEY_BENCH_RATINGS_SIZES="N ..."  knockout sizes of the ratings section
#                              (default: see above)
#   TOURNEY_BENCH_PROXY_SECONDS=S  seconds per proxy measurement (15; quick 5)
#   TOURNEY_BENCH_PROXY_CLIENTS="1 4"  client counts of the proxy section
#   TOURNEY_BENCH_UPDATE_BASELINE=1  write this run's headline figures into
#                              bench/baseline.json (for its mode: full or
#                              quick); commit the file deliberately
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
quick=${TOURNEY_BENCH_QUICK:-0}
only=${TOURNEY_BENCH_ONLY:-scale,baseline,async,concurrency,live,schedule,reads,ratings,proxy}
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
# pgbouncer (the reads section) goes with the work directory, whatever ends the run
trap 'declare -F bouncer_stop >/dev/null && bouncer_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

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
live_tid= alone_tid= limit_tid= limit2_tid= full_tid= rows_tid= live_lo= live_hi= target_tid= target_seq= target_script=
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
# The pgbench script of a writer: submit_result to the next unused session
# of IDS (handed out by the sequence PICK); or a limit, what submit_result
# writes to an individual-ranking session by one plain SQL statement.  The
# limits name every row by a scalar subquery on its key, so that even a
# generic plan is one index probe per row (a join to the picked row can
# turn into a scan when the statistics lag behind the tournaments made).
live_submit_script() { # name ids pick
    cat >"$work/$1.pgbench" <<PGB
\\set score random(0, 30000)
SELECT tourney.submit_result(s.session_id, ARRAY[:score::numeric / 10]) FROM $2 s WHERE s.n = (SELECT nextval('$3'));
PGB
}
# The session's and the participant's rows (what submit_result wrote
# before the tallies): the first statements of both limits.
live_limit_head() {    # ids pick
    cat <<SQL
WITH ses AS (UPDATE tourney.sessions x SET result_submitted = true, result_submitted_at = now()
             WHERE x.session_id = (SELECT s.session_id FROM $1 s WHERE s.n = (SELECT nextval('$2')))
               AND x.session_id > 0  -- the index on session_id is partial (WHERE session_id > 0)
             RETURNING x.tournament_id, x.session_id),
par AS (UPDATE tourney.session_participants p SET score = :score::numeric / 10, placement = 1
        WHERE p.tournament_id = (SELECT tournament_id FROM ses) AND p.session_id = (SELECT session_id FROM ses)
        RETURNING p.tournament_id, p.player_id, p.score)
SQL
}
live_plain_script() {  # name ids pick
    { echo '\set score random(0, 30000)'; live_limit_head "$2" "$3"; echo 'SELECT count(*) FROM par;'; } >"$work/$1.pgbench"
}
# The limit for every row submit_result now writes: also the player's
# tallies row (points, score and rank key, as result entry keeps them) and
# a progress row of the backend's own.
live_rows_script() {   # name ids pick
    { echo '\set score random(0, 30000)'; live_limit_head "$2" "$3"; cat <<'SQL'; } >"$work/$1.pgbench"
, tal AS (UPDATE tourney.tallies y SET points = y.points + (SELECT score FROM par),
                 score_for = coalesce(y.score_for, 0) + (SELECT score FROM par),
                 rank_key = ARRAY[0, 0, -(coalesce(y.score_for, 0) + (SELECT score FROM par))]
          WHERE y.tournament_id = (SELECT tournament_id FROM par) AND y.player_id = (SELECT player_id FROM par)
          RETURNING y.tournament_id)
INSERT INTO tourney.progress AS c (tournament_id, backend, results)
SELECT tournament_id, pg_backend_pid(), 1 FROM tal
ON CONFLICT (tournament_id, backend) DO UPDATE SET results = c.results + 1;
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
    # Every measured writer has a tournament of its own (163,840 sessions
    # each), so that none runs out of unused sessions at this machine's
    # rates: the load with readers, submit_result alone, the plain-SQL
    # limit alone and with readers, the load again after the big cases.
    live_tid=$(live_tournament 'bench live load' bench.session_ids bench.pick)
    alone_tid=$(live_tournament 'bench live alone' bench.alone_ids bench.alone_pick)
    limit_tid=$(live_tournament 'bench live limits' bench.limit_ids bench.limit_pick)
    limit2_tid=$(live_tournament 'bench live limits, readers' bench.limit2_ids bench.limit2_pick)
    full_tid=$(live_tournament 'bench live load, full db' bench.full_ids bench.full_pick)
    rows_tid=$(live_tournament 'bench live limits, every row' bench.rows_ids bench.rows_pick)
    live_submit_script submit_live bench.session_ids bench.pick
    live_submit_script submit_alone bench.alone_ids bench.alone_pick
    live_submit_script submit_full bench.full_ids bench.full_pick
    live_plain_script plain_alone bench.limit_ids bench.limit_pick
    live_plain_script plain_live bench.limit2_ids bench.limit2_pick
    live_rows_script rows_alone bench.rows_ids bench.rows_pick
    cat >"$work/standings.pgbench" <<'PGB'
SELECT rank, player_id, points FROM tourney.standings(:tid) LIMIT 20;
PGB
    cat >"$work/commit.pgbench" <<'PGB'
INSERT INTO bench.commit_probe VALUES (1);
PGB
    "${PSQL[@]}" -c "CREATE TABLE bench.commit_probe (x int)"
}
# The tournament a workload writes results to and the sequence that hands
# out its sessions (the INSERT probe has neither).
live_target() {        # workload readers variant: sets target_tid, target_seq, target_script
    case $1:$2:$3 in
        submit:*:"full db") target_tid=$full_tid target_seq=bench.full_pick target_script=submit_full ;;
        rows:*) target_tid=$rows_tid target_seq=bench.rows_pick target_script=rows_alone ;;
        plain:0:*) target_tid=$limit_tid target_seq=bench.limit_pick target_script=plain_alone ;;
        plain:*) target_tid=$limit2_tid target_seq=bench.limit2_pick target_script=plain_live ;;
        commit:*) target_tid= target_seq= target_script=commit ;;
        *:0:*) target_tid=$alone_tid target_seq=bench.alone_pick target_script=submit_alone ;;
        *) target_tid=$live_tid target_seq=bench.pick target_script=submit_live ;;
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
live_run() {           # seconds readers(4 or 0) [variant [workload: submit, plain, rows or commit]]
    local secs=$1 readers=$2 variant=${3:-} workload=${4:-submit} t0 t1 p1 p2 rc1=0 rc2=0 submitted0 submitted picked0 picked
    local -a tournament=()
    quiesce
    live_target "$workload" "$readers" "$variant"
    if [[ -n $target_tid ]]; then tournament=(--tournament "$target_tid"); fi
    submitted0=$(live_written)
    picked0=$(live_picked)
    rm -f "$work"/submit.[0-9]* "$work"/standings.[0-9]* "$work/standings.out"
    log "live load: 32 $workload + $readers reading clients for $secs s${variant:+, $variant}"
    t0=$(now_us)
    "$PGBENCH" -n -M prepared -c 32 -j 2 -T "$secs" -f "$work/$target_script.pgbench" -r \
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
# Also the generic plan of the readers' prepared statement (pgbench -M
# prepared switches to it after five executions when it looks no dearer):
# a plan that depends on statistics about tournament_id shows here.
standings_once() {     # [variant]
    local plan
    quiesce
    log "standings of the live tournament${1:+, $1}"
    plan=$("${PSQL[@]}" -c "SET plan_cache_mode = force_generic_plan" \
               -c "PREPARE top20(bigint) AS SELECT rank, player_id, points FROM tourney.standings(\$1) LIMIT 20" \
               -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) EXECUTE top20($live_tid)" 2>&1 | tr '\n' '\036' | sed 's/\x1e/ ;; /g')
    record "$("${PSQL[@]}" -v plan="$plan" <<SQL
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
SELECT count(*) AS n FROM tourney.standings($live_tid) \gset
SELECT json_build_object('kind', 'standings', 'variant', '${1:-}', 'format', 'individual_ranking',
    'players', 16384, 'rounds', 10, 'rows', :n,
    'results', (SELECT count(*) FROM tourney.sessions WHERE tournament_id = $live_tid AND result_submitted),
    'total_ms', round(extract(epoch FROM clock_timestamp()) * 1000 - :t0, 3),
    'top20_generic_plan', :'plan');
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

# Reads and live load through pgbouncer (issue 15, SPEC 3c).  bench starts a
# pgbouncer of its own in front of the cluster: transaction pooling, on
# loopback, a free port, its config and auth file in the work directory; it
# is stopped at exit (the trap above) whatever happens.  pgbench talks to it
# in the simple protocol (pgbouncer 1.18 keeps no prepared statements across
# transactions).
PGBOUNCER=${TOURNEY_BENCH_PGBOUNCER:-/usr/sbin/pgbouncer}
source "$here/../scripts/pgbouncer.bash"
bouncer_port= bouncer_pid= bouncer_pool= nofile=
bouncer_stop() { pgbouncer_stop; bouncer_pid=; }
# The file limit: pgbouncer holds a socket per client and per server
# connection, pgbench one per client.
raise_nofile() {
    local want=$((reads_clients * 2 + 512))
    nofile=$(ulimit -n)
    if [[ $nofile != unlimited ]] && ((nofile < want)); then
        ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
        nofile=$(ulimit -n)
    fi
}
bouncer_start() {      # pool size: sets bouncer_port, bouncer_pid, bouncer_pool; returns 1 when it does not come up
    pgbouncer_start "$work/pgbouncer" "$db" "$1" "$reads_max_client_conn" "$nofile" || return 1
    bouncer_port=$PGBOUNCER_PORT bouncer_pid=$PGBOUNCER_PID bouncer_pool=$1
}
BOUNCE=(-h 127.0.0.1 -p 0)   # pgbench/psql options for pgbouncer (port set once it runs)
DIRECT=()                    # straight to the cluster (PGHOST, PGPORT)

# pgbench, its per-transaction log, summary, exit status and CPU time in
# $work/r.NAME.*; the reads_snap.pl snapshots around it.
reads_pgbench() {      # name pgbench-arguments...
    local name=$1
    shift
    rm -f "$work/r.$name".*
    perl "$here/reads_snap.pl" --pid "${bouncer_pid:-0}" --port "$bouncer_port" --db "$db" >"$work/r.$name.snap0" 2>/dev/null || true
    ( "$PGBENCH" -n "$@" -l --log-prefix="$work/r.$name.log" >"$work/r.$name.out" 2>&1 || echo $? >"$work/r.$name.rc"
      times >"$work/r.$name.times" )
    perl "$here/reads_snap.pl" --pid "${bouncer_pid:-0}" --port "$bouncer_port" --db "$db" >"$work/r.$name.snap1" 2>/dev/null || true
}
reads_stats() {        # name scripts meta-json [more reads_stats.pl options]
    local name=$1 scripts=$2 meta=$3
    shift 3
    perl "$here/reads_stats.pl" --log "$work/r.$name.log" --out "$work/r.$name.out" \
        --rc "$(cat "$work/r.$name.rc" 2>/dev/null || echo 0)" --times "$work/r.$name.times" \
        --scripts "$scripts" --before "$work/r.$name.snap0" --after "$work/r.$name.snap1" --meta "$meta" "$@"
}
meta() {               # key value ... -> a JSON object (values that look like numbers stay numbers)
    perl -MJSON::PP -e 'my %h = @ARGV; for (values %h) { $_ = 0 + $_ if /^-?\d+(\.\d+)?$/ }
                        print JSON::PP->new->canonical->encode(\%h)' "$@"
}

ko_lo= ko_hi= big_tid= mix_lo= mix_hi= mix_sessions= fresh_tid= connect_allow=8 overview_cancelled=
reads_setup() {
    local out t0 t1 need
    # submits the section will send: 20% of every open-loop request (each
    # run lasts its seconds and the time allowed for 1,000 logins, which
    # may grow to twice the first), and a half more (Poisson arrivals):
    # when the sessions run out, acknowledged submits store nothing
    need=$(COST_CALLS=$cost_calls PREFILL=$((mix_prefill * mix_count)) ALLOW=$((2 * connect_allow)) perl -e 'my ($rates, $secs, $sweep, $sweep_secs, $pools, $spr, $base, $spike) = @ARGV; my $n = 0;
                    $n += $_ * ($secs + $ENV{ALLOW}) for split " ", $rates;
                    $n += $sweep * ($sweep_secs + $ENV{ALLOW}) * scalar(my @p = split " ", $pools);
                    $n += 100 * $spr * $base + 900 * $spr * $spike;
                    print int($n * 0.2 * 1.5 + $ENV{COST_CALLS} + $ENV{PREFILL})' \
           "$reads_rates" "$reads_secs" "$sweep_rate" "$sweep_secs" "$reads_sweep" "$spike_rate" "$((3 * spike_secs))" "$spike_secs")
    mix_rounds=$(((need + mix_count * mix_players - 1) / (mix_count * mix_players)))
    ((mix_rounds >= 1)) || mix_rounds=1
    quiesce
    log "reads: setting up ($ko_count knockouts of $ko_players with their first round in, an individual ranking of $big_players x $big_rounds, $mix_count live individual rankings of $mix_players x $mix_rounds rounds)"
    t0=$(now_us)
    if ! out=$("${PSQL[@]}" -v ko_count="$ko_count" -v ko_players="$ko_players" -v big_players="$big_players" \
                   -v big_rounds="$big_rounds" -v mix_count="$mix_count" -v mix_players="$mix_players" \
                   -v mix_rounds="$mix_rounds" -v mix_prefill="$mix_prefill" -f "$here/reads_setup.sql" 2>&1); then
        record "reads set-up: $out"
        return 1
    fi
    t1=$(now_us)
    local ko_results setup_ms
    IFS='|' read -r ko_lo ko_hi big_tid mix_lo mix_hi mix_sessions ko_results setup_ms fresh_tid <<<"$(tail -1 <<<"$out")"
    record "$(meta kind reads_setup ko_count "$ko_count" ko_players "$ko_players" ko_results "$ko_results" \
              big_players "$big_players" big_rounds "$big_rounds" big_tid "$big_tid" \
              mix_count "$mix_count" mix_players "$mix_players" mix_rounds "$mix_rounds" \
              mix_sessions "$mix_sessions" mix_prefill "$mix_prefill" submits_planned "$need" ms "$setup_ms" \
              wall_ms $(((t1 - t0) / 1000)))"
    printf '%s\n' 'SELECT * FROM tourney.standings(:t) LIMIT 20;' >"$work/top20.pgbench"
    printf '%s\n' '\set t random(:lo, :hi)' 'SELECT * FROM tourney.standings(:t) LIMIT 20;' >"$work/standings_r.pgbench"
    printf '%s\n' '\set t random(:lo, :hi)' 'SELECT * FROM tourney.standings(:t, 20);' >"$work/top_r.pgbench"
    printf '%s\n' '\set t random(:lo, :hi)' \
        'SELECT rank, player_id, points, wins, draws, losses, score_for, score_against FROM tourney.rankings WHERE tournament_id = :t ORDER BY rank LIMIT 20;' \
        >"$work/rankings_r.pgbench"
    printf '%s\n' '\set score random(0, 30000)' \
        "SELECT tourney.submit_result(s.session_id, ARRAY[:score::numeric / 10]) FROM bench.mix_ids s WHERE s.n = (SELECT nextval('bench.mix_pick'));" \
        >"$work/submit_mix.pgbench"
    printf '%s\n' 'SELECT * FROM tourney.overview;' >"$work/overview.pgbench"
    printf '%s\n' 'SELECT 1;' >"$work/select1.pgbench"
}
# Results stored in the live tournaments, and sessions handed out.
mix_stored() { "${PSQL[@]}" -c "SELECT count(*) FROM tourney.sessions WHERE tournament_id BETWEEN $mix_lo AND $mix_hi AND result_submitted"; }
mix_picked() { "${PSQL[@]}" -c "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM bench.mix_pick"; }

# How long 1,000 clients take to log in through pgbouncer (SCRAM): the
# time each 1,000-client run adds to its -T (pgbench counts it in); twice
# the first measurement, more when a later run took longer.  The figures
# come from the logged window (first start to last end), whatever it is.
adapt_allow() {        # pgbench summary file
    local ms
    ms=$(sed -n 's/^initial connection time = \([0-9]*\).*/\1/p' "$1" 2>/dev/null)
    [[ -n $ms ]] && ((ms * 3 / 2000 + 2 > connect_allow)) && connect_allow=$((ms * 3 / 2000 + 2))
    return 0
}
reads_connect() {
    quiesce
    log "reads: $reads_clients clients connect through pgbouncer (pool $bouncer_pool)"
    reads_pgbench connect "${BOUNCE[@]}" -M simple -c "$reads_clients" -j 2 -t 1 -f "$work/select1.pgbench" "$db"
    local j
    j=$(reads_stats connect select1 "$(meta kind reads_connect clients "$reads_clients" pool "$bouncer_pool" nofile "$nofile")")
    record "$j"
    connect_allow=$(perl -MJSON::PP -e 'my $o = eval { decode_json($ARGV[0]) } || {}; my $s = ($o->{connect_ms} // 5000) / 1000;
                                        print int($s * 2 + 3.999)' "$j")
}
# The 16,384 x 10 individual ranking's top 20: one cold call (a fresh
# connection's first statement), then K calls in one connection, straight
# to the cluster and through pgbouncer; its plan with buffers.
reads_big() {
    local cold plan
    quiesce
    log "reads: standings top 20 of the $big_players x $big_rounds individual ranking"
    cold=$("${PSQL[@]}" <<SQL
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
SELECT count(*) AS n FROM (SELECT * FROM tourney.standings($big_tid) LIMIT 20) s \gset
SELECT round(extract(epoch FROM clock_timestamp()) * 1000 - :t0, 3) || '|' || :n;
SQL
) || cold="|"
    plan=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT * FROM tourney.standings($big_tid) LIMIT 20" 2>&1 | tr '\n' '\036' | sed 's/\x1e/ ;; /g')
    reads_pgbench big_direct "${DIRECT[@]}" -M simple -c 1 -t "$big_calls" -f "$work/top20.pgbench" -D t="$big_tid" "$db"
    record "$(reads_stats big_direct top20 "$(meta kind reads_big path direct players "$big_players" rounds "$big_rounds" \
              calls "$big_calls" cold_ms "${cold%%|*}" cold_rows "${cold##*|}" plan "$plan")")"
    reads_pgbench big_bouncer "${BOUNCE[@]}" -M simple -c 1 -t "$big_calls" -f "$work/top20.pgbench" -D t="$big_tid" "$db"
    record "$(reads_stats big_bouncer top20 "$(meta kind reads_big path pgbouncer players "$big_players" rounds "$big_rounds" \
              calls "$big_calls" pool "$bouncer_pool")")"
}
# What one call costs the server alone: one client straight to the
# cluster, K calls, in the simple protocol (what pgbouncer's transaction
# pooling leaves: every call parsed and planned) and prepared (planned once
# per connection); submit_result only simple (each takes an open session).
reads_cost() {
    local what mode lo hi f
    quiesce
    log "reads: cost of one call (1 client, simple and prepared)"
    for what in standings top fresh rankings submit; do
        for mode in simple prepared; do
            [[ $what == submit && $mode == prepared ]] && continue
            case $what in
                standings) lo=$mix_lo hi=$mix_hi f=standings_r ;;
                top) lo=$mix_lo hi=$mix_hi f=top_r ;;
                fresh) lo=$fresh_tid hi=$fresh_tid f=standings_r ;;
                rankings) lo=$ko_lo hi=$ko_hi f=rankings_r ;;
                submit) lo=0 hi=0 f=submit_mix ;;
            esac
            reads_pgbench "cost" "${DIRECT[@]}" -M "$mode" -c 1 -t "$cost_calls" -f "$work/$f.pgbench" -D lo="$lo" -D hi="$hi" "$db"
            record "$(reads_stats cost "$what" "$(meta kind reads_cost what "$what" mode "$mode" calls "$cost_calls")")"
        done
    done
}
# Top 20 of standings against 20 stored rankings rows read by index: 100
# clients closed loop through pgbouncer, a random knockout per call, the two
# alternating.
reads_rate() {         # [variant]
    local r what plan_s plan_r
    plan_s=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT * FROM tourney.standings($ko_lo) LIMIT 20" 2>&1 | tr '\n' '\036' | sed 's/\x1e/ ;; /g')
    plan_r=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT rank, player_id, points, wins, draws, losses, score_for, score_against FROM tourney.rankings WHERE tournament_id = $ko_lo ORDER BY rank LIMIT 20" 2>&1 | tr '\n' '\036' | sed 's/\x1e/ ;; /g')
    for r in $(seq "$rate_rounds"); do
        for what in rankings standings top; do
            quiesce
            log "reads: $what top 20, 100 clients closed loop through pgbouncer (pool $bouncer_pool), round $r${1:+, $1}"
            reads_pgbench "rate_$what" "${BOUNCE[@]}" -M simple -c 100 -j 2 -T "$rate_secs" -f "$work/${what}_r.pgbench" \
                -D lo="$ko_lo" -D hi="$ko_hi" "$db"
            record "$(reads_stats "rate_$what" "$what" "$(meta kind reads_rate what "$what" round "$r" clients 100 \
                      seconds "$rate_secs" pool "$bouncer_pool" variant "${1:-}" tournaments "$((ko_hi - ko_lo + 1))" \
                      players "$ko_players" plan "$([[ $r == 1 ]] && if [[ $what == standings ]]; then echo "$plan_s"; else echo "$plan_r"; fi)")")"
        done
    done
}
# SELECT * FROM tourney.overview: one cold call and K calls in one
# connection, straight to the cluster.
reads_overview() {     # phase
    local cold live plan
    quiesce
    log "reads: tourney.overview ($1)"
    cold=$("${PSQL[@]}" <<'SQL'
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
SELECT count(*) AS n FROM (SELECT * FROM tourney.overview) s \gset
SELECT round(extract(epoch FROM clock_timestamp()) * 1000 - :t0, 3) || '|' || :n;
SQL
) || cold="|"
    live=$("${PSQL[@]}" -c "SELECT count(*) FILTER (WHERE o.players = $mix_players AND o.tournament_id BETWEEN $mix_lo AND $mix_hi) || '|' || (SELECT count(*) FROM tourney.progress) FROM tourney.overview o")
    reads_pgbench "overview" "${DIRECT[@]}" -M simple -c 1 -t "$overview_calls" -f "$work/overview.pgbench" "$db"
    plan=$("${PSQL[@]}" -c "EXPLAIN (ANALYZE, BUFFERS, TIMING OFF) SELECT * FROM tourney.overview" 2>&1 | tr '\n' '\036' | sed 's/\x1e/ ;; /g')
    record "$(reads_stats overview overview "$(meta kind reads_overview phase "$1" calls "$overview_calls" cold_ms "${cold%%|*}" \
              rows "${cold##*|}" mix_rows "${live%%|*}" progress_rows "${live##*|}" mix_players "$mix_players" \
              others_cancelled "$overview_cancelled" plan "$plan")")"
}
# Once a second while a load runs: autovacuum workers busy, and the load
# average (other work on the machine); the maxima go into the record.
sampler_pid= sampled_av= sampled_load= sampled=
sampler_start() {
    rm -f "$work/sampler"
    ( while :; do
          psql -X -At -F ' ' -d "$db" -c "
              SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'),
                     '$(cut -d' ' -f1 /proc/loadavg)',
                     (SELECT coalesce(string_agg(w || ' ' || n, ', ' ORDER BY n DESC, w), '-')
                      FROM (SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu') AS w, count(*) AS n
                            FROM pg_stat_activity
                            WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                            GROUP BY 1) a),
                     (SELECT coalesce(string_agg(left(query, 80), '; '), '') FROM pg_stat_activity
                      WHERE backend_type = 'autovacuum worker')" >>"$work/sampler" 2>/dev/null
          sleep 1
      done ) &
    sampler_pid=$!
}
sampler_stop() {
    [[ -n $sampler_pid ]] && { kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true; }
    sampler_pid=
    read -r sampled_av sampled_load < <(awk '$1 > a { a = $1 } $2 > l { l = $2 } END { print a + 0, l + 0 }' "$work/sampler" 2>/dev/null || echo "0 0")
    # one line a second: autovacuum workers, load, what the active backends wait on, autovacuum's work
    sampled=$(cut -c1-300 "$work/sampler" 2>/dev/null | tr '\n' '\036' | sed 's/\x1e/ ;; /g')
}
# 1,000 clients, open loop at RATE requests/s through pgbouncer: 80%
# standings top 20 of a random live tournament, 20% submit_result of the
# next open session (each session once: no "different result" failure);
# then the results stored against the submits pgbench saw succeed.
reads_mix() {          # rate seconds [variant]
    local rate=$1 secs=$2 variant=${3:-} s0 s1 p0 p1
    quiesce
    s0=$(mix_stored)
    p0=$(mix_picked)
    log "reads: $reads_clients clients open loop at $rate/s for $secs s through pgbouncer (pool $bouncer_pool)${variant:+, $variant}"
    sampler_start
    reads_pgbench mix "${BOUNCE[@]}" -M simple -c "$reads_clients" -j 2 -T "$((secs + connect_allow))" -R "$rate" \
        -f "$work/top_r.pgbench@80" -f "$work/submit_mix.pgbench@20" -D lo="$mix_lo" -D hi="$mix_hi" "$db"
    sampler_stop
    s1=$(mix_stored)
    p1=$(mix_picked)
    adapt_allow "$work/r.mix.out"
    record "$(reads_stats mix standings,submit "$(meta kind reads_mix rate "$rate" seconds "$secs" clients "$reads_clients" \
              pool "$bouncer_pool" variant "$variant" stored "$((s1 - s0))" picked "$((p1 - p0))" \
              open_before "$((mix_sessions - p0))" autovacuum_max "$sampled_av" load_max "$sampled_load" sampled "$sampled")")"
}
# A spike: 100 clients at SPR requests/s each (open loop); after 10 s, 900
# more for SPIKE seconds; the 100 go on 10 s more; one client reads
# tourney.overview twice a second all along (the live monitor).  No failed
# request, and every result pgbench saw acknowledged is stored.
reads_spike() {
    local s0 s1 p0 p1 base_t p_base p_spike p_mon
    quiesce
    s0=$(mix_stored)
    p0=$(mix_picked)
    base_t=$((10 + connect_allow + spike_secs + 10))
    log "reads: spike 100 -> $reads_clients -> 100 clients at $spike_rate requests/s each (${base_t} s)"
    reads_pgbench spike_mon "${BOUNCE[@]}" -M simple -c 1 -T "$((base_t + 1))" -R 2 -f "$work/overview.pgbench" "$db" &
    p_mon=$!
    reads_pgbench spike_base "${BOUNCE[@]}" -M simple -c 100 -j 1 -T "$base_t" -R "$((100 * spike_rate))" \
        -f "$work/top_r.pgbench@80" -f "$work/submit_mix.pgbench@20" -D lo="$mix_lo" -D hi="$mix_hi" "$db" &
    p_base=$!
    sleep 10
    reads_pgbench spike_peak "${BOUNCE[@]}" -M simple -c "$((reads_clients - 100))" -j 2 -T "$((spike_secs + connect_allow))" \
        -R "$(((reads_clients - 100) * spike_rate))" \
        -f "$work/top_r.pgbench@80" -f "$work/submit_mix.pgbench@20" -D lo="$mix_lo" -D hi="$mix_hi" "$db" &
    p_spike=$!
    wait "$p_spike" || true
    wait "$p_base" || true
    wait "$p_mon" || true
    s1=$(mix_stored)
    p1=$(mix_picked)
    local base peak mon
    base=$(reads_stats spike_base standings,submit '{}' --split "$work/r.spike_peak.log")
    peak=$(reads_stats spike_peak standings,submit '{}')
    mon=$(reads_stats spike_mon overview '{}')
    record "$(perl -MJSON::PP -e '
        my ($b, $p, $m, @kv) = @ARGV;
        my $o = { @kv };
        $_ = 0 + $_ for values %$o;
        $o->{kind} = "reads_spike";
        $o->{base} = decode_json($b); $o->{peak} = decode_json($p); $o->{monitor} = decode_json($m);
        print JSON::PP->new->canonical->encode($o)' "$base" "$peak" "$mon" \
        base_clients 100 peak_clients "$reads_clients" per_client_rate "$spike_rate" spike_seconds "$spike_secs" \
        base_seconds "$base_t" pool "$bouncer_pool" stored "$((s1 - s0))" picked "$((p1 - p0))")"
}
reads_section() {
    local pool
    raise_nofile
    if ! bouncer_start "$reads_pool" >"$work/bouncer.err" 2>&1; then
        record "reads: pgbouncer did not start: $(tr '\n' ' ' <"$work/bouncer.err")"
        return 0
    fi
    BOUNCE=(-h 127.0.0.1 -p "$bouncer_port")
    reads_setup || { bouncer_stop; return 0; }
    reads_connect
    reads_big
    reads_rate
    reads_cost
    # tourney.overview in the SPEC's case (3c: 100 live tournaments of 1,024
    # players): the tournaments still open are the load's, and the live
    # section's two that its "full db" runs read and write later; this
    # section's others and those earlier sections left open are called off
    overview_cancelled=$("${PSQL[@]}" -c "
        SELECT count(tourney.cancel_tournament(tournament_id)) FROM tourney.tournaments
        WHERE status IN ('draft', 'in_progress') AND tournament_id NOT BETWEEN $mix_lo AND $mix_hi
          AND tournament_id NOT IN (${live_tid:-0}, ${full_tid:-0})") || overview_cancelled=
    reads_overview "before the load"
    for pool in $reads_sweep; do
        bouncer_start "$pool" >"$work/bouncer.err" 2>&1 || { record "reads: pgbouncer (pool $pool) did not start"; continue; }
        BOUNCE=(-h 127.0.0.1 -p "$bouncer_port")
        reads_mix "$sweep_rate" "$sweep_secs" "pool sweep"
    done
    if [[ -n $reads_sweep ]]; then
        bouncer_start "$reads_pool" >"$work/bouncer.err" 2>&1 || { record "reads: pgbouncer (pool $reads_pool) did not start"; return 0; }
        BOUNCE=(-h 127.0.0.1 -p "$bouncer_port")
    fi
    local rate
    for rate in $reads_rates; do reads_mix "$rate" "$reads_secs"; done
    reads_overview "after the load"
    PGOPTIONS="-c jit=off" reads_overview "after the load, jit off (diagnostic)"
    reads_spike
    bouncer_stop
    "${PSQL[@]}" -c "DROP INDEX IF EXISTS tourney.bench_rankings_rank_idx" >/dev/null
}

# Ratings (issue 17): update_ratings of a completed N-player knockout, by
# Glicko-2 and by Elo, each on a knockout and players of its own (never
# rated, vacuumed: what a weekend's tournament finds), in a fresh
# connection whose memory is sampled from /proc (memory "flat": the peak
# private memory at every size); then PostgreSQL's own limit for the same
# writes in the same run: one plain UPDATE of the same number of players'
# rows and one INSERT of their history rows, in copies of the two tables.
ratings_case() {       # players
    local n=$1 method out lo= hi= tid= sessions setup_ms
    for method in glicko2 elo; do
        log "ratings: setting up a completed knockout of $n players ($method)"
        if ! out=$("${PSQL[@]}" -v players="$n" -v seed="$seed" -v label="$method" -f "$here/ratings_setup.sql" 2>&1); then
            record "ratings set-up ($n players, $method): $out"
            continue
        fi
        IFS='|' read -r lo hi tid sessions setup_ms <<<"$(tail -1 <<<"$out")"
        quiesce
        log "ratings: update_ratings($method) of the $n-player knockout ($sessions sessions; set-up $setup_ms ms)"
        record "$("${PSQL[@]}" "${VARS[@]}" -v tid="$tid" -v players="$n" -v method="$method" -f "$here/ratings.sql")"
    done
    [[ -n $lo ]] || return 0
    if ! out=$("${PSQL[@]}" -v lo="$lo" -v hi="$hi" -f "$here/ratings_copy.sql" 2>&1); then
        record "ratings: copying $n players for the plain UPDATE: $out"
        return 0
    fi
    quiesce
    log "ratings: plain UPDATE of $n players' rows and INSERT of their history (PostgreSQL's limit)"
    record "$("${PSQL[@]}" "${VARS[@]}" -v lo="$lo" -v hi="$hi" -v players="$n" -v tid="$tid" -f "$here/ratings_plain.sql")"
}

# PL/Proxy (issue 16): bench/proxy.sh starts a proxy and two data nodes of
# its own on loopback (scripts/shards.bash, fsync off on all three, so the
# comparison is the proxy's hop, not the disk) and prints one JSON object
# per measurement: 64-player knockout lifecycles/s through the proxy and
# the same calls on node 1 directly, at each client count.  This cluster
# idles meanwhile.
proxy_section() {
    local line n=0
    log "proxy: a PL/Proxy proxy and two data nodes on loopback (bench/proxy.sh, ${proxy_secs} s per measurement)"
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        record "$line"
        n=$((n + 1))
    done < <(TOURNEY_BENCH_PROXY_SECONDS=$proxy_secs TOURNEY_BENCH_PROXY_CLIENTS=$proxy_clients bash "$here/proxy.sh")
    ((n > 0)) || record "proxy: bench/proxy.sh printed no measurement"
}

# ---------------------------------------------------------------- cases
if [[ $quick == 1 ]]; then
    ko_small=(256 1024 16384); base_small=(1024 16384); ir_small=(256 512 1024); rr_small=(256)
    swiss=(1024 10); ko_big=(65536); ir_bigs=(); rr_big=(); async_small=1024; async_big=16384
    de_small=(1024); de_big=(65536); sched_big=0
    live_seconds=${TOURNEY_BENCH_LIVE_SECONDS:-8}
    ko_count=16; big_calls=500; overview_calls=50; cost_calls=500; rate_rounds=1; rate_secs=4
    reads_rates=${TOURNEY_BENCH_RATES:-1000 2000 4000 6000}; reads_secs=${TOURNEY_BENCH_RATE_SECONDS:-5}
    reads_sweep=${TOURNEY_BENCH_POOL_SWEEP:-}; sweep_secs=5; spike_secs=4
    ratings_small=(16384); ratings_big=(65536); proxy_secs=${TOURNEY_BENCH_PROXY_SECONDS:-5}
else
    ko_small=(256 1024 16384); base_small=(1024 16384); ir_small=(256 512 1024); rr_small=(256)
    swiss=(4096 12); ko_big=(262144 1048576); ir_bigs=("$ir_big"); rr_big=(2048)
    de_small=(1024); de_big=(1048576); sched_big=1048576
    async_small=1024; async_big=262144
    ko_count=64; big_calls=2000; overview_calls=200; cost_calls=2000; rate_rounds=2; rate_secs=10
    reads_rates=${TOURNEY_BENCH_RATES:-1000 2000 4000 6000 8000 10000}; reads_secs=${TOURNEY_BENCH_RATE_SECONDS:-20}
    reads_sweep=${TOURNEY_BENCH_POOL_SWEEP-8 16 32}; sweep_secs=10; spike_secs=10
    ratings_small=(16384); ratings_big=(262144 1048576); proxy_secs=${TOURNEY_BENCH_PROXY_SECONDS:-15}
fi
# the reads section (both sizes): knockouts of 256 players, the 16,384 x 10
# individual ranking, 100 live individual rankings of 1,024 players
ko_players=256; big_players=16384; big_rounds=10; mix_count=100; mix_players=1024; mix_rounds=1; mix_prefill=64
reads_clients=${TOURNEY_BENCH_CLIENTS:-1000}; reads_max_client_conn=$((reads_clients + 200))
((reads_max_client_conn >= 1100)) || reads_max_client_conn=1100
reads_pool=${TOURNEY_BENCH_POOL:-8}; sweep_rate=${TOURNEY_BENCH_SWEEP_RATE:-3000}
spike_rate=${TOURNEY_BENCH_SPIKE_RATE:-6}
proxy_clients=${TOURNEY_BENCH_PROXY_CLIENTS:-1 4}
if [[ -n ${TOURNEY_BENCH_RATINGS_SIZES:-} ]]; then
    read -r -a ratings_small <<<"$TOURNEY_BENCH_RATINGS_SIZES"
    ratings_big=()
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
    # submit_result alone and plain SQL of the same rows alone, back to
    # back and equally long (issue 15: submit_result must stay the faster):
    # the ratio compares runs under the same conditions.  "rows" writes
    # every row submit_result writes (the target); "plain" the two it
    # wrote before the tallies (reported)
    pair_secs=$(((live_seconds + 3) / 4))
    live_run "$pair_secs" 0 "no readers"
    live_run "$pair_secs" 0 "no readers" plain
    live_run "$pair_secs" 0 "no readers" rows
    live_run "$(((live_seconds + 3) / 4))" 4 "" plain
    live_run "$(((live_seconds + 3) / 4))" 0 "no readers" commit
    live_run "$(((live_seconds + 3) / 4))" 4 "" commit
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
if want reads; then reads_section; fi
if want ratings; then for n in "${ratings_small[@]}"; do ratings_case "$n"; done; fi
if want proxy; then proxy_section; fi

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
if want ratings; then for n in "${ratings_big[@]}"; do ratings_case "$n"; done; fi

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
report_opts=(--baseline "$here/baseline.json")
[[ ${TOURNEY_BENCH_UPDATE_BASELINE:-0} == 1 ]] && report_opts+=(--update-baseline)
perl "$here/report.pl" --jsonl "$jsonl" --csv "$csv" --png "$png" "${report_opts[@]}"
