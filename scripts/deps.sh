#!/usr/bin/env bash
# Install the Debian 12 packages that building and testing tourney needs.
# Quiet and fast when everything is present; as non-root, says what to run.
set -euo pipefail

packages=(
    postgresql-15                           # server, pg_ctl, initdb
    postgresql-server-dev-15                # PGXS, pg_config, headers (pulls clang/llvm for bitcode)
    postgresql-common                       # pg_virtualenv, pg_createcluster
    postgresql-15-pgtap                     # pgTAP extension
    libtap-parser-sourcehandler-pgtap-perl  # pg_prove
    make gcc libc6-dev                      # building (libc6-dev is only a gcc Recommends)
    perl                                    # pg_prove, prove
    pgbouncer                               # make bench: the pooler in front of the cluster
    postgresql-15-plproxy                   # the proxy of the sharded deployment (tourney_proxy)
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$p")
done

((${#missing[@]} == 0)) && exit 0

if [[ $(id -u) -ne 0 ]]; then
    {
        echo "deps.sh: missing Debian packages: ${missing[*]}"
        echo "Install them with:"
        echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
    } >&2
    exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
