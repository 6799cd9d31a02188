# tests/lib.sh - helpers for the scripted tests; sourced by tests/*/t-*.sh.
# Prints TAP: "ok N - what" or "not ok N - what".  Every script runs in its
# own throw-away directory ($T) which is removed at the end unless KEEP=1.
top=${POCZTA_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=$top/bin
T=$(mktemp -d /tmp/poczta-test.XXXXXX)
tap_n=0
tap_failed=0
PIDS_TO_KILL=
cleanup () {
	for p in $PIDS_TO_KILL; do kill "$p" 2>/dev/null; done
	[ -n "${KEEP:-}" ] || rm -rf "$T"
}
trap cleanup EXIT

# run a poczta program, under valgrind when VALGRIND is set
prog () {
	name=$1; shift
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--trace-children=no "$BIN/$name" "$@"
	else
		"$BIN/$name" "$@"
	fi
}

ok () { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
not_ok () { tap_n=$((tap_n + 1)); tap_failed=1; echo "not ok $tap_n - $*"; }
# check WHAT COMMAND...: ok when COMMAND succeeds
check () { what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
# check_eq WHAT EXPECTED ACTUAL
check_eq () {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"; fi
}

# free_port: a TCP port on 127.0.0.1 nobody listens on now
free_port () {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# free_port_base: N such that N+24 .. N+995 are likely free (for poczta-ctl init --port-base)
free_port_base () {
	python3 - <<'PY'
import socket, random
offs = [24, 25, 110, 143, 465, 587, 993, 995]
for _ in range(200):
    n = random.randrange(20000, 60000)
    socks = []
    try:
        for o in offs:
            s = socket.socket(); s.bind(("127.0.0.1", n + o)); socks.append(s)
        print(n); break
    except OSError:
        pass
    finally:
        for s in socks: s.close()
PY
}
# sandbox USER PASSWORD: a sandbox by poczta-ctl init in $T/sb for USER at
# poczta.test, on a free port base; sets base and CONF
sandbox () {
	base=$(free_port_base)
	prog poczta-ctl init "$T/sb" --user "$1" --password "$2" --domain poczta.test \
		--port-base "$base" >/dev/null 2>&1 || { not_ok "poczta-ctl init"; done_testing; }
	CONF=$T/sb/poczta.conf
}
# sandbox_up: its stack started (poczta-ctl up), and stopped when the test ends
sandbox_up () {
	"$BIN/poczta-ctl" -c "$CONF" up >"$T/up.log" 2>&1 ||
		{ not_ok "poczta-ctl up: $(cat "$T/up.log")"; done_testing; }
	trap '"$BIN/poczta-ctl" -c "$CONF" down >/dev/null 2>&1; cleanup' EXIT
}
done_testing () { exit $tap_failed; }
