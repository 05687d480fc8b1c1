#!/usr/bin/env bash
# Run every tourney test listed in test/schedule, in its order, against the
# running cluster (use via scripts/with-cluster.sh, which exports
# PGHOST/PGPORT/PGUSER/PGPASSWORD).  test/schedule says what a line is:
#   sql/NAME.sql     pg_regress (make installcheck ISOLATION=): test/sql/NAME.sql
#                    against test/expected/NAME.out; one test each
#   specs/NAME.spec  isolation (make installcheck REGRESS=): test/specs/NAME.spec
#                    against test/expected/NAME.out; each permutation is a test
#                    (a failed spec counts its permutations whose output differs)
#   DIR/NAME.sql     pgTAP, with pg_prove in database tourney_tap
#   DIR/NAME.sh      executable script printing TAP, with prove, PGDATABASE set
#                    to a fresh database of its own (tourney_sh_DIR_NAME).  The
#                    scripts may also use PGVERSION, PG_CLUSTER_CONF_ROOT
#                    (pg_ctlcluster "$PGVERSION" regress restart, pg_conftool
#                    ...) and TOURNEY_ROOT (the repository root).
# Consecutive lines of one kind run as one batch.  Every database the tests
# use has pgtap, tourney and test/support/helpers.sql (schema test_support).
# A file of a test kind that the schedule does not list, a listed file that
# is missing (or a script that is not executable) and a line listed twice are
# failures too.  A test file that dies counts its missing assertions, at
# least one, as failures.
# Last line: "N passed, M failed"; exit status 1 when anything failed.
#
#   scripts/test.sh                run everything
#   scripts/test.sh --list KIND    print the schedule's tests of one kind
#                                  (regress, isolation, pgtap, script), in
#                                  order, as paths from the repository root
#   scripts/test.sh --check        only check the schedule against the tree
#
# Environment: TOURNEY_TEST_TIMEOUT  seconds per batch (default 1800).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export TOURNEY_ROOT=$root
schedule=test/schedule

# kind_of PATH (below test/): regress, isolation, pgtap, script or "".
kind_of() {
    case $1 in
    support/*) echo "" ;;
    sql/*.sql) echo regress ;;
    specs/*.spec) echo isolation ;;
    *.sql) echo pgtap ;;
    *.sh) echo script ;;
    *) echo "" ;;
    esac
}

# The schedule's lines (paths below test/), comments and blanks dropped.
mapfile -t listed < <(sed -e 's/#.*//' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$schedule" | grep -v '^$')

if [[ ${1:-} == --list ]]; then
    for t in "${listed[@]}"; do
        [[ $(kind_of "$t") == "${2:?--list needs a kind}" ]] && echo "test/$t"
    done
    exit 0
fi

timeout_s=${TOURNEY_TEST_TIMEOUT:-1800}
PSQL=(psql -X -q -v ON_ERROR_STOP=1)
log_dir=$(mktemp -d -t tourney-test.XXXXXX)
trap 'rm -rf "$log_dir"' EXIT

passed=0
failed=0

section() { printf '\n=== %s ===\n' "$*"; }

# --- the schedule against the tree --------------------------------------
problems=()
declare -A seen=()
for t in "${listed[@]}"; do
    if [[ -n ${seen[$t]:-} ]]; then
        problems+=("listed twice: test/$t")
    elif [[ -z $(kind_of "$t") ]]; then
        problems+=("not a test (sql/*.sql, specs/*.spec, DIR/*.sql or *.sh): test/$t")
    elif [[ ! -f test/$t ]]; then
        problems+=("listed but missing: test/$t")
    elif [[ $t == *.sh && ! -x test/$t ]]; then
        problems+=("listed but not executable: test/$t")
    fi
    seen[$t]=1
done
while IFS= read -r f; do
    [[ -n ${seen[${f#test/}]:-} ]] || problems+=("not in $schedule: $f")
done < <(find test -path test/support -prune -o -type f \( -name '*.sql' -o -name '*.spec' -o -name '*.sh' \) -print | sort)
# an expected output belongs to a listed pg_regress test or spec
for f in test/expected/*.out; do
    [[ -e $f ]] || continue
    n=$(basename "$f" .out)
    [[ -n ${seen[sql/$n.sql]:-} || -n ${seen[specs/$n.spec]:-} ]] ||
        problems+=("expected output of no listed test: $f")
done
((${#listed[@]})) || problems+=("$schedule lists no test")
if ((${#problems[@]})); then
    section "schedule ($schedule): ${#problems[@]} problems, each a failure"
    printf '!!! %s\n' "${problems[@]}"
    failed=$((failed + ${#problems[@]}))
fi
if [[ ${1:-} == --check ]]; then
    echo "$schedule: ${#listed[@]} tests listed, ${#problems[@]} problems"
    ((${#problems[@]} == 0))
    exit
fi

# fresh_db NAME: (re)create database NAME with pgtap, tourney and test_support.
fresh_db() {
    PGOPTIONS='-c client_min_messages=warning' "${PSQL[@]}" -d postgres \
        -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" -c "CREATE DATABASE \"$1\""
    PGOPTIONS='-c client_min_messages=warning' "${PSQL[@]}" -d "$1" \
        -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION tourney' -f test/support/helpers.sql
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

# show_diffs FILE: the first 200 lines of a pg_regress diff file.
show_diffs() {
    if [[ -s $1 ]]; then
        echo "--- $1 (first 200 lines) ---"
        head -n 200 "$1"
        echo "--- end of $1 ---"
    fi
}

# permutations FILE: the output of an isolation spec split at its
# permutations, one line each (newlines as \1), in order.
permutations() {
    awk '/^starting permutation:/ { if (n++) printf "\n" } n { gsub(/\r/, ""); printf "%s\1", $0 } END { if (n) printf "\n" }' "$1"
}

# run_regress NAME...: pg_regress of test/sql/NAME.sql; one test each.
run_regress() {
    local status ok bad
    section "pg_regress ($# tests)"
    set +e
    timeout "$timeout_s" make --no-print-directory installcheck ISOLATION= REGRESS="$*" 2>&1 |
        tee "$log_dir/regress.log"
    status=${PIPESTATUS[0]}
    set -e
    ok=$(grep -Ec '\.\.\. ok|\.\.\. failed \(ignored\)' "$log_dir/regress.log" || true)
    bad=$(grep -Ec '\.\.\. FAILED' "$log_dir/regress.log" || true)
    passed=$((passed + ok))
    failed=$((failed + bad))
    if ((status != 0)); then
        ((bad == 0)) && failed=$((failed + $#))
        echo "!!! pg_regress failed (exit status $status)"
        show_diffs regression.diffs
    fi
}

# run_isolation NAME...: pg_isolation_regress of test/specs/NAME.spec; each
# permutation of a spec that passes is a test passed; of one that fails,
# the permutations whose output differs from the expected are failures.
run_isolation() {
    local status name n bad total=0 want got i
    for name in "$@"; do
        total=$((total + $(grep -c '^starting permutation:' "test/expected/$name.out" 2>/dev/null || true)))
    done
    section "isolation ($# specs, $total permutations)"
    set +e
    timeout "$timeout_s" make --no-print-directory installcheck REGRESS= ISOLATION="$*" 2>&1 |
        tee "$log_dir/isolation.log"
    status=${PIPESTATUS[0]}
    set -e
    for name in "$@"; do
        n=$(grep -c '^starting permutation:' "test/expected/$name.out" 2>/dev/null || true)
        ((n > 0)) || n=1
        if grep -Eq "^test +$name +\.\.\. (ok|failed \(ignored\))" "$log_dir/isolation.log"; then
            passed=$((passed + n))
            continue
        fi
        # count the permutations that differ (a missing or cut-short output
        # counts every permutation it lacks)
        bad=0
        mapfile -t want < <(permutations "test/expected/$name.out" 2>/dev/null)
        if [[ -f output_iso/results/$name.out ]]; then
            mapfile -t got < <(permutations "output_iso/results/$name.out")
        else
            got=()
        fi
        for ((i = 0; i < n; i++)); do
            [[ ${want[i]:-} == "${got[i]:-}" && -n ${want[i]:-} ]] || bad=$((bad + 1))
        done
        ((bad > 0)) || bad=1
        echo "!!! spec $name: $bad of $n permutations differ from test/expected/$name.out"
        passed=$((passed + n - bad))
        failed=$((failed + bad))
    done
    if ((status != 0)); then
        echo "!!! pg_isolation_regress failed (exit status $status)"
        show_diffs output_iso/regression.diffs
    fi
}

# run_pgtap FILE...: the pgTAP files with pg_prove in database tourney_tap.
run_pgtap() {
    local status
    section "pgTAP ($# files, database tourney_tap)"
    fresh_db tourney_tap
    set +e
    timeout "$timeout_s" pg_prove --nocolor --failures --comments -d tourney_tap "$@" 2>&1 |
        tee "$log_dir/pgtap.log"
    status=${PIPESTATUS[0]}
    set -e
    count_harness "$log_dir/pgtap.log" "$status"
    ((status == 0)) || echo "!!! pg_prove failed (exit status $status): see 'Test Summary Report' above"
}

# run_script FILE: one TAP script in a fresh database named after its path.
run_script() {
    local s=$1 status t db
    t=${s#test/}
    db="tourney_sh_${t%.sh}"
    db=${db//[^A-Za-z0-9_]/_}
    section "script $s (database $db)"
    fresh_db "$db"
    set +e
    PGDATABASE=$db timeout "$timeout_s" prove --nocolor --failures --comments --exec '' "$s" 2>&1 |
        tee "$log_dir/script.log"
    status=${PIPESTATUS[0]}
    set -e
    count_harness "$log_dir/script.log" "$status"
    ((status == 0)) || echo "!!! $s failed (exit status $status)"
}

# run_batch KIND ITEM...
run_batch() {
    local kind=$1 s
    shift
    (($#)) || return 0
    case $kind in
    regress) run_regress "$@" ;;
    isolation) run_isolation "$@" ;;
    pgtap) run_pgtap "$@" ;;
    script) for s in "$@"; do run_script "$s"; done ;;
    esac
}

# --- the tests, batch by batch --------------------------------------------
batch_kind=
batch=()
for t in "${listed[@]}"; do
    kind=$(kind_of "$t")
    [[ -n $kind && -f test/$t ]] || continue
    [[ $kind == script && ! -x test/$t ]] && continue
    case $kind in
    regress) item=$(basename "$t" .sql) ;;
    isolation) item=$(basename "$t" .spec) ;;
    *) item=test/$t ;;
    esac
    if [[ $kind != "$batch_kind" ]]; then
        run_batch "$batch_kind" "${batch[@]}"
        batch_kind=$kind
        batch=()
    fi
    batch+=("$item")
done
run_batch "$batch_kind" "${batch[@]}"

echo
echo "$passed passed, $failed failed"
((failed == 0))
