#!/bin/sh
# t-client-lazy.sh - the client on a generated mailbox of 3,000 messages in
# interleaved threads (tests/tools/mua-gen), through tmux: the first screen
# is notmuch's own first threads (`notmuch search`) though only a screen
# was read, End reads the list to its end in steps, a tag change keeps the
# row and the cursor, and new mail coming in keeps the cursor on its thread.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../client.sh"
command -v notmuch >/dev/null || { not_ok "notmuch is installed (debian-packages)"; done_testing; }
S=lazy
CLIENT_WAIT=30
TOOLS=$(cd "$(dirname "$0")/../tools" && pwd)
export LANG=C.UTF-8 LC_ALL=C.UTF-8

# topics: the "topic N" of every index row on the screen, one a line
topics () { screen | sed -n '2,29p' | grep -o 'topic [0-9]*'; }

"$TOOLS/mua-gen" "$T/mail" 3000 >"$T/gen.out" || { not_ok "mua-gen makes the mailbox"; done_testing; }
printf '[database]\npath=%s\n[search]\nexclude_tags=\n' "$T/mail" >"$T/nmconfig"
export NOTMUCH_CONFIG="$T/nmconfig"
printf '[client]\nmaildir = %s\nstart = *\nsidebar = no\n' "$T/mail" >"$T/poczta.conf"
notmuch search --sort=newest-first --limit=28 '*' | grep -o 'topic [0-9]*' >"$T/want"
threads=$(notmuch count --output=threads '*')

tm new-session -d -s lazy -x 100 -y 30 "$BIN/poczta -c '$T/poczta.conf'; echo exit=\$?; sleep 60"
check "the first screen is shown" wait_for "poczta: *  ["
topics >"$T/got"
check "its rows are notmuch's newest threads, in notmuch's order" cmp -s "$T/want" "$T/got"
check_eq "... all 28 of them" 28 "$(wc -l <"$T/got")"
n=$(screen | head -n 1 | sed -n 's/^poczta: \*  \[\([0-9]*\)+\].*/\1/p')
check "only a screen of the $threads threads was read ([N+])" test -n "$n" -a "${n:-0}" -lt 100

keys End
check "End reads the list to its end" wait_for "poczta: *  [$threads]" 60
last=$(notmuch search --sort=newest-first '*' | tail -n 1 | grep -o 'topic [0-9]*')
check "... and shows its last thread" wait_re "$last( |\$)" 5
keys Home
check "Home goes back to the top" wait_re "$(sed -n 1p "$T/got")( |\$)" 10

# a tag change: the row stays, with its tag, and the cursor on it
keys j j j
row=$(screen | sed -n 5p | grep -o 'topic [0-9]*')
keys t "+lazytag" Enter
check "t tags the thread under the cursor" wait_for "[lazytag]"
check "... on the same row" sh -c "tmux -L $SOCK capture-pane -p -t lazy | sed -n 5p | grep -q '$row .*lazytag'"
check "the tag is in notmuch" test "$(notmuch count tag:lazytag)" -gt 0
keys Enter
check "... and the cursor stayed on it" wait_re "^poczta: (Re: )?$row  \[" 10
title=$(screen | head -n 1 | sed 's/  \[.*//')
keys q
wait_for "poczta: *  [" >/dev/null

# new mail while the client is open: it appears at the top, and the cursor
# stays on its thread (now a row further down)
now=$(date +%s)
printf 'From: New <new@example.org>\nTo: user@poczta.test\nSubject: brand new topic 999999\nMessage-ID: <new@test>\nDate: %s\n\nnew\n' \
	"$(date -R)" >"$T/mail/cur/$now.new.test:2,"
notmuch new >/dev/null 2>&1
check "new mail appears in the open index" wait_for "brand new topic 999999" 30
keys Enter
check "the cursor stayed on its thread when mail came above it" wait_for "$title" 10
keys q q
check "quitting ends the client with status 0 (sanitizers: no leak)" wait_for "exit=0" 20
done_testing
