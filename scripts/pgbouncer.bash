# scripts/pgbouncer.bash: a pgbouncer in transaction pooling in front of
# the throwaway cluster of scripts/with-cluster.sh (its PGPORT, PGUSER and
# PGPASSWORD), on loopback, configured as the README's "Live load:
# pgbouncer in front" says; for bench/run.sh and test/cluster/pgbouncer.sh.
# Sourced.
#   pgbouncer_free_port      a loopback port nothing listens on
#   pgbouncer_start DIR DB POOL [MAX_CLIENT_CONN [NOFILE]]
#                            write DIR/pgbouncer.ini and DIR/userlist.txt,
#                            start it and wait until DB answers through it;
#                            sets PGBOUNCER_PORT and PGBOUNCER_PID.  Fails
#                            (status 1, the log's last lines on stdout)
#                            when it does not come up.  As root it runs as
#                            postgres, so DIR's parent is made traversable.
#   pgbouncer_stop           stop it (TERM, then KILL after 5 s)

PGBOUNCER=${PGBOUNCER:-/usr/sbin/pgbouncer}
PGBOUNCER_PORT= PGBOUNCER_PID=

pgbouncer_free_port() {
	perl -MSocket -e '
		socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!\n";
		bind($s, sockaddr_in(0, inet_aton("127.0.0.1"))) or die "bind: $!\n";
		my ($port) = sockaddr_in(getsockname($s));
		print "$port\n";'
}

pgbouncer_start() {
	local dir=$1 db=$2 pool=$3 max_client_conn=${4:-100} nofile=${5:-} i
	pgbouncer_stop
	[[ -x $PGBOUNCER ]] || { echo "pgbouncer not found at $PGBOUNCER (scripts/deps.sh installs it)"; return 1; }
	[[ -n ${PGPASSWORD:-} ]] || { echo "no PGPASSWORD (run inside scripts/with-cluster.sh)"; return 1; }
	mkdir -p "$dir"
	PGBOUNCER_PORT=$(pgbouncer_free_port)
	(umask 077; printf '"%s" "%s"\n' "$PGUSER" "$PGPASSWORD" >"$dir/userlist.txt")
	# pgbouncer refuses to run as root: "user" makes it switch to postgres,
	# who must reach the directory
	cat >"$dir/pgbouncer.ini" <<INI
[databases]
$db = host=127.0.0.1 port=$PGPORT dbname=$db
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $dir/userlist.txt
admin_users = $PGUSER
pool_mode = transaction
default_pool_size = $pool
reserve_pool_size = 0
max_client_conn = $max_client_conn
ignore_startup_parameters = extra_float_digits
log_connections = 0
log_disconnections = 0
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
$( ((EUID == 0)) && echo 'user = postgres')
INI
	if ((EUID == 0)); then
		chmod 711 "$(dirname "$dir")"
		chown -R postgres: "$dir"
		chmod 700 "$dir"
	fi
	rm -f "$dir/pgbouncer.pid"
	( [[ -n $nofile ]] && ulimit -n "$nofile" 2>/dev/null; "$PGBOUNCER" -d -q "$dir/pgbouncer.ini" ) ||
		{ tail -5 "$dir/pgbouncer.log" 2>/dev/null; return 1; }
	for i in $(seq 100); do
		if [[ -s $dir/pgbouncer.pid ]] &&
			PGOPTIONS= psql -X -q -At -h 127.0.0.1 -p "$PGBOUNCER_PORT" -d "$db" -c 'SELECT 1' >/dev/null 2>&1; then
			PGBOUNCER_PID=$(cat "$dir/pgbouncer.pid")
			return 0
		fi
		sleep 0.1
	done
	tail -5 "$dir/pgbouncer.log" 2>/dev/null
	return 1
}

pgbouncer_stop() {
	[[ -n $PGBOUNCER_PID ]] || return 0
	if kill -0 "$PGBOUNCER_PID" 2>/dev/null; then
		kill -TERM "$PGBOUNCER_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$PGBOUNCER_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$PGBOUNCER_PID" 2>/dev/null || true
	fi
	PGBOUNCER_PID=
}
