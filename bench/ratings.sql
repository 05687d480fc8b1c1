-- update_ratings of a completed knockout, in a fresh connection, timed with
-- its commit (bench/run.sh, issue 17).  Variables: tid, players, method
-- (glicko2 or elo), benchdir, workdir.  Memory: the backend's VmHWM and
-- its peak private memory (RssAnon, sampled every 10 ms by memwatch.pl
-- from /proc: the memory contexts of a running call cannot be read from
-- another connection, only logged).  Prints one JSON object.
\ir session_start.sql
\set stats_schema tourney
\set phase update_ratings
\ir phase_begin.sql
SELECT tourney.update_ratings(:tid, :'method') AS result \gset
\ir phase_end.sql
\ir report_phases.sql
SELECT json_build_object(
    'kind', 'ratings', 'case', 'update_ratings', 'method', :'method', 'format', 'knockout', 'players', :players,
    'tournament_id', :tid, 'rated', :result,
    'history_rows', (SELECT count(*) FROM tourney.rating_history WHERE tournament_id = :tid),
    'games', (SELECT sum(games) / 2 FROM tourney.rating_history WHERE tournament_id = :tid),
    'moved', (SELECT count(*) FROM tourney.rating_history
              WHERE tournament_id = :tid AND rating_after <> rating_before),
    'phases', :'phases_json'::json, 'ms', :lifecycle_ms,
    'us_per_player', round(:lifecycle_ms * 1000.0 / :players, 3),
    'backend_pid', :pid, 'vmhwm_kb', :hwm_kb, 'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
