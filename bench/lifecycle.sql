-- One tournament's whole lifecycle in this connection, every phase timed
-- (bench/run.sh).  Variables: format, players, rounds (a number or NULL),
-- opts (more arguments of create_tournament, as ", name => value ..."),
-- warm (true: first play a 16-player tournament of the format, untimed, so
-- that the library is loaded and the statements are prepared), seed,
-- benchdir, workdir; schedule (optional: the courts argument of
-- schedule_sessions, NULL for a tournament on campuses) adds a schedule
-- phase after generation.  Prints one JSON object.
\ir session_start.sql
\set stats_schema tourney
\if :warm
SELECT tourney.run_scenario(16, :'format', :rounds, 0, false, :seed :opts) \g /dev/null
\endif

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
SELECT tourney.create_tournament(format('bench %s %s x %s', :'format', :players, :'rounds'),
                                 :'format', number_of_rounds => :rounds :opts) AS tid \gset
\set result :tid
\ir phase_end.sql

\set phase enroll
\ir phase_begin.sql
SELECT tourney.enroll(:tid, ARRAY(SELECT player_id FROM tourney.players
                                  WHERE player_id BETWEEN :lo AND :hi ORDER BY player_id)) AS result \gset
\ir phase_end.sql

\set phase generate
\ir phase_begin.sql
SELECT tourney.generate_sessions(:tid, async => false) AS task \gset
\set result :task
\ir phase_end.sql

\if :{?schedule}
\set phase schedule
\ir phase_begin.sql
SELECT tourney.schedule_sessions(:tid, '2027-01-04 08:00+00', 30, 15, :schedule) AS result \gset
\ir phase_end.sql
\endif

\set phase simulate
\ir phase_begin.sql
SELECT tourney.simulate_results(:tid, :seed) AS result \gset
\ir phase_end.sql

\set phase rank
\ir phase_begin.sql
SELECT tourney.calculate_rankings(:tid) AS result \gset
\ir phase_end.sql

\set phase complete
\ir phase_begin.sql
SELECT tourney.complete_tournament(:tid) AS result \gset
\set result completed
\ir phase_end.sql

\ir report_phases.sql
SELECT json_build_object(
    'kind', 'scale', 'format', :'format', 'players', :players,
    'rounds', :rounds, 'async', false, 'warm', :warm, 'variant', :'variant', 'tournament_id', :tid,
    'status', (SELECT status FROM tourney.tournaments WHERE tournament_id = :tid),
    'sessions', (SELECT count(*) FROM tourney.sessions WHERE tournament_id = :tid),
    'participants', (SELECT count(*) FROM tourney.session_participants WHERE tournament_id = :tid),
    'rankings', (SELECT count(*) FROM tourney.rankings WHERE tournament_id = :tid),
    'task', (SELECT json_build_object('status', status, 'generation_ms', generation_ms,
                                      'db_write_ms', db_write_ms, 'session_count', session_count)
             FROM tourney.tasks WHERE task_id = :'task'),
    'phases', :'phases_json'::json,
    'setup_ms', :setup_ms, 'lifecycle_ms', :lifecycle_ms, 'total_ms', :total_ms,
    'us_per_player', round(:lifecycle_ms * 1000.0 / :players, 3),
    'seq_rows_read', :seqread, 'db_sessions_before', :db_sessions,
    'db_participants_before', :db_participants, 'backend_pid', :pid, 'vmhwm_kb', :hwm_kb, 'peak_anon_kb', :anon_kb) AS j \gset
\echo :j
