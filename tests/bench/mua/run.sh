#!/bin/sh
# tests/bench/mua/run.sh [COUNT...] - the mail reader's first screen: time
# until it is on a 100x30 terminal, and the program's peak memory then, for
# a Maildir of COUNT messages (default 10000 and 100000; 1000000 is the big
# run): poczta beside NeoMutt on the same Maildir in the same run, NeoMutt
# once with a cold and once with a warm header cache and once through its
# notmuch virtual mailbox, all driven through tmux, each RUNS times
# (default 3) alternating, the median reported; "tmux floor" is the
# harness alone (a script that prints such a screen at once).  Prints a table and the
# ratios.  Not a test: no thresholds.  Needs: apt-get install neomutt tmux.
#
# The mailbox is made by tests/tools/mua-gen (files written, then indexed
# as poczta-ctl reindex would): about 6 s for 10,000 messages and 1 minute
# for 100,000 on a quiet two-core machine; 1,000,000 took 18 CPU minutes
# (54 minutes on a loaded machine), 4 GB of files (a 4 kB block each) and
# 1.5 GB of index.  MUA_BENCH_KEEP=DIR
# keeps each mailbox in DIR/COUNT and uses it again in later runs;
# MUA_BENCH_ALSO=PATH runs another build of poczta beside (before/after);
# a program not on screen in MUA_BENCH_LIMIT seconds (600) is left out.
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
[ $# -gt 0 ] || set -- 10000 100000
RUNS=${RUNS:-3}
for p in neomutt tmux; do
	command -v $p >/dev/null || { echo "bench: $p is missing: apt-get install neomutt tmux"; exit 1; }
done
[ -x "$top/tests/tools/mua-gen" ] || { echo "bench: make tests/tools/mua-gen first"; exit 1; }
W=$(mktemp -d /tmp/poczta-bench-mua.XXXXXX)
SOCK=poczta-bench-$$
export TMUX_TMPDIR="$W"
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$W"' EXIT
export LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME=$W/home
mkdir -p "$HOME"

# first_screen NAME CHECK COMMAND: seconds until the shell test CHECK holds
# on the captured screen (in $W/screen), and the program's peak resident
# memory (VmHWM) then; appended to $W/t.NAME and $W/m.NAME
first_screen () {
	name=$1 test=$2; shift 2
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	start=$(date +%s.%N)
	give_up=$(( ${start%.*} + ${MUA_BENCH_LIMIT:-600} ))
	tmux -L "$SOCK" new-session -d -s b -x 100 -y 30 "exec $*"
	pid=$(tmux -L "$SOCK" display -p -t b '#{pane_pid}')
	i=0
	until tmux -L "$SOCK" capture-pane -p -t b >"$W/screen" 2>/dev/null && sh -c "$test"; do
		i=$((i + 1))
		[ $((i % 200)) -ne 0 ] || [ "$(date +%s)" -lt $give_up ] || {
			echo "bench: $name did not show its first screen in ${MUA_BENCH_LIMIT:-600} s"
			tmux -L "$SOCK" kill-server 2>/dev/null || true
			return 1; }
		sleep 0.002
	done
	end=$(date +%s.%N)
	kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
	tmux -L "$SOCK" kill-server 2>/dev/null || true
	echo "$end - $start" | bc -l >>"$W/t.$name"
	echo $((kb / 1024)) >>"$W/m.$name"
}

# report NAME: the median time and memory of NAME's runs
median () { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
report () {
	printf '%-30s %8.3f s %6d MB   (runs: %s)\n' "$1" "$(median "$W/t.$1")" \
		"$(median "$W/m.$1")" "$(tr '\n' ' ' <"$W/t.$1" | sed 's/ $//')"
}

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in "$@"; do
	sb=$W/sb
	rm -rf "$sb"
	"$top/bin/poczta-ctl" init "$sb" --user user --password x --domain poczta.test \
		--port-base 50000 >/dev/null
	root=$sb/mail/user
	if [ -n "${MUA_BENCH_KEEP:-}" ] && [ -d "$MUA_BENCH_KEEP/$n/.notmuch" ]; then
		rm -rf "$root"
		ln -s "$MUA_BENCH_KEEP/$n" "$root"
	else
		[ -z "${MUA_BENCH_KEEP:-}" ] || { rm -rf "$MUA_BENCH_KEEP/$n" "$root";
			mkdir -p "$MUA_BENCH_KEEP/$n"; ln -s "$MUA_BENCH_KEEP/$n" "$root"; }
		g0=$(date +%s)
		"$top/tests/tools/mua-gen" "$root/" "$n" >/dev/null
		echo "# $n messages made and indexed in $(( $(date +%s) - g0 )) s"
	fi
	root=$(cd "$root" && pwd -P)
	inbox=$(ls "$root/cur" "$root/new" | grep -vc '^$\|:$')	# what NeoMutt's INBOX holds
	total=$(find "$root" -path '*/cur/*' -o -path '*/new/*' | grep -c .)
	# into the sandbox's [client] section (it holds the outbox's keys)
	grep -q '^\[client\]' "$sb/poczta.conf" || printf '\n[client]\n' >>"$sb/poczta.conf"
	sed -i "/^\[client\]/a maildir = $root\\nstart = folder:\"\"" "$sb/poczta.conf"
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
	# poczta: its status line and the last row of the index are drawn;
	# NeoMutt: its status line shows the count once the mailbox is read
	pz="head -n 1 $W/screen | grep -q '^poczta: ' && sed -n 29p $W/screen | grep -q topic"
	nm="grep -qF '[Msgs:$inbox ' $W/screen"
	nma="grep -qF '[Msgs:$total ' $W/screen"
	# the harness alone: a shell that prints such a screen at once
	printf '#!/bin/sh\necho "poczta: floor"\nfor i in $(seq 2 28); do echo; done\necho topic\nexec sleep 60\n' >"$W/floor"
	chmod +x "$W/floor"
	rm -rf "$W"/t.* "$W"/m.* "$W/hcache"
	first_screen "neomutt cold cache" "$nm" neomutt -n -F "$W/muttrc" -f "$root" || true
	r=0
	while [ $r -lt "$RUNS" ]; do
		first_screen "tmux floor" "$pz" "$W/floor" || true
		first_screen "poczta" "$pz" "$top/bin/poczta" -c "$sb/poczta.conf" || true
		[ -z "${MUA_BENCH_ALSO:-}" ] ||
			first_screen "poczta (also)" "$pz" "$MUA_BENCH_ALSO" -c "$sb/poczta.conf" || true
		first_screen "neomutt warm cache" "$nm" neomutt -n -F "$W/muttrc" -f "$root" || true
		first_screen "neomutt notmuch" "$nma" neomutt -n -F "$W/muttrc" \
			-f "notmuch://$root?query=*" || true
		r=$((r + 1))
	done
	echo "== $n messages ($inbox in INBOX: poczta and NeoMutt's Maildir;" \
		"all $total through notmuch), first screen, median of $RUNS"
	for name in "tmux floor" poczta "poczta (also)" "neomutt cold cache" "neomutt warm cache" \
		"neomutt notmuch"; do
		[ ! -f "$W/t.$name" ] || report "$name"
	done
	[ -f "$W/t.poczta" ] || continue
	p=$(median "$W/t.poczta")
	for peer in "neomutt warm cache" "neomutt notmuch"; do
		[ -f "$W/t.$peer" ] || continue
		printf '%-46s %7.1fx\n' "poczta faster than $peer" \
			"$(echo "$(median "$W/t.$peer") / $p" | bc -l)"
	done
done
