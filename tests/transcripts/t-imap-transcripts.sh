#!/bin/sh
# t-imap-transcripts.sh - play every tests/transcripts/t-imap/*.in against
# the IMAP engine (lib/imapd.c over lib/mstore.c) through
# tests/tools/imapd-transcript, each in a fresh Maildir, and compare what it
# answers with the .ref beside it.  Each dialogue is played three ways: all
# bytes in one call, one byte per call, and 7 bytes per call; all three
# must give the .ref.
. "$(dirname "$0")/../lib.sh"

drv=$top/tests/tools/imapd-transcript

run_drv () {
	rm -rf "$T/md" && mkdir -p "$T/md/cur" "$T/md/new" "$T/md/tmp"
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite "$drv" -d "$T/md" "$@"
	else
		"$drv" -d "$T/md" "$@"
	fi
}

[ -x "$drv" ] || { not_ok "tests/tools/imapd-transcript is built"; done_testing; }
for in in "$top"/tests/transcripts/t-imap/*.in; do
	name=imap/$(basename "$in" .in)
	ref=${in%.in}.ref
	failed=
	ways="whole bytes chunks"
	[ -n "${VALGRIND:-}" ] && ways="whole bytes"
	for how in $ways; do
		case $how in
		whole) set -- ;;
		bytes) set -- -b ;;
		chunks) set -- -c 7 ;;
		esac
		if ! run_drv "$@" "$in" >"$T/out" 2>"$T/err"; then
			failed="$failed $how(exit)"
			sed 's/^/#   /' "$T/err"
		elif ! diff -u "$ref" "$T/out" >"$T/diff" 2>&1; then
			failed="$failed $how"
			sed 's/^/#   /' "$T/diff"
		fi
	done
	if [ -z "$failed" ]; then ok "$name"; else not_ok "$name (differs when fed:$failed)"; fi
done
# the trace never shows a password
run_drv -t "$top/tests/transcripts/t-imap/auth.in" >/dev/null 2>"$T/trace"
if grep -E 'secret|AGFsaWNl' "$T/trace" >"$T/leak"; then
	sed 's/^/#   /' "$T/leak"; not_ok "imap: the trace shows credentials"
else
	ok "imap: the trace masks credentials"
fi
done_testing
