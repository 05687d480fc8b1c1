#!/usr/bin/env bash
# pg_dump / pg_restore keep every tournament, in progress or completed, and
# ids minted after the restore never collide with restored ones (SPEC 2).
set -euo pipefail

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -At)
src=$PGDATABASE
dst="${PGDATABASE}_restored"
dump=$(mktemp)
trap 'rm -f "$dump"; dropdb --if-exists "$dst" >/dev/null 2>&1 || true' EXIT

n=0
check() {   # check DESCRIPTION EXPECTED ACTUAL
    n=$((n + 1))
    if [[ $2 == "$3" ]]; then echo "ok $n - $1"; else echo "not ok $n - $1"; echo "# expected '$2', got '$3'"; fi
}

echo "1..9"

# A knockout half played, a completed individual ranking, a Swiss with a bye.
"${PSQL[@]}" -d "$src" >/dev/null <<'SQL'
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

fingerprint() {
    "${PSQL[@]}" -d "$1" -c "
        SELECT md5(string_agg(z.x, '|' ORDER BY z.x)) FROM (
            SELECT 'T' || (t.tournament_id, t.name, t.format, t.status, t.number_of_rounds, t.campus_ids)::text FROM tourney.tournaments t
            UNION ALL SELECT 'E' || (e.tournament_id, e.player_id, e.seed)::text FROM tourney.enrollments e
            UNION ALL SELECT 'S' || (s.tournament_id, s.session_id, s.stage, s.round, s.match_number, s.campus_id,
                                     s.next_session_id, s.winner_id, s.result_submitted)::text FROM tourney.sessions s
            UNION ALL SELECT 'P' || (p.tournament_id, p.session_id, p.slot, p.player_id, p.score, p.placement)::text FROM tourney.session_participants p
            UNION ALL SELECT 'R' || (r.tournament_id, r.player_id, r.rank, r.points)::text FROM tourney.rankings r
            UNION ALL SELECT 'B' || (b.tournament_id, b.round, b.player_id)::text FROM tourney.byes b
            UNION ALL SELECT 'K' || (k.tournament_id, k.task_id, k.status, k.session_count, k.requested_by)::text FROM tourney.tasks k) z(x)"
}

before=$(fingerprint "$src")
pg_dump -Fc -d "$src" -f "$dump"
createdb "$dst"
pg_restore -d "$dst" "$dump" 2> >(grep -v 'pgtap' >&2 || true) || true
check "every tourney row survives dump and restore" "$before" "$(fingerprint "$dst")"
check "the restored database has no open task" "0" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT count(*) FROM tourney.tasks WHERE status IN ('queued', 'running')")"

# Carry on with the knockout in the restored database.
ko=$("${PSQL[@]}" -d "$dst" -c "SELECT tournament_id FROM tourney.tournaments WHERE name = 'dump ko'")
"${PSQL[@]}" -d "$dst" -c "SELECT tourney.simulate_results($ko, 1)" >/dev/null
"${PSQL[@]}" -d "$dst" -c "SELECT tourney.calculate_rankings($ko)" >/dev/null
"${PSQL[@]}" -d "$dst" -c "SELECT tourney.complete_tournament($ko)" >/dev/null
check "the restored knockout completes" "completed" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT status FROM tourney.tournaments WHERE tournament_id = $ko")"
check "round 1 results kept (32 sessions, slot 1 won)" "32" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT count(*) FROM tourney.sessions s JOIN tourney.session_participants p USING (tournament_id, session_id) WHERE s.tournament_id = $ko AND s.round = 1 AND p.slot = 1 AND s.winner_id = p.player_id")"
check "64 rankings for the restored knockout" "64" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT count(*) FROM tourney.rankings WHERE tournament_id = $ko")"

# The Swiss goes on: its next round is paired in the restored database.
sw=$("${PSQL[@]}" -d "$dst" -c "SELECT tournament_id FROM tourney.tournaments WHERE name = 'dump swiss'")
"${PSQL[@]}" -d "$dst" -c "SELECT tourney.simulate_results($sw, 7)" >/dev/null
check "the restored Swiss plays all 3 rounds" "3" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT max(round) FROM tourney.sessions WHERE tournament_id = $sw")"

# Ids minted after the restore are new.
"${PSQL[@]}" -d "$dst" >/dev/null <<'SQL'
INSERT INTO tourney.players (name) VALUES ('after restore 1'), ('after restore 2');
SELECT tourney.create_tournament('after restore', 'knockout');
SELECT tourney.enroll(t.tournament_id, (SELECT array_agg(player_id) FROM tourney.players WHERE name LIKE 'after restore %'))
FROM tourney.tournaments t WHERE t.name = 'after restore';
SELECT tourney.generate_sessions(t.tournament_id, async => false) FROM tourney.tournaments t WHERE t.name = 'after restore';
SQL
check "a new tournament id is above every restored one" "t" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT (SELECT tournament_id FROM tourney.tournaments WHERE name = 'after restore') > (SELECT max(tournament_id) FROM tourney.tournaments WHERE name <> 'after restore')")"
check "new session ids are above every restored one" "t" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT min(session_id) FILTER (WHERE t.name = 'after restore') > max(session_id) FILTER (WHERE t.name <> 'after restore') FROM tourney.sessions s JOIN tourney.tournaments t USING (tournament_id)")"
check "new player ids are above every restored one" "t" \
    "$("${PSQL[@]}" -d "$dst" -c "SELECT min(player_id) FILTER (WHERE name LIKE 'after restore %') > max(player_id) FILTER (WHERE name NOT LIKE 'after restore %') FROM tourney.players")"
