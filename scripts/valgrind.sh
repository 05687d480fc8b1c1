#!/usr/bin/env bash
# make test-valgrind: the pg_regress, isolation and pgTAP tests of
# test/schedule (plus a short run of background-worker generations and
# synchronous lifecycles) against a
# throwaway PostgreSQL 15 cluster whose server runs under valgrind memcheck.
#
# Fails when valgrind reports an error with tourney's code (tourney.so,
# src/, include/) in its stack, when the server crashes, when a phase times
# out or does not run, or when the background-worker run fails.  Reports
# whose stack is PostgreSQL's own but whose memory came from tourney's code
# are listed to inspect.  pgTAP, isolation or pg_regress assertions that fail under
# valgrind are reported but do not fail the run (some tests hold timing
# budgets that valgrind's 50x slowdown breaks) unless
# TOURNEY_VALGRIND_STRICT=1.
#
#   scripts/valgrind.sh             start the cluster (scripts/with-cluster.sh)
#                                   and run everything; this is what make runs
#   scripts/valgrind.sh --inside    (internal) the part that runs in the cluster
#
# How: with-cluster.sh creates the cluster and starts it normally; the inner
# part stops it and starts it again with pg_ctl -p pointing at a wrapper
# that execs the server as
#   valgrind --tool=memcheck --trace-children=yes --leak-check=no
#            --error-exitcode=1 --track-origins=yes
#            --suppressions=scripts/valgrind.supp ...
# and restarts it, so the postmaster and every process it forks (backends,
# background workers, autovacuum) run under memcheck, each with a log file
# of its own.  The cluster runs with jit=off and smaller shared_buffers.
# --error-exitcode is 1 because the postmaster treats a backend's exit
# status 1 like a FATAL error, while any other non-zero status would look
# like a crash and restart the whole server mid-suite; errors are found by
# reading the logs, not by exit status.  Debian ships no PostgreSQL
# suppression file, so scripts/valgrind.supp holds the known
# PostgreSQL-internal noise (uninitialised padding written to WAL and the
# relcache init file, glibc's loader, a fortified memmove); nothing in it
# names tourney.
#
# Environment:
#   TOURNEY_VALGRIND_TIMEOUT  seconds per phase (default 3600)
#   TOURNEY_VALGRIND_TESTS    pgTAP files to run (default: every pgTAP file
#                             of test/schedule, in its order, but those in
#                             TOURNEY_VALGRIND_SKIP)
#   TOURNEY_VALGRIND_SKIP     pgTAP files left out (default
#                             "test/formats/knockout_structure.sql test/formats/swiss.sql
#                             test/formats/double_elimination.sql":
#                             their checks are PL/pgSQL and SQL over large
#                             brackets (the double elimination's drop graph
#                             of every size up to 1024) that take 15 min and
#                             more each under valgrind;
#                             the same C code runs in the other files and in
#                             the knockout and Swiss lifecycles of phase 3;
#                             set it empty to run everything)
#   TOURNEY_VALGRIND_KEEP     keep the logs directory even when clean (1)
#   TOURNEY_VALGRIND_STRICT   also fail when a test assertion fails (1)
# Needs root to install valgrind (apt-get) when it is missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_VERSION=15

# ---------------------------------------------------------------------------
# The part that runs inside the throwaway cluster.
# ---------------------------------------------------------------------------
if [[ ${1:-} == --inside ]]; then
	vg=${TOURNEY_VG_DIR:?}
	timeout_s=${TOURNEY_VALGRIND_TIMEOUT:-3600}
	PSQL=(psql -X -q -v ON_ERROR_STOP=1)

	datadir=$("${PSQL[@]}" -A -t -d postgres -c "SHOW data_directory")
	owner=$(stat -c %U "$datadir")
	mkdir -p "$vg/logs"
	chown "$owner" "$vg/logs"
	cat >"$vg/postgres-valgrind" <<EOF
#!/bin/sh
exec valgrind --tool=memcheck --trace-children=yes --leak-check=no \\
    --error-exitcode=1 --track-origins=yes --num-callers=40 \\
    --read-var-info=no --fullpath-after= \\
    --suppressions=$root/scripts/valgrind.supp \\
    --log-file=$vg/logs/%p.log \\
    /usr/lib/postgresql/$PG_VERSION/bin/postgres "\$@"
EOF
	chmod 755 "$vg/postgres-valgrind"
	# pg_ctl on the data directory, not pg_ctlcluster: pg_ctlcluster judges
	# whether "15/regress" runs by /var/run/postgresql/15-regress.pid, which
	# every throwaway cluster of that name shares (see test/support/cluster.bash).
	conffile=$("${PSQL[@]}" -A -t -d postgres -c "SHOW config_file")
	ctl() {
		runuser -u "$owner" -- /usr/lib/postgresql/$PG_VERSION/bin/pg_ctl -D "$datadir" -w -t 900 "$@"
	}
	echo "valgrind: restarting the server under valgrind memcheck"
	ctl stop -m fast
	: >"$vg/server.log"
	chown "$owner" "$vg/server.log"
	ctl start -p "$vg/postgres-valgrind" -o "-c config_file=$conffile" -l "$vg/server.log"
	for _ in $(seq 120); do
		psql -X -A -t -d postgres -c "SELECT 1" >/dev/null 2>&1 && break
		sleep 1
	done
	pid=$(psql -X -A -t -d postgres -c "SELECT pg_backend_pid()")
	exe=$(readlink "/proc/$pid/exe" || true)
	if [[ $exe != *valgrind* && $exe != *memcheck* ]]; then
		echo "valgrind: the backend runs $exe, not valgrind: giving up" >&2
		exit 1
	fi
	echo "valgrind: backend $pid runs $exe"

	# Each phase's outcome goes to $vg/phases ("name status"): 0 passed,
	# 124 timed out, anything else failed.
	: >"$vg/phases"
	phase() { echo "$1 $2" >>"$vg/phases"; }

	# 1. pg_regress and isolation (make installcheck, one kind at a time)
	for kind in pg_regress isolation; do
		echo "=== $kind ==="
		if [[ $kind == pg_regress ]]; then only=(ISOLATION=); else only=(REGRESS=); fi
		set +e
		(cd "$root" && timeout "$timeout_s" make --no-print-directory installcheck "${only[@]}" \
			EXTRA_REGRESS_OPTS="--outputdir=$vg/$kind")
		rc=$?
		set -e
		phase "$kind" "$rc"
		if ((rc != 0)); then
			echo "valgrind: $kind failed (exit status $rc)"
			[[ -s $vg/$kind/regression.diffs ]] && head -n 100 "$vg/$kind/regression.diffs"
		fi
	done

	# 2. pgTAP
	echo "=== pgTAP ==="
	if [[ -n ${TOURNEY_VALGRIND_TESTS:-} ]]; then
		read -r -a tap_files <<<"$TOURNEY_VALGRIND_TESTS"
	else
		mapfile -t tap_files < <("$root/scripts/test.sh" --list pgtap |
			grep -v -x -F -f <(tr ' ' '\n' <<<"${TOURNEY_VALGRIND_SKIP-test/formats/knockout_structure.sql test/formats/swiss.sql test/formats/double_elimination.sql}"))
	fi
	echo "pgTAP files: ${tap_files[*]}"
	"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS tourney_tap WITH (FORCE)" -c "CREATE DATABASE tourney_tap"
	"${PSQL[@]}" -d tourney_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION tourney' -f "$root/test/support/helpers.sql"
	set +e
	(cd "$root" && timeout "$timeout_s" pg_prove --nocolor --failures --timer -d tourney_tap "${tap_files[@]}") \
		2>&1 | tee "$vg/pgtap.log"
	rc=${PIPESTATUS[0]}
	set -e
	phase pgtap "$rc"
	((rc == 0)) || echo "valgrind: pg_prove failed (exit status $rc)"

	# 3. background workers: asynchronous generations, a refused duplicate,
	# a task that fails in its worker (42501: its role lost EXECUTE before
	# the queuing transaction committed), and a few synchronous lifecycles
	echo "=== background workers ==="
	"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS tourney_vg_async WITH (FORCE)" -c "CREATE DATABASE tourney_vg_async"
	set +e
	timeout "$timeout_s" "${PSQL[@]}" -A -t -d tourney_vg_async <<'SQL'

CREATE EXTENSION tourney;
SET statement_timeout = '15min';
INSERT INTO tourney.players (name, rating)
    SELECT 'vg ' || g, 1000 + (g * 7919) % 1400 FROM generate_series(1, 1000) g;
SELECT tourney.create_tournament('vg async', 'knockout') AS t \gset
SELECT tourney.enroll(:t, (SELECT array_agg(player_id) FROM tourney.players));
SELECT tourney.generate_sessions(:t, async => true) AS task \gset
SELECT status, session_count FROM tourney.wait_for_task(:'task', '10 min');
\set ON_ERROR_STOP 0
SELECT tourney.generate_sessions(:t, async => true);
\set ON_ERROR_STOP 1
SELECT tourney.simulate_results(:t);
SELECT tourney.calculate_rankings(:t);
SELECT tourney.complete_tournament(:t);
SELECT (tourney.run_scenario(300, async => true)) ->> 'task_id' AS task2 \gset
SELECT status, session_count FROM tourney.wait_for_task(:'task2', '10 min');
SELECT tourney.create_tournament('vg individual', 'individual_ranking', number_of_rounds => 2) AS t3 \gset
SELECT tourney.enroll(:t3, (SELECT array_agg(player_id) FROM tourney.players WHERE player_id <= 200));
SELECT tourney.generate_sessions(:t3, async => true) AS task3 \gset
SELECT status, session_count FROM tourney.wait_for_task(:'task3', '10 min');
SELECT (tourney.generation_status(:'task3')).status;
CREATE ROLE vg_app NOLOGIN;
GRANT USAGE ON SCHEMA tourney TO vg_app;
GRANT EXECUTE ON FUNCTION tourney.generate_sessions(bigint, bool) TO vg_app;
SELECT tourney.create_tournament('vg refused', 'knockout') AS t5 \gset
SELECT tourney.enroll(:t5, (SELECT array_agg(player_id) FROM tourney.players WHERE player_id <= 150));
BEGIN;
SET ROLE vg_app;
SELECT tourney.generate_sessions(:t5, async => true) AS task5 \gset
RESET ROLE;
REVOKE EXECUTE ON FUNCTION tourney.generate_sessions(bigint, bool) FROM vg_app;
COMMIT;
SELECT status, error_sqlstate FROM tourney.wait_for_task(:'task5', '10 min');
-- synchronous knockouts with byes, seeds and no third place
SELECT tourney.create_tournament('vg seeded', 'knockout', third_place_playoff => false) AS t4 \gset
SELECT tourney.enroll(:t4, (SELECT array_agg(player_id ORDER BY player_id) FROM tourney.players WHERE player_id <= 37),
                      (SELECT array_agg(CASE WHEN player_id <= 5 THEN 6 - player_id::int END ORDER BY player_id)
                         FROM tourney.players WHERE player_id <= 37));
SELECT tourney.generate_sessions(:t4, async => false) IS NOT NULL;
SELECT tourney.simulate_results(:t4, 3);
SELECT count(*) FROM tourney.standings(:t4);
SELECT tourney.calculate_rankings(:t4);
SELECT (tourney.run_scenario(100, async => false, campus_count => 3)) ->> 'status';
-- the other formats, whole lifecycles: Swiss (odd count: byes), double
-- round robin, individual ranking
SELECT (tourney.run_scenario(64, 'swiss', async => false, seed => 5)) ->> 'status';
SELECT (tourney.run_scenario(13, 'swiss', async => false, seed => 3)) ->> 'status';
SELECT (tourney.run_scenario(10, 'round_robin', number_of_rounds => 2, async => false)) ->> 'status';
SELECT (tourney.run_scenario(9, 'round_robin', async => false, campus_count => 2)) ->> 'status';
SELECT (tourney.run_scenario(50, 'individual_ranking', number_of_rounds => 3, async => false)) ->> 'status';
SQL
	rc=$?
	set -e
	phase workers "$rc"
	((rc == 0)) || echo "valgrind: the background-worker run failed (exit status $rc)"

	# Stop the server here, so that every process has ended and written its
	# log before the logs are read.
	echo "valgrind: stopping the server"
	ctl stop -m fast || true
	exit 0
fi

# ---------------------------------------------------------------------------
# The outer part: valgrind, the cluster, the verdict.
# ---------------------------------------------------------------------------
if ! command -v valgrind >/dev/null; then
	if ((EUID == 0)); then
		echo "valgrind: installing Debian's valgrind"
		apt-get update
		DEBIAN_FRONTEND=noninteractive apt-get install -y valgrind
	else
		echo "valgrind is not installed; run: sudo apt-get update && sudo apt-get install -y valgrind" >&2
		exit 1
	fi
fi

vg=$(mktemp -d -t tourney-valgrind.XXXXXX)
chmod 755 "$vg"
failed_tests=()
export TOURNEY_VG_DIR=$vg
start=$(date +%s)
set +e
# Smaller shared memory (every process's view of it gets valgrind shadow
# memory); no JIT (LLVM compiling expressions under valgrind takes minutes
# and is PostgreSQL's code, not ours).
TOURNEY_PG_OPTS="shared_buffers=128MB max_connections=30 jit=off ${TOURNEY_PG_OPTS:-}" \
	"$root/scripts/with-cluster.sh" "$root/scripts/valgrind.sh" --inside
suite_status=$?
set -e
elapsed=$(($(date +%s) - start))

# Every error block of every log: "tourney" when a frame of its stack (or
# of the origin stack) is tourney's code.  Blocks are separated by "==PID== "
# lines; an error block has at least one "at 0x" frame.
report=$vg/report.txt
ours=0
perl -e '
	my $root = shift @ARGV;
	my $ours_re = qr{tourney\.so|\Q$root\E/(?:src|include)/};
	my ($all, $ours, $origin, %kinds) = (0, 0, 0);
	for my $file (@ARGV) {
		open my $fh, "<", $file or next;
		local $/ = undef;
		my $text = <$fh>;
		close $fh;
		for my $block (split /^==\d+== *\n/m, $text) {
			next unless $block =~ /^==\d+==\s+at 0x/m;
			next if $block =~ /HEAP SUMMARY|ERROR SUMMARY/;
			$all++;
			my ($first) = $block =~ /^==\d+== (\S.*)$/m;
			# the error stack ends where valgrind says where the memory came from
			my ($stack, $whence) = split /^(?===\d+==  (?:Uninitialised value was created|Address 0x|Block was alloc))/m, $block, 2;
			if ($stack =~ $ours_re) {
				$ours++;
				print "--- tourney code in the error stack: $file\n$block\n";
			} elsif (defined $whence && $whence =~ $ours_re) {
				$origin++;
				print "--- tourney code only where the memory came from (to inspect): $file\n$block\n";
			} else {
				$kinds{$first}++;
			}
		}
	}
	print STDERR "valgrind: $all error reports in all: $ours with tourney code in the stack, $origin more with tourney code only in the origin of the memory\n";
	print STDERR "valgrind: other (PostgreSQL-internal) reports:\n" if %kinds;
	printf STDERR "  %5d  %s\n", $kinds{$_}, $_ for sort { $kinds{$b} <=> $kinds{$a} } keys %kinds;
	exit($ours ? 1 : 0);
' "$root" "$vg"/logs/*.log >"$report" 2>"$vg/summary.txt" || ours=1
nlogs=$(find "$vg/logs" -name '*.log' | wc -l)

# Did the server crash (a process killed by a signal, or exiting with a
# status other than 0 and 1), and did every phase run to its end?
crashes=$(grep -E 'terminated by signal|exited with exit code ([2-9]|[1-9][0-9]+)|terminating any other active server processes' \
	"$vg/server.log" 2>/dev/null | head -n 5 || true)
problems=()
((suite_status == 0)) || problems+=("the cluster or the inner script failed (exit status $suite_status)")
[[ -z $crashes ]] || problems+=("the server crashed: $crashes")
for p in pg_regress isolation pgtap workers; do
	rc=$(awk -v p="$p" '$1 == p { print $2 }' "$vg/phases" 2>/dev/null || true)
	case $rc in
	0) ;;
	124) problems+=("$p: timed out (TOURNEY_VALGRIND_TIMEOUT)") ;;
	"") problems+=("$p: did not run") ;;
	129 | 13[0-9] | 14[0-9]) problems+=("$p: killed by signal $((rc - 128))") ;;
	*)
		if [[ $p == workers || -n ${TOURNEY_VALGRIND_STRICT:-} ]]; then
			problems+=("$p: failed (exit status $rc)")
		else
			failed_tests+=("$p: exit status $rc")
		fi
		;;
	esac
done
((ours == 0)) || problems+=("valgrind found errors in tourney code")

echo
echo "=== valgrind summary ==="
echo "suite under valgrind in ${elapsed} s; $nlogs process logs"
grep -E '^(\[[0-9:]+\] )?test/|^Files=|^Failed [0-9]+/[0-9]+ subtests' "$vg/pgtap.log" 2>/dev/null | sed 's/^/  /' || true
if ((${#failed_tests[@]})); then
	echo "tests that failed under valgrind (timing budgets are expected to; not counted"
	echo "as a valgrind failure unless TOURNEY_VALGRIND_STRICT=1): ${failed_tests[*]}"
	grep -E '^# +Failed test' "$vg/pgtap.log" 2>/dev/null | head -n 20 | sed 's/^/  /' || true
fi
cat "$vg/summary.txt"
if [[ -s $report ]]; then
	echo "reports that involve tourney code (full text in $report):"
	grep -E '^--- |^==[0-9]+== [^ ]|(src|include)/[a-z_]+\.[ch]:[0-9]+' "$report" | head -n 200 || true
fi
if ((${#problems[@]})); then
	echo "FAILED:"
	printf '  %s\n' "${problems[@]}"
fi
if ((${#problems[@]})) || [[ -s $report || -n ${TOURNEY_VALGRIND_KEEP:-} ]]; then
	echo "logs kept in $vg (logs/, server.log)"
else
	rm -rf "$vg"
fi
((${#problems[@]} == 0))
