-- Start of a measured connection: its pid, the memory sampler, the phase
-- table, and how many rows tourney's big tables hold already.
\set ON_ERROR_STOP on
\set QUIET on
SELECT pg_backend_pid() AS pid \gset
\set memfile :workdir/mem.:pid
\set started `perl :benchdir/memwatch.pl --pid :pid --out :memfile >/dev/null 2>&1 & echo started`
CREATE TEMP TABLE bench_phase (ord serial, phase text, ms numeric, ins bigint, upd bigint,
                               hot bigint, del bigint, seq bigint, seqread bigint, idx bigint, wal numeric,
                               hwm_kb bigint, anon_kb bigint, result text);
SELECT coalesce(sum(n_live_tup) FILTER (WHERE relname = 'sessions'), 0) AS db_sessions,
       coalesce(sum(n_live_tup) FILTER (WHERE relname = 'session_participants'), 0) AS db_participants
  FROM pg_stat_user_tables WHERE schemaname = 'tourney' \gset
