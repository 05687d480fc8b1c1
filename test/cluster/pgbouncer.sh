#!/usr/bin/env bash
# What the README ("Live load: pgbouncer in front") says of tourney behind
# pgbouncer in transaction pooling, checked through a real pgbouncer that
# this script starts on loopback with one server connection, so that every
# client shares it:
#   1. a generation queued by one client is waited for by another
#      (wait_for_task needs no LISTEN);
#   2. a session-level SET ROLE and SET tourney.* of one client are what
#      the next client runs with;
#   3. SET LOCAL inside a transaction does not reach the next client;
#   4. a LISTEN tourney_tasks of a client gone is lost: pgbouncer drops the
#      notification (its log: "not linked").
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

plan 5

source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/pgbouncer.bash"
role=tpgb_reader_$$
q "CREATE ROLE $role NOLOGIN" >/dev/null
at_exit "q 'DROP ROLE IF EXISTS $role'"

pgbouncer_start "$T_DIR/pgbouncer" "$PGDATABASE" 1 >"$T_DIR/pgbouncer.err" 2>&1
ok "$([[ $? == 0 ]] && echo t)" "pgbouncer started in transaction pooling with one server connection"
at_exit pgbouncer_stop
port=$PGBOUNCER_PORT

# a client of the pgbouncer: one connection, one psql call (no PGOPTIONS:
# pgbouncer refuses the startup parameter; timeout bounds the call)
via() { PGOPTIONS= PGHOST=127.0.0.1 PGPORT=$port timeout 60 psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }

players=$(q "SELECT array_agg(id) FROM unnest(test_support.players(16, 'pgb')) id")
queued() {  # a knockout of the 16 players with its generation queued: the task id
	local t
	t=$(via -c "SELECT tourney.create_tournament('pgb $1', 'knockout')")
	via -c "SELECT tourney.enroll($t, '$players')" >/dev/null
	via -c "SELECT tourney.generate_sessions($t, async => true)"
}

task=$(queued one)
is "$(via -c "SELECT status || ' ' || session_count FROM tourney.wait_for_task('$task', '60 s')")" "done 16" \
	"a generation queued by one client is waited for by another (wait_for_task needs no LISTEN)"

via -c "SET ROLE $role" -c "SET tourney.async_threshold = 7"
is "$(via -c "SELECT current_user || ' ' || current_setting('tourney.async_threshold', true)")" "$role 7" \
	"a session-level SET ROLE and SET of one client are what the next client runs with"
via -c "RESET ROLE" -c "RESET tourney.async_threshold"

via -c "BEGIN" -c "SET LOCAL ROLE $role" -c "SET LOCAL tourney.async_threshold = 7" -c "COMMIT"
is "$(via -c "SELECT current_user || ' ' || (coalesce(current_setting('tourney.async_threshold', true), '') <> '7')")" \
	"$PGUSER true" \
	"SET LOCAL inside a transaction does not reach the next client"

via -c "LISTEN tourney_tasks"
task=$(queued two)
via -c "SELECT status FROM tourney.wait_for_task('$task', '60 s')" >/dev/null
out=$(via -c "SELECT 'next client'" 2>&1)
ok "$([[ $out == 'next client' ]] && grep -q 'not linked' "$T_DIR/pgbouncer/pgbouncer.log" && echo t)" \
	"a LISTEN tourney_tasks of a client gone is lost: the next client gets no notification, pgbouncer drops it"

tap_done
