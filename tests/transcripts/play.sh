# tests/transcripts/play.sh - what the t-*transcripts.sh share: play a
# dialogue (.in) through an engine's driver and compare what the engine
# answers with the .ref beside it.  Sourced after lib.sh with drv set to
# the driver; a test may define before_play (run before each play: a
# fresh Maildir, say).  Each dialogue is played three ways: all bytes in
# one call, one byte per call (-b), and 7 bytes per call (-c 7); all three
# must give the .ref, which shows that the engine does not depend on how
# the peer's bytes are split into reads.  Under valgrind two ways are
# enough to see memory errors, and quicker.
[ -x "$drv" ] || { not_ok "${drv#"$top"/} is built"; done_testing; }
before_play () { :; }

# run_drv ARG...: the driver, under valgrind when VALGRIND is set
run_drv () {
	before_play
	if [ -n "${VALGRIND:-}" ]; then
		valgrind -q --error-exitcode=99 --leak-check=full \
			--errors-for-leak-kinds=definite "$drv" "$@"
	else
		"$drv" "$@"
	fi
}

# play NAME IN [ARG...]: one TAP line for the three ways of feeding IN to
# the driver (ARGs first)
play () {
	p_name=$1 p_in=$2
	shift 2
	p_ref=${p_in%.in}.ref
	p_failed=
	p_ways="whole bytes chunks"
	[ -n "${VALGRIND:-}" ] && p_ways="whole bytes"
	for p_how in $p_ways; do
		case $p_how in
		whole) p_way= ;;
		bytes) p_way=-b ;;
		chunks) p_way="-c 7" ;;
		esac
		# shellcheck disable=SC2086 # p_way is zero, one or two words
		if ! run_drv "$@" $p_way "$p_in" >"$T/out" 2>"$T/err"; then
			p_failed="$p_failed $p_how(exit)"
			sed 's/^/#   /' "$T/err"
		elif ! diff -u "$p_ref" "$T/out" >"$T/diff" 2>&1; then
			p_failed="$p_failed $p_how"
			sed 's/^/#   /' "$T/diff"
		fi
	done
	if [ -z "$p_failed" ]; then
		ok "$p_name"
	else
		not_ok "$p_name (differs when fed:$p_failed)"
	fi
}
