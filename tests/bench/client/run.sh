#!/bin/sh
# tests/bench/client/run.sh [COUNT...] - time to the first screen, and the
# peak memory then, for a Maildir of COUNT messages (default 10000 and
# 100000): poczta beside NeoMutt on the same Maildir, NeoMutt once with a
# cold and once with a warm header cache and once through its notmuch
# virtual mailbox, all driven through tmux in the same run.  Prints a
# table and the ratios.  Not a test: no thresholds.  Needs: apt-get install
# neomutt tmux.  Indexing 100,000 messages takes minutes.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
[ $# -gt 0 ] || set -- 10000 100000
for p in neomutt tmux python3; do
	command -v $p >/dev/null || { echo "bench: $p is missing: apt-get install neomutt tmux"; exit 1; }
done
W=$(mktemp -d /tmp/poczta-bench-client.XXXXXX)
SOCK=poczta-bench-$$
export TMUX_TMPDIR="$W"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$W"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=$W/home
mkdir -p "$HOME"

# first_screen NAME TEXT COMMAND: seconds until TEXT is on a 100x30 screen,
# and the program's peak resident memory (VmHWM) then
first_screen () {
	name=$1 text=$2; shift 2
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	start=$(date +%s.%N)
	tmux -L "$SOCK" new-session -d -s b -x 100 -y 30 "exec $*"
	pid=$(tmux -L "$SOCK" display -p -t b '#{pane_pid}')
	i=0
	until tmux -L "$SOCK" capture-pane -p -t b 2>/dev/null | grep -qF -- "$text"; do
		i=$((i + 1))
		[ $i -lt 6000 ] || { echo "bench: $name never showed '$text'"; return 1; }
		sleep 0.005
	done
	end=$(date +%s.%N)
	kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	printf '%-34s %9.3f s %8d MB\n' "$name" "$(echo "$end - $start" | bc -l)" $((kb / 1024))
	echo "$end - $start" | bc -l >"$W/t.$name"
}

for n in "$@"; do
	rm -rf "$W/sb"
	"$top/bin/poczta-ctl" init "$W/sb" --user user --password x --domain poczta.test \
		--port-base 50000 >/dev/null
	python3 - "$W/sb/mail/user" "$n" <<'PY'
import os, sys, time
root, n = sys.argv[1], int(sys.argv[2])
now = int(time.time())
for i in range(n):
    parent = i - 1 if i % 5 else None       # threads of five
    hdr = (f"From: Sender {i % 97} <s{i % 97}@example.org>\nTo: user@poczta.test\n"
           f"Subject: message {i // 5}\nMessage-ID: <{i}@bench.example>\n"
           f"Date: {time.strftime('%a, %d %b %Y %H:%M:%S +0000', time.gmtime(now - (n - i) * 60))}\n")
    if parent is not None:
        hdr += f"In-Reply-To: <{parent}@bench.example>\nReferences: <{parent}@bench.example>\n"
    with open(f"{root}/cur/{now}.{i}.bench:2,S", "w") as f:
        f.write(hdr + f"\nbody of message {i}\n")
PY
	printf '[client]\nstart = *\n' >>"$W/sb/poczta.conf"
	echo "== $n messages (indexing...)"
	"$top/bin/poczta-ctl" -c "$W/sb/poczta.conf" reindex >/dev/null
	root=$W/sb/mail/user
	last="message $(( (n - 1) / 5 ))"
	cat >"$W/muttrc" <<EOF2
set mbox_type=Maildir
set folder="$root"
set spoolfile="$root"
set record=""
set postponed="$W/postponed"
set header_cache="$W/hcache"
set sort=threads
set sort_aux=last-date-received
set sort_re=no
set mark_old=no
set nm_default_url="notmuch://$root"
EOF2
	printf '[database]\npath=%s\n' "$root" >"$HOME/.notmuch-config"
	rm -rf "$W/hcache"
	first_screen "poczta ($n)" "$last" "$top/bin/poczta" -c "$W/sb/poczta.conf"
	# NeoMutt's status line shows the count once the mailbox is read
	first_screen "neomutt cold cache ($n)" "[Msgs:$n " neomutt -n -F "$W/muttrc" -f "$root"
	first_screen "neomutt warm cache ($n)" "[Msgs:$n " neomutt -n -F "$W/muttrc" -f "$root"
	first_screen "neomutt notmuch ($n)" "[Msgs:$n " neomutt -n -F "$W/muttrc" \
		-f "notmuch://$root?query=*"
	p=$(cat "$W/t.poczta ($n)")
	for peer in "neomutt warm cache ($n)" "neomutt notmuch ($n)"; do
		[ -f "$W/t.$peer" ] && printf '%-46s %6.1fx\n' "poczta faster than $peer" \
			"$(echo "$(cat "$W/t.$peer") / $p" | bc -l)"
	done
done
