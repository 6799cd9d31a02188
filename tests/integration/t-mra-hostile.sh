#!/bin/sh
# t-mra-hostile.sh - poczta-mra against a hostile server (t-mra-lib/
# hostile.py): with STARTTLS required, a server that does not offer it,
# refuses it, injects a reply after it, or greets with PREAUTH gets no
# credentials and the fetch fails.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/t-mra-lib/dovecot.sh"

mra_setup 'hostile-secret'
for mode in imap-nostarttls imap-refuse imap-inject imap-preauth pop-nostls pop-refuse pop-inject; do
	rm -f "$T/port"
	python3 "$(dirname "$0")/t-mra-lib/hostile.py" "$mode" "$T/port" "$T/$mode.log" &
	pid=$!
	PIDS_TO_KILL="$PIDS_TO_KILL $pid"
	i=0
	while [ $i -lt 300 ] && ! [ -s "$T/port" ]; do sleep 0.1; i=$((i + 1)); done
	type=imap
	case $mode in pop-*) type=pop3 ;; esac
	mra_account "$mode" "$type" "$(cat "$T/port")" starttls "ca=$T/pw"
	sed -i '/^ca = /d' "$T/poczta.conf"	# the system's CAs: no handshake is reached
	out=$(prog poczta-mra -c "$T/poczta.conf" fetch "$mode" 2>&1)
	check_eq "$mode: the fetch fails" 75 $?
	wait "$pid" 2>/dev/null
	check "$mode: no credentials were sent" sh -c "! grep -qiE 'LOGIN|AUTHENTICATE|^USER|^PASS|hostile-secret' '$T/$mode.log'"
	case "$mode:$out" in
	*nost*:*"does not offer"*|*refuse:*refused*|*inject:*injected*|*preauth:*PREAUTH*)
		ok "$mode: the error says why" ;;
	*) not_ok "$mode: the error says why"; echo "# $out" ;;
	esac
done
check "nothing was delivered" test ! -d "$T/Maildir"
done_testing
