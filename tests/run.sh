#!/bin/sh
# tests/run.sh - run every test layer and end with one line "N passed, N failed".
#
# Layers: the cmocka unit programs (tests/unit/test_*), then every script
# tests/*/t-*.sh (transcripts, integration, crash consistency, interop).
# Each prints TAP lines ("ok ..." / "not ok ..."); a program that exits non-zero
# without reporting a failure counts as one failure.  VALGRIND=1 runs the unit
# programs, and the poczta programs the scripts start, under valgrind.
# TESTS="pattern" runs only the files whose name contains pattern.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
logs=$top/tests/logs
rm -rf "$logs"; mkdir -p "$logs"
pass=0 fail=0
CMOCKA_MESSAGE_OUTPUT=TAP; export CMOCKA_MESSAGE_OUTPUT
POCZTA_TOP=$top; export POCZTA_TOP
export VALGRIND

vg=
if [ -n "${VALGRIND:-}" ]; then
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
fi

run_one () {
	name=$1; shift
	case "$name" in *"${TESTS:-}"*) ;; *) return ;; esac
	log=$logs/$(echo "$name" | tr '/' '_').log
	start=$(date +%s)
	"$@" >"$log" 2>&1 </dev/null
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc" >>"$log"
		f=1
	fi
	pass=$((pass + p)); fail=$((fail + f))
	printf '%-48s %4d passed %4d failed  %3ss\n' "$name" "$p" "$f" $(( $(date +%s) - start ))
	if [ "$f" -gt 0 ]; then
		grep '^not ok ' "$log" | sed 's/^/    /'
		echo "    (log: $log)"
	fi
}

for t in tests/unit/test_*; do
	[ -x "$t" ] && [ "${t%.c}" = "$t" ] && [ "${t%.o}" = "$t" ] && [ "${t%.d}" = "$t" ] || continue
	run_one "$t" $vg "./$t"
done
for t in tests/*/t-*.sh; do
	[ -f "$t" ] || continue
	run_one "$t" sh "$t"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
