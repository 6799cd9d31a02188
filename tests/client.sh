# tests/client.sh - what the t-client* tests share to drive poczta through
# tmux as a person does: sourced after lib.sh.  The tmux server is the
# test's own (its socket under $T); S names the session the functions talk
# to (default "demo").  On exit the server is killed and the stack of every
# demo sandbox under $T stopped; a test that starts a stack of its own adds
# it with client_also_down CONF.  tmux is installed by .ci/run and the
# quick start: its absence fails, never skips.
command -v tmux >/dev/null || { not_ok "tmux is installed"; done_testing; }
[ -x "$BIN/poczta" ] || { not_ok "bin/poczta is built"; done_testing; }
S=demo
SOCK=poczta-$(basename "$0" .sh)-$$
export TMUX_TMPDIR="$T"
client_confs=
tm () { tmux -L "$SOCK" "$@"; }
screen () { tm capture-pane -p -t "$S"; }
keys () { tm send-keys -t "$S" "$@"; }

# client_wait GREP-OPTION TEXT [SECONDS]: until grep finds TEXT on the
# screen ($CLIENT_WAIT s, 20 by default: valgrind, load); the screen as TAP
# comments when it never does
client_wait () {
	i=0
	while [ $i -lt $((${3:-${CLIENT_WAIT:-20}} * 10)) ]; do
		screen | grep -q "$1" -- "$2" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	screen | sed 's/^/# /'
	return 1
}
# wait_for TEXT [SECONDS]: until TEXT is on the screen
wait_for () { client_wait -F "$@"; }
# wait_re REGEX [SECONDS]: until a line of the screen matches REGEX (grep -E)
wait_re () { client_wait -E "$@"; }

# eventually SECONDS COMMAND...: until COMMAND succeeds; the screen as TAP
# comments when it never does
eventually () {
	s=$1
	shift
	i=0
	until "$@"; do
		[ $i -lt $((s * 10)) ] || { screen 2>/dev/null | sed 's/^/# /'; return 1; }
		sleep 0.1
		i=$((i + 1))
	done
}

# client_also_down CONF: stop that sandbox's stack on exit too
client_also_down () { client_confs="$client_confs $1"; }

client_cleanup () {
	tm kill-server 2>/dev/null
	for c in "$T"/poczta-demo.*/poczta.conf "$T"/*/poczta-demo.*/poczta.conf $client_confs; do
		[ -f "$c" ] && "$BIN/poczta-ctl" -c "$c" down >/dev/null 2>&1
	done
	cleanup
}
trap client_cleanup EXIT
