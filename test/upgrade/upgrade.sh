#!/usr/bin/env bash
# The upgrade path from 0.1 (SPEC section 1, "Releases").  A database made
# at 0.1, with the README's roles and grants and two tournaments in
# progress, is updated with ALTER EXTENSION tourney UPDATE, and then:
#   - its catalog, described by support/catalog.sql (tables, columns, types,
#     defaults, constraints, indexes, triggers, sequences, functions with
#     their properties, views, COMMENTs, ACLs, pg_extension_config_dump,
#     pg_init_privs, extension members), is exactly that of a fresh
#     CREATE EXTENSION tourney given the same README grants;
#   - the UPDATE itself dropped no grant users gave: not of an object that
#     still exists, nor of a function it replaced (compared by name);
#   - its tournaments go on to completed: results by the application role,
#     rankings and completion by the operator role; every README role can
#     still do what it is given and no more, a role with no grants gets 42501;
#   - pg_dump / pg_restore of it keeps the grants (the ACL part of the
#     description, and the whole description, equal those of the upgraded
#     database) and the granted roles work in the restored database.
# Also: sql/tourney--0.1.sql is the frozen script of commit 586fc22, and a
# fresh install runs it and then tourney--0.1--0.2.sql.
#
# The grants: at 0.1 those of the 0.1 README (support/grants-0.1.sql, the
# SQL block of its section "Security and grants" at commit 586fc22); in
# the fresh install, and again after the UPDATE as the README's upgrade
# steps say, the block of today's README.md, read at run time.  Role names
# get a suffix: roles are cluster-wide.
#
# Environment (scripts/test.sh): PGHOST/PGPORT/PGUSER (a superuser),
# PGDATABASE (a fresh database, used only to name the databases made here),
# TOURNEY_ROOT (the repository; default: two levels up).  Prints TAP.
set -u -o pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/tap.bash"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../support" && pwd)
root=${TOURNEY_ROOT:-$(cd "$here/../.." && pwd)}
frozen_commit=586fc22
# sha256 of `git show 586fc22:sql/tourney--0.1.sql`
frozen_sha256=5b92f098cc8f0905f704b3cc60b6518fb0565d1807c8a0f09953704044030011

export PGOPTIONS="-c statement_timeout=120s -c client_min_messages=warning"
base=${PGDATABASE:-tourney_upgrade}
db_old=${base}_from_01     # created at 0.1, then updated
db_new=${base}_fresh       # CREATE EXTENSION tourney at 0.2
db_back=${base}_restored   # pg_restore of db_old's dump
sfx=u$$
app=tourney_app_$sfx operator=tourney_operator_$sfx readonly=tourney_readonly_$sfx
app_login=${app}_login op_login=${operator}_login ro_login=${readonly}_login
nobody=tourney_nobody_$sfx
pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
tmp=$(mktemp -d -t tourney-upgrade.XXXXXX)

q() {   # q DB PSQL-ARGS...: as the superuser; unaligned tuples, errors with SQLSTATE
	local db=$1
	shift
	timeout 150 psql -X -q -A -t -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -d "$db" "$@"
}
as() {  # as ROLE DB PSQL-ARGS...: the same, logged in as ROLE
	local role=$1
	shift
	PGUSER=$role PGPASSWORD=$pw q "$@"
}
sqlstate() {  # sqlstate TEXT: the SQLSTATE of the first error in TEXT
	[[ $1 =~ ERROR:\ +([0-9A-Z]{5}): ]] && echo "${BASH_REMATCH[1]}"
}
describe() {  # describe DB FILE: the catalog description of DB into FILE
	q "$1" -f "$here/catalog.sql" >"$2" 2>"$tmp/describe.err" || diag "$(cat "$tmp/describe.err")"
}
acl_part() {  # the ACL part of a description
	grep -E '^(acl|default_acl|init_privs) ' "$1"
}
same() {  # same FILE_A FILE_B LABEL_A LABEL_B DESC: equal, non-empty texts; the diff if not
	local a=$1 b=$2 la=$3 lb=$4 d
	shift 4
	if [[ ! -s $a || ! -s $b ]]; then
		ok f "$@"
		diag "a description is empty: $la $(wc -l <"$a") lines, $lb $(wc -l <"$b") lines"
	elif d=$(diff -u --label "$la" --label "$lb" "$a" "$b"); then
		ok t "$@"
	else
		ok f "$@"
		diag "$(head -n 100 <<<"$d")"
		(($(wc -l <<<"$d") > 100)) && diag "... $(($(wc -l <<<"$d") - 100)) more diff lines"
	fi
}

cleanup() {
	local db r
	for db in "$db_old" "$db_new" "$db_back"; do
		q postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1
	done
	for r in "$app_login" "$op_login" "$ro_login" "$nobody" "$readonly" "$operator" "$app"; do
		q postgres -c "DROP ROLE IF EXISTS \"$r\"" >/dev/null 2>&1
	done
	rm -rf "$tmp"
}
at_exit cleanup

plan 37

# --- the frozen 0.1 script and the install path -------------------------------
sharedir=$("${PG_CONFIG:-pg_config}" --sharedir)/extension
is "$(sha256sum <"$root/sql/tourney--0.1.sql" | cut -d' ' -f1)" "$frozen_sha256" \
	"sql/tourney--0.1.sql is the frozen 0.1 script (sha256)"
if git -C "$root" cat-file -e "$frozen_commit:sql/tourney--0.1.sql" 2>/dev/null; then
	is "$(git -C "$root" show "$frozen_commit:sql/tourney--0.1.sql" | sha256sum | cut -d' ' -f1)" \
		"$frozen_sha256" "the frozen sha256 is that of sql/tourney--0.1.sql at commit $frozen_commit"
else
	skip "the frozen sha256 is that of sql/tourney--0.1.sql at commit $frozen_commit" "no git history here"
fi
is "$(sha256sum <"$sharedir/tourney--0.1.sql" | cut -d' ' -f1)" "$frozen_sha256" \
	"the installed tourney--0.1.sql is the frozen script"
is "$([[ -f $sharedir/tourney--0.1--0.2.sql ]] && echo delta) $([[ -e $sharedir/tourney--0.2.sql ]] && echo full)" \
	"delta " "tourney--0.1--0.2.sql is installed and no tourney--0.2.sql, so 0.2 installs as 0.1 plus the update"
is "$(q postgres -c "SELECT default_version FROM pg_available_extensions WHERE name = 'tourney'" \
	-c "SELECT path FROM pg_extension_update_paths('tourney') WHERE source = '0.1' AND target = '0.2'" | paste -sd' ')" \
	"0.2 0.1--0.2" "default_version is 0.2, reached from 0.1 by the script 0.1--0.2"

# --- a database at 0.1 with the README's grants and tournaments in progress --
for db in "$db_old" "$db_new" "$db_back"; do
	q postgres -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" -c "CREATE DATABASE \"$db\""
done
is "$(q "$db_old" -c "CREATE EXTENSION tourney VERSION '0.1'" \
	-c "SELECT extversion FROM pg_extension WHERE extname = 'tourney'")" \
	"0.1" "CREATE EXTENSION tourney VERSION '0.1' installs 0.1"

suffixed() {  # the grants of a README block, for this run's roles
	sed -E "s/\<tourney_(app|operator|readonly)\>/tourney_\1_$sfx/g; s/\<my_login_role\>/$app_login/g"
}
suffixed <"$here/grants-0.1.sql" >"$tmp/grants.sql"
awk '/^## Security and grants/ { s = 1 } s && /^```sql/ { f = 1; next } f && /^```/ { exit } f' \
	"$root/README.md" | suffixed | grep -v '^CREATE ROLE' >"$tmp/grants-no-roles.sql"
q postgres -c "CREATE ROLE \"$app_login\" LOGIN PASSWORD '$pw'" \
	-c "CREATE ROLE \"$op_login\" LOGIN PASSWORD '$pw'" \
	-c "CREATE ROLE \"$ro_login\" LOGIN PASSWORD '$pw'" \
	-c "CREATE ROLE \"$nobody\" LOGIN PASSWORD '$pw'" >/dev/null
if grep -q "^GRANT EXECUTE ON FUNCTION" "$tmp/grants.sql" && q "$db_old" -f "$tmp/grants.sql" >/dev/null &&
	q postgres -c "GRANT \"$operator\" TO \"$op_login\"" -c "GRANT \"$readonly\" TO \"$ro_login\"" >/dev/null; then
	ok t "the 0.1 README's grants ($(grep -c ';' "$tmp/grants.sql") statements) run at 0.1"
else
	ok f "the 0.1 README's grants ($(grep -c ';' "$tmp/grants.sql") statements) run at 0.1"
fi

# As the application role: players, a knockout of 8 and a Swiss of 5 (one
# bye a round), generated, round 1 of each played (slot 1 wins 2:1); the
# Swiss's round 2 is then paired.
ko=$(as "$app_login" "$db_old" \
	-c "INSERT INTO tourney.players (name, rating)
	    SELECT 'ko ' || g, 2000 - 10 * g FROM generate_series(1, 8) g
	    UNION ALL SELECT 'swiss ' || g, 1800 - 10 * g FROM generate_series(1, 5) g" \
	-c "SELECT tourney.create_tournament('upgrade knockout', 'knockout')")
sw=$(as "$app_login" "$db_old" -c "SELECT tourney.create_tournament('upgrade swiss', 'swiss', number_of_rounds => 3)")
as "$app_login" "$db_old" \
	-c "SELECT tourney.enroll($ko, ARRAY(SELECT player_id FROM tourney.players WHERE name LIKE 'ko %'))" \
	-c "SELECT tourney.enroll($sw, ARRAY(SELECT player_id FROM tourney.players WHERE name LIKE 'swiss %'))" \
	-c "SELECT tourney.generate_sessions($ko, async => false)" \
	-c "SELECT tourney.generate_sessions($sw, async => false)" \
	-c "SELECT count(*) FROM (SELECT tourney.submit_result(session_id, ARRAY[2, 1])
	    FROM tourney.sessions WHERE tournament_id IN ($ko, $sw) AND round = 1
	    ORDER BY tournament_id, match_number) r" >/dev/null
progress="SELECT string_agg(format('%s %s, %s of %s results', t.format, t.status,
	                (SELECT count(*) FILTER (WHERE s.result_submitted) FROM tourney.sessions s
	                 WHERE s.tournament_id = t.tournament_id),
	                (SELECT count(*) FROM tourney.sessions s WHERE s.tournament_id = t.tournament_id)),
	         '; ' ORDER BY t.tournament_id)
	FROM tourney.tournaments t WHERE t.tournament_id IN (${ko:-0}, ${sw:-0})"
is "$(as "$app_login" "$db_old" -c "$progress")" \
	"knockout in_progress, 4 of 8 results; swiss in_progress, 2 of 4 results" \
	"at 0.1 the application role has a knockout and a Swiss in progress"

# --- ALTER EXTENSION tourney UPDATE ------------------------------------------
describe "$db_old" "$tmp/at-0.1.txt"
is "$(q "$db_old" -c "ALTER EXTENSION tourney UPDATE" \
	-c "SELECT extversion FROM pg_extension WHERE extname = 'tourney'")" \
	"0.2" "ALTER EXTENSION tourney UPDATE takes the 0.1 database to 0.2"
describe "$db_old" "$tmp/updated.txt"
# Every ACL entry at 0.1 of an object that still exists is still there.
acl_part "$tmp/updated.txt" | sed -E 's/: .*//' | sort -u >"$tmp/objects-after.txt"
acl_part "$tmp/at-0.1.txt" | grep -E '^acl ' |
	awk 'NR == FNR { keep[$0] = 1; next } { o = $0; sub(/: .*/, "", o) } o in keep' \
		"$tmp/objects-after.txt" - >"$tmp/acl-kept.txt"
grep -vxFf <(grep -E '^acl ' "$tmp/updated.txt") "$tmp/acl-kept.txt" >"$tmp/acl-lost.txt"
if [[ -s $tmp/acl-kept.txt && ! -s $tmp/acl-lost.txt ]]; then
	ok t "the UPDATE keeps all $(wc -l <"$tmp/acl-kept.txt") ACL entries of the 0.1 objects"
else
	ok f "the UPDATE keeps all ACL entries of the 0.1 objects"
	diag "lost by the UPDATE:"$'\n'"$(cat "$tmp/acl-lost.txt")"
fi
# A function that the UPDATE replaced (new arguments) is a new object: its
# grants are compared by the function's name.
by_name() {  # the function ACL entries of a description, arguments left out
	grep -E '^acl function ' "$1" | sed -E 's/^(acl function [^(]*)\([^)]*\)/\1/' | sort -u
}
by_name "$tmp/at-0.1.txt" >"$tmp/fn-acl-before.txt"
by_name "$tmp/updated.txt" >"$tmp/fn-acl-after.txt"
comm -23 "$tmp/fn-acl-before.txt" "$tmp/fn-acl-after.txt" >"$tmp/fn-acl-lost.txt"
if grep -q "tourney.create_tournament: $app=EXECUTE" "$tmp/fn-acl-before.txt" && [[ ! -s $tmp/fn-acl-lost.txt ]]; then
	ok t "the UPDATE keeps the users' grants on every function by name, replaced ones included ($(wc -l <"$tmp/fn-acl-before.txt") entries)"
else
	ok f "the UPDATE keeps the users' grants on every function by name, replaced ones included"
	diag "lost by the UPDATE:"$'\n'"$(cat "$tmp/fn-acl-lost.txt")"
fi
# The README's upgrade steps: run its grants again (they cover the tables
# and functions that exist when they run).
q "$db_old" -f "$tmp/grants-no-roles.sql" >/dev/null
describe "$db_old" "$tmp/updated.txt"

# --- the same catalog as a fresh install -----------------------------------
is "$(q "$db_new" -c "CREATE EXTENSION tourney" -c "SELECT extversion FROM pg_extension WHERE extname = 'tourney'")" \
	"0.2" "a fresh CREATE EXTENSION tourney installs 0.2"
if q "$db_new" -f "$tmp/grants-no-roles.sql" >/dev/null; then
	ok t "the README's grants run after the fresh install"
else
	ok f "the README's grants run after the fresh install"
fi
describe "$db_new" "$tmp/fresh.txt"
is "$(cut -d' ' -f1 "$tmp/fresh.txt" | sort -u | paste -sd' ')" \
	"acl column comment config_dump constraint enum extension function index init_privs member relation rule schema sequence trigger type view" \
	"the description of the fresh install has every section"
is "$(grep -cxF -e "acl function tourney.submit_result(bigint,numeric[]): $app=EXECUTE by $PGUSER" \
	-e "acl table tourney.players: $app=INSERT by $PGUSER" \
	-e "acl function tourney.simulate_results(bigint,bigint): $operator=EXECUTE by $PGUSER" \
	-e "acl table tourney.rankings: $readonly=SELECT by $PGUSER" "$tmp/fresh.txt")" \
	"4" "the description shows the README roles' grants"
same "$tmp/updated.txt" "$tmp/fresh.txt" "updated from 0.1" "fresh 0.2" \
	"the updated database has exactly the catalog of a fresh install ($(wc -l <"$tmp/fresh.txt") lines)"
# the update counted the tournaments of 0.1 for the live monitor
is "$(q "$db_old" -c "SELECT string_agg(format('%s %s: %s players, %s of %s, %s%%', o.format, o.status,
	o.players, o.sessions_with_result, o.sessions, o.percent), '; ' ORDER BY o.tournament_id)
	FROM tourney.overview o WHERE o.tournament_id IN (${ko:-0}, ${sw:-0})")" \
	"knockout in_progress: 8 players, 4 of 8, 50.0%; swiss in_progress: 5 players, 2 of 4, 50.0%" \
	"the overview counts the tournaments of 0.1 after the UPDATE"

# --- the tournaments carry on; every role can do what it was given ---------
play_open="SELECT count(*) FROM (
	SELECT tourney.submit_result(s.session_id, ARRAY[2, 1]) FROM tourney.sessions s
	WHERE s.tournament_id IN (${ko:-0}, ${sw:-0}) AND NOT s.result_submitted
	  AND (SELECT count(*) FROM tourney.session_participants p
	       WHERE p.tournament_id = s.tournament_id AND p.session_id = s.session_id) = 2
	ORDER BY s.tournament_id, s.round, s.stage, s.match_number) r"
for _ in $(seq 10); do
	n=$(as "$app_login" "$db_old" -c "$play_open") || break
	[[ $n == 0 ]] && break
done
is "$(as "$app_login" "$db_old" -c "$progress")" \
	"knockout in_progress, 8 of 8 results; swiss in_progress, 6 of 6 results" \
	"after the UPDATE the application role enters every remaining result"
is "$(as "$op_login" "$db_old" -c "SELECT tourney.calculate_rankings($ko) || ' ' || tourney.calculate_rankings($sw)")" \
	"8 5" "the operator role ranks both tournaments (8 and 5 players)"
as "$op_login" "$db_old" -c "SELECT tourney.complete_tournament($ko)" -c "SELECT tourney.complete_tournament($sw)" >/dev/null
is "$(as "$op_login" "$db_old" -c "SELECT string_agg(status::text, ' ' ORDER BY tournament_id) FROM tourney.tournaments
	    WHERE tournament_id IN ($ko, $sw)")" \
	"completed completed" "the operator role completes both: the tournaments of 0.1 end completed"
is "$(as "$ro_login" "$db_old" -c "SELECT p.name FROM tourney.rankings r JOIN tourney.players p USING (player_id)
	WHERE r.tournament_id = $ko AND r.rank = 1")" \
	"ko 1" "the read-only role reads the ranking: the top seed, who won every match, is first"
is "$(as "$ro_login" "$db_old" -c "SELECT count(*) FROM tourney.standings($sw)")" \
	"5" "the read-only role reads the standings of the Swiss"
err=$(as "$ro_login" "$db_old" -c "INSERT INTO tourney.players (name) VALUES ('not allowed')" 2>&1)
is "$(sqlstate "$err")" "42501" "the read-only role is still refused a write (42501)"
err=$(as "$app_login" "$db_old" -c "SELECT tourney.simulate_results($ko)" 2>&1)
is "$(sqlstate "$err")" "42501" "the application role is still refused simulate_results (42501)"
err=$(as "$nobody" "$db_old" -c "SELECT tourney.submit_result(1, ARRAY[1, 0])" 2>&1)
is "$(sqlstate "$err")" "42501" "a role without grants is refused submit_result (42501)"
err=$(as "$nobody" "$db_old" -c "SELECT count(*) FROM tourney.rankings" 2>&1)
is "$(sqlstate "$err")" "42501" "a role without grants is refused reading the rankings (42501)"
scenario=$(as "$op_login" "$db_old" -c "SELECT tourney.run_scenario(16, 'knockout', async => false)->>'tournament_id'")
is "$(as "$op_login" "$db_old" -c "SELECT status FROM tourney.tournaments WHERE tournament_id = ${scenario:-0}")" \
	"completed" "the operator role runs run_scenario to completed after the UPDATE"

# --- pg_dump / pg_restore keep the grants -----------------------------------
describe "$db_old" "$tmp/updated.txt"
if timeout 150 pg_dump -Fc -d "$db_old" -f "$tmp/dump" 2>"$tmp/dump.err"; then
	ok t "pg_dump of the updated database"
else
	ok f "pg_dump of the updated database"
	diag "$(cat "$tmp/dump.err")"
fi
if timeout 150 pg_restore --exit-on-error -d "$db_back" "$tmp/dump" 2>"$tmp/restore.err"; then
	ok t "pg_restore into a new database"
else
	ok f "pg_restore into a new database"
	diag "$(cat "$tmp/restore.err")"
fi
is "$(q "$db_back" -c "SELECT extversion FROM pg_extension WHERE extname = 'tourney'")" \
	"0.2" "the restored database has tourney 0.2"
describe "$db_back" "$tmp/restored.txt"
acl_part "$tmp/updated.txt" >"$tmp/updated-acl.txt"
acl_part "$tmp/restored.txt" >"$tmp/restored-acl.txt"
same "$tmp/updated-acl.txt" "$tmp/restored-acl.txt" "updated (ACL part)" "restored (ACL part)" \
	"pg_restore gives back every grant, default privilege and pg_init_privs entry ($(wc -l <"$tmp/updated-acl.txt") lines)"
same "$tmp/updated.txt" "$tmp/restored.txt" "updated" "restored" \
	"the restored database has exactly the catalog of the updated one"
is "$(as "$ro_login" "$db_back" -c "SELECT string_agg(format('%s %s %s', t.name, t.status,
	       (SELECT count(*) FROM tourney.rankings r WHERE r.tournament_id = t.tournament_id)), '; ' ORDER BY t.tournament_id)
	FROM tourney.tournaments t WHERE t.name LIKE 'upgrade %'")" \
	"upgrade knockout completed 8; upgrade swiss completed 5" \
	"the read-only role reads the restored tournaments and their rankings"
k2=$(as "$app_login" "$db_back" -c "SELECT tourney.create_tournament('restored knockout', 'knockout', third_place_playoff => false)")
is "$(as "$app_login" "$db_back" \
	-c "SELECT tourney.enroll(${k2:-0}, ARRAY(SELECT player_id FROM tourney.players WHERE name LIKE 'ko %' ORDER BY player_id LIMIT 4))" \
	-c "SELECT tourney.generate_sessions(${k2:-0}, async => false) IS NOT NULL" \
	-c "SELECT count(*) FROM (SELECT tourney.submit_result(session_id, ARRAY[2, 1]) FROM tourney.sessions
	    WHERE tournament_id = ${k2:-0} AND round = 1 ORDER BY match_number) r" \
	-c "SELECT count(*) FROM (SELECT tourney.submit_result(session_id, ARRAY[2, 1]) FROM tourney.sessions
	    WHERE tournament_id = ${k2:-0} AND round = 2) r" | paste -sd' ')" \
	"4 t 2 1" "in the restored database the application role runs a new knockout: enrols 4, generates, plays 2 + 1"
is "$(as "$op_login" "$db_back" -c "SELECT tourney.calculate_rankings(${k2:-0})" \
	-c "SELECT 'completes' FROM tourney.complete_tournament(${k2:-0})" \
	-c "SELECT status FROM tourney.tournaments WHERE tournament_id = ${k2:-0}" | paste -sd' ')" \
	"4 completes completed" "in the restored database the operator role ranks and completes it"
err=$(as "$app_login" "$db_back" -c "SELECT tourney.simulate_results(${k2:-0})" 2>&1)
is "$(sqlstate "$err")" "42501" "in the restored database the application role is still refused simulate_results (42501)"
err=$(as "$nobody" "$db_back" -c "SELECT * FROM tourney.standings(${k2:-0})" 2>&1)
is "$(sqlstate "$err")" "42501" "in the restored database a role without grants is refused standings (42501)"

tap_done
