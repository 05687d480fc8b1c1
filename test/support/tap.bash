# TAP output for the multi-connection test scripts (test/*.sh).  Sourced,
# not run: scripts/test.sh only runs executable test/*.sh files.
#
#   plan N; ok COND DESC; is GOT WANT DESC; diag TEXT
#   tap_done: true when every planned test ran and none failed
#
# COND of ok is a shell truth word: t, true, 1 and yes pass, anything else
# fails.

T_PLANNED=0
T_RUN=0
T_FAILED=0

plan() {
	T_PLANNED=$1
	echo "1..$1"
}

diag() {
	local line
	while IFS= read -r line; do
		printf '# %s\n' "$line"
	done <<<"$*"
}

ok() {
	local cond=$1 desc
	shift
	desc=${*//$'\n'/ }
	T_RUN=$((T_RUN + 1))
	case $cond in
	t | true | 1 | yes) echo "ok $T_RUN - $desc" ;;
	*)
		echo "not ok $T_RUN - $desc"
		T_FAILED=$((T_FAILED + 1))
		;;
	esac
}

is() {
	local got=$1 want=$2
	shift 2
	if [[ $got == "$want" ]]; then
		ok t "$@"
	else
		ok f "$@"
		diag "     got: '$got'"
		diag "    want: '$want'"
	fi
}

tap_done() {
	if ((T_RUN != T_PLANNED)); then
		diag "planned $T_PLANNED tests but ran $T_RUN"
	fi
	((T_FAILED == 0 && T_RUN == T_PLANNED))
}
