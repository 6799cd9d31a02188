#!/bin/sh
# t-transcripts.sh - play every tests/transcripts/<mode>/*.in against the
# SMTP/LMTP engine (lib/smtpd.c) through tests/tools/smtpd-transcript and
# compare what it answers with the .ref beside it.  Each dialogue is played
# three ways: all bytes in one call, one byte per call, and 7 bytes per
# call; all three must give the .ref, which shows that the engine does not
# depend on how the peer's bytes are split into reads.
# The directory names the mode: lmtp, smtp or submission.
. "$(dirname "$0")/../lib.sh"

drv=$top/tests/tools/smtpd-transcript

. "$top/tests/transcripts/play.sh"

# trace MODE IN: with the protocol trace on, no credential of the AUTH
# dialogues (base64 or decoded) shows: AUTH lines are "AUTH mech" or
# "AUTH mech ****", responses "****"
trace () {
	mode=$1 in=$2
	name=$mode/$(basename "$in" .in)
	if ! "$drv" -t -m "$mode" "$in" >/dev/null 2>"$T/trace"; then
		not_ok "$name: trace (exit)"
	elif grep -E 'secret|wrong|c2VjcmV0|d3Jvbmc|AHNlY3JldA|YWxpY2U' "$T/trace" >"$T/leak" ||
	     grep -iE ' C: AUTH ' "$T/trace" | grep -viE ' C: AUTH [^ ]*( \*\*\*\*)?$' >>"$T/leak"; then
		sed 's/^/#   /' "$T/leak"
		not_ok "$name: trace shows credentials"
	else
		ok "$name: trace masks credentials"
	fi
}

for mode in lmtp smtp submission; do
	for in in "$top/tests/transcripts/$mode"/*.in; do
		[ -f "$in" ] || continue
		play "$mode/$(basename "$in" .in)" "$in" -m "$mode"
		grep -q '^!auth' "$in" && trace "$mode" "$in"
	done
done
done_testing
