# scripts/shards.bash: a PL/Proxy-sharded tourney on loopback, for
# test/cluster/sharded.sh and bench/proxy.sh: a proxy and two data nodes
# (tourney.node_id 1 and 2), three throwaway clusters in a directory of the
# caller's, with the README's roles and grants.  Sourced.
#   shards_up DIR        start them (PORT[proxy|node1|node2]); prints what failed
#   shards_setup         extensions, login roles shard_app, shard_op,
#                        shard_ro, shard_nobody (password $SHARDS_PW), the
#                        README's grants, proxy_configure; prints the
#                        partitions as "0:1 1:2"
#   on NAME PSQL-ARGS... psql to one of them (as $ROLE, default postgres)
#   shards_ctl NAME start | stop [MODE]
#   shards_down          stop all three (immediate)

SHARDS_BIN=/usr/lib/postgresql/${PGVERSION:-15}/bin
SHARDS_PW="pw_${RANDOM}_${RANDOM}_$$"
SHARDS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
declare -A PORT=()

shards_as_pg() {
	if ((EUID == 0)); then runuser -u postgres -- "$@"; else "$@"; fi
}

shards_free_port() {  # a port nothing listens on
	local p used
	used=$(ss -Htln 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
	for p in $(shuf -i 20000-60000 -n 200); do
		grep -qx "$p" <<<"$used" && continue
		(echo >/dev/tcp/127.0.0.1/"$p") 2>/dev/null || { echo "$p"; return; }
	done
}

on() {
	local name=$1
	shift
	PGPASSWORD=$SHARDS_PW PGHOST=127.0.0.1 PGPORT=${PORT[$name]} PGUSER=${ROLE:-postgres} PGDATABASE=tourney \
		PGOPTIONS="-c statement_timeout=60s -c client_min_messages=warning" \
		timeout 90 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose "$@"
}

shards_ctl() {
	local name=$1 action=$2 mode=${3:-fast}
	if [[ $action == start ]]; then
		# the server's libpq (PL/Proxy's connections) must see none of the
		# caller's connection settings, only the password file
		shards_as_pg env -u PGPASSWORD -u PGUSER -u PGHOST -u PGPORT -u PGDATABASE -u PGOPTIONS \
			PGPASSFILE="$SHARDS_DIR/pgpass" "$SHARDS_BIN/pg_ctl" -D "$SHARDS_DIR/$name" \
			-l "$SHARDS_DIR/$name.log" -w -t 60 start >/dev/null
	else
		shards_as_pg "$SHARDS_BIN/pg_ctl" -D "$SHARDS_DIR/$name" -m "$mode" -w -t 60 stop >/dev/null
	fi
}

# A cluster: scram passwords over TCP on 127.0.0.1, function call counts on.
shards_make() {
	local name=$1 node_id=$2
	PORT[$name]=$(shards_free_port)
	shards_as_pg "$SHARDS_BIN/initdb" -D "$SHARDS_DIR/$name" -U postgres --pwfile="$SHARDS_DIR/pwfile" \
		-A scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$SHARDS_DIR/$name.initdb" 2>&1 ||
		{ echo "initdb $name failed: $(cat "$SHARDS_DIR/$name.initdb")"; return 1; }
	cat >>"$SHARDS_DIR/$name/postgresql.conf" <<-EOF
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$SHARDS_DIR'
		fsync = off
		shared_buffers = 64MB
		max_connections = 40
		max_worker_processes = 12
		track_functions = all
		tourney.node_id = $node_id
		include_if_exists = 'port.conf'
	EOF
	# a port taken between the look and the start: another one
	for _ in 1 2 3; do
		echo "port = ${PORT[$name]}" >"$SHARDS_DIR/$name/port.conf"
		shards_ctl "$name" start && break
		PORT[$name]=$(shards_free_port)
	done
	[[ -f $SHARDS_DIR/$name/postmaster.pid ]] ||
		{ echo "cannot start $name: $(tail -5 "$SHARDS_DIR/$name.log")"; return 1; }
	on "$name" -d postgres -c "CREATE DATABASE tourney" >/dev/null
}

shards_up() {
	SHARDS_DIR=$1
	mkdir -p "$SHARDS_DIR"
	echo "$SHARDS_PW" >"$SHARDS_DIR/pwfile"
	# the proxy connects to the nodes as the calling role, with the password
	# from this file (the proxy server's PGPASSFILE)
	: >"$SHARDS_DIR/pgpass"
	chmod 600 "$SHARDS_DIR/pgpass"
	((EUID == 0)) && chown -R postgres "$SHARDS_DIR" && chmod o+x "$(dirname "$SHARDS_DIR")"
	local spec failed=0
	for spec in node1:1 node2:2 proxy:0; do
		shards_make "${spec%%:*}" "${spec##*:}" || failed=1
	done
	for spec in node1 node2; do
		echo "127.0.0.1:${PORT[$spec]}:*:*:$SHARDS_PW" >>"$SHARDS_DIR/pgpass"
	done
	return $failed
}

shards_readme_block() {  # the sql block after heading $1 of the README, for the login role shard_app
	awk -v h="$1" 'index($0, h) == 1 { s = 1 } s && /^```sql/ { f = 1; next } f && /^```/ { exit } f' \
		"$SHARDS_ROOT/README.md" | sed -E "s/\<my_login_role\>/shard_app/g"
}

shards_setup() {
	local n roles grants="GRANT tourney_operator TO shard_op; GRANT tourney_readonly TO shard_ro"
	roles="CREATE ROLE shard_app LOGIN PASSWORD '$SHARDS_PW'; CREATE ROLE shard_op LOGIN PASSWORD '$SHARDS_PW';
	       CREATE ROLE shard_ro LOGIN PASSWORD '$SHARDS_PW'; CREATE ROLE shard_nobody LOGIN PASSWORD '$SHARDS_PW'"
	for n in node1 node2; do
		{ on "$n" -c "CREATE EXTENSION tourney" -c "$roles" &&
			shards_readme_block '## Security and grants' | on "$n" && on "$n" -c "$grants"; } >/dev/null ||
			{ echo "setting up $n failed"; return 1; }
	done
	{ on proxy -c "CREATE EXTENSION plproxy" -c "CREATE EXTENSION tourney_proxy" -c "$roles" &&
		shards_readme_block '### The proxy'"'"'s grants' | on proxy && on proxy -c "$grants"; } >/dev/null ||
		{ echo "setting up the proxy failed"; return 1; }
	on proxy -c "SELECT string_agg(format('%s:%s', partition, node_id), ' ' ORDER BY partition)
		FROM tourney.proxy_configure(ARRAY['host=127.0.0.1 port=${PORT[node1]} dbname=tourney connect_timeout=5',
		                                   'host=127.0.0.1 port=${PORT[node2]} dbname=tourney connect_timeout=5'])" 2>&1
}

shards_down() {
	local n
	for n in proxy node1 node2; do
		[[ -f $SHARDS_DIR/$n/postmaster.pid ]] && shards_ctl "$n" stop immediate
	done
	return 0
}
