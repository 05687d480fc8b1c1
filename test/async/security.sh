#!/usr/bin/env bash
# A role without EXECUTE grants cannot queue work, and a task runs with its
# requester's rights, never more (SPEC §5, §6; issue 3): the worker logs in
# as the session user and takes on the role that was current (SET ROLE to a
# NOLOGIN group role), and fails with 42501 where that role would.
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 26

# Roles are cluster-wide: names unique to this database, dropped at exit.
pfx=${PGDATABASE//[^A-Za-z0-9_]/_}
nox=${pfx}_nox
grp=${pfx}_grp
usr=${pfx}_usr
pw="pw_${RANDOM}_${RANDOM}_$$"
drop_roles() {
	q "DROP OWNED BY $usr, $grp, $nox" "DROP ROLE IF EXISTS $usr, $grp, $nox" ||
		diag "could not drop roles $usr, $grp, $nox"
}
q "DROP ROLE IF EXISTS $usr, $grp, $nox" >/dev/null 2>&1
at_exit drop_roles
q "CREATE ROLE $nox LOGIN PASSWORD '$pw'" "GRANT USAGE ON SCHEMA tourney TO $nox" >/dev/null ||
	diag "could not create the role $nox"
task_roles "$grp" "$usr" "$pw"

as_nox() { PGUSER=$nox PGPASSWORD=$pw "$@"; }
as_usr() { PGUSER=$usr PGPASSWORD=$pw "$@"; }

P=$(make_players 200 sec)
[[ $P == '{'* ]] || diag "could not create players: $P"
ALL="'$P'::bigint[]"

# ---------------------------------------------------------------------------
# 1. A login role without EXECUTE on generate_sessions cannot queue work.
# ---------------------------------------------------------------------------
t=$(tournament_with "$ALL" "no grant")
for mode in NULL true false; do
	out=$(as_nox qe "SELECT tourney.generate_sessions($t, async => $mode)")
	is "$(sqlstate "$out")" 42501 "role without EXECUTE: generate_sessions(async => $mode) is 42501"
done
out=$(as_nox qe "INSERT INTO tourney.tasks (tournament_id, task_id, kind, requested_by, connected_as)
                 VALUES ($t, gen_random_uuid(), 'generate', '$nox', '$nox')")
is "$(sqlstate "$out")" 42501 "role without grants: cannot insert a task row itself (42501)"
out=$(as_nox qe "SELECT tourney.run_scenario(200, async => true)")
is "$(sqlstate "$out")" 42501 "role without grants: run_scenario(async => true) is 42501"
sleep 1.5
is "$(q "SELECT count(*) FROM tourney.tasks WHERE tournament_id = $t OR requested_by = '$nox'::regrole")|$(counts "$t")" \
	"0|0/0" "role without grants: no task row, no sessions"
is "$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")" draft \
	"role without grants: the tournament is still draft"
q "GRANT EXECUTE ON FUNCTION tourney.generate_sessions(bigint, bool) TO $nox" >/dev/null
out=$(as_nox qe "SELECT tourney.generate_sessions($t, async => true)")
ok "$([[ $out =~ ^[0-9a-f-]{36}$ ]] && echo t)" "with EXECUTE granted, the same role can queue"
is "$(sqlstate "$(as_nox qe "SELECT tourney.wait_for_task('$out', '60 s')")")" 42501 \
	"without EXECUTE on wait_for_task the role cannot wait (42501)"
is "$(q "SELECT status || '|' || requested_by || '|' || connected_as FROM tourney.wait_for_task('$out', '60 s')" 2>&1)" \
	"done|$nox|$nox" "the task of the newly granted role ends done, requested by and connected as it"

# (standings, executable by PUBLIC, loads the library: the GUCs exist then)
out=$(as_nox qs -v ON_ERROR_STOP=0 2>&1 <<SQL
SELECT count(*) FROM tourney.standings(-1);
SET tourney.max_workers = 64;
SET tourney.task_retries = 100;
SQL
)
like "$out" '42501: permission denied to set parameter "tourney.max_workers"' \
	"an ordinary role cannot raise tourney.max_workers (42501)"
like "$out" '42501: permission denied to set parameter "tourney.task_retries"' \
	"an ordinary role cannot change tourney.task_retries (42501)"

# ---------------------------------------------------------------------------
# 2. Log in as a member, SET ROLE to a NOLOGIN group role with the grants,
#    queue: requested_by is the group, connected_as the member; done.
# ---------------------------------------------------------------------------
# queue_as_group NAME: as $usr with SET ROLE $grp, create a tournament with
# every player, enrol and queue; prints "tournament task".
queue_as_group() {
	as_usr qs 2>&1 <<SQL
SET ROLE $grp;
SELECT tourney.create_tournament('$1', 'knockout') AS t \gset
SELECT tourney.enroll(:t, $ALL) AS n \gset
SELECT tourney.generate_sessions(:t, async => true) AS task \gset
SELECT :t || ' ' || :'task';
SQL
}
read -r t task <<<"$(queue_as_group "group role")"
like "$task" '^[0-9a-f-]{36}$' "a member with SET ROLE to the NOLOGIN group role queues a task"
r=$(as_usr q "SET ROLE $grp" "SELECT status || '|' || session_count FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
is "$r" "done|200" "the group role's task ends done with 200 sessions (waited for as the group role)"
is "$(q "SELECT requested_by || '|' || connected_as || '|' || attempts FROM tourney.tasks WHERE task_id = '$task'")" \
	"$grp|$usr|1" "requested_by is the group role, connected_as the login role"
is "$(counts "$t")" "200/200" "the group role's tournament has its sessions"

# ---------------------------------------------------------------------------
# 3. The worker has the requester's rights as they are when it runs: rights
#    taken away while the queuing transaction is still open make the task
#    fail with 42501, and nothing is written.
# ---------------------------------------------------------------------------
# revoked_case DESC GRANT_SQL REVOKE_SQL: queue as the group role in an open
# transaction, run REVOKE_SQL from another connection, commit, check, and
# restore with GRANT_SQL.
revoked_case() {
	local desc=$1 grant=$2 revoke=$3 t task r
	PGUSER=$usr PGPASSWORD=$pw bg_start "q$T_RUN"
	local s="q$T_RUN"
	bg_run "$s" 'queued :t :task' "SET ROLE $grp;" "BEGIN;" \
		"SELECT tourney.create_tournament('$desc', 'knockout') AS t \gset" \
		"SELECT tourney.enroll(:t, $ALL) AS n \gset" \
		"SELECT tourney.generate_sessions(:t, async => true) AS task \gset"
	read -r t task <<<"$(sed -n 's/^queued //p' "$T_DIR/$s.out")"
	q "$revoke" >/dev/null || diag "$desc: $revoke failed"
	bg_run "$s" committed "COMMIT;"
	bg_stop "$s"
	r=$(q "SELECT status || '|' || coalesce(error_sqlstate, '-') || '|' || attempts
	       FROM tourney.wait_for_task('$task', '10 s')" 2>&1)
	is "$r" "error|42501|1" "$desc before the queuing transaction commits: the task ends error 42501 (not retried)"
	r=$(q "SELECT error FROM tourney.tasks WHERE task_id = '$task'")
	like "$r" "${4:-permission denied}" "$desc: the task's error says why: $r"
	is "$(q "SELECT status FROM tourney.tournaments WHERE tournament_id = $t")|$(counts "$t")" "draft|0/0" \
		"$desc: the tournament stays draft, no sessions"
	q "$grant" >/dev/null || diag "$desc: $grant failed"
}
revoked_case "EXECUTE on generate_sessions revoked from the group role" \
	"GRANT EXECUTE ON FUNCTION tourney.generate_sessions(bigint, bool) TO $grp" \
	"REVOKE EXECUTE ON FUNCTION tourney.generate_sessions(bigint, bool) FROM $grp"
revoked_case "USAGE on schema tourney revoked from the group role" \
	"GRANT USAGE ON SCHEMA tourney TO $grp" \
	"REVOKE USAGE ON SCHEMA tourney FROM $grp"
revoked_case "membership in the group role revoked from the login role" \
	"GRANT $grp TO $usr" \
	"REVOKE $grp FROM $usr" \
	"no longer act as"

# With the rights back, the same role generates again.
read -r t task <<<"$(queue_as_group "rights restored")"
r=$(q "SELECT status || '|' || session_count FROM tourney.wait_for_task('$task', '60 s')" 2>&1)
is "$r" "done|200" "with the rights restored, the group role's task ends done"
