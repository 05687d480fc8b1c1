-- The grants of the 0.1 README (section "Security and grants", commit
-- 586fc22): what a database made at 0.1 was given.  upgrade/upgrade.sh
-- runs them at 0.1 before the UPDATE.
-- application: runs tournaments, registers players and campuses
CREATE ROLE tourney_app NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO tourney_app;
GRANT SELECT ON ALL TABLES IN SCHEMA tourney TO tourney_app;
GRANT INSERT, UPDATE ON tourney.players, tourney.campuses TO tourney_app;
GRANT USAGE ON SEQUENCE tourney.players_player_id_seq,
                        tourney.campuses_campus_id_seq TO tourney_app;
GRANT EXECUTE ON FUNCTION
    tourney.create_tournament(text, text, text, text, int, bool, bigint[]),
    tourney.enroll(bigint, bigint[], int[]),
    tourney.generate_sessions(bigint, bool),
    tourney.submit_result(bigint, numeric[]),
    tourney.calculate_rankings(bigint),
    tourney.complete_tournament(bigint),
    tourney.generation_status(uuid),
    tourney.wait_for_task(uuid, interval),
    tourney.standings(bigint)
  TO tourney_app;

-- operator: everything of tourney_app, plus synthetic scenarios and simulation
CREATE ROLE tourney_operator NOLOGIN;
GRANT tourney_app TO tourney_operator;
GRANT EXECUTE ON FUNCTION
    tourney.run_scenario(int, text, int, int, bool, bigint, bool),
    tourney.simulate_results(bigint, bigint)
  TO tourney_operator;

-- read-only: dashboards and reports
CREATE ROLE tourney_readonly NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO tourney_readonly;
GRANT SELECT ON ALL TABLES IN SCHEMA tourney TO tourney_readonly;
GRANT EXECUTE ON FUNCTION
    tourney.standings(bigint),
    tourney.generation_status(uuid),
    tourney.wait_for_task(uuid, interval)
  TO tourney_readonly;

-- give a login role one of them
GRANT tourney_app TO my_login_role;
