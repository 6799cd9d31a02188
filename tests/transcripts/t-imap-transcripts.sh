#!/bin/sh
# t-imap-transcripts.sh - play every tests/transcripts/t-imap/*.in against
# the IMAP engine (lib/imapd.c over lib/mstore.c) through
# tests/tools/imapd-transcript, each in a fresh Maildir, and compare what it
# answers with the .ref beside it.  Each dialogue is played three ways: all
# bytes in one call, one byte per call, and 7 bytes per call; all three
# must give the .ref.
. "$(dirname "$0")/../lib.sh"

drv=$top/tests/tools/imapd-transcript

. "$top/tests/transcripts/play.sh"
# before_play: each dialogue in a fresh Maildir
before_play () { rm -rf "$T/md" && mkdir -p "$T/md/cur" "$T/md/new" "$T/md/tmp"; }

for in in "$top"/tests/transcripts/t-imap/*.in; do
	play "imap/$(basename "$in" .in)" "$in" -d "$T/md"
done
# the trace never shows a password
run_drv -d "$T/md" -t "$top/tests/transcripts/t-imap/auth.in" >/dev/null 2>"$T/trace"
if grep -E 'secret|AGFsaWNl' "$T/trace" >"$T/leak"; then
	sed 's/^/#   /' "$T/leak"; not_ok "imap: the trace shows credentials"
else
	ok "imap: the trace masks credentials"
fi
done_testing
