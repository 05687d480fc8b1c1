-- End a measured phase (variables: phase, result, stats_schema, pid,
-- memfile, benchdir).  The phase's time is its statements plus its commit.
-- The counters (pg_stat_xact_user_tables, read outside the timed part) are
-- what it did to the tables of schema :stats_schema: rows inserted, updated
-- (HOT or not) and deleted, sequential scans and the rows they read, index
-- scans.
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t1 \gset
SELECT pg_current_wal_insert_lsn() - :'wal0'::pg_lsn AS wal \gset
\if :{?untracked}
\set ins NULL
\set upd NULL
\set hot NULL
\set del NULL
\set seq NULL
\set seqread NULL
\set idx NULL
\set t2 :t1
\unset untracked
\else
SELECT coalesce(sum(n_tup_ins), 0) - :ins0 AS ins, coalesce(sum(n_tup_upd), 0) - :upd0 AS upd,
       coalesce(sum(n_tup_hot_upd), 0) - :hot0 AS hot, coalesce(sum(n_tup_del), 0) - :del0 AS del,
       coalesce(sum(seq_scan), 0) - :seq0 AS seq, coalesce(sum(seq_tup_read), 0) - :seqread0 AS seqread,
       coalesce(sum(idx_scan), 0) - :idx0 AS idx
  FROM pg_stat_xact_user_tables WHERE schemaname = :'stats_schema' \gset
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t2 \gset
COMMIT;
\endif
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS t3 \gset
\set mem `perl :benchdir/procmem.pl :pid :memfile`
INSERT INTO pg_temp.bench_phase (phase, ms, ins, upd, hot, del, seq, seqread, idx, wal, hwm_kb, anon_kb, result)
VALUES (:'phase', (:t1 - :t0) + (:t3 - :t2), :ins, :upd, :hot, :del, :seq, :seqread, :idx, :wal, :mem, :'result');
