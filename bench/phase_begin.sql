-- Start a measured phase: a transaction of its own, the table counters so
-- far (pending statistics of this backend accumulate across transactions
-- until they are flushed, which never happens inside a transaction), then
-- the clock.
--
-- With :untracked set, the phase is its statements in autocommit mode, as
-- an application makes the call, and the counters are not read: they need
-- the phase's transaction, whose start is where a queued task's wait
-- begins.
\if :{?untracked}
\else
BEGIN;
SELECT coalesce(sum(n_tup_ins), 0) AS ins0, coalesce(sum(n_tup_upd), 0) AS upd0,
       coalesce(sum(n_tup_hot_upd), 0) AS hot0, coalesce(sum(n_tup_del), 0) AS del0,
       coalesce(sum(seq_scan), 0) AS seq0, coalesce(sum(seq_tup_read), 0) AS seqread0,
       coalesce(sum(idx_scan), 0) AS idx0
  FROM pg_stat_xact_user_tables WHERE schemaname = :'stats_schema' \gset
\endif
SELECT pg_current_wal_insert_lsn() AS wal0 \gset
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t0 \gset
