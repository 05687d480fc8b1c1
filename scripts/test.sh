#!/usr/bin/env bash
# Run every tourney test against the running cluster (use via
# scripts/with-cluster.sh, which exports PGHOST/PGPORT/PGUSER/PGPASSWORD):
#   1. pg_regress: sql/<name>.sql vs expected/<name>.out (make installcheck)
#   2. pgTAP: test/*.sql with pg_prove, in database tourney_tap, where
#      CREATE EXTENSION pgtap; CREATE EXTENSION tourney; have been run
#   3. executable test/*.sh scripts printing TAP (multi-connection tests),
#      each with PGDATABASE set to a fresh database of its own that has
#      pgtap and tourney installed. The scripts may also use PGVERSION,
#      PG_CLUSTER_CONF_ROOT (pg_ctlcluster "$PGVERSION" regress restart,
#      pg_conftool ...) and TOURNEY_ROOT (the repository root).
# Last line: "N passed, M failed"; exit status 1 when anything failed.
#
# Environment: TOURNEY_TEST_TIMEOUT  seconds per phase (default 1800).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export TOURNEY_ROOT=$root
timeout_s=${TOURNEY_TEST_TIMEOUT:-1800}

PSQL=(psql -X -q -v ON_ERROR_STOP=1)
log_dir=$(mktemp -d -t tourney-test.XXXXXX)
trap 'rm -rf "$log_dir"' EXIT

passed=0
failed=0
ran_any=0

section() { printf '\n=== %s ===\n' "$*"; }

# fresh_db NAME: (re)create database NAME with pgtap and tourney installed.
fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' "${PSQL[@]}" -d postgres \
        -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\""
    "${PSQL[@]}" -d "$1" -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION tourney'
}

# count_harness LOG STATUS: read the summary of a prove/pg_prove run and add
# its assertions to passed/failed. A test file that failed without a failed
# assertion (died, bad plan, non-zero exit) counts its missing assertions,
# at least one, as failures. No summary at all (killed, timeout) = 1 failure.
count_harness() {
    local log=$1 status=$2 tests=-1 f_failed=0 f_missing=0 f_bad=0 in_file=0 sum_failed=0 line
    flush() {
        if ((in_file)); then
            local n=$((f_failed + f_missing))
            ((f_bad && n == 0)) && n=1
            failed_files=$((failed_files + n))
            sum_failed=$((sum_failed + f_failed))
        fi
        in_file=0 f_failed=0 f_missing=0 f_bad=0
    }
    local failed_files=0
    while IFS= read -r line; do
        if [[ $line =~ \(Wstat:\ .*Tests:\ ([0-9]+)\ Failed:\ ([0-9]+)\)$ ]]; then
            flush
            in_file=1 f_failed=${BASH_REMATCH[2]}
        elif [[ $line =~ You\ planned\ ([0-9]+)\ tests?\ but\ ran\ ([0-9]+) ]]; then
            local d=$((BASH_REMATCH[1] - BASH_REMATCH[2]))
            ((d > 0)) && f_missing=$d
            f_bad=1
        elif [[ $line =~ ^\ +(Non-zero\ (exit|wait)\ status|Parse\ errors|No\ plan\ found|Bad\ plan) ]]; then
            f_bad=1
        elif [[ $line =~ ^Files=[0-9]+,\ Tests=([0-9]+), ]]; then
            flush
            tests=${BASH_REMATCH[1]}
        fi
    done <"$log"
    flush
    if ((tests < 0)); then
        echo "!!! no test summary (exit status $status)"
        failed=$((failed + 1))
        return
    fi
    passed=$((passed + tests - sum_failed))
    failed=$((failed + failed_files))
    if ((status != 0 && failed_files == 0)); then
        failed=$((failed + 1))
    fi
}

# --- 1. pg_regress -------------------------------------------------------
mapfile -t regress < <(find sql -maxdepth 1 -name '*.sql' ! -name 'tourney--*' -printf '%f\n' | sort)
if ((${#regress[@]})); then
    ran_any=1
    section "pg_regress (${#regress[@]} tests)"
    set +e
    timeout "$timeout_s" make --no-print-directory installcheck 2>&1 | tee "$log_dir/regress.log"
    status=${PIPESTATUS[0]}
    set -e
    ok=$(grep -Ec '\.\.\. ok|\.\.\. failed \(ignored\)' "$log_dir/regress.log" || true)
    bad=$(grep -Ec '\.\.\. FAILED' "$log_dir/regress.log" || true)
    passed=$((passed + ok))
    failed=$((failed + bad))
    if ((status != 0)); then
        ((bad == 0)) && failed=$((failed + 1))
        echo "!!! pg_regress failed (exit status $status)"
        if [[ -s regression.diffs ]]; then
            echo "--- regression.diffs (first 200 lines) ---"
            head -n 200 regression.diffs
            echo "--- end of regression.diffs ---"
        fi
    fi
fi

# --- 2. pgTAP --------------------------------------------------------------
mapfile -t tap_files < <(find test -maxdepth 1 -name '*.sql' | sort)
if ((${#tap_files[@]})); then
    ran_any=1
    section "pgTAP (${#tap_files[@]} files, database tourney_tap)"
    fresh_db tourney_tap
    set +e
    timeout "$timeout_s" pg_prove --nocolor --failures --comments -d tourney_tap "${tap_files[@]}" 2>&1 \
        | tee "$log_dir/pgtap.log"
    status=${PIPESTATUS[0]}
    set -e
    count_harness "$log_dir/pgtap.log" "$status"
    ((status == 0)) || echo "!!! pg_prove failed (exit status $status): see 'Test Summary Report' above"
fi

# --- 3. TAP scripts ------------------------------------------------------
mapfile -t scripts < <(find test test/upgrade -maxdepth 1 -name '*.sh' -perm -u+x | sort)
for s in "${scripts[@]}"; do
    ran_any=1
    name=$(basename "$s" .sh)
    db="tourney_sh_${name//[^A-Za-z0-9_]/_}"
    section "script $s (database $db)"
    fresh_db "$db"
    set +e
    PGDATABASE=$db timeout "$timeout_s" prove --nocolor --failures --comments --exec '' "$s" 2>&1 \
        | tee "$log_dir/script.log"
    status=${PIPESTATUS[0]}
    set -e
    count_harness "$log_dir/script.log" "$status"
    ((status == 0)) || echo "!!! $s failed (exit status $status)"
done
non_exec=$(find test test/upgrade -maxdepth 1 -name '*.sh' ! -perm -u+x)
[[ -z $non_exec ]] || echo "warning: not executable, skipped: $non_exec"

echo
if ((!ran_any)); then
    echo "no tests found (sql/*.sql, test/*.sql, test/*.sh)"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
((failed == 0))
