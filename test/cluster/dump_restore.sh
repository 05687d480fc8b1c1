#!/usr/bin/env bash
# pg_dump / pg_restore keep every tournament, in progress or completed, and
# ids minted after the restore never collide with restored ones (SPEC 2).
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

src=$PGDATABASE
dst="${PGDATABASE}_restored"
dump=$T_DIR/dump
at_exit "timeout 60 dropdb --if-exists '$dst'"
# qd SQL...: q in the restored database
qd() { PGDATABASE=$dst q "$@"; }

plan 9

# A knockout half played, a completed individual ranking, a Swiss with a bye.
qs >/dev/null <<'SQL'
INSERT INTO tourney.players (name, rating) SELECT 'dump player ' || g, 1000 + g FROM generate_series(1, 64) g;
INSERT INTO tourney.campuses (name, capacity) VALUES ('dump campus', NULL);
SELECT tourney.create_tournament('dump ko', 'knockout',
    campus_ids => ARRAY[(SELECT campus_id FROM tourney.campuses WHERE name = 'dump campus')]);
SELECT tourney.enroll(t.tournament_id, (SELECT array_agg(player_id) FROM tourney.players))
FROM tourney.tournaments t WHERE t.name = 'dump ko';
SELECT tourney.generate_sessions(t.tournament_id, async => false) FROM tourney.tournaments t WHERE t.name = 'dump ko';
-- results for round 1 only
SELECT tourney.submit_result(s.session_id, ARRAY[2, 1])
FROM tourney.sessions s JOIN tourney.tournaments t USING (tournament_id)
WHERE t.name = 'dump ko' AND s.round = 1;
SELECT tourney.run_scenario(50, 'individual_ranking', 2, async => false);
SELECT tourney.create_tournament('dump swiss', 'swiss', number_of_rounds => 3);
SELECT tourney.enroll(t.tournament_id, (SELECT array_agg(player_id) FROM tourney.players WHERE name LIKE 'dump%' AND player_id % 2 = 1 OR name = 'dump player 2'))
FROM tourney.tournaments t WHERE t.name = 'dump swiss';
SELECT tourney.generate_sessions(t.tournament_id, async => false) FROM tourney.tournaments t WHERE t.name = 'dump swiss';
SQL

# every row of every tourney table, as count and md5 per table
before=$(q "SELECT test_support.fingerprint()")
timeout 120 pg_dump -Fc -d "$src" -f "$dump"
timeout 60 createdb "$dst"
timeout 120 pg_restore -d "$dst" "$dump" 2> >(grep -v 'pgtap' >&2 || true) || true
is "$(qd "SELECT test_support.fingerprint()")" "$before" "every tourney row survives dump and restore"
is "$(qd "SELECT count(*) FROM tourney.tasks WHERE status IN ('queued', 'running')")" 0 \
    "the restored database has no open task"

# Carry on with the knockout in the restored database.
ko=$(qd "SELECT tournament_id FROM tourney.tournaments WHERE name = 'dump ko'")
qd "SELECT tourney.simulate_results($ko, 1)" "SELECT tourney.calculate_rankings($ko)" \
    "SELECT tourney.complete_tournament($ko)" >/dev/null
is "$(qd "SELECT status FROM tourney.tournaments WHERE tournament_id = $ko")" "completed" \
    "the restored knockout completes"
is "$(qd "SELECT count(*) FROM tourney.sessions s JOIN tourney.session_participants p USING (tournament_id, session_id) WHERE s.tournament_id = $ko AND s.round = 1 AND p.slot = 1 AND s.winner_id = p.player_id")" "32" \
    "round 1 results kept (32 sessions, slot 1 won)"
is "$(qd "SELECT count(*) FROM tourney.rankings WHERE tournament_id = $ko")" "64" \
    "64 rankings for the restored knockout"

# The Swiss goes on: its next round is paired in the restored database.
sw=$(qd "SELECT tournament_id FROM tourney.tournaments WHERE name = 'dump swiss'")
qd "SELECT tourney.simulate_results($sw, 7)" >/dev/null
is "$(qd "SELECT max(round) FROM tourney.sessions WHERE tournament_id = $sw")" "3" \
    "the restored Swiss plays all 3 rounds"

# Ids minted after the restore are new.
PGDATABASE=$dst qs >/dev/null <<'SQL'
INSERT INTO tourney.players (name) VALUES ('after restore 1'), ('after restore 2');
SELECT tourney.create_tournament('after restore', 'knockout');
SELECT tourney.enroll(t.tournament_id, (SELECT array_agg(player_id) FROM tourney.players WHERE name LIKE 'after restore %'))
FROM tourney.tournaments t WHERE t.name = 'after restore';
SELECT tourney.generate_sessions(t.tournament_id, async => false) FROM tourney.tournaments t WHERE t.name = 'after restore';
SQL
is "$(qd "SELECT (SELECT tournament_id FROM tourney.tournaments WHERE name = 'after restore') > (SELECT max(tournament_id) FROM tourney.tournaments WHERE name <> 'after restore')")" "t" \
    "a new tournament id is above every restored one"
is "$(qd "SELECT min(session_id) FILTER (WHERE t.name = 'after restore') > max(session_id) FILTER (WHERE t.name <> 'after restore') FROM tourney.sessions s JOIN tourney.tournaments t USING (tournament_id)")" "t" \
    "new session ids are above every restored one"
is "$(qd "SELECT min(player_id) FILTER (WHERE name LIKE 'after restore %') > max(player_id) FILTER (WHERE name NOT LIKE 'after restore %') FROM tourney.players")" "t" \
    "new player ids are above every restored one"
