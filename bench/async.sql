-- A knockout generated in a background worker (bench/run.sh).  Variables:
-- players, seed, benchdir, workdir.  The connection creates the players,
-- the tournament and the enrolment, queues the generation (timed with its
-- commit), then waits for the task; memwatch.pl samples the memory of the
-- worker that claimed the task (tasks.worker_pid) until this connection
-- ends.  With tourney preloaded that worker may be an idle one that ran an
-- earlier task ("worker_reused"): its VmHWM is then its peak over all its
-- tasks.  Prints one JSON object.
\ir session_start.sql
\set stats_schema tourney
\set format knockout
\set rounds NULL

\set phase create_players
\ir phase_begin.sql
WITH made AS (
    INSERT INTO tourney.players (name, rating)
    SELECT 'bench player ' || g, 1000 + (hashint8extended(g, :seed) & 1048575) * 1400.0 / 1048576
    FROM generate_series(1, :players::int8) g
    RETURNING player_id)
SELECT min(player_id) AS lo, max(player_id) AS hi, count(*) AS result FROM made \gset
\ir phase_end.sql

\set phase create_tournament
\ir phase_begin.sql
SELECT tourney.create_tournament(format('bench async knockout %s', :players), 'knockout') AS tid \gset
\set result :tid
\ir phase_end.sql

\set phase enroll
\ir phase_begin.sql
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players
                                  WHERE player_id BETWEEN :lo AND :hi ORDER BY player_id)) AS result \gset
\ir phase_end.sql

-- untracked: the call alone, autocommitted, so that the task's queue wait
-- starts with the call (not with the bench's bookkeeping around it)
\set phase queue
\set untracked
\ir phase_begin.sql
SELECT tourney.generate_sessions(:tid, async => true) AS task \gset
\set result :task
\ir phase_end.sql

\set wfile :workdir/worker.:pid
SELECT coalesce(bench.task_worker(:'task'), 0) AS wpid \gset
\set started `[ :wpid = 0 ] || perl :benchdir/memwatch.pl --pid :wpid --interval 5 --timeout 1800 --until-gone :pid --out :wfile >/dev/null 2>&1 & echo started`

\set phase wait
\ir phase_begin.sql
SELECT status AS result FROM tourney.wait_for_task(:'task', '30 min') \gset
\ir phase_end.sql

-- let the watcher take its last sample
SELECT pg_sleep(0.05) \g /dev/null
\set worker `cat :wfile 2>/dev/null || echo none`
\ir report_phases.sql
SELECT json_build_object(
    'kind', 'async', 'variant', :'variant', 'format', 'knockout', 'players', :players, 'rounds', NULL, 'async', true,
    'tournament_id', :tid,
    'status', (SELECT status FROM tourney.tournaments WHERE tournament_id = :tid),
    'sessions', (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid),
    'task', (SELECT json_build_object('status', status, 'attempts', attempts,
                                      'queue_wait_ms', queue_wait_ms,
                                      'generation_ms', generation_ms, 'db_write_ms', db_write_ms,
                                      'session_count', session_count, 'worker_pid', worker_pid,
                                      'worker_reused', EXISTS (SELECT FROM tourney.tasks o
                                                               WHERE o.worker_pid = k.worker_pid AND o.task_id <> k.task_id
                                                                 AND o.started_at < k.started_at),
                                      'queued_to_started_ms', round(extract(epoch FROM started_at - queued_at)::numeric * 1000, 3),
                                      'queued_to_finished_ms', round(extract(epoch FROM finished_at - queued_at)::numeric * 1000, 3))
             FROM tourney.tasks k WHERE task_id = :'task'),
    'phases', :'phases_json'::json, 'setup_ms', :setup_ms, 'lifecycle_ms', :lifecycle_ms,
    'total_ms', :total_ms, 'seq_rows_read', :seqread, 'db_sessions_before', :db_sessions,
    'db_participants_before', :db_participants, 'backend_pid', :pid, 'vmhwm_kb', :hwm_kb, 'peak_anon_kb', :anon_kb,
    'worker', CASE WHEN :'worker' ~ 'pid=[1-9]' THEN json_build_object(
        'pid', substring(:'worker' FROM 'pid=(\d+)')::int,
        'vmhwm_kb', substring(:'worker' FROM 'vmhwm_kb=(\d+)')::bigint,
        'peak_anon_kb', substring(:'worker' FROM 'peak_anon_kb=(\d+)')::bigint,
        'peak_shmem_kb', substring(:'worker' FROM 'peak_shmem_kb=(\d+)')::bigint,
        'samples', substring(:'worker' FROM 'samples=(\d+)')::int) END) AS j \gset
\echo :j
