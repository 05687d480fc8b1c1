-- The plain limit's rows (bench/ratings_plain.sql): copies of tourney.players
-- and tourney.rating_history in bench_base (same columns, constraints,
-- indexes, fillfactor), and the players lo..hi copied into the first, as
-- update_ratings finds them (never rated, vacuumed).  Variables: lo, hi.
\set ON_ERROR_STOP on
\set QUIET on
SET client_min_messages = warning;
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT c.relname, c.reloptions FROM pg_class c
             WHERE c.relnamespace = 'tourney'::regnamespace AND c.relname IN ('players', 'rating_history')
    LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS bench_base.%I (LIKE tourney.%I INCLUDING ALL)%s', r.relname, r.relname,
                       CASE WHEN r.reloptions IS NOT NULL
                            THEN format(' WITH (%s)', array_to_string(r.reloptions, ', ')) ELSE '' END);
    END LOOP;
END $$;
INSERT INTO bench_base.players SELECT * FROM tourney.players WHERE player_id BETWEEN :lo AND :hi;
VACUUM ANALYZE bench_base.players;
