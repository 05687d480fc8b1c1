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

PGBOUNCER=/usr/sbin/pgbouncer
role=tpgb_reader_$$
q "CREATE ROLE $role NOLOGIN" >/dev/null
at_exit "q 'DROP ROLE IF EXISTS $role'"

dir=$T_DIR/pgbouncer
mkdir -p "$dir"
port=$(perl -MSocket -e 'socket(my $s, PF_INET, SOCK_STREAM, 0) or die; bind($s, sockaddr_in(0, inet_aton("127.0.0.1"))) or die;
	my ($p) = sockaddr_in(getsockname($s)); print "$p\n"')
printf '"%s" "%s"\n' "$PGUSER" "${PGPASSWORD:-}" >"$dir/users"
cat >"$dir/ini" <<INI
[databases]
$PGDATABASE = host=127.0.0.1 port=$PGPORT dbname=$PGDATABASE
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/users
pool_mode = transaction
default_pool_size = 1
logfile = $dir/log
pidfile = $dir/pid
$( ((EUID == 0)) && echo 'user = postgres')
INI
if ((EUID == 0)); then
	chmod 711 "$T_DIR"
	chown -R postgres: "$dir"
fi
"$PGBOUNCER" -d -q "$dir/ini"
ok "$([[ $? == 0 ]] && echo t)" "pgbouncer started in transaction pooling with one server connection"
at_exit "kill \$(cat '$dir/pid')"

# a client of the pgbouncer: one connection, one psql call (no PGOPTIONS:
# pgbouncer refuses the startup parameter; timeout bounds the call)
via() { PGOPTIONS= PGHOST=127.0.0.1 PGPORT=$port timeout 60 psql -X -q -A -t -v ON_ERROR_STOP=1 "$@"; }
for _ in $(seq 50); do via -c "SELECT 1" >/dev/null 2>&1 && break; sleep 0.1; done

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
ok "$([[ $out == 'next client' ]] && grep -q 'not linked' "$dir/log" && echo t)" \
	"a LISTEN tourney_tasks of a client gone is lost: the next client gets no notification, pgbouncer drops it"

tap_done
