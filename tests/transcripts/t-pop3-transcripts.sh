#!/bin/sh
# t-pop3-transcripts.sh - play every tests/transcripts/pop3/*.in against the
# POP3 engine (lib/pop3d*.c) through tests/tools/pop3d-transcript and
# compare what it answers with the .ref beside it.  Each dialogue is played
# three ways: all bytes in one call, one byte per call, and 7 bytes per
# call; all three must give the .ref (the engine must not depend on how
# the client's bytes are split into reads).  Dialogues that log in are
# played once more with the protocol trace on, which must show no password.
. "$(dirname "$0")/../lib.sh"

drv=$top/tests/tools/pop3d-transcript

. "$top/tests/transcripts/play.sh"

# trace IN: with the trace on, no password shows, plain or in base64
# ("secret", "wrong" and their PLAIN messages): PASS lines are "PASS ****",
# AUTH lines "AUTH mech ****", responses "****"
trace () {
	in=$1
	name=pop3/$(basename "$in" .in)
	if ! "$drv" -t "$in" >/dev/null 2>"$T/trace"; then
		not_ok "$name: trace (exit)"
	elif grep -E 'secret|wrong|c2VjcmV0|d3Jvbmc|AHNlY3JldA|Ad3Jvbmc|AGFsaWNlAHNlY3Jld' "$T/trace" >"$T/leak"; then
		sed 's/^/#   /' "$T/leak"
		not_ok "$name: trace shows credentials"
	elif ! grep -q ' C: ' "$T/trace"; then
		not_ok "$name: trace shows the dialogue"
	else
		ok "$name: trace masks credentials"
	fi
}

for in in "$top/tests/transcripts/pop3"/*.in; do
	[ -f "$in" ] || continue
	play "pop3/$(basename "$in" .in)" "$in"
	grep -qiE '^(pass|auth) ' "$in" && trace "$in"
done
done_testing
