-- PostgreSQL's own limit for what update_ratings writes (bench/run.sh,
-- issue 17): the same players' rows, copied beforehand into
-- bench_base.players (by ratings_copy.sql: tourney.players' columns,
-- constraints, indexes and fillfactor), written in a fresh connection, each
-- phase timed with its commit:
--   update   one plain UPDATE of the rating, deviation and volatility of
--            every one of them (new values from the old by arithmetic: no
--            game is read)
--   history  one INSERT … SELECT of their rows into bench_base.rating_history
--            (tourney.rating_history's shape)
-- Variables: lo, hi (the players), players, tid (their tournament, for the
-- history's key), benchdir, workdir.  Prints one JSON object.
\ir session_start.sql
\set stats_schema bench_base
SET work_mem = '64MB';
SET jit = off;

\set phase update
\ir phase_begin.sql
UPDATE bench_base.players
   SET rating = rating + ((player_id & 63) - 31.5),
       rating_deviation = greatest(rating_deviation * 0.9, 30),
       rating_volatility = rating_volatility * 0.999
 WHERE player_id BETWEEN :lo AND :hi;
\set result :players
\ir phase_end.sql

\set phase history
\ir phase_begin.sql
INSERT INTO bench_base.rating_history (tournament_id, player_id, method, rating_before, rating_after,
                                       deviation_before, deviation_after, volatility_before, volatility_after, games)
SELECT :tid, player_id, 'glicko2', rating - ((player_id & 63) - 31.5), rating,
       rating_deviation / 0.9, rating_deviation, rating_volatility / 0.999, rating_volatility, 1
FROM bench_base.players WHERE player_id BETWEEN :lo AND :hi;
\set result :players
\ir phase_end.sql

\ir report_phases.sql
SELECT json_build_object(
    'kind', 'ratings', 'case', 'plain', 'format', 'knockout', 'players', :players,
    'phases', :'phases_json'::json, 'ms', :lifecycle_ms,
    'update_ms', (:'phases_json'::json -> 'update' ->> 'ms')::numeric,
    'history_ms', (:'phases_json'::json -> 'history' ->> 'ms')::numeric,
    'us_per_player', round(:lifecycle_ms * 1000.0 / :players, 3),
    'backend_pid', :pid, 'vmhwm_kb', :hwm_kb, 'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
