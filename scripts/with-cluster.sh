#!/usr/bin/env bash
# Run CMD... inside a throwaway PostgreSQL 15 cluster (Debian pg_virtualenv).
# The cluster is created, PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE are
# exported to CMD, and the cluster is dropped afterwards; CMD's exit status is
# the script's exit status.
#
# Environment:
#   TOURNEY_PG_OPTS   extra server settings, whitespace-separated guc=value
#                     items, e.g. "shared_preload_libraries=tourney log_min_messages=debug1"
#   TOURNEY_PG_PORT   port to use (default: a random free one, so that several
#                     runs can share a machine)
set -euo pipefail

if (($# == 0)); then
    echo "usage: $0 CMD [ARGS...]" >&2
    exit 2
fi

PG_VERSION=15
command -v pg_virtualenv >/dev/null || {
    echo "with-cluster.sh: pg_virtualenv not found (package postgresql-common); run scripts/deps.sh" >&2
    exit 1
}
[[ -x /usr/lib/postgresql/$PG_VERSION/bin/postgres ]] || {
    echo "with-cluster.sh: PostgreSQL $PG_VERSION server not installed (package postgresql-$PG_VERSION); run scripts/deps.sh" >&2
    exit 1
}

# Server settings. pg_virtualenv itself passes fsync=off; turn it back on so
# timings are honest. Later -o options override earlier ones.
opts=(
    -o shared_buffers=512MB
    -o max_wal_size=4GB
    -o max_worker_processes=16
    -o fsync=on
)
if [[ -n ${TOURNEY_PG_OPTS:-} ]]; then
    read -r -a extra <<<"$TOURNEY_PG_OPTS"
    for o in "${extra[@]}"; do
        [[ $o == *=* ]] || { echo "with-cluster.sh: bad TOURNEY_PG_OPTS item '$o' (want guc=value)" >&2; exit 2; }
        opts+=(-o "$o")
    done
fi

# Pick a free TCP port ourselves: pg_createcluster's own choice (first free
# from 5432) races when two runs start at the same time, and an inherited
# PGPORT would be used blindly.
port_is_free() {
    perl -MSocket -e '
        my $p = shift;
        socket(my $s, PF_INET, SOCK_STREAM, 0) or exit 1;
        setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1);
        bind($s, sockaddr_in($p, INADDR_ANY)) or exit 1;
        exit 0;' "$1" && [[ ! -e /var/run/postgresql/.s.PGSQL.$1 && ! -e /tmp/.s.PGSQL.$1 ]]
}
port=${TOURNEY_PG_PORT:-}
if [[ -z $port ]]; then
    for _ in $(seq 50); do
        candidate=$((20000 + RANDOM % 12000))
        if port_is_free "$candidate"; then port=$candidate; break; fi
    done
    [[ -n $port ]] || { echo "with-cluster.sh: no free port found" >&2; exit 1; }
fi

# pg_virtualenv -t keeps the cluster (config, data, log) in one mktemp -d
# directory under $TMPDIR, also as root, so it never touches
# /etc/postgresql/15/regress and concurrent runs don't collide. Move it off
# /tmp only when /tmp is small.
tmpdir=${TMPDIR:-/tmp}
min_kb=$((8 * 1024 * 1024))   # 8 GiB: max_wal_size is 4GB, plus data
avail_kb() { df -Pk "$1" 2>/dev/null | awk 'NR == 2 { print $4 }'; }
if (($(avail_kb "$tmpdir") < min_kb)); then
    for alt in /var/tmp; do
        if [[ -d $alt && -w $alt ]] && (($(avail_kb "$alt") > $(avail_kb "$tmpdir"))); then
            tmpdir=$alt
            break
        fi
    done
fi

# Deterministic locale and encoding for regression output.
locale_opt=()
if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
    locale_opt=(-c "--locale=C.UTF-8")
fi

unset PGHOST PGHOSTADDR PGDATABASE PGSERVICE PGSERVICEFILE PGOPTIONS PGPASSFILE
export TMPDIR=$tmpdir PGPORT=$port

# CMD's stdout stays stdout; pg_virtualenv's own chatter (creating and
# dropping the cluster, the server log tail when CMD fails) goes to stderr,
# so the last line CMD prints is the last line on stdout.
exec 3>&1
exec pg_virtualenv -t -v "$PG_VERSION" "${locale_opt[@]}" "${opts[@]}" -- \
    bash -c 'exec 1>&3 3>&-; exec "$@"' with-cluster "$@" >&2
