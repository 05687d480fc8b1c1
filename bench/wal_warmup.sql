-- A server that has been running writes its WAL into recycled files; a
-- fresh cluster must first create each 16 MB file and fill it with zeros,
-- which cost a 1,048,576-player lifecycle about a quarter of its time in
-- a cluster made for the run.  Create the files up front (one per WAL
-- switch) and checkpoint: with min_wal_size as large as max_wal_size the
-- checkpoint keeps them for reuse, and every measurement writes WAL as a
-- server in service does.
CREATE TABLE bench.wal_warmup (i int);
SELECT set_config('tourney_bench.wal_files',
                  (pg_size_bytes(current_setting('min_wal_size'))
                   / pg_size_bytes(current_setting('wal_segment_size')))::text, false) \g /dev/null
DO $$
BEGIN
    FOR i IN 1 .. current_setting('tourney_bench.wal_files')::int LOOP
        INSERT INTO bench.wal_warmup VALUES (i);   -- a switch needs WAL written since the last
        PERFORM pg_switch_wal();
    END LOOP;
END $$;
DROP TABLE bench.wal_warmup;
CHECKPOINT;
