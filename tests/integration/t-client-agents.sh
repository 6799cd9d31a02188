#!/bin/sh
# t-client-agents.sh - the client's agents screen (A) on poczta --demo in
# tmux (after every agent's --help and section are checked for the trace
# switch): the chain's boxes, each agent running with its address; a message
# sent to the MTA shows in the MTA box's protocol lines (the demo turns the
# agents' trace on); the MSA killed by pid shows stopped; the boxes wrap
# into rows at 80x24 and stand in one row at 200 columns.
. "$(dirname "$0")/../lib.sh"

. "$(dirname "$0")/../client.sh"
command -v swaks >/dev/null || { not_ok "swaks is installed"; done_testing; }

# box_line ROLE N: the Nth line (0: the top edge) of ROLE's box on the screen
box_line () {
	screen | python3 -c '
import sys
role, n = sys.argv[1], int(sys.argv[2])
rows = sys.stdin.read().splitlines()
for y, r in enumerate(rows):
    x = r.find("\u250c" + role + " ")
    if x >= 0:
        end = r.find("\u2510", x)
        print(rows[y + n][x + 1:end] if y + n < len(rows) else "")
        break' "$1" "$2"
}
# box_has ROLE TEXT: TEXT is somewhere inside ROLE's box
box_has () {
	for n in 1 2 3 4 5 6 7 8 9; do
		box_line "$1" $n | grep -qF -- "$2" && return 0
	done
	return 1
}
# tops: the row of each box's top edge, "ROLE:ROW ..."
tops () {
	screen | python3 -c '
import sys
rows = sys.stdin.read().splitlines()
out = []
for role in ("MUA", "MSA", "MTA", "MDA", "MAA", "MRA"):
    out += ["%s:%d" % (role, y) for y, r in enumerate(rows) if "\u250c" + role + " " in r]
print(" ".join(out))'
}
tops_are () { [ "$(tops)" = "$1" ]; }

# issue 9: every agent's --help names --trace, and every agent's section
# takes the trace switch
for a in mda mta msa maa mra; do
	check "poczta-$a --help names --trace" sh -c "'$BIN/poczta-$a' --help 2>&1 | grep -q -- '--trace'"
done
printf '[global]\ndata_dir = d\n[mda]\ntrace = yes\n[mta]\ntrace = yes\n[msa]\ntrace = yes\n[maa]\ntrace = yes\n[account a]\nhost = h\nuser = u\ntrace = yes\n' >"$T/trace.conf"
mkdir -p "$T/d"
check "every agent's section takes trace = yes" "$BIN/poczta-ctl" -c "$T/trace.conf" check

mkdir -p "$T/cwd"
tm new-session -d -s demo -x 120 -y 30 \
	"cd '$T/cwd' && TMPDIR='$T' LANG=C.UTF-8 LC_ALL=C.UTF-8 $BIN/poczta --demo; sleep 60"
check "the demo opens on the inbox" wait_for "poczta: tag:inbox" 60
box=$(ls -d "$T"/poczta-demo.* | head -n 1)
conf=$box/poczta.conf
check "the demo turns the agents' and the client's trace on" \
	sh -c "[ \$(grep -c '^trace = yes' '$conf') -eq 5 ]"
keys '?'
check "the help screen names A and the agents screen" \
	wait_for "A               agents          the mail agents"
keys q
wait_for "poczta: tag:inbox" >/dev/null
keys A
check "A opens the agents screen" wait_for "poczta: the mail agents"
for role in MUA MSA MTA MDA MAA; do
	check "the $role box says running" eventually 20 box_has $role "running (pid"
done
check "the MRA box says not configured (no account is watched)" box_has MRA "not configured"
addr () { awk -v s="[$1]" -F' = ' '/^\[/ { in_s = ($0 == s) } in_s && $1 == "'"$2"'" { print $2 }' "$conf"; }
check "the MSA box shows its address" box_has MSA "$(addr msa listen)"
check "the MTA box shows its address" box_has MTA "$(addr mta listen)"
check "the MDA box shows its address" box_has MDA "$(addr mda lmtp_listen)"
check "the MAA box shows its address" box_has MAA "$(addr maa imap_listen)"
check "the MTA box shows its queue" box_has MTA "queue: 0"
check "the MUA box shows the client's outbox" box_has MUA "outbox: 0"

port=$(addr mta listen); port=${port##*:}
swaks --server "127.0.0.1:$port" --from a@example.org --to user@poczta.test \
	--header 'Subject: agents screen' --body 'hello' >"$T/swaks.out" 2>&1
check "swaks sent a message to the MTA" grep -q "250 2.0.0 Ok: queued" "$T/swaks.out"
check "the MTA box shows its last protocol lines" eventually 20 box_has MTA "C: QUIT"
check "... and the delivery by LMTP" eventually 20 box_has MTA "S: 250 2.0.0 delivered to"
check "the MDA box shows its side of LMTP" eventually 20 box_has MDA "S: 221 2.0.0 Bye"
check "the MDA box's last line is the delivery or its end" eventually 20 box_has MDA "info: "

# the client's own submission ([client] trace): put into its spool as the
# compose screen does, submitted by the running client to the demo's MSA
printf 'From: user@poczta.test\nTo: user@poczta.test\nSubject: agents mua\n\nhi\n' |
	"$top/tests/tools/outbox-send" -c "$conf" put user@poczta.test user@poczta.test >/dev/null
check "the MUA box shows its dialogue with the MSA" eventually 40 box_has MUA "S: 221"
check "... and its last line is the submission" eventually 20 box_has MUA "info: submission"
log=$box/log/poczta.log
check "the client's log has the submission's outcome" \
	grep -q "MUA info: submission id=.* msa=127.0.0.1:.* sent=1 .*status=sent" "$log"
check "... and its dialogue, labelled MUA" grep -q "MUA C: EHLO " "$log"
check "... with the AUTH data hidden" grep -q "MUA C: AUTH PLAIN <hidden>\$" "$log"
pw=$(head -n 1 "$box/data/submit-password")
check "... the password nowhere in the log, plain or in base64" sh -c "! grep -qF -e '$pw' \
	-e \"\$(printf '\\0user\\0%s' '$pw' | base64)\" '$log'"

msa=$(cat "$box/data/run/msa.pid")
kill "$msa"
check "the MSA killed by pid shows stopped" eventually 20 box_has MSA "stopped"
check "... while the MTA still runs" box_has MTA "running (pid"

tm resize-window -t demo -x 80 -y 24
check "at 80x24 the chain wraps into two rows" \
	eventually 20 tops_are "MUA:1 MSA:1 MTA:1 MDA:12 MAA:12 MRA:12"
check "... the second row's first box has the arrow from the row above" \
	sh -c "tmux -L $SOCK capture-pane -p -t demo | sed -n 14p | grep -q '^ ──→│'"
tm resize-window -t demo -x 200 -y 30
check "at 200 columns the chain is one row" \
	eventually 20 tops_are "MUA:1 MSA:1 MTA:1 MDA:1 MAA:1 MRA:1"
check "... with an arrow before each box but the first" \
	sh -c "[ \$(tmux -L $SOCK capture-pane -p -t demo | sed -n 3p | grep -o '─→│' | wc -l) -eq 5 ]"

keys q
check "q goes back to the index" wait_for "poczta: tag:inbox"
keys Q
check "quitting stops the stack" eventually 20 sh -c "! '$BIN/poczta-ctl' -c '$conf' status | grep -q running"
done_testing
