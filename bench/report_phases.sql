-- Sum up bench_phase: phases_json, setup_ms (create_players),
-- lifecycle_ms (every other phase), total_ms, hwm_kb, anon_kb, seqread.
SELECT json_object_agg(phase, json_build_object(
           'ms', round(ms, 3), 'rows', ins + upd + del, 'inserted', ins, 'updated', upd,
           'hot_updated', hot, 'deleted', del, 'seq_scans', seq, 'seq_rows_read', seqread,
           'index_scans', idx, 'wal_bytes', wal,
           'rows_per_s', CASE WHEN ms > 0 THEN round((ins + upd + del) * 1000 / ms) END,
           'vmhwm_kb', hwm_kb, 'peak_anon_kb', anon_kb, 'result', result) ORDER BY ord) AS phases_json,
       round(coalesce(sum(ms) FILTER (WHERE phase = 'create_players'), 0), 3) AS setup_ms,
       round(coalesce(sum(ms) FILTER (WHERE phase <> 'create_players'), 0), 3) AS lifecycle_ms,
       round(sum(ms), 3) AS total_ms,
       coalesce(sum(seqread) FILTER (WHERE phase <> 'create_players'), 0) AS seqread,
       max(hwm_kb) AS hwm_kb, max(anon_kb) AS anon_kb
FROM pg_temp.bench_phase \gset
