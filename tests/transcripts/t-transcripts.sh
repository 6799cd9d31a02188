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

run_drv () {
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite "$drv" "$@"
	else
		"$drv" "$@"
	fi
}

# play MODE IN: one TAP line for the three ways of feeding IN
play () {
	mode=$1 in=$2
	name=$mode/$(basename "$in" .in)
	ref=${in%.in}.ref
	failed=
	ways="whole bytes chunks"
	# under valgrind two ways are enough to see memory errors, and quicker
	[ -n "${VALGRIND:-}" ] && ways="whole bytes"
	for how in $ways; do
		case $how in
		whole) set -- ;;
		bytes) set -- -b ;;
		chunks) set -- -c 7 ;;
		esac
		if ! run_drv -m "$mode" "$@" "$in" >"$T/out" 2>"$T/err"; then
			failed="$failed $how(exit)"
			sed 's/^/#   /' "$T/err"
		elif ! diff -u "$ref" "$T/out" >"$T/diff" 2>&1; then
			failed="$failed $how"
			sed 's/^/#   /' "$T/diff"
		fi
	done
	if [ -z "$failed" ]; then
		ok "$name"
	else
		not_ok "$name (differs when fed:$failed)"
	fi
}

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

[ -x "$drv" ] || { not_ok "tests/tools/smtpd-transcript is built"; done_testing; }
for mode in lmtp smtp submission; do
	for in in "$top/tests/transcripts/$mode"/*.in; do
		[ -f "$in" ] || continue
		play "$mode" "$in"
		grep -q '^!auth' "$in" && trace "$mode" "$in"
	done
done
done_testing
