# test/support/cluster.bash: for the scripts that restart the throwaway
# cluster or change its configuration (test/cluster/async_restart.sh,
# test/cluster/worker_pool.sh; test/schedule runs them last).  Sourced after
# tap.bash.  The caller registers restore_cluster with at_exit: at exit,
# nothing is preloaded and the server runs.
#   server_up [SECS]; preload_set; preload_remove; ctl stop [MODE] | start |
#   restart; restore_cluster

: "${PGVERSION:=15}"
CLUSTER=(regress)

server_up() {
	local secs=${1:-60} deadline
	deadline=$(($(date +%s) + secs))
	while (($(date +%s) < deadline)); do
		timeout 5 psql -X -q -A -t -c 'SELECT 1' >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

preload_set() {
	pg_conftool "$PGVERSION" "${CLUSTER[0]}" set shared_preload_libraries tourney
}
preload_remove() {
	pg_conftool "$PGVERSION" "${CLUSTER[0]}" remove shared_preload_libraries 2>/dev/null || true
}
# The cluster is stopped and started with pg_ctl on its data directory
# rather than with pg_ctlcluster: pg_ctlcluster judges whether "15/regress"
# runs by the external pid file /var/run/postgresql/15-regress.pid, which
# every throwaway cluster of that name shares, so with other test runs on
# the machine it can think ours is down (or up) when it is not.
PGBIN=/usr/lib/postgresql/$PGVERSION/bin
read -r DATADIR CONFFILE <<<"$(q "SELECT current_setting('data_directory') || ' ' || current_setting('config_file')")"
LOGFILE=$(pg_lsclusters -h 2>/dev/null | awk -v v="$PGVERSION" -v c="${CLUSTER[0]}" -v p="$PGPORT" \
	'$1 == v && $2 == c && $3 == p { print $7; exit }')
[[ -n $LOGFILE ]] || LOGFILE=$DATADIR/tourney_cluster_test.log
ctl() {
	local rc args
	case $1 in
	stop) args=(stop -m "${3:-fast}") ;;
	start) args=(start -o "-c config_file=$CONFFILE" -l "$LOGFILE") ;;
	restart) ctl stop -m fast && ctl start; return ;;
	esac
	if ((EUID == 0)); then
		runuser -u postgres -- timeout 120 "$PGBIN/pg_ctl" -D "$DATADIR" -w -t 100 "${args[@]}" >"$T_DIR/ctl.out" 2>&1
	else
		timeout 120 "$PGBIN/pg_ctl" -D "$DATADIR" -w -t 100 "${args[@]}" >"$T_DIR/ctl.out" 2>&1
	fi
	rc=$?
	((rc == 0)) || diag "pg_ctl ${args[*]}: exit $rc: $(cat "$T_DIR/ctl.out")" >&2
	return $rc
}

# At exit: no preloading, the server running.
restore_cluster() {
	if pg_conftool "$PGVERSION" "${CLUSTER[0]}" show shared_preload_libraries >/dev/null 2>&1; then
		preload_remove
		ctl restart -m fast || ctl start
	fi
	server_up 60 || ctl start
	server_up 60
}
