#!/usr/bin/env bash
# bench/proxy.sh: 64-player knockout lifecycles per second through a
# PL/Proxy proxy with two data nodes against the same calls made directly
# on one node, in the same run (issue 16).  Starts its own three clusters
# on loopback (scripts/shards.bash) and stops them at exit.
# A lifecycle is six calls: create_tournament, enroll, generate_sessions,
# simulate_results, calculate_rankings, complete_tournament; pgbench runs
# them with C clients for S seconds, through the proxy, then on node 1.
# Prints one JSON object per measurement on stdout (bench/run.sh records
# them) and a line per measurement on stderr.
#   TOURNEY_BENCH_PROXY_SECONDS  seconds per measurement (default 15)
#   TOURNEY_BENCH_PROXY_CLIENTS  client counts (default "1 4")
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/../scripts/shards.bash"
secs=${TOURNEY_BENCH_PROXY_SECONDS:-15}
clients=${TOURNEY_BENCH_PROXY_CLIENTS:-1 4}
PGBENCH=$SHARDS_BIN/pgbench

work=$(mktemp -d "${TMPDIR:-/tmp}/tourney-proxy-bench.XXXXXX")
((EUID == 0)) && chown postgres "$work"
trap 'shards_down; rm -rf "$work"' EXIT

shards_up "$work/shards" >&2 || { echo '{"kind": "error", "output": "proxy bench: the clusters did not start"}'; exit 0; }
conf=$(shards_setup)
[[ $conf == "0:1 1:2" ]] || { echo "{\"kind\": \"error\", \"output\": \"proxy bench: set-up: ${conf//\"/\'}\"}"; exit 0; }

# 64 global players, created through the proxy (on both nodes, same ids)
players=$(ROLE=shard_op on proxy -c "SELECT array_agg(id ORDER BY id) FROM tourney.create_players(
	ARRAY(SELECT 'bench player ' || g FROM generate_series(1, 64) g),
	ARRAY(SELECT 1000 + g * 7 FROM generate_series(1, 64) g)::float8[]) id")

cat >"$work/lifecycle.pgbench" <<EOF
SELECT tourney.create_tournament('bench ' || :client_id, 'knockout') AS t \gset
SELECT tourney.enroll(:t, '$players'::bigint[]);
SELECT tourney.generate_sessions(:t, false);
SELECT tourney.simulate_results(:t, :client_id);
SELECT tourney.calculate_rankings(:t);
SELECT tourney.complete_tournament(:t);
EOF

# run WHERE CLIENTS: lifecycles/s and the mean latency of one, as JSON
run() {
	local where=$1 c=$2 out tps lat failed
	out=$(PGPASSWORD=$SHARDS_PW "$PGBENCH" -n -h 127.0.0.1 -p "${PORT[$where]}" -U shard_op -d tourney \
		-c "$c" -j "$c" -T "$secs" -f "$work/lifecycle.pgbench" 2>&1)
	tps=$(sed -nE 's/^tps = ([0-9.]+).*/\1/p' <<<"$out" | head -1)
	lat=$(sed -nE 's/^latency average = ([0-9.]+) ms/\1/p' <<<"$out")
	failed=$(sed -nE 's/^number of failed transactions: ([0-9]+).*/\1/p' <<<"$out")
	if [[ -z $tps ]]; then
		echo "{\"kind\": \"error\", \"output\": \"proxy bench $where $c: $(tr -d '"\\\n' <<<"${out:0:500}")\"}"
		return
	fi
	echo "proxy bench: $where, $c clients: $tps lifecycles/s, $lat ms each" >&2
	printf '{"kind": "proxy", "via": "%s", "clients": %d, "seconds": %d, "lifecycles_per_s": %s, "latency_ms": %s, "failed": %s, "players": 64}\n' \
		"$where" "$c" "$secs" "$tps" "${lat:-null}" "${failed:-0}"
}

for c in $clients; do
	run proxy "$c"
	run node1 "$c"
done
